import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from safeguarding.synth.county import build_county


class Command(BaseCommand):
    help = "Write a synthetic county: every agency's extracts, the geography and the ground truth."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--scale", default="default", help="small, default, large, or a number of young people"
        )
        parser.add_argument("--force", action="store_true", help="rebuild even if cached")

    def handle(self, *args, out, seed, scale, force, **options):
        started = time.monotonic()
        summary = build_county(
            out_dir=out,
            seed=seed,
            scale=scale,
            force=force,
            progress=lambda step: print(f"  building {step}", file=sys.stderr),
        )
        if summary.reused:
            self.stdout.write(
                f"Reusing the county already built in {out} (seed {seed}, scale {scale})."
            )
        self.stdout.write(
            f"Synthetic county in {out}: {summary.young_people} young people, "
            f"{summary.exploited} exploited, {summary.source_records} source records, "
            f"{summary.total_rows} extract rows in {time.monotonic() - started:.1f} s."
        )
        for path, rows in summary.rows_by_file.items():
            self.stdout.write(f"  {path:<48}{rows:>9} rows")
