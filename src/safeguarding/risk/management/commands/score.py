import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from safeguarding.risk.catalogue import CatalogueError, load_catalogue
from safeguarding.risk.evaluation import evaluate_tracker
from safeguarding.risk.services import score_everyone


class Command(BaseCommand):
    help = "Score every young person's risk as of a date (today by default), or evaluate it."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument(
            "--catalogue", type=Path, default=settings.INDICATOR_CATALOGUE, help="indicator file"
        )
        parser.add_argument(
            "--evaluate", metavar="TRUTH_DIR", type=Path, help="the synthetic county's truth"
        )

    def handle(self, *args, as_of, catalogue, evaluate, **options):
        try:
            loaded = load_catalogue(catalogue)
        except (CatalogueError, OSError) as error:
            raise CommandError(str(error)) from error
        if evaluate:
            self.stdout.write(evaluate_tracker(truth_dir=evaluate, catalogue=loaded, progress=tqdm))
            return
        day = as_of or timezone.localdate()
        summary = score_everyone(as_of=day, catalogue=loaded)
        levels = ", ".join(
            f"{summary.by_level.get(level, 0)} {level}" for level in ("high", "medium", "low")
        )
        self.stdout.write(
            f"Scored risk as of {day} with catalogue {loaded.version}: "
            f"{summary.run.people_assessed} young people with indicators ({levels}), "
            f"{summary.hits} indicator hits, in {summary.run.seconds:.1f} s."
        )
