"""Importing one agency file through its feed: all of it or none of it, and never twice."""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from django.db import connection
from django.utils import timezone

from safeguarding.access import audit
from safeguarding.access.models import Agency, AuditAction, AuditObject
from safeguarding.common.bulk import BATCH_SIZE
from safeguarding.people.services import place_locations
from safeguarding.sources import adding, event_loading, link_loading, loading
from safeguarding.sources.chunked_writing import Chunks, chunked_batch
from safeguarding.sources.derived import PERSON_KEY
from safeguarding.sources.feeds import Feed
from safeguarding.sources.models import Feed as FeedRow
from safeguarding.sources.models import ImportBatch, ImportStatus, QuarantinedRow
from safeguarding.sources.preparing import PreparedChunk, prepare_chunks, read_ahead
from safeguarding.sources.quality import QualityTally
from safeguarding.sources.raw_files import keep_raw_file, sha256_of
from safeguarding.sources.readers import ROW, UnreadableFile
from safeguarding.sources.validation import ERROR, Issue, MissingColumnsError

logger = logging.getLogger(__name__)


class ImportFailed(Exception):
    """The whole file was refused; nothing from it was stored. The message says why."""


@dataclass(frozen=True)
class ImportResult:
    batch: ImportBatch
    already_imported: bool = False


def register_feed(feed: Feed) -> FeedRow:
    agency = Agency.objects.filter(code=feed.agency).first()
    if agency is None:
        raise ImportFailed(
            f"The feed {feed.name} names the agency '{feed.agency}', which is not "
            "set up: add it in the admin pages or fix the feed file"
        )
    feed_row, _ = FeedRow.objects.update_or_create(
        name=feed.name,
        defaults={
            "agency": agency,
            "title": feed.title,
            "lawful_basis": feed.lawful_basis,
            "isa_reference": feed.isa_reference,
            "retention_days": feed.retention_days,
            "definition_path": str(feed.path or ""),
            "version": feed.version,
        },
    )
    return feed_row


def import_file(
    *,
    feed: Feed,
    path: Path,
    user=None,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import one file. Re-importing a file already imported through this feed changes nothing."""
    checksum = sha256_of(path)
    done = already_imported(feed=feed, checksum=checksum)
    if done is not None:
        return ImportResult(batch=done, already_imported=True)
    feed_row = register_feed(feed)
    batch = ImportBatch(
        feed=feed_row,
        file_name=path.name,
        checksum=checksum,
        raw_path=str(keep_raw_file(path, checksum=checksum)),
        feed_version=feed.version,
        started_at=timezone.now(),
        imported_by=user,
    )
    run_batch(batch=batch, feed=feed, path=path, today=today, progress=progress)
    return ImportResult(batch=batch)


def import_audited(
    *, feed: Feed, path: Path, username: str, progress: Callable[[int], None] | None = None
) -> ImportResult:
    """import_file for a command or the pipeline, the import audited under username (a file
    already imported changes nothing and is not)."""
    result = import_file(feed=feed, path=path, progress=progress)
    if not result.already_imported:
        audit.record(
            action=AuditAction.IMPORT,
            username=username,
            object_type=AuditObject.IMPORT_BATCH,
            object_id=result.batch.pk,
            detail={"feed": feed.name, "rows": result.batch.rows_read},
        )
    return result


def already_imported(*, feed: Feed, checksum: str) -> ImportBatch | None:
    # The same file through the same version of the feed is never imported twice; after the
    # feed is corrected (a new version), the file can be re-run to release quarantined rows.
    return ImportBatch.objects.filter(
        feed__name=feed.name,
        checksum=checksum,
        feed_version=feed.version,
        status=ImportStatus.SUCCEEDED,
    ).first()


def run_batch(
    *,
    batch: ImportBatch,
    feed: Feed,
    path: Path,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Import path into batch (a new one, or one an upload queued): all of it or none of it.

    On SQLite the rows are committed a chunk at a time, so that no page waits long for the
    write lock, and undone if the import fails (chunked_writing.py); on PostgreSQL the batch is
    one transaction. On failure nothing from the file is kept and the batch is recorded as
    failed, with why.
    """
    try:
        with chunked_batch(batch) as chunks:
            _load(
                batch=batch,
                feed=feed,
                feed_row=batch.feed,
                path=path,
                today=today or timezone.localdate(),
                progress=progress,
                chunks=chunks,
            )
    except ImportFailed as failure:
        _record_failure(batch, str(failure))
        raise
    except Exception as error:
        logger.exception("Import of batch for feed %s failed", feed.name)
        _record_failure(
            batch,
            f"The import stopped unexpectedly ({type(error).__name__}); nothing "
            "from this file was stored. Try again, or report the problem.",
        )
        raise


def _record_failure(batch: ImportBatch, message: str) -> None:
    """Record the failed batch: what it wrote was undone (on PostgreSQL its row too, unless an
    upload queued it)."""
    for name in (
        "rows_read",
        "rows_imported",
        "rows_quarantined",
        "records_created",
        "records_updated",
    ):
        setattr(batch, name, 0)
    batch.quality_report = {}
    batch.status, batch.error, batch.finished_at = ImportStatus.FAILED, message, timezone.now()
    kept = batch.pk is not None and ImportBatch.objects.filter(pk=batch.pk).exists()
    if not kept:
        batch.pk = None  # its row went with the transaction
    batch.save(force_insert=not kept)


def _load(
    *,
    batch: ImportBatch,
    feed: Feed,
    feed_row: FeedRow,
    path: Path,
    today: date,
    progress,
    chunks: Chunks,
) -> None:
    if connection.vendor == "postgresql":
        # Check each statement's foreign keys as it ends rather than all at commit, so that
        # the checking overlaps the reading ahead of the next chunk. Still one transaction:
        # a failed check undoes the whole batch.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    tally = QualityTally(feed)
    feed_rows = {
        row.name: row for row in FeedRow.objects.filter(name__in=feed.depends_on | {feed.name})
    }
    imported = quarantined = 0
    prepared_chunks = read_ahead(
        prepare_chunks(path, feed=feed, today=today, vendor=connection.vendor)
    )
    try:
        for prepared in prepared_chunks:
            issues = prepared.issues
            references, unresolved = event_loading.resolve_references(
                prepared.values, feed=feed, feed_rows=feed_rows
            )
            issues += [Issue(row, column, reason) for row, column, reason in unresolved]
            bad_rows = {issue.row for issue in issues if issue.severity == ERROR}
            read = prepared.chunk
            tally.add_chunk(read.rows, issues, rejected=len(read.rejections))
            good = ~prepared.values[ROW].isin(bad_rows)
            if bad_rows:
                with chunks():
                    _quarantine(
                        batch,
                        read.rows,
                        issues,
                        unreadable={r.row: r.raw for r in read.rejections},
                    )
            for part, part_good in _parts(prepared, good, chunks=chunks):
                with chunks(len(part.values)):
                    _write(
                        part,
                        part_good,
                        feed=feed,
                        feed_row=feed_row,
                        batch=batch,
                        references=references,
                    )
            imported += int(good.sum())
            quarantined += len(bad_rows)
            if progress:
                progress(prepared.rows_read)
    except (UnreadableFile, MissingColumnsError) as error:
        raise ImportFailed(str(error)) from error
    finally:
        prepared_chunks.close()  # on any way out, the reading-ahead thread stops with the import
    with chunks(last=True):
        # Rows quarantined by an earlier run of this file that imported this time are released.
        QuarantinedRow.objects.filter(
            import_batch__feed=feed_row, import_batch__checksum=batch.checksum, released=False
        ).exclude(import_batch=batch).exclude(
            row_number__in=QuarantinedRow.objects.filter(import_batch=batch).values("row_number")
        ).update(released=True)
        # Placed once, here: every later stage reads where the new locations lie.
        place_locations()
        batch.rows_read, batch.rows_imported, batch.rows_quarantined = (
            tally.rows_read,
            imported,
            quarantined,
        )
        batch.quality_report = tally.report(rows_imported=imported, rows_quarantined=quarantined)
        batch.status, batch.finished_at = ImportStatus.SUCCEEDED, timezone.now()
        # The batch is complete when this chunk commits (chunked_writing.py).
        batch.save()


def _parts(prepared: PreparedChunk, good: pd.Series, *, chunks: Chunks):
    """The prepared chunk in parts of the rows each chunk transaction should hold on SQLite
    (chunks.rows, asked again for each part), whole on PostgreSQL. Every frame of a prepared
    chunk is indexed like its values."""
    if chunks.rows is None or len(prepared.values) <= chunks.rows:
        yield prepared, good
        return
    start = 0
    while start < len(prepared.values):
        index = prepared.values.index[start : start + (chunks.rows or len(prepared.values))]
        start += len(index)
        yield (
            PreparedChunk(
                chunk=prepared.chunk,
                issues=[],
                values=prepared.values.loc[index],
                invalid={name: mask.loc[index] for name, mask in prepared.invalid.items()},
                records=None if prepared.records is None else prepared.records.loc[index],
                events=None if prepared.events is None else prepared.events.loc[index],
                derived_events=prepared.derived_events,  # _write keeps the part's rows' own
            ),
            good.loc[index],
        )


def _write(
    prepared: PreparedChunk, good: pd.Series, *, feed: Feed, feed_row: FeedRow, batch, references
) -> None:
    """Write the chunk's good rows: records, then events, then who was involved in them."""
    if not good.any():
        return
    values = prepared.values[good]
    record_ids: dict[str, int] = {}
    event_ids: dict[str, int] = {}
    new_events: set[int] = set()
    if prepared.records is not None:
        record_ids, created, updated = loading.upsert_source_records(
            prepared.records[good], feed_row=feed_row, batch=batch
        )
        batch.records_created += len(created)
        batch.records_updated += updated
        loading.add_identifiers(
            values,
            feed=feed,
            record_ids=record_ids,
            created=created,
            invalid={name: mask[good] for name, mask in prepared.invalid.items()},
            batch=batch,
            feed_row=feed_row,
        )
        loading.add_objects(
            values, feed=feed, record_ids=record_ids, batch=batch, feed_row=feed_row
        )
    if prepared.events is not None:
        event_ids, new_events = event_loading.upsert_events(
            prepared.events[good], feed_row=feed_row, batch=batch
        )
    if feed.involvements:
        event_loading.add_involvements(
            values,
            feed=feed,
            feed_row=feed_row,
            batch=batch,
            references=references,
            own_records=record_ids,
            own_events=event_ids,
            new_events=new_events,
        )
    if prepared.derived_events is not None:
        derived = prepared.derived_events
        derived = derived[derived[ROW].isin(values[ROW])]
        _write_derived(
            derived,
            feed=feed,
            feed_row=feed_row,
            batch=batch,
            own=record_ids,
            references=references,
        )
    if feed.adds_identifier:
        adding.add_identifiers_to_records(
            values,
            feed=feed,
            references=references,
            invalid={name: mask[good] for name, mask in prepared.invalid.items()},
            batch=batch,
            feed_row=feed_row,
        )
    if feed.adds_details:
        adding.add_details_to_events(values, feed=feed, references=references, batch=batch)
    if feed.relationship or feed.object_contact or feed.object_links:
        link_loading.add_links(
            values,
            feed=feed,
            feed_row=feed_row,
            batch=batch,
            references=references,
            vendor=connection.vendor,
        )


def _write_derived(
    derived: pd.DataFrame, *, feed: Feed, feed_row: FeedRow, batch, own: dict, references: dict
) -> None:
    """The further events the rows imply, and the row's person in each."""
    if derived.empty:
        return
    event_ids, _ = event_loading.upsert_events(derived, feed_row=feed_row, batch=batch)
    if feed.source_record:
        people = own
    else:
        person = next(i.person for i in feed.involvements if i.person is not None)
        people = references[(person.feed, person.column)]
    event_loading.add_derived_involvements(
        derived,
        events=event_ids,
        people=people,
        person_key=PERSON_KEY,
        feed_row=feed_row,
        batch=batch,
    )


def _storable(value):
    """A raw value as text any database can keep (PostgreSQL refuses the NUL character)."""
    return str(value).replace("\x00", "\\x00")


def _quarantine(batch: ImportBatch, rows, issues: list[Issue], *, unreadable: dict[int, str]):
    by_row: dict[int, list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.severity == ERROR:
            by_row[issue.row].append(issue)
    if not by_row:
        return
    raw = {
        int(r[ROW]): {k: _storable(v) for k, v in r.items() if k != ROW}
        for r in rows[rows[ROW].isin(list(by_row))].to_dict("records")
    }
    QuarantinedRow.objects.bulk_create(
        [
            QuarantinedRow(
                import_batch=batch,
                row_number=row,
                column=", ".join(dict.fromkeys(i.column for i in row_issues if i.column)),
                reason="; ".join(i.reason for i in row_issues),
                raw=raw.get(row) or {"line": _storable(unreadable.get(row, ""))},
            )
            for row, row_issues in sorted(by_row.items())
        ],
        batch_size=BATCH_SIZE,
    )
