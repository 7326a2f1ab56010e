"""The synthetic county keeps its promises (docs/synthetic-county.md)."""

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from safeguarding.common.identifiers import nhs_number_is_valid, upn_is_valid
from safeguarding.synth.county import build_county
from safeguarding.synth.parameters import REFERENCE_END, parameters_for

SCALE = 3000


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("county")
    build_county(out_dir=out, seed=7, scale=SCALE, window_end=REFERENCE_END)
    return out


def extract(county: Path, name: str) -> pd.DataFrame:
    path = county / "extracts" / name
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    if path.suffix == ".json":
        return pd.DataFrame(json.loads(path.read_text())["records"]).astype(str)
    return pd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        encoding="utf-8",
        encoding_errors="replace",
        on_bad_lines="skip",
        engine="python",
    )


def truth(county: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(county / "truth" / name, dtype=str, keep_default_na=False)


def test_the_same_seed_writes_the_same_files_and_a_second_run_reuses_them(tmp_path):
    first = build_county(out_dir=tmp_path / "a", seed=3, scale="small", window_end=REFERENCE_END)
    build_county(out_dir=tmp_path / "b", seed=3, scale="small", window_end=REFERENCE_END)
    files_a = json.loads((tmp_path / "a" / "manifest.json").read_text())["files"]
    files_b = json.loads((tmp_path / "b" / "manifest.json").read_text())["files"]
    # Byte for byte, except the spreadsheet, whose zip container stamps the time it was written.
    spreadsheets = {name for name in files_a if name.endswith(".xlsx")}
    assert {k: v for k, v in files_a.items() if k not in spreadsheets} == {
        k: v for k, v in files_b.items() if k not in spreadsheets
    }
    for name in spreadsheets:
        name = name.removeprefix("extracts/")
        assert extract(tmp_path / "a", name).equals(extract(tmp_path / "b", name))
    assert not first.reused
    assert build_county(
        out_dir=tmp_path / "a", seed=3, scale="small", window_end=REFERENCE_END
    ).reused
    other = build_county(out_dir=tmp_path / "c", seed=4, scale="small", window_end=REFERENCE_END)
    assert json.loads((tmp_path / "c" / "manifest.json").read_text())["files"] != files_a
    assert other.young_people == 1000


def test_upns_are_valid_and_nhs_numbers_valid_where_promised(county):
    bad = truth(county, "bad_rows.csv")
    pupils = extract(county, "education/education_pupils.csv")
    pupils = pupils[~pupils["UPN"].str.contains("BAD") & (pupils["UPN"] != "")]
    assert pupils["UPN"].map(upn_is_valid).all()
    patients = extract(county, "health/health_patients.csv")
    numbers = patients.loc[patients["NHSNumber"] != "", "NHSNumber"]
    noise = parameters_for(SCALE).noise
    assert abs(len(numbers) / len(patients) - noise.nhs_number_present) < 0.04
    assert 1 - numbers.map(nhs_number_is_valid).mean() < noise.nhs_number_invalid + 0.015
    assert len(bad) > 0


@pytest.mark.parametrize(
    "kind,setting",
    [
        ("name_typo", "name_typo"),
        ("missing_date_of_birth", "missing_date_of_birth"),
        ("postcode_typo", "postcode_typo"),
        ("surname_change", "surname_change"),
    ],
)
def test_noise_rates_are_within_tolerance_of_their_settings(county, kind, setting):
    records = truth(county, "source_records.csv")
    records = records[records["file"] != "partners/partner_concerns.csv"]
    rate = records["noise"].str.contains(kind).mean()
    expected = getattr(parameters_for(SCALE).noise, setting)
    assert abs(rate - expected) < max(0.01, expected * 0.35), (kind, rate, expected)


def test_a_missing_date_of_birth_in_the_truth_is_blank_in_the_extract(county):
    records = truth(county, "source_records.csv")
    children = extract(county, "social_care/csc_children.csv").set_index("PersonID")
    flagged = records[
        (records["file"] == "social_care/csc_children.csv")
        & records["noise"].str.contains("missing_date_of_birth")
    ]
    assert len(flagged) > 0
    assert (children.loc[flagged["source_record_id"], "DateOfBirth"] == "").all()


def agencies_with_signals(county: Path) -> pd.DataFrame:
    """Which agencies hold an event row about each true person."""
    records = truth(county, "source_records.csv")
    person_of = dict(zip(records["source_record_id"], records["person_id"], strict=True))
    rows = []
    involvements = extract(county, "police/police_involvements.csv")
    rows += [("police", person_of.get(i)) for i in involvements["NominalID"]]
    rows += [
        ("missing", person_of.get(i))
        for i in extract(county, "missing/missing_episodes.xlsx")["ChildRef"]
    ]
    rows += [
        ("social_care", person_of.get(i))
        for i in extract(county, "social_care/csc_referrals.csv")["PersonID"]
    ]
    rows += [
        ("education", person_of.get(i))
        for i in extract(county, "education/education_exclusions.csv")["UPN"]
    ]
    rows += [
        ("health", person_of.get(i))
        for i in extract(county, "health/health_attendances.csv")["PatientID"]
    ]
    rows += [
        ("youth_justice", person_of.get(i))
        for i in extract(county, "youth_justice/youth_justice_outcomes.json")["yj_id"]
    ]
    rows += [
        ("partners", person_of.get(i))
        for i in extract(county, "partners/partner_concerns.csv")["ConcernID"]
    ]
    return pd.DataFrame(rows, columns=["agency", "person_id"]).dropna().drop_duplicates()


def test_every_exploited_young_person_is_seen_and_most_by_more_than_one_agency(county):
    exploited = truth(county, "exploitation.csv")
    seen = agencies_with_signals(county)
    agencies_per_person = seen.groupby("person_id")["agency"].nunique()
    counts = exploited["person_id"].map(agencies_per_person).fillna(0)
    assert (counts >= 1).all()
    assert (counts == 1).mean() < 0.5


def test_most_young_people_who_go_missing_are_not_exploited(county):
    exploited = set(truth(county, "exploitation.csv")["person_id"])
    seen = agencies_with_signals(county)
    missing = set(seen.loc[seen["agency"] == "missing", "person_id"])
    assert len(missing) > 0
    assert len(missing & exploited) / len(missing) < 0.5


def test_every_bad_row_is_listed_in_the_truth(county):
    bad = truth(county, "bad_rows.csv")
    assert set(bad["defect"]) == {
        "blank_required",
        "impossible_date",
        "wrong_column_count",
        "bad_encoding",
        "formula_text",
    }
    for file_name, listed in bad.groupby("file"):
        path = county / "extracts" / file_name
        if path.suffix != ".csv":
            continue
        lines = path.read_bytes().split(b"\n")[1:-1]
        header_width = len(path.read_bytes().split(b"\n")[0].split(b","))
        found = set()
        for number, line in enumerate(lines, start=1):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                found.add((number, "bad_encoding"))
                continue
            if len(next(csv.reader([text]))) != header_width:
                found.add((number, "wrong_column_count"))
        expected = {
            (int(r), d)
            for r, d in zip(listed["row"], listed["defect"], strict=True)
            if d in {"bad_encoding", "wrong_column_count"}
        }
        assert found == expected, file_name


def test_every_agency_id_belongs_to_one_true_person(county):
    records = truth(county, "source_records.csv")
    owners = records.groupby(["file", "source_record_id"])["person_id"].nunique()
    assert owners.max() == 1
