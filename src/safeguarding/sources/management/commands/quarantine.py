from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.common.csv_export import write_csv
from safeguarding.sources import queries
from safeguarding.sources.models import ImportBatch


class Command(BaseCommand):
    help = (
        "Quarantined rows: `quarantine` lists the batches that have them, `quarantine BATCH` "
        "lists a batch's rows and reasons, `quarantine BATCH --export FILE` writes them as CSV."
    )

    def add_arguments(self, parser):
        parser.add_argument("batch", nargs="?", type=int, help="the import batch's number")
        parser.add_argument("--export", type=Path, metavar="FILE", help="write the rows as CSV")
        parser.add_argument(
            "--unreleased", action="store_true", help="only rows no later run has imported"
        )

    def handle(self, *args, batch, export, unreleased, **options):
        if batch is None:
            if export:
                raise CommandError("Name the batch to export: `quarantine BATCH --export FILE`.")
            self._list_batches()
            return
        found = ImportBatch.objects.select_related("feed").filter(pk=batch).first()
        if found is None:
            raise CommandError(f"No import batch {batch}: `quarantine` lists the batches.")
        header, rows = queries.quarantine_table(batch=found, unreleased_only=unreleased)
        audit.record(
            action=AuditAction.EXPORT if export else AuditAction.VIEW,
            username="command line",
            object_type=AuditObject.QUARANTINE,
            object_id=found.pk,
            detail={"rows": len(rows)},
        )
        if export:
            with export.open("w", encoding="utf-8", newline="") as handle:
                write_csv(handle, header=header, rows=rows)
            self.stdout.write(
                f"Wrote {len(rows)} quarantined rows of batch {found.pk} to {export}."
            )
            return
        self.stdout.write(f"{found.feed.name}: {found.file_name} (batch {found.pk})")
        self.stdout.write(f"  {'row':>7}  {'column':<24}{'released':<10}reason")
        for row_number, column, reason, released, *_ in rows:
            self.stdout.write(
                f"  {row_number:>7}  {printable(column):<24}{'yes' if released else 'no':<10}"
                f"{printable(reason)}"
            )
        self.stdout.write(f"  {len(rows)} row(s)")

    def _list_batches(self) -> None:
        batches = list(queries.batches_with_quarantine())
        if not batches:
            self.stdout.write("No batch has quarantined rows.")
            return
        self.stdout.write(
            f"{'batch':>6}  {'started':<17}{'feed':<26}{'quarantined':>12}{'still':>7}  file"
        )
        for found in batches:
            started = timezone.localtime(found.started_at)
            self.stdout.write(
                f"{found.pk:>6}  {started:%Y-%m-%d %H:%M}  {found.feed.name:<26}"
                f"{found.rows_quarantined:>12}{found.still_quarantined:>7}  {found.file_name}"
            )


def printable(text: str) -> str:
    """Text safe to print to a terminal: control characters from an extract (which could move
    the cursor or recolour the screen) are shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))
