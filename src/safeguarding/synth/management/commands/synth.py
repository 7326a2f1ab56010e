import datetime
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguarding.synth.county import FolderInUse, build_county
from safeguarding.synth.parameters import NOISE_PROFILES, PROFILES


class Command(BaseCommand):
    help = "Write a synthetic county: every agency's extracts, the geography and the ground truth."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--scale", default="default", help="small, default, large, or a number of young people"
        )
        parser.add_argument(
            "--end",
            type=datetime.date.fromisoformat,
            help="the last day of the county's data, YYYY-MM-DD (default: today); with the "
            "same seed and scale, the same end writes the same files",
        )
        parser.add_argument(
            "--noise",
            default="default",
            choices=sorted(NOISE_PROFILES),
            help="how imperfectly agencies record people (synth/parameters.py NOISE_PROFILES)",
        )
        parser.add_argument(
            "--profile",
            default="default",
            choices=sorted(PROFILES),
            help="a named set of rates: the demo county, or a harder one for validation "
            "(synth/parameters.py PROFILES, docs/risk.md)",
        )
        parser.add_argument(
            "--parameters",
            type=Path,
            help="a JSON file of parameter names and values, applied over the profile",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="rebuild even if already built, and write into a folder that holds other "
            "files (none of them is deleted)",
        )

    def handle(self, *args, out, seed, scale, end, force, noise, profile, parameters, **options):
        started = time.monotonic()
        try:
            summary = build_county(
                out_dir=out,
                seed=seed,
                scale=scale,
                window_end=end,
                force=force,
                noise=noise,
                profile=profile,
                parameters_file=parameters,
                progress=lambda step: print(f"  building {step}", file=sys.stderr),
            )
        except FolderInUse as error:
            raise CommandError(f"{error} (--force).") from error
        except (ValueError, OSError, TypeError) as error:
            raise CommandError(str(error)) from error
        if summary.reused:
            self.stdout.write(
                f"Reusing the county already built in {out} (seed {seed}, scale {scale}, "
                f"ending {summary.window_end}); --force rebuilds it."
            )
        self.stdout.write(
            f"Synthetic county in {out}: {summary.young_people} young people, "
            f"{summary.exploited} exploited, {summary.source_records} source records, "
            f"{summary.total_rows} extract rows up to {summary.window_end} "
            f"in {time.monotonic() - started:.1f} s."
        )
        for path, rows in summary.rows_by_file.items():
            self.stdout.write(f"  {path:<48}{rows:>9} rows")
