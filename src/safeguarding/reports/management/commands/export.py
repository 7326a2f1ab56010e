import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safeguarding.access import audit
from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.common.csv_export import write_csv
from safeguarding.linkage.pipeline import linked_records_frame
from safeguarding.network import exports as network_exports
from safeguarding.network.services import latest_run as latest_network
from safeguarding.places import queries as places_queries
from safeguarding.risk import queries as risk_queries
from safeguarding.risk.catalogue import load_catalogue
from safeguarding.risk.models import ScoringRun
from safeguarding.risk.services import score_everyone
from safeguarding.risk.tracker import tracker_list

# Hotspots are counts of places, with no person in them: recorded as an export of events until
# the audit log has a value of its own for them.
EXPORTED = {
    "links": AuditObject.LINKS,
    "tracker": AuditObject.TRACKER,
    "hotspots": AuditObject.PLACES,
    "network": AuditObject.NETWORK,
}


class Command(BaseCommand):
    help = (
        "Export results as CSV: `export links FILE` (source, source_record_id, person_id); "
        "`export tracker FILE [--as-of DATE]` (person_id, score, level, indicators, ranked); "
        "`export hotspots FILE` (area_code or cell, lat, lon, period, category, count, z, p: "
        "the latest results of `safeguarding analyse`); `export network FILE` (the latest "
        "association graph's links, one row each for i2 or Gephi, and its nodes beside it in "
        "FILE-nodes.csv; `--events` draws each event that joins people as a node)."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["links", "tracker", "hotspots", "network"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            help="tracker: risk as of this date (scored first if it has not been)",
        )
        parser.add_argument(
            "--events",
            action="store_true",
            help="network: each event that joins people as a node, linked to each by role",
        )

    def handle(self, *args, what, file, as_of, events=False, **options):
        if what == "links":
            records = linked_records_frame().sort_values(["feed", "source_record_id"])
            header = ["source", "source_record_id", "person_id"]
            rows = list(records[["feed", "source_record_id", "person_id"]].itertuples(index=False))
        elif what == "hotspots":
            header, rows = places_queries.EXPORT_HEADER, places_queries.export_rows()
        elif what == "network":
            header, rows = self._network(file, events=events)
        else:
            header = risk_queries.EXPORT_HEADER
            rows = self._tracker_rows(as_of or timezone.localdate())
        with file.open("w", encoding="utf-8", newline="") as handle:
            count = write_csv(handle, header=header, rows=rows)
        audit.record(
            action=AuditAction.EXPORT,
            username="command line",
            object_type=EXPORTED[what],
            detail={"rows": count},
        )
        self.stdout.write(f"Wrote {count} rows to {file}.")

    def _network(self, file: Path, *, events: bool) -> tuple[list[str], list[tuple]]:
        """The links into FILE (returned), the nodes written beside it now."""
        run = latest_network()
        if run is None:
            raise CommandError("No association graph yet: run `safeguarding pipeline`.")
        header, rows = network_exports.table(what="nodes", run=run, events=events)
        nodes = file.with_name(f"{file.stem}-nodes.csv")
        with nodes.open("w", encoding="utf-8", newline="") as handle:
            count = write_csv(handle, header=header, rows=rows)
        self.stdout.write(f"Wrote {count} nodes to {nodes}.")
        return network_exports.table(what="edges", run=run, events=events)

    def _tracker_rows(self, as_of: datetime.date) -> list[tuple]:
        version = load_catalogue().version
        run = ScoringRun.objects.filter(
            as_of=as_of, catalogue_version=version, complete=True
        ).first()
        if run is None:
            self.stdout.write(f"Scoring risk as of {as_of} first.")
            run = score_everyone(as_of=as_of).run
        listed = tracker_list(run=run, filters=risk_queries.TrackerFilters(), user=None)
        rows = risk_queries.tracker_rows(
            entries=listed.entries,
            overrides=listed.overrides,
            run=run,
            catalogue=load_catalogue(),
            user=None,
        )
        return risk_queries.export_rows(rows=rows)
