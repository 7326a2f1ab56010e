"""Rows written a column at a time come back from the database exactly as given, on SQLite
(executemany) and on PostgreSQL (COPY, whose text format gives tabs, line breaks, backslashes
and NULL a meaning of their own)."""

import datetime
import json

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding.common.bulk import insert_rows, matching_ids, update_rows
from safeguarding.people.models import Event, Person
from tests.factories import FeedFactory, ImportBatchFactory

# Any text a database can hold: PostgreSQL refuses NUL, and no database stores lone surrogates.
storable_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=60,
)
# The characters COPY's text format treats specially, and their escaped forms, mixed in.
hostile_text = st.lists(
    st.one_of(
        storable_text,
        st.sampled_from(["\t", "\n", "\r", "\r\n", "\\", "\\N", "\\.", "\\t", "'", '"', "é", "😀"]),
    ),
    max_size=6,
).map(lambda pieces: "".join(pieces)[:100])


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(
        st.tuples(
            hostile_text,
            st.one_of(st.none(), st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 1, 1))),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_people_written_in_bulk_read_back_as_given(rows):
    Person.objects.all().delete()
    now = timezone.now()
    insert_rows(
        Person,
        {
            "display_name": [name for name, _, _ in rows],
            # dates as the import gives them (text), and as date objects
            "date_of_birth": [
                None if born is None else (born.isoformat() if i % 2 else born)
                for i, (_, born, _) in enumerate(rows)
            ],
            "sex": ["U"] * len(rows),
            "restricted": [restricted for _, _, restricted in rows],
            "created_at": [now] * len(rows),
            "updated_at": [now] * len(rows),
        },
    )
    stored = list(
        Person.objects.order_by("pk").values_list(
            "display_name", "date_of_birth", "restricted", "created_at"
        )
    )
    assert stored == [(name, born, restricted, now) for name, born, restricted in rows]


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(names=st.lists(hostile_text, min_size=1, max_size=8))
def test_people_updated_in_bulk_read_back_as_given(names):
    Person.objects.all().delete()
    people = Person.objects.bulk_create([Person(display_name="before") for _ in names])
    update_rows(Person, {"pk": [p.pk for p in people], "display_name": names})
    assert list(Person.objects.order_by("pk").values_list("display_name", flat=True)) == names


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    details=st.lists(
        st.dictionaries(
            hostile_text, st.one_of(st.none(), hostile_text, st.integers(-(2**53), 2**53))
        ),
        min_size=1,
        max_size=6,
    ),
    ids=st.lists(hostile_text, min_size=1, max_size=6, unique=True),
)
def test_events_keep_their_details_and_are_found_by_their_ids(details, ids):
    Event.objects.all().delete()
    feed = FeedFactory()
    batch = ImportBatchFactory(feed=feed)
    now = timezone.now()
    count = min(len(details), len(ids))
    insert_rows(
        Event,
        {
            "feed": [feed.pk] * count,
            "import_batch": [batch.pk] * count,
            "row_number": list(range(1, count + 1)),
            "source_event_id": ids[:count],
            "event_type": ["missing"] * count,
            "occurred_at": [now] * count,
            "description": ids[:count],
            "details": [json.dumps(d) for d in details[:count]],
            "last_seen_at": [now] * count,
        },
        ignore_conflicts=True,
    )
    stored = list(Event.objects.order_by("row_number").values_list("description", "details"))
    assert stored == list(zip(ids[:count], details[:count], strict=True))
    found = matching_ids(Event, feed_id=feed.pk, id_field="source_event_id", agency_ids=ids)
    assert set(found) == set(ids[:count])


@pytest.mark.django_db
def test_text_holding_nul_is_refused_by_postgresql_as_before():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores NUL")
    from psycopg import DataError

    with pytest.raises(DataError, match="0x00"), transaction.atomic():
        insert_rows(
            Person,
            {
                "display_name": ["a\x00b"],
                "sex": ["U"],
                "restricted": [False],
                "created_at": [timezone.now()],
                "updated_at": [timezone.now()],
            },
        )
