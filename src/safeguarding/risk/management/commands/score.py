import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from safeguarding.common.csv_export import write_csv
from safeguarding.common.priority import run_as_batch
from safeguarding.risk.catalogue import CatalogueError, load_catalogue
from safeguarding.risk.evaluation import evaluate_tracker
from safeguarding.risk.services import record_validation, score_everyone


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
        parser.add_argument(
            "--fit-weights",
            action="store_true",
            help="with --evaluate: also fit weights on the county's first half and compare "
            "both weightings on its second half",
        )
        parser.add_argument(
            "--every",
            type=int,
            default=28,
            metavar="DAYS",
            help="with --evaluate: score as of a date every DAYS days (default 28)",
        )
        parser.add_argument(
            "--figures",
            metavar="OUT_JSON",
            type=Path,
            help="with --evaluate: also write each method's figures as JSON",
        )
        parser.add_argument(
            "--person-dates",
            metavar="OUT_CSV",
            type=Path,
            help="with --evaluate: also write the trackers' person-dates (truth id, group, "
            "exploited, flagged, in the top) that the fairness figures come from",
        )
        parser.add_argument(
            "--fit",
            metavar="OUT_TOML",
            type=Path,
            help="fit weights on this partnership's own history and write them as a catalogue",
        )

    def handle(
        self,
        *args,
        as_of,
        catalogue,
        evaluate,
        fit,
        fit_weights,
        figures,
        person_dates,
        every,
        **options,
    ):
        run_as_batch()  # pages first (common/priority.py)
        try:
            loaded = load_catalogue(catalogue)
        except (CatalogueError, OSError) as error:
            raise CommandError(str(error)) from error
        if evaluate:
            validation = evaluate_tracker(
                truth_dir=evaluate,
                catalogue=loaded,
                progress=tqdm,
                fit=fit_weights,
                step_days=every,
            )
            stored = record_validation(
                validation=validation, catalogue=loaded, label=f"Synthetic county {evaluate}"
            )
            if figures:
                figures.write_text(json.dumps(stored.measures["rows"], indent=1))
            if person_dates:
                frame = validation.person_dates
                rows = frame.itertuples(index=False)
                with person_dates.open("w", newline="", encoding="utf-8") as handle:
                    write_csv(handle, header=list(frame.columns), rows=rows)
            self.stdout.write(validation.text)
            return
        if fit:
            from safeguarding.risk.fitting import fit_on_history

            weights, text = fit_on_history(catalogue_path=catalogue, as_of=as_of)
            fit.write_text(text, encoding="utf-8")
            self.stdout.write(f"Fitted weights written to {fit}: {weights.note()}.")
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
