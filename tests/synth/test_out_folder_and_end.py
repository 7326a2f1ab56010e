"""Where the county is written, and the day its data ends (docs/synthetic-county.md)."""

import datetime
import json

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from safeguarding.synth.county import FolderInUse, build_county
from safeguarding.synth.parameters import REFERENCE_END, WINDOW_DAYS


def attendance_return(county) -> pd.DataFrame:
    # The file holds deliberately bad rows (a Windows-1252 name, a short row): skip past them.
    return pd.read_csv(
        county / "extracts" / "education" / "education_attendance.csv",
        dtype=str,
        encoding_errors="replace",
        on_bad_lines="skip",
        engine="python",
    )


def test_a_folder_holding_other_files_is_refused_and_left_as_it_was(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")

    with pytest.raises(FolderInUse, match="notes.txt"):
        build_county(out_dir=tmp_path, seed=3, scale="small", window_end=REFERENCE_END)
    with pytest.raises(CommandError, match="--force"):
        call_command("synth", "--out", str(tmp_path), "--scale", "small", verbosity=0)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_forced_the_county_is_written_beside_other_files_and_deletes_none(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "extracts").mkdir()
    (tmp_path / "extracts" / "README").write_text("also mine")

    build_county(out_dir=tmp_path, seed=3, scale="small", window_end=REFERENCE_END, force=True)

    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "extracts" / "README").read_text() == "also mine"
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert "notes.txt" not in manifest["files"]
    assert "extracts/README" not in manifest["files"]
    assert "extracts/police/police_nominals.csv" in manifest["files"]


def test_a_county_is_rebuilt_over_its_own_folder_for_another_seed(tmp_path):
    build_county(out_dir=tmp_path, seed=3, scale="small", window_end=REFERENCE_END)
    first = json.loads((tmp_path / "manifest.json").read_text())

    rebuilt = build_county(out_dir=tmp_path, seed=4, scale="small", window_end=REFERENCE_END)

    second = json.loads((tmp_path / "manifest.json").read_text())
    assert not rebuilt.reused
    assert second["seed"] == 4
    assert set(second["files"]) == set(first["files"])
    assert second["files"]["truth/people.csv"] != first["files"]["truth/people.csv"]


def test_without_an_end_the_county_ends_today(tmp_path):
    today = datetime.date.today()

    summary = build_county(out_dir=tmp_path, seed=3, scale="small")

    assert summary.window_end == today.isoformat()
    parameters = json.loads((tmp_path / "truth" / "parameters.json").read_text())
    assert parameters["window_end"] == today.isoformat()
    start = datetime.date.fromisoformat(parameters["window_start"])
    assert start == today - datetime.timedelta(days=WINDOW_DAYS)
    events = pd.read_csv(tmp_path / "truth" / "events.csv", parse_dates=["occurred_at"])
    assert events["occurred_at"].max().date() <= today
    assert events["occurred_at"].max().date() >= today - datetime.timedelta(days=30)
    assert events["occurred_at"].min().date() >= start
    youth_justice = tmp_path / "extracts" / "youth_justice" / "youth_justice_outcomes.json"
    exported = json.loads(youth_justice.read_text())["exported"]
    assert exported == (today + datetime.timedelta(days=1)).isoformat()
    attendance = attendance_return(tmp_path)
    term_starts = pd.to_datetime(attendance["TermStart"], errors="coerce").dropna()
    assert term_starts.nunique() == 12
    assert term_starts.max().date() <= today
    # Every half term returned was over by the end: its last day is on or before it.
    term_ends = pd.to_datetime(attendance["TermEnd"], errors="coerce").dropna()
    assert term_ends.max().date() <= today
    assert (term_ends.max() - term_starts.max()).days > 30


def test_the_end_decides_reuse_only_when_it_is_given(tmp_path):
    build_county(out_dir=tmp_path, seed=3, scale="small", window_end=REFERENCE_END)

    unspecified = build_county(out_dir=tmp_path, seed=3, scale="small")
    same = build_county(out_dir=tmp_path, seed=3, scale="small", window_end=REFERENCE_END)
    later = REFERENCE_END + datetime.timedelta(days=40)
    moved = build_county(out_dir=tmp_path, seed=3, scale="small", window_end=later)

    assert unspecified.reused and unspecified.window_end == "2026-10-31"
    assert same.reused
    assert not moved.reused and moved.window_end == later.isoformat()
    parameters = json.loads((tmp_path / "truth" / "parameters.json").read_text())
    assert parameters["window_end"] == "2026-12-10"


def test_the_reference_window_is_the_one_the_figures_were_measured_on(tmp_path):
    build_county(out_dir=tmp_path, seed=3, scale="small", window_end=REFERENCE_END)

    parameters = json.loads((tmp_path / "truth" / "parameters.json").read_text())
    assert (parameters["window_start"], parameters["window_end"]) == ("2023-01-01", "2026-10-31")
    attendance = attendance_return(tmp_path)
    terms = sorted(set(attendance["Term"].dropna()))
    assert terms[0] == "2024-AU1" and terms[-1] == "2026-SU2" and len(terms) == 12
