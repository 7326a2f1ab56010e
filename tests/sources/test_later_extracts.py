"""A later extract of what the database already holds: thousands of records and events changed in
one file (more than a statement's worth, over several chunks on SQLite) are written back whole,
with their history, and a crash part-way still leaves no half batch."""

import functools
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from safeguarding.people.models import Event, Identifier, Involvement, Object, SourceRecord
from safeguarding.sources import importing, loading
from safeguarding.sources.models import ImportBatch, ImportStatus, QuarantinedRow, UndoEntry
from safeguarding.sources.preparing import prepare_chunks

pytestmark = pytest.mark.django_db

FEEDS_DIR = Path(__file__).parent / "feeds"
PEOPLE = 3_000  # more than one statement's worth (common.bulk.BATCH_SIZE, 2,000)
NOMINALS = "NominalID,Forenames,Surname,Aliases,DOB,Sex,NHS,Mobile\n"
OCCURRENCES = "OccRef,Type,Reported,Postcode,Grade\n"


def nominals(*, later: bool) -> str:
    """Every even-numbered person's surname changes in the later extract; the odd come again
    unchanged; the later one adds ten people."""
    rows = [
        f"WP{n},Child{n},{'Smith-Ali' if later and n % 2 == 0 else 'Smith'},,01/01/2011,F,,"
        for n in range(PEOPLE + (10 if later else 0))
    ]
    return NOMINALS + "\n".join(rows) + "\n"


def occurrences(*, later: bool) -> str:
    """Every even-numbered event moves an hour, changes grade and place in the later extract."""
    rows = []
    for n in range(PEOPLE):
        changes = later and n % 2 == 0
        hour, grade, postcode = (23, "L", "SN14 0AA") if changes else (22, "H", "SN15 1AA")
        rows.append(f"OC{n},MISP,14/10/2026 {hour}:15,{postcode},{grade}")
    return OCCURRENCES + "\n".join(rows) + "\n"


def imported(tmp_path: Path, feed: str, name: str, text: str) -> ImportBatch:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    call_command("import", feed, str(path), "--feeds", str(FEEDS_DIR))
    return ImportBatch.objects.get(file_name=name)


def everything() -> dict:
    """Every row an import writes, as it is stored."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (SourceRecord, Identifier, Object, Event, Involvement, QuarantinedRow)
    }


@pytest.fixture
def first(agencies, tmp_path) -> tuple[ImportBatch, ImportBatch]:
    return (
        imported(tmp_path, "test-nominals", "nominals.csv", nominals(later=False)),
        imported(tmp_path, "test-occurrences", "occurrences.csv", occurrences(later=False)),
    )


def test_a_later_extract_changes_thousands_of_records_and_events_and_keeps_history(first, tmp_path):
    first_records, first_events = first
    records = imported(tmp_path, "test-nominals", "nominals-later.csv", nominals(later=True))
    events = imported(
        tmp_path, "test-occurrences", "occurrences-later.csv", occurrences(later=True)
    )

    assert records.status == events.status == ImportStatus.SUCCEEDED
    assert (records.records_created, records.records_updated) == (10, PEOPLE // 2)
    stored = {r.source_record_id: r for r in SourceRecord.objects.all()}
    assert len(stored) == PEOPLE + 10
    changed, unchanged = stored["WP1234"], stored["WP1235"]
    assert (changed.family_name, changed.import_batch, changed.row_number) == (
        "Smith-Ali",
        records,
        1235,
    )
    assert changed.history == [
        {
            "import_batch": first_records.pk,
            "row_number": 1235,
            "given_names": "Child1234",
            "family_name": "Smith",
            "aliases": [],
            "date_of_birth": "2011-01-01",
            "sex": "female",
            "ethnicity": "",
            "postcode": "",
            "address": "",
        }
    ]
    assert (unchanged.family_name, unchanged.import_batch, unchanged.history) == (
        "Smith",
        first_records,
        [],
    )
    assert sum(1 for r in stored.values() if r.import_batch == records) == PEOPLE // 2 + 10
    # Every record the later extract held was seen by it, changed or not.
    assert {r.last_seen_at for r in stored.values()} == {records.started_at}

    moved = Event.objects.select_related("location").get(source_event_id="OC2998")
    assert (moved.occurred_at, moved.details, moved.location.postcode) == (
        datetime(2026, 10, 14, 22, 15, tzinfo=UTC),  # 23:15 BST
        {"risk_grade": "low"},
        "SN14 0AA",
    )
    assert (moved.import_batch_id, moved.row_number) == (events.pk, 2999)
    same = Event.objects.select_related("location").get(source_event_id="OC2999")
    assert (same.occurred_at, same.details, same.location.postcode, same.import_batch_id) == (
        datetime(2026, 10, 14, 21, 15, tzinfo=UTC),
        {"risk_grade": "high"},
        "SN15 1AA",
        first_events.pk,
    )
    assert Event.objects.filter(import_batch_id=events.pk).count() == PEOPLE // 2
    assert Event.objects.count() == PEOPLE
    assert not UndoEntry.objects.exists()


def test_a_crash_part_way_through_a_later_extract_leaves_every_row_as_it_was(
    first, tmp_path, monkeypatch
):
    before = everything()
    # Reading chunks of 2,048 rows: on SQLite the first chunk's changed records are committed
    # (and journaled) before the second chunk's objects fail.
    monkeypatch.setattr(
        importing, "prepare_chunks", functools.partial(prepare_chunks, chunk_rows=2_048)
    )
    calls = []

    def add_objects_then_fail(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return add_objects(*args, **kwargs)

    add_objects = loading.add_objects
    monkeypatch.setattr(loading, "add_objects", add_objects_then_fail)
    with pytest.raises(RuntimeError):
        imported(tmp_path, "test-nominals", "nominals-later.csv", nominals(later=True))

    assert len(calls) == 2
    assert everything() == before  # values, history, batch, row and last seen
    assert not UndoEntry.objects.exists()
    failed = ImportBatch.objects.get(file_name="nominals-later.csv")
    assert failed.status == ImportStatus.FAILED
