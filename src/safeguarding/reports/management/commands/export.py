from pathlib import Path

from django.core.management.base import BaseCommand

from safeguarding.access import audit
from safeguarding.access.models import AuditAction
from safeguarding.linkage.pipeline import linked_records_frame
from safeguarding.reports.csv_export import write_csv


class Command(BaseCommand):
    help = "Export results as CSV: `export links FILE` (source, source_record_id, person_id)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["links"])
        parser.add_argument("file", type=Path)

    def handle(self, *args, what, file, **options):
        records = linked_records_frame().sort_values(["feed", "source_record_id"])
        with file.open("w", encoding="utf-8", newline="") as handle:
            count = write_csv(
                handle,
                header=["source", "source_record_id", "person_id"],
                rows=records[["feed", "source_record_id", "person_id"]].itertuples(index=False),
            )
        audit.record(
            action=AuditAction.EXPORT,
            username="command line",
            object_type="links",
            detail={"rows": count},
        )
        self.stdout.write(f"Wrote {count} links to {file}.")
