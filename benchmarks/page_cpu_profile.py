"""Where a page's server CPU goes: the load benchmark's pages, one at a time, in this process.

    .venv/bin/python benchmarks/page_cpu_profile.py --database-url postgres://.../demo
        [--repeat 30] [--profile tracker] [--top 25]

For each kind of page in benchmarks/load_benchmark.py's mix (tracker, search, person, timeline,
csv), signed in as the demo's users who read the tracker: the median CPU milliseconds of this
process per request (Django's test client around the whole request: middleware, session, gate,
audit write, queries, rendering) and the queries it makes. On a shared machine CPU time, not wall
time, is the comparable figure. `--profile KIND` prints cProfile's top functions for that kind
(cumulative), to see whether templates, queries or Python take the time.

A PostgreSQL database is copied first (CREATE DATABASE ... TEMPLATE) and dropped after; an
SQLite file is copied with the backup API. The demo's settings are used, with its cache.
"""

import argparse
import cProfile
import os
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from county_databases import copy_database

ROOT = Path(__file__).resolve().parents[1]
READERS = ["analyst", "chair", "police", "health"]
KINDS = ["tracker", "search", "person", "timeline", "csv"]


def addresses(client, chance: random.Random) -> dict[str, list[str]]:
    """Addresses of each kind, chosen as the load benchmark chooses them."""
    response = client.get("/tracker/?sort=score")
    if response.status_code != 200:
        raise SystemExit(f"the tracker answered HTTP {response.status_code}")
    tracker = response.content.decode()
    people = [int(p) for p in re.findall(r'href="/people/(\d+)/"', tracker)]
    surnames = sorted(
        {n.split()[-1] for n in re.findall(r'href="/people/\d+/">([^<]+)</a>', tracker)}
    )
    return {
        "tracker": [
            "/tracker/?sort=score",
            "/tracker/?page=2",
            "/tracker/?page=4",
            "/tracker/?level=high",
            "/tracker/?level=medium&sort=age",
            "/tracker/?type=county_lines",
            "/tracker/?age=13-15",
            "/tracker/?agency=wiltshire-police",
            "/tracker/?sort=name",
        ],
        "search": [f"/people/?q={chance.choice(surnames)}" for _ in range(8)],
        "person": [f"/people/{chance.choice(people)}/" for _ in range(8)],
        "timeline": [f"/people/{chance.choice(people)}/?months=12" for _ in range(8)],
        "csv": ["/tracker/export.csv", "/tracker/export.csv?level=high"],
    }


def measure(clients, urls: list[str], repeat: int) -> tuple[float, float, int]:
    """Median CPU ms and wall ms per request, and the most queries one request made."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cpu, wall, queries = [], [], 0
    for n in range(repeat):
        client = clients[n % len(clients)]
        url = urls[n % len(urls)]
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        queries = max(queries, len(captured))
    return statistics.median(cpu), statistics.median(wall), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", default="", choices=["", *KINDS])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dump", default="", help="write the profile here (pstats)")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="safeguarding-profile-"))
    database_url, drop = copy_database(options.database_url, folder, "profile")
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeguarding.settings.demo"
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import django

        django.setup()
        from county_databases import signed_in_client
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(username__in=READERS)
        clients = [
            signed_in_client(
                u, purpose="Preparing for or attending a multi-agency panel", HTTP_HOST="localhost"
            )
            for u in users
        ]
        exporters = [c for c, u in zip(clients, users, strict=True) if u.username in {"analyst"}]
        urls = addresses(clients[0], random.Random(7))
        print("| page | CPU ms (median) | wall ms (median) | queries (most) |")
        print("|---|---:|---:|---:|")
        for kind in KINDS:
            chosen = exporters if kind == "csv" else clients
            measure(chosen, urls[kind], len(urls[kind]))  # warm: caches, templates
            repeat = max(4, options.repeat // 5) if kind == "csv" else options.repeat
            cpu, wall, queries = measure(chosen, urls[kind], repeat)
            print(f"| {kind} | {cpu:.1f} | {wall:.1f} | {queries} |", flush=True)
        if options.profile:
            chosen = exporters if options.profile == "csv" else clients
            profiler = cProfile.Profile(time.process_time)  # CPU, not waits on the database
            profiler.enable()
            measure(chosen, urls[options.profile], options.repeat)
            profiler.disable()
            if options.dump:
                profiler.dump_stats(options.dump)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(options.top)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(options.top)
    finally:
        from django.db import connections

        connections.close_all()
        drop()


if __name__ == "__main__":
    main()
