from django.core.management.base import BaseCommand, CommandError

from safeguarding.pipeline import Inputs, PipelineError, run_pipeline
from safeguarding.places.analysis import AnalysisSettings
from safeguarding.places.concern import ConcernRule
from safeguarding.places.models import EventSet


class Command(BaseCommand):
    help = (
        "Hotspots (Getis-Ord Gi*) and emerging hotspots of each event set, over the grid and "
        "the small areas, its recent places (where to look next), and the places of concern "
        "(young people with signs of exploitation seen there away from home), stored with "
        "their parameters: the pipeline's analyse stage."
    )

    def add_arguments(self, parser):
        defaults = AnalysisSettings()
        parser.add_argument(
            "--cell-size", type=int, default=defaults.cell_size, help="grid cell, metres"
        )
        parser.add_argument("--permutations", type=int, default=defaults.permutations)
        parser.add_argument("--months", type=int, default=defaults.months, help="cube length")
        parser.add_argument("--time-lag", type=int, default=defaults.time_lag)
        parser.add_argument(
            "--no-fdr", action="store_true", help="no false discovery rate correction"
        )
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument(
            "--minimum-events",
            type=int,
            default=defaults.minimum_events,
            help="events a cell and its neighbours need together to be tested as a hot spot",
        )
        parser.add_argument(
            "--away-from-home",
            type=int,
            default=defaults.away_from_home,
            metavar="METRES",
            help="leave out events this close to the home of a young person in them",
        )
        parser.add_argument(
            "--event-set", action="append", choices=EventSet.values, dest="event_sets"
        )
        parser.add_argument(
            "--concern-people",
            type=int,
            default=defaults.concern.minimum_people,
            metavar="N",
            help="places of concern: young people with signs of exploitation seen there, at least",
        )
        parser.add_argument(
            "--concern-share",
            type=float,
            default=defaults.concern.minimum_share,
            metavar="SHARE",
            help="places of concern: their share of the young people seen there, at least (0-1)",
        )

    def handle(self, *args, **options):
        if (
            options["cell_size"] < 50
            or options["permutations"] < 0
            or options["months"] < 3
            or options["minimum_events"] < 1
            or options["away_from_home"] < 0
            or options["concern_people"] < 1
            or not 0 <= options["concern_share"] <= 1
        ):
            raise CommandError(
                "Cells of 50 m or more, permutations ≥ 0, 3 months or more and a minimum of 1 "
                "event or more, a distance from home of 0 m or more, and places of concern of 1 "
                "young person or more and a share from 0 to 1."
            )
        settings = AnalysisSettings(
            cell_size=options["cell_size"],
            permutations=options["permutations"],
            months=options["months"],
            time_lag=options["time_lag"],
            fdr=not options["no_fdr"],
            seed=options["seed"],
            minimum_events=options["minimum_events"],
            away_from_home=options["away_from_home"],
            event_sets=tuple(options["event_sets"] or EventSet.values),
            concern=ConcernRule(
                minimum_people=options["concern_people"],
                minimum_share=options["concern_share"],
            ),
        )
        inputs = Inputs(analysis=settings, reanalyse=True, say=self.stdout.write)
        try:
            (run,) = run_pipeline(
                inputs=inputs, started_by="safeguarding analyse", stages=["analyse"]
            )
        except PipelineError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"analyse: {run.get_status_display()} in {run.seconds:.1f} s")
