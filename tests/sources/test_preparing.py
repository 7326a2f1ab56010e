import datetime
import json
import threading

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding.common.bulk import db_datetimes, json_objects, update_rows
from safeguarding.people.enumerations import Sex
from safeguarding.people.models import Person
from safeguarding.sources.preparing import read_ahead
from tests.factories import PersonFactory


def test_read_ahead_gives_every_item_in_order():
    assert list(read_ahead(iter(range(50)))) == list(range(50))


def test_a_failure_while_reading_ahead_is_raised_to_the_caller():
    def items():
        yield 1
        raise ValueError("row 2 cannot be read")

    seen = []
    with pytest.raises(ValueError, match="row 2 cannot be read"):
        for item in read_ahead(items()):
            seen.append(item)
    assert seen == [1]


def test_stopping_early_stops_the_reader_and_closes_its_source():
    closed = threading.Event()

    def items():
        try:
            yield from range(1_000_000)
        finally:
            closed.set()

    for item in read_ahead(items()):
        if item == 3:
            break
    assert closed.is_set()
    assert not [t for t in threading.enumerate() if t.name == "import-read-ahead"]


def test_uk_times_are_stored_in_utc_in_each_databases_form():
    times = pd.Series(
        pd.to_datetime(
            [
                "2026-10-14 22:15",  # summer time: an hour ahead of UTC
                "2026-12-01 09:00",  # winter: UTC
                "2026-10-25 01:30",  # the autumn hour that occurs twice: the earlier reading
                "2026-03-29 01:30",  # skipped in spring: moves on to 02:00 BST, 01:00 UTC
                None,
            ]
        )
    )
    assert db_datetimes(times, 5, vendor="postgresql") == [
        "2026-10-14T21:15:00+00",
        "2026-12-01T09:00:00+00",
        "2026-10-25T00:30:00+00",
        "2026-03-29T01:00:00+00",
        None,
    ]
    assert db_datetimes(times, 5, vendor="sqlite")[:2] == [
        "2026-10-14 21:15:00",
        "2026-12-01 09:00:00",
    ]
    assert db_datetimes(None, 2, vendor="sqlite") == [None, None]


def test_seconds_fractions_are_kept_as_django_writes_them():
    times = pd.Series(
        pd.to_datetime(["2026-12-01 09:00:00.250", "2026-12-01 09:00:00"], format="ISO8601")
    )
    assert db_datetimes(times, 2, vendor="sqlite") == [
        str(datetime.datetime(2026, 12, 1, 9, 0, 0, 250000)),
        str(datetime.datetime(2026, 12, 1, 9, 0, 0)),
    ]


def test_details_are_json_objects_of_the_values_present():
    details = json_objects(
        {
            "term": pd.Series(["2024-AU1", None, 'quote " and \\ and é']),
            "sessions": pd.Series([70, None, 3], dtype="Int64"),
            "ratio": pd.Series([0.5, None, float("nan")]),
            "day": pd.Series([datetime.date(2024, 9, 1), None, None], dtype=object),
            "factors": pd.Series([["10A", "24A"], [], None], dtype=object),
        },
        3,
    )
    assert [json.loads(text) for text in details] == [
        {
            "term": "2024-AU1",
            "sessions": 70,
            "ratio": 0.5,
            "day": "2024-09-01",
            "factors": ["10A", "24A"],
        },
        {"factors": []},
        {"term": 'quote " and \\ and é', "sessions": 3},
    ]


@given(st.lists(st.one_of(st.none(), st.text(), st.integers(-(2**53), 2**53)), max_size=20))
def test_details_json_always_parses_back_to_the_values(values):
    texts = pd.Series([v if isinstance(v, str) else None for v in values], dtype=object)
    numbers = pd.Series([v if isinstance(v, int) else None for v in values], dtype="Int64")
    parsed = [json.loads(t) for t in json_objects({"t": texts, "n": numbers}, len(values))]
    for value, details in zip(values, parsed, strict=True):
        expected = {} if value is None else {"t" if isinstance(value, str) else "n": value}
        assert details == expected


@pytest.mark.slow
def test_an_import_that_fails_stops_its_reading_ahead(agencies, tmp_path, monkeypatch):
    from datetime import date
    from pathlib import Path

    from safeguarding.sources import loading
    from safeguarding.sources.feeds import load_feeds
    from safeguarding.sources.importing import import_file

    path = tmp_path / "nominals.csv"
    path.write_text(
        "NominalID,Forenames,Surname,Aliases,DOB,Sex,NHS,Mobile\n"
        + "".join(
            f"WP{i},Ann,Smith,,01/01/2010,F,,\n" for i in range(120_000)
        ),  # three chunks: the reader is still ahead
        encoding="utf-8",
    )

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loading, "add_identifiers", crash)
    feed = load_feeds(Path(__file__).parent / "feeds")["test-nominals"]
    with pytest.raises(RuntimeError):
        import_file(feed=feed, path=path, today=date(2026, 11, 23))
    assert not [t for t in threading.enumerate() if t.name == "import-read-ahead"]


@pytest.mark.django_db
def test_many_rows_are_updated_at_once_and_others_left_alone():
    changed, untouched = PersonFactory(display_name="A"), PersonFactory(display_name="B")
    update_rows(
        Person,
        {
            "pk": [changed.pk],
            "display_name": ["Jade Smith"],
            "date_of_birth": ["2010-03-04"],
            "sex": [Sex.FEMALE],
        },
    )
    changed.refresh_from_db()
    untouched.refresh_from_db()
    assert (changed.display_name, changed.date_of_birth, changed.sex) == (
        "Jade Smith",
        datetime.date(2010, 3, 4),
        Sex.FEMALE,
    )
    assert untouched.display_name == "B"
