"""What the Imports pages read."""

from django.db.models import Count, Q, QuerySet

from safeguarding.sources.models import ImportBatch, QuarantinedRow


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
