"""Time and peak memory of building the synthetic county at each scale.

    .venv/bin/python benchmarks/synth_benchmark.py [--scales small default large]

Targets (issue 4): default under 60 s, 1,000,000 records under 5 minutes, memory under 4 GB.
Each scale runs in its own process so peak memory is that scale's alone.
"""

import argparse
import json
import subprocess
import sys
import tempfile

CHILD = """
import json, resource, sys, time
from pathlib import Path
from safeguarding.synth.county import build_county
started = time.perf_counter()
summary = build_county(out_dir=Path(sys.argv[1]), seed=42, scale=sys.argv[2], force=True)
print(json.dumps({"seconds": time.perf_counter() - started, "rows": summary.total_rows,
                  "young_people": summary.young_people, "exploited": summary.exploited,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", nargs="+", default=["small", "default", "large"])
    scales = parser.parse_args().scales
    print(
        f"{'scale':<10}{'young people':>14}{'exploited':>11}{'rows':>11}{'seconds':>10}"
        f"{'rows/s':>10}{'peak MB':>10}"
    )
    for scale in scales:
        with tempfile.TemporaryDirectory() as out:
            result = subprocess.run(
                [sys.executable, "-c", CHILD, out, scale],
                check=True,
                capture_output=True,
                text=True,
            )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"{scale:<10}{figures['young_people']:>14,}{figures['exploited']:>11,}"
            f"{figures['rows']:>11,}{figures['seconds']:>10.1f}"
            f"{figures['rows'] / figures['seconds']:>10,.0f}{figures['peak_mb']:>10,.0f}"
        )


if __name__ == "__main__":
    main()
