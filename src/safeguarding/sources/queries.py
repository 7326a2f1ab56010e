"""What the Imports pages and the register of feeds read."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from safeguarding.access.models import Agency
from safeguarding.people.models import Event, SourceRecord
from safeguarding.sources.feeds import Feed
from safeguarding.sources.models import Feed as FeedRow
from safeguarding.sources.models import ImportBatch, ImportStatus, QuarantinedRow


def recent_batches(*, limit: int = 100) -> QuerySet:
    return ImportBatch.objects.select_related("feed__agency", "imported_by").order_by(
        "-started_at"
    )[:limit]


def batches_with_quarantine() -> QuerySet:
    """Batches that quarantined rows, newest first, with how many are still in quarantine
    (not yet imported by a later run)."""
    return (
        ImportBatch.objects.filter(rows_quarantined__gt=0)
        .select_related("feed")
        .annotate(
            still_quarantined=Count("quarantined_rows", filter=Q(quarantined_rows__released=False))
        )
        .order_by("-started_at", "-pk")
    )


def quarantined_rows(*, batch: ImportBatch, unreleased_only: bool = False) -> QuerySet:
    rows = QuarantinedRow.objects.filter(import_batch=batch)
    if unreleased_only:
        rows = rows.filter(released=False)
    return rows.order_by("row_number")


def quarantine_table(
    *, batch: ImportBatch, unreleased_only: bool = False
) -> tuple[list[str], list[list]]:
    """The quarantined rows as a table: where, why, and the row as it was read."""
    rows = list(quarantined_rows(batch=batch, unreleased_only=unreleased_only))
    raw_columns = list(dict.fromkeys(key for row in rows for key in row.raw))
    header = ["row", "column", "reason", "released", *raw_columns]
    return header, [
        [
            row.row_number,
            row.column,
            row.reason,
            row.released,
            *[row.raw.get(c, "") for c in raw_columns],
        ]
        for row in rows
    ]


@dataclass(frozen=True)
class RegisterEntry:
    """One feed in the register of feeds: why we hold it, under which agreement, for how long,
    and how much of it we hold. No personal data."""

    name: str
    title: str
    agency: str
    lawful_basis: str
    isa_reference: str
    isa_review_date: datetime.date | None
    review_overdue: bool
    retention_days: int
    source_records: int
    events: int
    last_import: datetime.datetime | None
    defined: bool  # a feed file defines it today (a feed only in the database is withdrawn)

    @property
    def retention_years(self) -> float:
        return round(self.retention_days / 365.25, 1)


def feed_register(*, feeds: Mapping[str, Feed], today: datetime.date) -> list[RegisterEntry]:
    """Every feed, from its file joined with what the database holds for it; a feed that has
    data but no file any more is listed from its stored definition, so nothing held is hidden."""
    stored = {row.name: row for row in FeedRow.objects.select_related("agency")}
    agency_names = dict(Agency.objects.values_list("code", "name"))
    # Counted per feed in one grouped query each; the register is read by a few people.
    records = _count_by_feed(SourceRecord)
    events = _count_by_feed(Event)
    last_import = dict(
        ImportBatch.objects.filter(status=ImportStatus.SUCCEEDED)
        .values("feed_id")
        .annotate(latest=Max("finished_at"))
        .values_list("feed_id", "latest")
    )
    entries = []
    for name in sorted(set(feeds) | set(stored)):
        feed, row = feeds.get(name), stored.get(name)
        row_id = row.pk if row is not None else None
        # The file says what the feed is today; a withdrawn feed, what it said when last used.
        definition: Feed | FeedRow = feed if feed is not None else stored[name]
        if feed is not None:
            agency = agency_names.get(feed.agency, feed.agency)
        else:
            agency = stored[name].agency.name
        review = feed.isa_review_date if feed is not None else None
        entries.append(
            RegisterEntry(
                name=name,
                title=definition.title,
                agency=agency,
                lawful_basis=definition.lawful_basis,
                isa_reference=definition.isa_reference,
                isa_review_date=review,
                review_overdue=review is not None and review < today,
                retention_days=definition.retention_days,
                source_records=records.get(row_id, 0) if row_id else 0,
                events=events.get(row_id, 0) if row_id else 0,
                last_import=last_import.get(row_id) if row_id else None,
                defined=feed is not None,
            )
        )
    return entries


def _count_by_feed(model) -> dict[int, int]:
    return dict(
        model.objects.values("feed_id").annotate(rows=Count("pk")).values_list("feed_id", "rows")
    )
