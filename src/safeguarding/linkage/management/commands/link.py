from django.conf import settings
from django.core.management.base import BaseCommand

from safeguarding.common.priority import run_as_batch
from safeguarding.linkage.configuration import linkage_settings
from safeguarding.linkage.evaluate import evaluate_against_truth, truth_clusters
from safeguarding.linkage.pipeline import link_all, linked_records_frame


class Command(BaseCommand):
    # Django's checks (templates, URLs and the map libraries they import) are about serving
    # pages, not linking: they took a tenth of a full link's CPU time.
    requires_system_checks: list[str] = []
    help = (
        "Link the source records no one has linked yet with the saved model; --full trains a "
        "new model and re-links everyone. People's decisions win either way."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--full", action="store_true", help="train a new model and re-link every record"
        )
        parser.add_argument(
            "--threshold",
            type=float,
            help="match probability at which records become one person (default: the model's, "
            "or the settings' threshold for a new model)",
        )
        parser.add_argument(
            "--evaluate", metavar="TRUTH_DIR", help="the synthetic county's truth folder"
        )

    def handle(self, *args, full, threshold, evaluate, **options):
        run_as_batch()  # pages first (common/priority.py)
        summary = link_all(
            full=full, threshold=threshold, progress=lambda step: self.stderr.write(f"  {step}")
        )
        if summary.linker == "none":
            self.stdout.write(
                f"Nothing to link: {summary.records} source record"
                f"{'s' if summary.records != 1 else ''}."
            )
            return
        if summary.linker == "rule-based":
            self.stdout.write(
                "Too little to train a model on: linked by the rule-based linker (same valid "
                "identifier, or same names and date of birth). See docs/linkage.md."
            )
        if summary.full:
            self.stdout.write(
                f"Linked {summary.records} source records into {summary.people} people "
                f"({summary.candidate_pairs} pairs kept) in {summary.seconds:.1f} s with a new "
                f"model {summary.model_version}"
                + (f", trained on {summary.labels_used} decisions" if summary.labels_used else "")
                + "."
            )
        else:
            self.stdout.write(
                f"Linked {summary.new_records} new source records with model "
                f"{summary.model_version} ({summary.candidate_pairs} pairs kept) in "
                f"{summary.seconds:.1f} s; {summary.records} records in {summary.people} people."
            )
        if evaluate:
            # Here, not at the top: the feeds bring the file readers (and openpyxl) with them,
            # a tenth of a second of every link that does not evaluate.
            from safeguarding.sources.feeds import load_feeds

            records = linked_records_frame()
            truth = truth_clusters(truth_dir=evaluate, feeds=load_feeds(settings.FEEDS_DIR))
            # Feeds the settings leave out (partner concerns: a first name and an age) cannot
            # be placed, so the figures are given for the records that can be linked, and all.
            not_linked = linkage_settings().not_linked
            for label, subset in (
                ("linkable records", records[~records["feed"].isin(not_linked)]),
                ("all records", records),
            ):
                result = evaluate_against_truth(subset, truth)
                self.stdout.write(
                    f"{label}: pairwise precision {result.precision:.4f}, recall "
                    f"{result.recall:.4f}, F1 {result.f1:.4f}; B-cubed precision "
                    f"{result.bcubed_precision:.4f}, recall {result.bcubed_recall:.4f}"
                )
