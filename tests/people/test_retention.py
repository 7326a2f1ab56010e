"""Retention: rows past their feed's retention are erased, recent ones and rows an agency sent
again are kept, each erasure is audited, and the audit chain stays intact."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguarding.access.audit import verify_chain
from safeguarding.access.models import AuditAction, AuditEvent, AuditObject
from safeguarding.people.models import Event, Identifier, Involvement, Object, Person, SourceRecord
from safeguarding.people.retention import (
    erase_past_retention,
    erase_past_retention_nightly,
    schedule_next_run,
)
from safeguarding.risk.models import Level, RiskAssessment, ScoringRun
from safeguarding.sources.feeds import FeedError, load_feeds
from safeguarding.sources.importing import import_file
from safeguarding.sources.models import ImportBatch, QuarantinedRow
from tests.factories import (
    EventFactory,
    IdentifierFactory,
    ImportBatchFactory,
    InvolvementFactory,
    ObjectLinkFactory,
    PersonFactory,
)
from tests.people.conftest import put_on_agenda, record_for

pytestmark = pytest.mark.django_db

TEST_FEEDS = Path(__file__).parents[1] / "sources" / "feeds"
SEVEN_YEARS_AGO = timezone.now() - datetime.timedelta(days=7 * 365)
NOMINALS_THEN = (
    "NominalID,Forenames,Surname,Aliases,DOB,Sex,NHS,Mobile\n"
    "WP1,Jayden,Smith,,03/04/2009,M,9434765919,07700900001\n"
    "WP2,Amelia,Jones,,05/06/2010,F,,07700900002\n"
    "WP3,Kai,,,01/01/2011,M,,\n"  # no surname: quarantined, the row kept as read
)
NOMINALS_NOW = (  # a later extract: Jayden again, unchanged; Amelia no longer sent
    "NominalID,Forenames,Surname,Aliases,DOB,Sex,NHS,Mobile\n"
    "WP1,Jayden,Smith,,03/04/2009,M,9434765919,07700900001\n"
)


def _import(feeds, tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_file(feed=feeds["test-nominals"], path=path, today=datetime.date(2026, 11, 23))


def _as_if_seven_years_ago(batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=SEVEN_YEARS_AGO)
    SourceRecord.objects.filter(import_batch=batch).update(last_seen_at=SEVEN_YEARS_AGO)


def test_a_record_an_agency_stops_sending_is_erased_and_one_sent_again_is_kept(
    agencies, tmp_path, django_capture_on_commit_callbacks
):
    feeds = load_feeds(TEST_FEEDS)
    then = _import(feeds, tmp_path, "nominals_2019.csv", NOMINALS_THEN).batch
    _as_if_seven_years_ago(then)
    jayden, amelia = PersonFactory(), PersonFactory()
    SourceRecord.objects.filter(source_record_id="WP1").update(person=jayden)
    SourceRecord.objects.filter(source_record_id="WP2").update(person=amelia)
    _import(feeds, tmp_path, "nominals_2026.csv", NOMINALS_NOW)
    erased = SourceRecord.objects.get(source_record_id="WP2")
    raw_file = Path(then.raw_path)
    assert raw_file.exists() and QuarantinedRow.objects.filter(import_batch=then).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        report = erase_past_retention(feeds_dir=TEST_FEEDS, run_by="operator")

    assert list(SourceRecord.objects.values_list("source_record_id", flat=True)) == ["WP1"]
    assert not Identifier.objects.filter(source_record_id=erased.pk).exists()
    assert list(Object.objects.values_list("value", flat=True)) == ["07700900001"]
    assert not Person.objects.filter(pk=amelia.pk).exists()
    assert Person.objects.filter(pk=jayden.pk).exists()
    assert not QuarantinedRow.objects.exists() and not raw_file.exists()
    assert ImportBatch.objects.get(pk=then.pk).raw_path == ""
    (nominals,) = [erasure for erasure in report.feeds if erasure.anything]
    assert (nominals.feed, nominals.source_record_ids, nominals.event_ids) == (
        "test-nominals",
        [erased.pk],
        [],
    )
    assert (nominals.quarantined_rows, nominals.raw_files) == (1, 1)
    assert report.person_ids == [amelia.pk]

    feed_event = AuditEvent.objects.get(action=AuditAction.ERASE, object_type=AuditObject.FEED)
    assert (feed_event.object_id, feed_event.username) == ("test-nominals", "retention")
    assert feed_event.detail["source_record_ids"] == [erased.pk]
    assert feed_event.detail["run_by"] == "operator"
    assert feed_event.detail["rows_removed"] == {
        "people.Identifier": 1,
        "people.Object": 1,
        "people.ObjectLink": 1,
        "people.SourceRecord": 1,
    }
    people_event = AuditEvent.objects.get(action=AuditAction.ERASE, object_type=AuditObject.PERSON)
    assert people_event.detail["person_ids"] == [amelia.pk]
    assert list(verify_chain()) == []


@pytest.fixture
def old_and_new(feeds, cast):
    """A young person known only from old extracts (with a risk assessment), one known from an
    old and a recent extract, one old record seen again recently, and one old person a panel
    agenda names."""
    police, health = feeds["wiltshire-police"], feeds["health"]  # kept 2,190 and 2,555 days
    old_police = ImportBatchFactory(feed=police, started_at=SEVEN_YEARS_AGO)
    recent_health = ImportBatchFactory(feed=health)
    gone, half, seen_again, on_agenda = PersonFactory.create_batch(4)
    gone_record = record_for(gone, police, import_batch=old_police, last_seen_at=SEVEN_YEARS_AGO)
    IdentifierFactory(source_record=gone_record)
    ObjectLinkFactory(source_record=gone_record, object__value="07700 900999")
    old_event = EventFactory(import_batch=old_police, last_seen_at=SEVEN_YEARS_AGO)
    InvolvementFactory(event=old_event, source_record=gone_record)
    recent_event = EventFactory(import_batch=recent_health)
    half_old = record_for(half, police, import_batch=old_police, last_seen_at=SEVEN_YEARS_AGO)
    half_new = record_for(half, health, import_batch=recent_health)
    InvolvementFactory(event=recent_event, source_record=half_new)
    kept = record_for(seen_again, police, import_batch=old_police, last_seen_at=timezone.now())
    agenda_record = record_for(on_agenda, police, import_batch=old_police)  # clock: its batch
    put_on_agenda(on_agenda, chair=cast["analyst"])
    run = ScoringRun.objects.create(
        as_of=datetime.date(2020, 1, 1), catalogue_version="1", computed_at=timezone.now()
    )
    RiskAssessment.objects.create(
        run=run, person=gone, score=3.0, level=Level.MEDIUM, computed_level=Level.MEDIUM
    )
    return {
        "erased_records": sorted([gone_record.pk, half_old.pk, agenda_record.pk]),
        "kept_records": sorted([half_new.pk, kept.pk]),
        "old_event": old_event,
        "recent_event": recent_event,
        "gone": gone,
        "kept_people": sorted([half.pk, seen_again.pk, on_agenda.pk]),
        "on_agenda": on_agenda,
    }


def test_old_rows_are_erased_with_what_hangs_on_them_and_recent_ones_kept(old_and_new):
    before = AuditEvent.objects.count()

    report = erase_past_retention()

    assert sorted(SourceRecord.objects.values_list("pk", flat=True)) == old_and_new["kept_records"]
    assert list(Event.objects.values_list("pk", flat=True)) == [old_and_new["recent_event"].pk]
    assert Involvement.objects.count() == 1
    assert not Identifier.objects.exists()
    assert not Object.objects.filter(value="07700 900999").exists()
    assert sorted(Person.objects.values_list("pk", flat=True)) == old_and_new["kept_people"]
    assert not RiskAssessment.objects.exists()
    assert report.person_ids == [old_and_new["gone"].pk]
    assert report.people_kept_for_panel == [old_and_new["on_agenda"].pk]

    erasures = AuditEvent.objects.filter(action=AuditAction.ERASE).order_by("sequence")
    assert AuditEvent.objects.count() == before + 2
    police, people = erasures
    assert (police.object_type, police.object_id) == (AuditObject.FEED, "police-nominals")
    assert police.detail["source_record_ids"] == old_and_new["erased_records"]
    assert police.detail["event_ids"] == [old_and_new["old_event"].pk]
    assert police.detail["retention_days"] == 2190
    assert police.detail["rows_removed"]["people.Involvement"] == 1
    assert people.detail["person_ids"] == [old_and_new["gone"].pk]
    assert people.detail["kept_on_a_panel_agenda"] == [old_and_new["on_agenda"].pk]
    assert people.detail["rows_removed"]["risk.RiskAssessment"] == 1
    assert list(verify_chain()) == []
    call_command("audit", "verify")


def test_a_dry_run_reports_and_changes_nothing(old_and_new, capsys):
    counts = {
        model: model.objects.count()
        for model in (SourceRecord, Event, Involvement, Identifier, Object, Person, AuditEvent)
    }

    call_command("retention", "--dry-run")

    output = capsys.readouterr().out
    assert "Would erase from police-nominals (kept 2190 days" in output
    assert ": 3 source records, 1 events, 0 quarantined rows, 0 raw files" in output
    assert "Would erase 1 people left with no source record. Kept 1 a panel agenda names." in (
        output
    )
    assert "Dry run: nothing was changed." in output
    assert {model: model.objects.count() for model in counts} == counts


def test_the_command_erases_and_says_what(old_and_new, capsys):
    call_command("retention")
    output = capsys.readouterr().out
    assert "Erased from police-nominals" in output and "3 source records, 1 events" in output
    assert not SourceRecord.objects.filter(pk__in=old_and_new["erased_records"]).exists()
    call_command("retention")
    assert "Nothing is past its feed's retention period." in capsys.readouterr().out


def test_the_nightly_task_erases_then_queues_the_next_night(old_and_new):
    result = erase_past_retention_nightly.call()
    assert result == {"feeds": {"police-nominals": {"source_records": 3, "events": 1}}, "people": 1}
    (queued,) = DBTaskResult.objects.filter(task_path=erase_past_retention_nightly.module_path)
    run_after = timezone.localtime(queued.run_after)
    assert (run_after.hour, run_after.minute) == (2, 0)
    assert run_after > timezone.now()
    assert schedule_next_run() is None  # one night's run is queued once


def test_a_night_that_fails_still_queues_the_next(settings, tmp_path, agencies):
    (tmp_path / "broken.toml").write_text('[feed]\nname = "broken"\n')
    settings.FEEDS_DIR = tmp_path
    with pytest.raises(FeedError, match="broken.toml"):
        erase_past_retention_nightly.call()
    assert DBTaskResult.objects.filter(task_path=erase_past_retention_nightly.module_path).exists()
