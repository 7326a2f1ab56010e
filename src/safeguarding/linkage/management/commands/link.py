from django.conf import settings
from django.core.management.base import BaseCommand

from safeguarding.linkage.evaluate import evaluate_against_truth, truth_clusters
from safeguarding.linkage.model import DEFAULT_THRESHOLD
from safeguarding.linkage.pipeline import link_all, linked_records_frame
from safeguarding.sources.feeds import load_feeds

# Partner concerns carry a first name and an approximate age only: no automatic linkage can
# place them, so the figures are given for the records that can be linked, and for all.
UNLINKABLE_FEEDS = {"partner-concerns"}


class Command(BaseCommand):
    help = "Link every source record into people (Splink), optionally measuring against truth."

    def add_arguments(self, parser):
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help="match probability at which records become one person",
        )
        parser.add_argument(
            "--evaluate", metavar="TRUTH_DIR", help="the synthetic county's truth folder"
        )

    def handle(self, *args, threshold, evaluate, **options):
        summary = link_all(threshold=threshold)
        self.stdout.write(
            f"Linked {summary.records} source records into {summary.people} people "
            f"({summary.candidate_pairs} candidate pairs scored) in {summary.seconds:.1f} s; "
            f"model {summary.model_version}."
        )
        if evaluate:
            records = linked_records_frame()
            truth = truth_clusters(truth_dir=evaluate, feeds=load_feeds(settings.FEEDS_DIR))
            for label, subset in (
                ("linkable records", records[~records["feed"].isin(UNLINKABLE_FEEDS)]),
                ("all records", records),
            ):
                result = evaluate_against_truth(subset, truth)
                self.stdout.write(
                    f"{label}: pairwise precision {result.precision:.4f}, recall "
                    f"{result.recall:.4f}, F1 {result.f1:.4f}; B-cubed precision "
                    f"{result.bcubed_precision:.4f}, recall {result.bcubed_recall:.4f}"
                )
