"""Checking a file against a feed before importing it: a dry run that stores nothing.

The check runs the importer itself (`importing.run_batch`: reading, validation, references,
quarantine, the upserts) inside a transaction that is always rolled back, then reads what the
import would have written before the rollback. So the check can never disagree with the
import, whatever the feed language grows to express: there is one code path, not two. The raw
file is not kept and nothing is audited by the check itself (the page or command that shows
its report audits the reading).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from safeguarding.people.models import Event, Identifier, SourceRecord
from safeguarding.sources.feeds import Feed
from safeguarding.sources.importing import (
    ImportFailed,
    already_imported,
    register_feed,
    run_batch,
)
from safeguarding.sources.models import ImportBatch, QuarantinedRow
from safeguarding.sources.raw_files import sha256_of

SAMPLE_ROWS = 5
RECORD_COLUMNS = [
    "row_number",
    "source_record_id",
    "given_names",
    "family_name",
    "aliases",
    "date_of_birth",
    "sex",
    "ethnicity",
    "postcode",
    "address",
]
EVENT_COLUMNS = [
    "row_number",
    "source_event_id",
    "event_type",
    "occurred_at",
    "ended_at",
    "location__postcode",
    "description",
    "details",
]
# A reason quotes the value it refuses; the kind of reason is the text with values masked, so
# that 300 bad dates are one reason with 300 rows, not 300 reasons.
QUOTED_VALUE = re.compile(r"'[^']*'")


@dataclass(frozen=True)
class QuarantineReason:
    reason: str  # with the quoted values masked
    rows: int  # how many rows it sends to quarantine
    example_row: int
    example: dict[str, str]  # that row as it was read: personal data


@dataclass(frozen=True)
class StoredRows:
    header: list[str]
    rows: list[list[str]]


@dataclass
class CheckReport:
    feed: str
    file_name: str
    refused: str = ""  # why the whole file would be refused; empty when it would import
    imported_before: int | None = None  # the batch that already imported this very file
    rows_read: int = 0
    rows_imported: int = 0
    rows_quarantined: int = 0
    records_created: int = 0
    records_updated: int = 0
    duplicate_ids: int = 0
    columns: dict[str, dict] = field(default_factory=dict)  # the quality report's figures
    reasons: list[QuarantineReason] = field(default_factory=list)
    records: StoredRows | None = None
    events: StoredRows | None = None
    identifiers: StoredRows | None = None  # added to other feeds' records
    added_details: StoredRows | None = None  # events of other feeds with the details added


def check_file(
    *,
    feed: Feed,
    path: Path,
    today: date | None = None,
    sample_rows: int = SAMPLE_ROWS,
    user=None,
) -> CheckReport:
    """What importing path through feed would do, from the importer itself; nothing is kept."""
    report = CheckReport(feed=feed.name, file_name=path.name)
    checksum = sha256_of(path)
    earlier = already_imported(feed=feed, checksum=checksum)
    report.imported_before = earlier.pk if earlier is not None else None
    with transaction.atomic():
        try:
            batch = ImportBatch(
                feed=register_feed(feed),
                file_name=path.name,
                checksum=checksum,
                feed_version=feed.version,
                started_at=timezone.now(),
                imported_by=user,
            )
            run_batch(batch=batch, feed=feed, path=path, today=today)
            _fill(report, feed=feed, batch=batch, sample_rows=sample_rows)
            _fill_additions(report, feed=feed, batch=batch, sample_rows=sample_rows)
        except ImportFailed as failure:
            report.refused = str(failure)
        finally:
            # Always undone: the records, events, quarantine and the batch itself.
            transaction.set_rollback(True)
    return report


def _fill(report: CheckReport, *, feed: Feed, batch: ImportBatch, sample_rows: int) -> None:
    quality = batch.quality_report
    report.rows_read, report.rows_imported = batch.rows_read, batch.rows_imported
    report.rows_quarantined = batch.rows_quarantined
    report.records_created, report.records_updated = batch.records_created, batch.records_updated
    report.duplicate_ids = quality.get("duplicate_ids_in_batch", 0)
    report.columns = quality.get("columns", {})
    report.reasons = _reasons(batch, column_order=list(feed.columns))
    records = SourceRecord.objects.filter(import_batch=batch).order_by("row_number")
    if records.exists():
        report.records = _table(records.values_list(*RECORD_COLUMNS)[:sample_rows], RECORD_COLUMNS)
    events = Event.objects.filter(feed=batch.feed, import_batch=batch).order_by("row_number")
    if events.exists():
        report.events = _table(events.values_list(*EVENT_COLUMNS)[:sample_rows], EVENT_COLUMNS)


IDENTIFIER_COLUMNS = ["row_number", "source_record__source_record_id", "kind", "value", "valid"]


def _fill_additions(report: CheckReport, *, feed: Feed, batch: ImportBatch, sample_rows) -> None:
    """What a file that adds to other feeds' records and events would add."""
    if feed.adds_identifier:
        added = Identifier.objects.filter(import_batch=batch).order_by("row_number", "pk")
        report.identifiers = StoredRows(
            ["row_number", "source_record_id", "kind", "value", "valid"],
            [[str(v) for v in row] for row in added.values_list(*IDENTIFIER_COLUMNS)[:sample_rows]],
        )
    if feed.adds_details:
        name = next(iter(feed.adds_details.details))
        events = Event.objects.filter(
            feed__name=feed.adds_details.event.feed,
            **{f"details__added_from__{name}__import_batch": batch.pk},
        ).order_by("pk")
        names = list(feed.adds_details.details)
        report.added_details = StoredRows(
            ["source_event_id", "event_type", *names],
            [
                [
                    event.source_event_id,
                    event.event_type,
                    *(str(event.details.get(n)) for n in names),
                ]
                for event in events[:sample_rows]
            ],
        )


def _reasons(batch: ImportBatch, *, column_order: list[str]) -> list[QuarantineReason]:
    """Each kind of reason, most rows first, with the first row it sent to quarantine, its
    cells in the feed's order (PostgreSQL keeps a row's JSON keys in an order of its own)."""
    rows_by_reason: dict[str, list[QuarantinedRow]] = defaultdict(list)
    for row in QuarantinedRow.objects.filter(import_batch=batch).order_by("row_number"):
        for part in dict.fromkeys(QUOTED_VALUE.sub("'…'", p) for p in row.reason.split("; ")):
            rows_by_reason[part].append(row)
    return sorted(
        (
            QuarantineReason(
                reason=reason,
                rows=len(rows),
                example_row=rows[0].row_number,
                example=_in_order(rows[0].raw, column_order),
            )
            for reason, rows in rows_by_reason.items()
        ),
        key=lambda reason: (-reason.rows, reason.example_row),
    )


def _in_order(raw: dict, column_order: list[str]) -> dict[str, str]:
    rank = {name: position for position, name in enumerate(column_order)}
    names = sorted(raw, key=lambda name: (rank.get(name, len(rank)), name))
    return {str(name): str(raw[name]) for name in names}


def _table(rows, columns: list[str]) -> StoredRows:
    header = [column.replace("location__", "location_") for column in columns]
    return StoredRows(header, [["" if v is None else str(v) for v in row] for row in rows])


def describe_check(report: CheckReport) -> str:
    """The report as the command line prints it."""
    lines = [f"Checked {report.file_name} against the feed {report.feed}: nothing was stored."]
    if report.imported_before is not None:
        lines.append(
            f"This very file was already imported (batch {report.imported_before}): "
            "importing it again would change nothing."
        )
    if report.refused:
        lines.append(f"The whole file would be refused: {report.refused}")
        return "\n".join(lines)
    lines += [
        f"  rows read {report.rows_read}: would import {report.rows_imported}, "
        f"would quarantine {report.rows_quarantined}",
        f"  records new {report.records_created}, updated {report.records_updated}; "
        f"duplicate ids in file {report.duplicate_ids}",
        "",
        "Would be quarantined, by reason (the first row of each):",
    ]
    if not report.reasons:
        lines.append("  nothing")
    for reason in report.reasons:
        example = ", ".join(f"{k}={v}" for k, v in reason.example.items())
        lines += [f"  {reason.rows:>6} row(s): {reason.reason}"]
        lines += [f"         e.g. row {reason.example_row}: {example}"]
    lines += [
        "",
        "Columns:",
        f"  {'column':<32}{'filled':>8}{'valid':>8}{'errors':>8}{'warnings':>10}",
    ]
    for name, figures in report.columns.items():
        filled, valid = figures["completeness"], figures["validity"]
        lines.append(
            f"  {name:<32}{'' if filled is None else f'{filled:.0%}':>8}"
            f"{'' if valid is None else f'{valid:.0%}':>8}{figures['errors']:>8}"
            f"{figures['warnings']:>10}"
        )
    for title, table in (
        ("Source records", report.records),
        ("Events", report.events),
        ("Identifiers added to other feeds' records", report.identifiers),
        ("Events of another feed with the details added", report.added_details),
    ):
        if table is not None:
            lines += ["", f"{title}, the first rows as they would be stored:"]
            lines += ["  " + " | ".join(table.header)]
            lines += ["  " + " | ".join(row) for row in table.rows]
    return "\n".join(lines)
