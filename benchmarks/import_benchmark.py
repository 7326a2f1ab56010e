"""End-to-end import speed: the default synthetic county into SQLite and into PostgreSQL.

    .venv/bin/python benchmarks/import_benchmark.py [--scale default] [--postgres URL]

Target (issue 5): at least 10,000 rows per second end to end, the default county in under
2 minutes. Each database starts empty; the time covers reading, validating, quarantining and
writing every extract (`safeguarding import --dir`).
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
SAFEGUARDING = str(ROOT / ".venv" / "bin" / "safeguarding")


def run(arguments: list[str], database_url: str) -> str:
    environment = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run(
        [SAFEGUARDING, *arguments], env=environment, check=True, capture_output=True, text=True
    )
    return result.stdout


def fresh_postgres(url: str) -> str:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS importing_benchmark")
        connection.execute("CREATE DATABASE importing_benchmark")
    return re.sub(r"/[^/]*$", "/importing_benchmark", url)


def measure(name: str, database_url: str, county: Path) -> None:
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
    started = time.perf_counter()
    output = run(["import", "--dir", str(county / "extracts")], database_url)
    seconds = time.perf_counter() - started
    rows = sum(int(n) for n in re.findall(r"rows read (\d+)", output))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{name:<12}{rows:>10,}{seconds:>10.1f}{rows / seconds:>10,.0f}{peak:>12,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="default")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        county = Path(folder) / "county"
        subprocess.run(
            [SAFEGUARDING, "synth", "--out", str(county), "--scale", options.scale],
            check=True,
            capture_output=True,
        )
        print(f"{'database':<12}{'rows':>10}{'seconds':>10}{'rows/s':>10}{'peak MB':>12}")
        measure("SQLite", f"sqlite:///{folder}/benchmark.sqlite3", county)
        measure("PostgreSQL", fresh_postgres(options.postgres), county)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
