import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguarding.common.priority import run_as_batch
from safeguarding.pipeline import STAGE_NAMES, Inputs, PipelineError, run_pipeline


class Command(BaseCommand):
    help = (
        "Run the batch stages in order (geography, import, link, score, analyse), each run "
        "recorded; what a scheduler calls. A stage with nothing to do is skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--geography", type=Path, help="a geography folder to load")
        parser.add_argument("--extracts", type=Path, help="a folder of agency extracts")
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            action="append",
            help="YYYY-MM-DD; may be repeated (default: today)",
        )
        parser.add_argument("--full-link", action="store_true", help="train a new linkage model")
        parser.add_argument("--stages", nargs="+", choices=STAGE_NAMES, default=STAGE_NAMES)

    def handle(self, *args, geography, extracts, as_of, full_link, stages, **options):
        run_as_batch()  # pages first (common/priority.py)
        inputs = Inputs(
            geography=geography,
            extracts=extracts,
            score_dates=tuple(as_of or ()),
            full_link=full_link,
            say=self.stdout.write,
        )
        try:
            runs = run_pipeline(inputs=inputs, started_by="safeguarding pipeline", stages=stages)
        except PipelineError as error:
            raise CommandError(str(error)) from error
        for run in runs:
            self.stdout.write(f"{run.stage}: {run.get_status_display()} in {run.seconds:.1f} s")
