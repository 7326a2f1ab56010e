"""The single view's server time, the PDF's, and search time and quality, on the demo county.

    .venv/bin/safeguarding demo --no-serve      # once: builds, imports and links var/
    .venv/bin/python benchmarks/person_page_benchmark.py [--repeat 20] [--long-history 300]
        [--all] [--database-url postgres://postgres@127.0.0.1:5432/people]

Targets (issue 8): the page in under 300 ms of server time for a young person with a long
history (a few hundred events) on the default county, in a number of queries that does not grow
with the history. Times are Django's test client around one request (middleware, session,
permission checks, audit write, queries, rendering), as a user with the panel chair's view (every
section, health details included): the median and the slowest of --repeat requests after one
warm-up request.

The demo's SQLite database is copied first, so the audit events the requests write are thrown
away; with --database-url everything runs inside a transaction that is rolled back. The long
history is added to the person with the most events (inside that throwaway copy or transaction):
events of every kind from their agencies, a fifth of them with someone found in their company.

Search is timed for a misspelt name, a nickname, a date of birth, an agency id and a common
surname. Its quality is measured against the county's truth: for source records whose name an
agency holds with a typo, a nickname or one part of a double-barrelled surname, a search for
the true name should list the record's person (recall in the top 10), compared with the word
containment search this replaced.
"""

import argparse
import csv
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from county_databases import signed_in_client

ROOT = Path(__file__).resolve().parents[1]
TRUTH = ROOT / "var" / "county" / "seed-42-default" / "truth"
PURPOSE = "Preparing for or attending a multi-agency panel"


class Rollback(Exception):
    pass


def timed(call, repeat: int) -> tuple[float, float, object]:
    """Median and slowest milliseconds of `repeat` calls after a warm-up, and the last result."""
    result = call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


def cpu_ms(call, repeat: int) -> float:
    """Median CPU time of this process per call: on a shared machine, the part that is ours (on
    SQLite that includes the database; PostgreSQL's work is in its own processes)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        call()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--long-history", type=int, default=300)
    parser.add_argument("--all", action="store_true", help="open every person once")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--quality-sample", type=int, default=400)
    parser.add_argument("--search-only", action="store_true", help="skip the page and the PDF")
    parser.add_argument(
        "--records-times", type=int, default=1, help="then time search with N times the records"
    )
    options = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeguarding.settings.local"
    if options.database_url:
        os.environ["DATABASE_URL"] = options.database_url
    else:
        demo = ROOT / "var" / "safeguarding.sqlite3"
        if not demo.exists():
            sys.exit("No demo database: run `.venv/bin/safeguarding demo --no-serve` first.")
        copy = Path(tempfile.mkdtemp()) / "benchmark.sqlite3"
        shutil.copyfile(demo, copy)
        os.environ["DATABASE_URL"] = f"sqlite:///{copy}"

    import django

    django.setup()
    from django.db import transaction

    try:
        with transaction.atomic():
            run(options)
            raise Rollback
    except Rollback:
        pass


def run(options) -> None:
    from django.db import connection
    from django.db.models import Count

    from safeguarding.access.demo import create_demo_users
    from safeguarding.access.models import User
    from safeguarding.people.models import Involvement, Person

    create_demo_users()
    chair = User.objects.get(username="chair")
    client = signed_in_client(chair, purpose=PURPOSE, HTTP_HOST="127.0.0.1")
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"database: {connection.vendor}; {Person.objects.count():,} people; load average {load}")

    top = (
        Involvement.objects.values("person_id").annotate(n=Count("id")).order_by("-n", "person_id")
    )[0]
    url = f"/people/{top['person_id']}/"

    if not options.search_only:
        time_pages(client, url=url, person_id=top["person_id"], options=options)
    time_searches(client, person_id=top["person_id"], repeat=options.repeat)
    if TRUTH.exists() and not options.database_url:
        search_quality(sample=options.quality_sample, user=chair)
    if options.all:
        open_everyone(client)
    if options.records_times > 1:
        multiply_records(options.records_times)
        print(f"with the source records multiplied by {options.records_times}:")
        time_searches(client, person_id=top["person_id"], repeat=options.repeat)


def time_pages(client, *, url: str, person_id: int, options) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safeguarding.people.models import Involvement

    def page():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        return len(captured)

    def report(label: str) -> None:
        median, slowest, queries = timed(page, options.repeat)
        cpu = cpu_ms(page, options.repeat)
        events = Involvement.objects.filter(person_id=person_id).count()
        print(
            f"person page, {label} ({events} involvements): median {median:.0f} ms, "
            f"slowest {slowest:.0f} ms, CPU {cpu:.0f} ms, {queries} queries"
        )

    started = time.perf_counter()
    client.get(url)
    first = (time.perf_counter() - started) * 1000
    print(f"first request in a fresh process (imports, template loading): {first:.0f} ms")
    report("the person with the most events")

    def pdf(query: str = ""):
        response = client.get(f"{url}pdf/{query}")
        assert response.status_code == 200
        return len(response.content)

    def report_pdf(label: str, query: str = "") -> None:
        median, slowest, size = timed(lambda: pdf(query), 2)
        print(
            f"PDF, {label}: median {median:.0f} ms, slowest {slowest:.0f} ms, {size / 1024:.0f} KB"
        )

    report_pdf("the person with the most events")
    add_long_history(person_id=person_id, events=options.long_history)
    report("the same person with a long history")
    report_pdf("long history, timeline of the last 12 months", "?months=12")
    report_pdf("long history, whole timeline")


def add_long_history(*, person_id: int, events: int) -> None:
    """Events of every kind from the person's agencies; a fifth with someone found with them."""
    import datetime

    from django.utils import timezone

    from safeguarding.people.enumerations import EventType, InvolvementRole
    from safeguarding.people.models import Event, Involvement, Location, SourceRecord

    rng = random.Random(8)
    records = list(SourceRecord.objects.filter(person_id=person_id).select_related("feed"))
    others = list(
        SourceRecord.objects.exclude(person_id=person_id).values_list("id", "person_id")[:500]
    )
    places = list(Location.objects.all()[:50])
    kinds = [t for t in EventType.values if t != EventType.ATTENDANCE]
    now = timezone.now()
    created = Event.objects.bulk_create(
        Event(
            feed=(record := rng.choice(records)).feed,
            import_batch_id=record.import_batch_id,
            row_number=n + 1,
            source_event_id=f"BENCH{n:05d}",
            event_type=rng.choice(kinds),
            occurred_at=now - datetime.timedelta(hours=rng.randint(1, 24 * 900)),
            ended_at=None,
            location=rng.choice(places) if places else None,
            description="Benchmark event",
            details={"risk_grade": "medium", "found_postcode": "SN15 1AA", "reason": "benchmark"},
        )
        for n in range(events)
    )
    involvements = []
    for event in created:
        record = next(r for r in records if r.feed_id == event.feed_id)
        involvements.append(
            Involvement(
                event=event,
                source_record=record,
                person_id=person_id,
                role="subject",
                feed_id=event.feed_id,
                import_batch_id=event.import_batch_id,
                row_number=1,
            )
        )
        if others and rng.random() < 0.2:
            other, other_person = rng.choice(others)
            involvements.append(
                Involvement(
                    event=event,
                    source_record_id=other,
                    person_id=other_person,
                    role=InvolvementRole.FOUND_WITH,
                    feed_id=event.feed_id,
                    import_batch_id=event.import_batch_id,
                    row_number=1,
                )
            )
    Involvement.objects.bulk_create(involvements)


NICKNAMES = {
    "James": "Jim",
    "William": "Bill",
    "Thomas": "Tom",
    "Elizabeth": "Liz",
    "Katherine": "Kate",
}


def time_searches(client, *, person_id: int, repeat: int) -> None:
    from django.db.models import Count

    from safeguarding.people import search
    from safeguarding.people.models import Person, SourceRecord

    person = Person.objects.get(pk=person_id)
    record = SourceRecord.objects.filter(person_id=person_id).exclude(family_name="").first()
    given, family = record.given_names.split()[0], record.family_name
    misspelt = family[0] + family[2] + family[1] + family[3:] if len(family) > 3 else family
    common = SourceRecord.objects.values("family_name").annotate(n=Count("id")).order_by("-n")[0]
    formal = SourceRecord.objects.filter(given_names__in=list(NICKNAMES)).order_by("id").first()
    nickname = f"{NICKNAMES[formal.given_names]} {formal.family_name}" if formal else "Jim Smith"
    started = time.perf_counter()
    search._cache.update(key=None)
    search.name_vocabulary()
    print(
        f"name vocabulary built in {(time.perf_counter() - started) * 1000:.0f} ms "
        f"(on the first search after an import)"
    )
    for label, text in [
        ("misspelt name", f"{given} {misspelt}"),
        ("nickname", nickname),
        (
            "date of birth",
            person.date_of_birth.strftime("%d/%m/%Y") if person.date_of_birth else "01/01/2010",
        ),
        ("agency id", record.source_record_id),
        (f"common surname ({common['n']} records)", common["family_name"]),
    ]:

        def one(text=text):
            response = client.get("/people/", {"q": text})
            # One row per person found.
            return response.content.count(b'data-testid="search-result"')

        median, slowest, results = timed(one, repeat)
        print(
            f"search, {label}: median {median:.0f} ms, slowest {slowest:.0f} ms, {results} people"
        )


def search_quality(*, sample: int, user) -> None:
    """Recall in the top 10 of a search for the true name of records held with a noisy name."""
    from django.db.models import Q

    from safeguarding.people.models import Person, SourceRecord
    from safeguarding.people.search import search_people

    people = {row["person_id"]: row for row in csv.DictReader((TRUTH / "people.csv").open())}
    noisy = {}
    for row in csv.DictReader((TRUTH / "source_records.csv").open()):
        kinds = set(row["noise"].split(";")) & {"name_typo", "nickname", "double_barrelled_part"}
        if kinds and row["person_id"] in people:
            noisy[row["source_record_id"]] = (people[row["person_id"]], sorted(kinds)[0])
    held = dict(
        SourceRecord.objects.filter(source_record_id__in=list(noisy)).values_list(
            "source_record_id", "person_id"
        )
    )
    chosen = random.Random(8).sample(sorted(held), min(sample, len(held)))
    found = {"fuzzy": {}, "containment": {}}
    for record_id in chosen:
        truth, kind = noisy[record_id]
        text = f"{truth['given_name']} {truth['family_name']}"
        fuzzy = [r.person.pk for r in search_people(text=text, user=user, limit=10)]
        by_words = Q()
        for word in text.split():
            by_words &= Q(source_records__given_names__icontains=word) | Q(
                source_records__family_name__icontains=word
            )
        containment = list(
            Person.objects.filter(by_words)
            .distinct()
            .order_by("display_name")
            .values_list("pk", flat=True)[:10]
        )
        for name, results in (("fuzzy", fuzzy), ("containment", containment)):
            hits = found[name].setdefault(kind, [0, 0])
            hits[0] += held[record_id] in results
            hits[1] += 1
    print(f"search for the true name of {len(chosen)} records held with a noisy name (top 10):")
    for name, by_kind in found.items():
        total = sum(h[0] for h in by_kind.values()) / sum(h[1] for h in by_kind.values())
        parts = ", ".join(
            f"{kind} {h[0] / h[1]:.2f} ({h[1]})" for kind, h in sorted(by_kind.items())
        )
        print(f"  {name:<12} recall {total:.3f}: {parts}")


def multiply_records(times: int) -> None:
    """Copies of every source record, each copy a person of its own, one in twenty with a typo
    in a name (so the name vocabulary grows as a real county's would), for search at scale."""
    from safeguarding.people.models import Person, SourceRecord
    from safeguarding.synth.noise import typo

    rng = random.Random(8)
    fields = [
        "feed_id",
        "import_batch_id",
        "row_number",
        "source_record_id",
        "given_names",
        "family_name",
        "date_of_birth",
        "sex",
        "postcode",
    ]
    originals = list(SourceRecord.objects.values(*fields))
    started = time.perf_counter()
    for copy in range(1, times):
        names = []
        for record in originals:
            given, family = record["given_names"], record["family_name"]
            if rng.random() < 0.05:
                family = typo(family, rng.random(), rng.random()).capitalize()
            names.append((given, family))
        people = Person.objects.bulk_create(
            [Person(display_name=f"{given} {family}") for given, family in names], batch_size=5000
        )
        SourceRecord.objects.bulk_create(
            [
                SourceRecord(
                    **{
                        **record,
                        "source_record_id": f"{record['source_record_id']}-{copy}",
                        "given_names": given,
                        "family_name": family,
                    },
                    person=person,
                )
                for record, (given, family), person in zip(originals, names, people, strict=True)
            ],
            batch_size=5000,
        )
    print(
        f"{SourceRecord.objects.count():,} source records "
        f"(copies written in {time.perf_counter() - started:.0f} s)"
    )


def open_everyone(client) -> None:
    from safeguarding.people.models import Person

    times, failures = [], []
    for person_id in Person.objects.order_by("pk").values_list("pk", flat=True):
        started = time.perf_counter()
        response = client.get(f"/people/{person_id}/")
        times.append(((time.perf_counter() - started) * 1000, person_id))
        if response.status_code != 200:
            failures.append((person_id, response.status_code))
    times.sort()
    median = statistics.median(ms for ms, _ in times)
    print(
        f"every person ({len(times):,}): {len(failures)} failures {failures[:5]}, "
        f"median {median:.0f} ms, 95th percentile {times[int(len(times) * 0.95)][0]:.0f} ms, "
        f"slowest {times[-1][0]:.0f} ms (person {times[-1][1]})"
    )


if __name__ == "__main__":
    main()
