import csv
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.sources.feeds import load_feed, load_feeds
from safeguarding.sources.importing import import_file

pytestmark = pytest.mark.django_db

FEEDS_DIR = Path(__file__).parent / "feeds"
NOMINALS = (
    "NominalID,Forenames,Surname,Aliases,DOB,Sex,NHS,Mobile\n"
    "WP1,Jayden,Smith,,03/04/2009,M,,\n"
    "WP2,=cmd|' /C calc'!A0,Jones,,31/02/2010,F,,\n"
    "WP3,Kai,,,01/01/2011,M,,\n"
    "WP4,Leah,Brown,,05/06/2010,X,,\n"
)


@pytest.fixture
def batch(agencies, tmp_path):
    path = tmp_path / "nominals.csv"
    path.write_text(NOMINALS, encoding="utf-8")
    feed = load_feeds(FEEDS_DIR)["test-nominals"]
    return import_file(feed=feed, path=path, today=date(2026, 11, 23)).batch


def run(*arguments) -> str:
    from io import StringIO

    out = StringIO()
    call_command("quarantine", *arguments, stdout=out)
    return out.getvalue()


def test_it_lists_the_batches_with_quarantined_rows(batch):
    output = run()
    line = next(line for line in output.splitlines() if line.strip().startswith(str(batch.pk)))
    assert "test-nominals" in line and "nominals.csv" in line
    assert line.split()[-3:-1] == ["3", "3"]  # quarantined, still quarantined


def test_it_lists_a_batchs_rows_with_reasons_and_the_viewing_is_audited(batch):
    output = run(str(batch.pk))
    assert "DOB '31/02/2010' is not a real date in the form dd/mm/yyyy" in output
    assert "Surname is blank, and it is required" in output
    assert "Sex 'X' is not one of the codes this feed knows" in output
    assert "3 row(s)" in output
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="quarantine")
    assert (event.object_id, event.username, event.detail) == (
        str(batch.pk),
        "command line",
        {"rows": 3},
    )


def test_the_export_is_formula_safe_and_audited(batch, tmp_path):
    target = tmp_path / "quarantine.csv"
    run(str(batch.pk), "--export", str(target))
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["row"] for row in rows] == ["2", "3", "4"]
    assert rows[0]["Forenames"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["column"] == "DOB"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="quarantine")
    assert (event.object_id, event.detail) == (str(batch.pk), {"rows": 3})


def test_after_a_corrected_feed_only_the_rows_still_in_quarantine_can_be_listed(batch, tmp_path):
    text = (FEEDS_DIR / "test-nominals.toml").read_text()
    corrected = tmp_path / "corrected.toml"
    corrected.write_text(
        text.replace('U = "unknown" }', 'U = "unknown", X = "unknown" }').replace(
            "file_patterns", 'version = "2"\nfile_patterns'
        )
    )
    import_file(feed=load_feed(corrected), path=tmp_path / "nominals.csv", today=date(2026, 11, 23))
    everything = run(str(batch.pk))
    still = run(str(batch.pk), "--unreleased")
    assert "Sex 'X'" in everything and "Sex 'X'" not in still
    assert "2 row(s)" in still


def test_control_characters_from_an_extract_are_not_sent_to_the_terminal(agencies, tmp_path):
    path = tmp_path / "nominals.csv"
    path.write_text(
        "NominalID,Forenames,Surname,Aliases,DOB,Sex,NHS,Mobile\n"
        "WP1,Ann,Smith,,\x1b[2J01/01/2010,F,,\n",
        encoding="utf-8",
    )
    feed = load_feeds(FEEDS_DIR)["test-nominals"]
    found = import_file(feed=feed, path=path, today=date(2026, 11, 23)).batch
    output = run(str(found.pk))
    assert "\x1b" not in output and "\\x1b[2J01/01/2010" in output


def test_an_unknown_batch_or_an_export_without_a_batch_is_refused(agencies, tmp_path):
    with pytest.raises(CommandError, match="No import batch 999"):
        run("999")
    with pytest.raises(CommandError, match="Name the batch"):
        run("--export", str(tmp_path / "x.csv"))
