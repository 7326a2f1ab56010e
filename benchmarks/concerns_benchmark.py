"""The public form's server time and the triage queue's, with 10,000 concerns.

    .venv/bin/python benchmarks/concerns_benchmark.py [--concerns 10000] [--repeat 20]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

A fresh database (SQLite in a temporary folder, or on PostgreSQL the database the URL names,
dropped and made afresh, or `concerns_bench` when it names `postgres`) is migrated and filled
with --concerns concerns over a year, a quarter of them open, a fifth naming a vehicle. Times
are Django's test client around one request, wall and this process's CPU time (middleware,
session, the gate, the audit write, queries, rendering): the median and the slowest of --repeat
requests after one warm-up. The form is sent from a different address each time,
so the rate limit's count runs but never refuses; the queue is read as the analyst with a
purpose stated.

The targets beside the figures are the house's: a page in under 300 ms of server time (issue 8's
person page), the form in under 200 ms (a phone on a slow connection has little time to spare),
and a number of queries that does not grow with the concerns.
"""

import argparse
import datetime
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from county_databases import fresh_postgres, signed_in_client

ROOT = Path(__file__).resolve().parents[1]
PURPOSE = "Analysis for the partnership"
TARGETS_MS = {
    "form: show (hotel)": 200,
    "form: send a report": 200,
    "queue: open, first page": 300,
    "queue: open, last page": 300,
    "queue: triaged, first page": 300,
    "concern: page with duplicates": 300,
    "board: counts by sector and month": 300,
    "queue: CSV of open reports": 2000,
}


def timed(call, repeat: int) -> tuple[float, float, float, int]:
    """Median and slowest wall milliseconds of `repeat` calls after a warm-up, the median CPU
    milliseconds of this process (the database server's own work is not in it), the queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        call()
    return statistics.median(times), max(times), statistics.median(cpu), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concerns", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--postgres", default="", help="a server's URL: a fresh database concerns_bench on it"
    )
    options = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeguarding.settings.local"
    os.environ["DATABASE_URL"] = (
        fresh_postgres(
            re.sub(r"/[^/@]*$", "/postgres", options.postgres), bench_database(options.postgres)
        )
        if options.postgres
        else f"sqlite:///{Path(tempfile.mkdtemp()) / 'concerns.sqlite3'}"
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from django.test.utils import override_settings

    fill(options.concerns)
    # Static files by their plain names: no collected manifest is needed to render the pages.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
        measure(options)


def bench_database(url: str) -> str:
    """The database made afresh: the one the URL names (yours alone, e.g. wt_NAME), or
    concerns_bench when it names the server's own `postgres`."""
    name = url.rstrip("/").rsplit("/", 1)[-1]
    return "concerns_bench" if name in ("", "postgres") or "@" in name else name


def fill(count: int) -> None:
    """`count` concerns over the past year: a quarter open, a fifth naming a vehicle."""
    from django.utils import timezone

    from safeguarding.concerns.indicators import indicator_lists
    from safeguarding.concerns.models import (
        Concern,
        ConcernObject,
        Report,
        Status,
        month_received,
    )

    rng = random.Random(42)
    lists = indicator_lists()
    now = timezone.now()
    reports, concerns, objects = [], [], []
    for number in range(count):
        sector = rng.choice(lists.sectors)
        received = now - datetime.timedelta(hours=rng.uniform(0, 365 * 24))
        reference = f"SH-B{number:03d}-{number // 1000:04d}"[:12]
        answers = {"sector": sector.id, "indicators": [sector.indicators[0].id]}
        reports.append(
            Report(
                reference=reference,
                received_at=received,
                answers=answers,
                indicator_version=lists.version,
                address_hash=f"{number:064x}",
            )
        )
    Report.objects.bulk_create(reports, batch_size=2000)
    for report in Report.objects.order_by("pk"):
        priority = rng.choice([1, 2, 2, 3, 3, 3])
        is_open = rng.random() < 0.25
        concerns.append(
            Concern(
                report=report,
                reference=report.reference,
                received_at=report.received_at,
                received_month=month_received(report.received_at),
                sector=report.answers["sector"],
                indicators=report.answers["indicators"],
                what_happened="Seen with older men, paid in cash",
                postcode=f"SN{rng.randint(1, 16)} {rng.randint(1, 9)}AA",
                seen_at=report.received_at - datetime.timedelta(hours=2),
                priority=priority,
                due_at=report.received_at + datetime.timedelta(hours=24),
                status=Status.NEW if is_open else Status.DONE,
                outcome="" if is_open else "intelligence",
                triaged_at=None if is_open else report.received_at + datetime.timedelta(hours=5),
            )
        )
    Concern.objects.bulk_create(concerns, batch_size=2000)
    for concern_id in Concern.objects.values_list("pk", flat=True):
        if rng.random() < 0.2:
            objects.append(
                ConcernObject(
                    concern_id=concern_id, kind="vehicle", value=f"WV{rng.randint(10, 99)}ABC"
                )
            )
    ConcernObject.objects.bulk_create(objects, batch_size=2000)


def measure(options) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from safeguarding.access.demo import create_demo_users
    from safeguarding.access.models import User
    from safeguarding.concerns.models import Concern, Status

    settings.ALLOWED_HOSTS = ["*"]
    create_demo_users()
    analyst = User.objects.get(username="analyst")
    staff = signed_in_client(analyst, purpose=PURPOSE, HTTP_HOST="127.0.0.1")
    public = Client(HTTP_HOST="127.0.0.1")
    sent = iter(range(1_000_000))
    form = {
        "sector": "hotel",
        "indicators": ["hotel-cash", "hotel-many-visitors"],
        "what_happened": "Two girls with older men, paid in cash",
        "postcode": "SN15 1AA",
        "vehicles": "AB12 CDE",
        "contact_me": "no",
    }

    def send():
        n = next(sent)
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        response = public.post("/report/details/", form, REMOTE_ADDR=address)
        assert response.status_code == 200, response.status_code

    def get(client, url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    open_pages = Concern.objects.filter(status__in=["new", "assigned"]).count() // 50 + 1
    with_vehicle = Concern.objects.filter(named_objects__isnull=False, status=Status.NEW).first()
    measures = {
        "form: show (hotel)": get(public, "/report/details/?sector=hotel"),
        "form: send a report": send,
        "queue: open, first page": get(staff, "/concerns/"),
        "queue: open, last page": get(staff, f"/concerns/?page={open_pages}"),
        "queue: triaged, first page": get(staff, "/concerns/?view=done"),
        "concern: page with duplicates": get(staff, f"/concerns/{with_vehicle.pk}/"),
        "board: counts by sector and month": get(staff, "/concerns/counts/"),
        "queue: CSV of open reports": get(staff, "/concerns/export.csv?view=open"),
    }
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"database: {connection.vendor}; {Concern.objects.count():,} concerns "
        f"({open_pages * 50 - 50:,}+ open); load average {load}"
    )
    print(
        f"{'measure':<36} {'median ms':>10} {'slowest ms':>11} {'CPU ms':>7} {'queries':>8} "
        f"{'target ms':>10}"
    )
    for name, call in measures.items():
        median, slowest, cpu, queries = timed(call, options.repeat)
        target = TARGETS_MS[name]
        verdict = "met" if median <= target else "MISSED"
        print(
            f"{name:<36} {median:>10.1f} {slowest:>11.1f} {cpu:>7.1f} {queries:>8} {target:>10} "
            f"{verdict}"
        )
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"load average at the end {load}")


if __name__ == "__main__":
    main()
