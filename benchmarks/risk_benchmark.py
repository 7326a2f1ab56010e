"""The tracker on the default synthetic county: scoring time, page time, and validation.

    .venv/bin/python benchmarks/risk_benchmark.py [--scale default] [--postgres URL]

Builds the county and imports and links it into a fresh SQLite database (and, with
--postgres, a fresh PostgreSQL one), then measures: `safeguarding score` end to end; the
Tracker page's server time (median of repeated requests, Django's test client, for several
filters); and `safeguarding score --evaluate` against the truth with both baselines.
Target (issue 7): the Tracker page under 200 ms server time.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from county_databases import fresh_postgres, fresh_sqlite, prepare, run, synthetic_county

TRACKER_QUERIES = [
    "",
    "?level=high",
    "?type=cse&age=13-15",
    "?sort=level&page=3",
    "?area=Salisbury",
]


def prepare_linked(database_url: str, county: Path) -> None:
    prepare(database_url, county)
    run(["link"], database_url)


def time_scoring(name: str, database_url: str) -> None:
    scored = run(["score", "--as-of", "2026-10-31"], database_url)
    inside = re.search(r"in ([\d.]+) s", scored.output)
    print(
        f"{name}: `score` {scored.seconds:.1f} s end to end ({inside.group(1)} s inside); "
        f"{scored.output.strip()}"
    )


def time_tracker_pages() -> None:
    """Server time of the Tracker page, in this process, against the SQLite database."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguarding.access.services import ensure_standard_agencies, ensure_user

    settings.ALLOWED_HOSTS = ["*"]
    user = ensure_user(
        username="benchmark",
        password="benchmark-password-only",  # noqa: S106 (a throwaway database)
        agency=ensure_standard_agencies()["wiltshire-police"],
        roles=["panel_member"],
    )
    client = Client()
    client.force_login(user)
    # The benchmark's session gives both factors, as a signed-in user's does (docs/sign-in.md).
    authenticator, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Benchmark", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator.persistent_id
    session["access_purpose"] = "Benchmark"
    session.save()
    print(f"{'tracker page':<32}{'median ms':>10}{'max ms':>8}")
    for query in TRACKER_QUERIES:
        timings = []
        for _ in range(15):
            started = time.perf_counter()
            response = client.get("/tracker/" + query)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        timings = timings[3:]  # the first requests warm Django's caches
        print(f"{'/tracker/' + query:<32}{statistics.median(timings):>10.0f}{max(timings):>8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="default")
    parser.add_argument("--postgres", help="also measure scoring on PostgreSQL at this URL")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    county = synthetic_county(folder / "county", options.scale)
    sqlite = fresh_sqlite(folder, "risk")
    prepare_linked(sqlite, county)
    time_scoring("SQLite", sqlite)
    if options.postgres:
        postgres = fresh_postgres(options.postgres, "safeguarding_risk_benchmark")
        prepare_linked(postgres, county)
        time_scoring("PostgreSQL", postgres)
    evaluated = run(["score", "--evaluate", str(county / "truth")], sqlite)
    print(evaluated.output)
    print(f"Evaluation took {evaluated.seconds:.0f} s.")
    os.environ["DATABASE_URL"] = sqlite
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeguarding.settings.local"
    time_tracker_pages()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
