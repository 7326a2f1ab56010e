"""What the Imports pages read."""

from django.db.models import QuerySet

from safeguarding.sources.models import ImportBatch, QuarantinedRow


def recent_batches(*, limit: int = 100) -> QuerySet:
    return ImportBatch.objects.select_related("feed__agency", "imported_by").order_by(
        "-started_at"
    )[:limit]


def quarantined_rows(*, batch: ImportBatch) -> QuerySet:
    return QuarantinedRow.objects.filter(import_batch=batch).order_by("row_number")


def quarantine_table(*, batch: ImportBatch) -> tuple[list[str], list[list]]:
    """The quarantined rows as a table: where, why, and the row as it was read."""
    rows = list(quarantined_rows(batch=batch))
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
