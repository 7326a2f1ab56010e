"""What the tracker shares between users is cached per scoring run: the same values, fewer
queries, and a new run (or a new agency, after the cache's time) never shows stale choices."""

import pytest
from django.core.cache import cache

from safeguarding.access.models import Agency
from safeguarding.risk import queries
from safeguarding.risk.services import score_everyone
from tests.risk.conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def local_memory_cache(settings):
    """The production cache (the test settings have none), empty for each test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tracker-cache-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def scored_run(county):
    for name in ("First Person", "Second Person"):
        child = county.person(display_name=name)
        county.event(
            child,
            agency="childrens-social-care",
            event_type="referral",
            details={"factor_codes": ["24A", "11A"]},
        )
    score_everyone(as_of=AS_OF)
    return queries.latest_run()


def test_the_filter_choices_are_read_once_per_run(scored_run, django_assert_num_queries):
    first = queries.filter_options(run=scored_run)
    with django_assert_num_queries(1):  # only the list of runs, which stays live
        again = queries.filter_options(run=scored_run)
    assert again == first
    assert first["runs"] == [AS_OF]
    assert "childrens-social-care" in [code for code, _ in first["agencies"]]


def test_a_new_run_reads_its_own_choices(scored_run, county):
    queries.filter_options(run=scored_run)
    Agency.objects.create(code="youth-club", name="Youth Club")
    score_everyone(as_of=AS_OF.replace(day=29))
    newer = queries.latest_run(as_of=AS_OF.replace(day=29))
    assert newer.pk != scored_run.pk
    options = queries.filter_options(run=newer)
    assert "youth-club" in [code for code, _ in options["agencies"]]
    # The list of runs is never cached: the older run's page lists the new run too.
    assert len(queries.filter_options(run=scored_run)["runs"]) == 2


def test_the_tracker_rows_read_agency_kinds_once(scored_run, django_assert_num_queries):
    assessments = list(
        queries.tracker_assessments(run=scored_run, filters=queries.TrackerFilters(), user=None)
    )
    rows = queries.tracker_rows(assessments=assessments, catalogue=_catalogue(), user=None)
    # Hits and schools for these rows; the agencies' kinds come from the cache.
    with django_assert_num_queries(2):
        again = queries.tracker_rows(assessments=assessments, catalogue=_catalogue(), user=None)
    assert [row["known_to"] for row in again] == [row["known_to"] for row in rows]
    assert all(row["known_to"] for row in rows)
    assert "Children's social care" in rows[0]["known_to"]


def _catalogue():
    from safeguarding.risk.catalogue import load_catalogue

    return load_catalogue()
