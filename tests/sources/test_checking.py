from datetime import date

import pytest
from django.core.management import CommandError, call_command

from safeguarding.access.models import AuditEvent
from safeguarding.people.models import Event, Identifier, Location, Object, SourceRecord
from safeguarding.sources.checking import check_file
from safeguarding.sources.importing import import_file
from safeguarding.sources.models import Feed, ImportBatch, QuarantinedRow
from tests.sources.test_importing import FEEDS_DIR, NOMINALS, feeds, write

__all__ = ["feeds"]  # the fixture, shared with the import tests

pytestmark = pytest.mark.django_db

MORE_BAD_DATES = NOMINALS + "WP5,Leo,Green,,30/02/2011,M,,\n"


def nothing_stored() -> bool:
    return not any(
        model.objects.exists()
        for model in (
            SourceRecord,
            Identifier,
            Object,
            Event,
            Location,
            ImportBatch,
            QuarantinedRow,
            Feed,
            AuditEvent,
        )
    )


def test_a_check_reports_what_the_import_would_do_and_stores_nothing(feeds, tmp_path):
    path = write(tmp_path, "nominals.csv", MORE_BAD_DATES)
    report = check_file(feed=feeds["test-nominals"], path=path, today=date(2026, 11, 23))

    assert nothing_stored()
    assert not report.refused and report.imported_before is None
    assert (report.rows_read, report.rows_imported, report.rows_quarantined) == (5, 2, 3)
    assert (report.records_created, report.records_updated) == (2, 0)
    # One reason per kind, the values masked, with the first row it quarantines as it was read.
    by_reason = {reason.reason: reason for reason in report.reasons}
    assert set(by_reason) == {
        "DOB '…' is not a real date in the form dd/mm/yyyy",
        "Surname is blank, and it is required",
    }
    dates = by_reason["DOB '…' is not a real date in the form dd/mm/yyyy"]
    assert (dates.rows, dates.example_row) == (2, 2)
    assert dates.example["NominalID"] == "WP2" and dates.example["DOB"] == "31/02/2010"
    assert report.reasons[0] is dates  # most rows first
    # Column by column, as the batch's quality report will say.
    assert report.columns["Surname"]["completeness"] == 0.8
    assert report.columns["DOB"]["validity"] == 0.6
    assert report.columns["NHS"]["warnings"] == 1
    # The first rows as they would be stored: our fields, typed.
    assert report.records is not None
    assert report.records.header[:4] == [
        "row_number",
        "source_record_id",
        "given_names",
        "family_name",
    ]
    assert report.records.rows[0][:6] == [
        "1",
        "WP1",
        "Jayden",
        "Smith",
        "['JJ', 'Jay Smyth']",
        "2009-04-03",
    ]
    assert [row[1] for row in report.records.rows] == ["WP1", "WP4"]
    assert report.events is None


def test_a_check_matches_the_import_that_follows(feeds, tmp_path):
    path = write(tmp_path, "nominals.csv", MORE_BAD_DATES)
    report = check_file(feed=feeds["test-nominals"], path=path, today=date(2026, 11, 23))
    batch = import_file(feed=feeds["test-nominals"], path=path, today=date(2026, 11, 23)).batch
    assert (batch.rows_imported, batch.rows_quarantined) == (
        report.rows_imported,
        report.rows_quarantined,
    )
    assert batch.quality_report["columns"] == report.columns
    again = check_file(feed=feeds["test-nominals"], path=path, today=date(2026, 11, 23))
    assert again.imported_before == batch.pk
    assert SourceRecord.objects.count() == 2 and ImportBatch.objects.count() == 1


def test_a_file_the_import_would_refuse_whole_is_reported_and_nothing_stored(feeds, tmp_path):
    path = write(tmp_path, "nominals.csv", "NominalID,Surname\nWP1,Smith\n")
    report = check_file(feed=feeds["test-nominals"], path=path)
    assert "no column(s) Forenames" in report.refused
    assert nothing_stored()


def test_the_feeds_command_lists_shows_and_checks(feeds, tmp_path, capsys):
    call_command("feeds", "--feeds", str(FEEDS_DIR), "list")
    listed = capsys.readouterr().out
    assert "test-nominals" in listed and "3 feed(s)" in listed

    call_command("feeds", "--feeds", str(FEEDS_DIR), "show", "test-nominals")
    shown = capsys.readouterr().out
    assert "DOB" in shown and "format %d/%m/%Y" in shown and "family_name" in shown

    path = write(tmp_path, "nominals.csv", MORE_BAD_DATES)
    call_command("feeds", "--feeds", str(FEEDS_DIR), "check", "test-nominals", str(path))
    checked = capsys.readouterr().out
    assert "would import 2, would quarantine 3" in checked
    assert "2 row(s): DOB '…' is not a real date in the form dd/mm/yyyy" in checked
    assert "e.g. row 2: NominalID=WP2" in checked
    assert "1 | WP1 | Jayden | Smith" in checked
    assert nothing_stored()


def test_the_check_command_takes_a_feed_file_not_yet_in_the_feeds(feeds, tmp_path, capsys):
    path = write(tmp_path, "nominals.csv", NOMINALS)
    feed_file = FEEDS_DIR / "test-nominals.toml"
    call_command("feeds", "check", str(feed_file), str(path))
    assert "would import 2, would quarantine 2" in capsys.readouterr().out
    with pytest.raises(CommandError, match="would not import"):
        call_command(
            "feeds", "check", str(feed_file), str(write(tmp_path, "bad.csv", "A,B\n1,2\n"))
        )
