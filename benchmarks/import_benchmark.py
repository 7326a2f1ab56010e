"""End-to-end import speed: the default synthetic county into SQLite and into PostgreSQL.

    .venv/bin/python benchmarks/import_benchmark.py [--scale default] [--runs 3]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--database safeguarding_benchmark]

Target (issue 5): at least 10,000 rows per second end to end, the default county in under
2 minutes, memory flat in file size. Each run starts from an empty database; the time covers
the whole `safeguarding import --dir` command: starting Python and Django, reading, validating,
quarantining and writing every extract, and committing. The start-up alone (the same command
over an empty folder) is shown too, and the machine's load average, since other work on the
machine slows every figure.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
SAFEGUARDING = str(ROOT / ".venv" / "bin" / "safeguarding")


def run(arguments: list[str], database_url: str) -> tuple[str, float, float]:
    """The command's output, its wall-clock seconds and its peak memory in MB."""
    environment = {**os.environ, "DATABASE_URL": database_url}
    started = time.perf_counter()
    process = subprocess.Popen(
        [SAFEGUARDING, *arguments],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"safeguarding {' '.join(arguments)} failed ({process.returncode})")
    return output, seconds, usage.ru_maxrss / 1024


def fresh_sqlite(folder: Path, run_number: int) -> str:
    return f"sqlite:///{folder}/benchmark-{run_number}.sqlite3"


def fresh_postgres(url: str, database: str) -> str:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        connection.execute(f'CREATE DATABASE "{database}"')
    return re.sub(r"/[^/]*$", f"/{database}", url)


def measure(name: str, database_url: str, county: Path, empty: Path) -> float:
    run(["migrate", "--verbosity", "0"], database_url)
    run(
        [
            "shell",
            "-c",
            "from safeguarding.access.services import ensure_standard_agencies; "
            "ensure_standard_agencies()",
        ],
        database_url,
    )
    _, start_up, _ = run(["import", "--dir", str(empty)], database_url)
    output, seconds, peak = run(["import", "--dir", str(county / "extracts")], database_url)
    rows = sum(int(n) for n in re.findall(r"rows read (\d+)", output))
    load = os.getloadavg()[0]
    print(
        f"{name:<12}{rows:>10,}{seconds:>10.1f}{rows / seconds:>10,.0f}{start_up:>10.1f}"
        f"{peak:>10,.0f}{load:>8.1f}",
        flush=True,
    )
    return rows / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="default")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--database", default="safeguarding_benchmark", help="the PostgreSQL database to use"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        county, empty = Path(folder) / "county", Path(folder) / "empty"
        empty.mkdir()
        subprocess.run(
            [SAFEGUARDING, "synth", "--out", str(county), "--scale", options.scale],
            check=True,
            capture_output=True,
        )
        print(
            f"{'database':<12}{'rows':>10}{'seconds':>10}{'rows/s':>10}{'start-up':>10}"
            f"{'peak MB':>10}{'load':>8}"
        )
        speeds: dict[str, list[float]] = {"SQLite": [], "PostgreSQL": []}
        for run_number in range(options.runs):
            speeds["SQLite"].append(
                measure("SQLite", fresh_sqlite(Path(folder), run_number), county, empty)
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
