"""Erasing what is past its feed's retention period (UK GDPR Art. 5(1)(e), storage limitation).

**Past retention.** A source record or an event is past retention when the last extract that
delivered it, changed or not (`last_seen_at`; for rows stored before that was kept, the start of
the batch that last changed them), is older than its feed's `retention_days`. A record an agency
keeps sending is kept; one it stops sending is erased `retention_days` after the last extract
that held it. Going with each row: its involvements, identifiers and object links, linkage's
pairs and decisions on a record, risk evidence that cited an event, phone numbers and other
objects no longer linked to anyone, and the feed's quarantined rows and raw files received
before the cutoff (`sources.retention`).

**People.** A person whose source records were all erased is removed, with what other stages
hold on them (risk assessments, overrides, context memberships), unless a panel agenda names
them: minutes follow the panel's own retention, so the person is kept and reported.

**Audit.** DPA 2018 s.62 asks for a log of erasure. Each feed's erasure and its one audit event
(action ERASE, the feed, the ids erased and the counts) are one transaction, and the removal of
people is one more event. Not one event per row: the operation is one rule applied once, and a
first run can erase hundreds of thousands of rows, each event of which would take the chain's
lock and say nothing the feed's event does not.
"""

import datetime
import getpass
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.people.models import Event, Object, ObjectLink, Person, SourceRecord
from safeguarding.sources.feeds import load_feeds
from safeguarding.sources.models import Feed as FeedRow
from safeguarding.sources.retention import erase_old_batch_contents

PURPOSE = "Retention: erasing records past their feed's retention period (UK GDPR Art. 5(1)(e))"
AUDIT_USERNAME = "retention"
CHUNK = 2000


@dataclass
class FeedErasure:
    feed: str
    retention_days: int
    cutoff: datetime.datetime
    source_record_ids: list[int]
    event_ids: list[int]
    quarantined_rows: int = 0
    raw_files: int = 0
    rows_removed: dict[str, int] = field(default_factory=dict)  # model → rows, with cascades

    @property
    def anything(self) -> bool:
        return bool(
            self.source_record_ids or self.event_ids or self.quarantined_rows or self.raw_files
        )


@dataclass
class RetentionReport:
    dry_run: bool
    feeds: list[FeedErasure]
    person_ids: list[int]  # removed (or, in a dry run, to be removed)
    people_kept_for_panel: list[int]


def erase_past_retention(
    *,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
    feeds_dir: Path | None = None,
    run_by: str = "",
) -> RetentionReport:
    """Erase (or, in a dry run, only find) every row past its feed's retention; audit each."""
    now = now or timezone.now()
    run_by = run_by or getpass.getuser()
    retention = _retention_days(feeds_dir or settings.FEEDS_DIR)
    erasures, people_of_erased = [], set()
    for feed_row in FeedRow.objects.order_by("name"):
        days = retention.get(feed_row.name, feed_row.retention_days)
        cutoff = now - datetime.timedelta(days=days)
        # Found and erased in one transaction, with the feed's audit event.
        with transaction.atomic():
            records = _past(SourceRecord, feed_row=feed_row, cutoff=cutoff)
            erasure = FeedErasure(
                feed=feed_row.name,
                retention_days=days,
                cutoff=cutoff,
                source_record_ids=sorted(records.values_list("pk", flat=True)),
                event_ids=sorted(
                    _past(Event, feed_row=feed_row, cutoff=cutoff).values_list("pk", flat=True)
                ),
            )
            people_of_erased |= set(
                records.filter(person__isnull=False).values_list("person_id", flat=True)
            )
            contents = erase_old_batch_contents(feed_row=feed_row, cutoff=cutoff, dry_run=dry_run)
            erasure.quarantined_rows = contents.quarantined_rows
            erasure.raw_files = contents.raw_files
            if not dry_run and erasure.anything:
                erasure.rows_removed = _erase_rows(erasure)
                _audit_feed(erasure, run_by=run_by)
        erasures.append(erasure)
    erased_records = {pk for erasure in erasures for pk in erasure.source_record_ids}
    removable, on_agenda = _people_left_without_records(people_of_erased, erased_records)
    if not dry_run and (removable or on_agenda):
        with transaction.atomic():
            removed = _delete_in_chunks(
                Person.objects.filter(source_records__isnull=True), sorted(removable)
            )
            audit.record(
                action=AuditAction.ERASE,
                object_type=AuditObject.PERSON,
                username=AUDIT_USERNAME,
                purpose=PURPOSE,
                detail={
                    "run_by": run_by,
                    "person_ids": sorted(removable),
                    "kept_on_a_panel_agenda": sorted(on_agenda),
                    "rows_removed": removed,
                },
            )
    return RetentionReport(
        dry_run=dry_run,
        feeds=erasures,
        person_ids=sorted(removable),
        people_kept_for_panel=sorted(on_agenda),
    )


def _retention_days(feeds_dir: Path) -> dict[str, int]:
    """Each feed's retention as its file says today; a withdrawn feed keeps its stored one."""
    return {name: feed.retention_days for name, feed in load_feeds(feeds_dir).items()}


def _past(model, *, feed_row: FeedRow, cutoff: datetime.datetime) -> models.QuerySet:
    return (
        model.objects.filter(feed=feed_row)
        .annotate(seen=Coalesce("last_seen_at", "import_batch__started_at"))
        .filter(seen__lt=cutoff)
    )


def _erase_rows(erasure: FeedErasure) -> dict[str, int]:
    objects = _objects_of(erasure.source_record_ids)
    removed = Counter(_delete_in_chunks(Event.objects.all(), erasure.event_ids))
    removed.update(_delete_in_chunks(SourceRecord.objects.all(), erasure.source_record_ids))
    removed.update(_delete_in_chunks(Object.objects.filter(links__isnull=True), sorted(objects)))
    return dict(sorted(removed.items()))


def _objects_of(record_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(record_ids), CHUNK):
        part = record_ids[start : start + CHUNK]
        found.update(
            ObjectLink.objects.filter(source_record_id__in=part).values_list("object_id", flat=True)
        )
    return found


def _delete_in_chunks(queryset: models.QuerySet, ids: list[int]) -> dict[str, int]:
    """Delete by primary key a chunk at a time: each chunk is a few DELETE statements, one per
    table, with Django applying each relation's rule (cascade, set null) across apps, so people
    need not know which later stages point at its rows."""
    removed: Counter[str] = Counter()
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        _, by_model = queryset.filter(pk__in=part).only("pk").delete()
        removed.update({label: count for label, count in by_model.items() if count})
    return dict(removed)


def _people_left_without_records(
    candidates: set[int], erased_records: set[int]
) -> tuple[set[int], set[int]]:
    """The people whose every source record is being erased: those to remove, and those a
    later stage protects from deletion (a panel agenda names them)."""
    keeping: set[int] = set()
    ordered = sorted(candidates)
    for start in range(0, len(ordered), CHUNK):
        part = ordered[start : start + CHUNK]
        for person_id, record_id in SourceRecord.objects.filter(person_id__in=part).values_list(
            "person_id", "pk"
        ):
            if record_id not in erased_records:
                keeping.add(person_id)
    emptied = candidates - keeping
    protected: set[int] = set()
    for start in range(0, len(ordered), CHUNK):
        part = [pk for pk in ordered[start : start + CHUNK] if pk in emptied]
        protected.update(
            Person.objects.filter(_protected(Person), pk__in=part).values_list("pk", flat=True)
        )
    return emptied - protected, protected


def _protected(model) -> models.Q:
    """Rows another app protects from deletion (PROTECT), found from the model's relations so
    that people imports no later stage."""
    condition = models.Q(pk__in=[])
    for relation in model._meta.related_objects:
        if getattr(relation, "on_delete", None) is models.PROTECT:
            condition |= models.Q(**{f"{relation.name}__isnull": False})
    return condition


def _audit_feed(erasure: FeedErasure, *, run_by: str) -> None:
    audit.record(
        action=AuditAction.ERASE,
        object_type=AuditObject.FEED,
        object_id=erasure.feed,
        username=AUDIT_USERNAME,
        purpose=PURPOSE,
        detail={
            "run_by": run_by,
            "retention_days": erasure.retention_days,
            "cutoff": erasure.cutoff.isoformat(),
            "source_record_ids": erasure.source_record_ids,
            "event_ids": erasure.event_ids,
            "quarantined_rows": erasure.quarantined_rows,
            "raw_files": erasure.raw_files,
            "rows_removed": erasure.rows_removed,
        },
    )


# Scheduling: the worker (`safeguarding worker`) runs this task; each run queues the next for
# the following night, so one `safeguarding retention --schedule` starts a daily erasure.
RUN_AT = datetime.time(2, 0)


@task
def erase_past_retention_nightly() -> dict:
    """The scheduled erasure: erase, then queue tomorrow night's run (queued even when this
    run fails, e.g. on a broken feed file: the task's result keeps the error for the operator)."""
    try:
        report = erase_past_retention(run_by="scheduled task")
    finally:
        schedule_next_run()
    return {
        "feeds": {
            erasure.feed: {
                "source_records": len(erasure.source_record_ids),
                "events": len(erasure.event_ids),
            }
            for erasure in report.feeds
            if erasure.anything
        },
        "people": len(report.person_ids),
    }


def schedule_next_run(*, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """Queue the nightly erasure for the next 02:00 (local time), unless one is already queued;
    return when it will run, or None when one was already waiting."""
    waiting = DBTaskResult.objects.filter(
        task_path=erase_past_retention_nightly.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return None
    now = timezone.localtime(now or timezone.now())
    run_after = now.replace(hour=RUN_AT.hour, minute=RUN_AT.minute, second=0, microsecond=0)
    if run_after <= now:
        run_after += datetime.timedelta(days=1)
    erase_past_retention_nightly.using(run_after=run_after).enqueue()
    return run_after
