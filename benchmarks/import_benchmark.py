"""End-to-end import speed: the default synthetic county into SQLite and into PostgreSQL.

    .venv/bin/python benchmarks/import_benchmark.py [--scale default] [--runs 3]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--database safeguarding_benchmark]

Target (issue 5): at least 10,000 rows per second end to end, the default county in under
2 minutes, memory flat in file size. Each run starts from an empty database; the time covers
the whole `safeguarding import --dir` command: starting Python and Django, reading, validating,
quarantining and writing every extract, and committing. The start-up alone (the same command
over an empty folder) is shown too, and the machine's load average, since other work on the
machine slows every figure. On a loaded machine the wall-clock rate says as much about the
other work as about ours, so the command's own CPU time (user + system, from the operating
system's accounting of the finished command, `resource.RUSAGE_CHILDREN`) is shown beside it, as
rows per CPU second. The database server's own CPU time (PostgreSQL) is not in that figure.
"""

import argparse
import os
import re
import resource
import sys
import tempfile
from pathlib import Path

from county_databases import (
    fresh_postgres,
    fresh_sqlite,
    migrate_with_agencies,
    run,
    synthetic_county,
)


def measure(name: str, database_url: str, county: Path, empty: Path) -> float:
    migrate_with_agencies(database_url)
    start_up = run(["import", "--dir", str(empty)], database_url).seconds
    cpu_before = _children_cpu_seconds()
    imported = run(["import", "--dir", str(county / "extracts")], database_url)
    cpu = _children_cpu_seconds() - cpu_before
    rows = sum(int(n) for n in re.findall(r"rows read (\d+)", imported.output))
    load = os.getloadavg()[0]
    print(
        f"{name:<12}{rows:>10,}{imported.seconds:>10.1f}{rows / imported.seconds:>10,.0f}"
        f"{cpu:>10.1f}{rows / cpu:>12,.0f}"
        f"{start_up:>10.1f}{imported.peak_mb:>10,.0f}{load:>8.1f}",
        flush=True,
    )
    return rows / imported.seconds


def _children_cpu_seconds() -> float:
    """User and system CPU seconds of the finished commands this process has waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="default")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--database", default="safeguarding_benchmark", help="the PostgreSQL database to use"
    )
    options = parser.parse_args()
    if os.environ.get("PYTHONPYCACHEPREFIX") and os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # Python then looks for compiled files only under the prefix and may not write them
        # there: every command compiles each module it loads again (about 3 CPU seconds of a
        # 4-second start, against 1.2 s with compiled files), which no installed copy does.
        print(
            "Note: PYTHONPYCACHEPREFIX is set and PYTHONDONTWRITEBYTECODE forbids writing "
            "there, so each start-up compiles every module again; unset "
            "PYTHONDONTWRITEBYTECODE (the files go under the prefix) to time an installed copy."
        )
    with tempfile.TemporaryDirectory() as folder:
        county = synthetic_county(Path(folder) / "county", options.scale)
        empty = Path(folder) / "empty"
        empty.mkdir()
        print(
            f"{'database':<12}{'rows':>10}{'seconds':>10}{'rows/s':>10}{'CPU s':>10}"
            f"{'CPU rows/s':>12}{'start-up':>10}"
            f"{'peak MB':>10}{'load':>8}"
        )
        speeds: dict[str, list[float]] = {"SQLite": [], "PostgreSQL": []}
        for run_number in range(options.runs):
            speeds["SQLite"].append(
                measure("SQLite", fresh_sqlite(Path(folder), f"run-{run_number}"), county, empty)
            )
            speeds["PostgreSQL"].append(
                measure(
                    "PostgreSQL", fresh_postgres(options.postgres, options.database), county, empty
                )
            )
        if options.runs > 1:
            for name, values in speeds.items():
                print(f"{name}: {min(values):,.0f} to {max(values):,.0f} rows/s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
