"""What the tracker shares between users is cached per scoring run: the same values, fewer
queries, and a new run (or a new agency, after the cache's time) never shows stale choices; the
run's list, cached for everyone, shows each user only whom they may see and the levels in force
now."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from safeguarding.access.models import Agency
from safeguarding.people.access_rules import people_visible_to, visibility_for
from safeguarding.people.models import Person
from safeguarding.risk import queries, tracker
from safeguarding.risk.models import Level, RiskAssessment
from safeguarding.risk.services import end_override, score_everyone, set_override
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
    listed = tracker.tracker_list(run=scored_run, filters=queries.TrackerFilters(), user=None)

    def rows_of_the_list():
        return queries.tracker_rows(
            entries=listed.entries,
            overrides=listed.overrides,
            run=scored_run,
            catalogue=_catalogue(),
            user=None,
        )

    rows = rows_of_the_list()
    # The hits are in the run's entries; schools and the agencies' kinds come from the cache.
    with django_assert_num_queries(0):
        again = rows_of_the_list()
    assert [row["known_to"] for row in again] == [row["known_to"] for row in rows]
    assert all(row["known_to"] for row in rows)
    assert "Children's social care" in rows[0]["known_to"]


def _catalogue():
    from safeguarding.risk.catalogue import load_catalogue

    return load_catalogue()


# -- the run's list (risk.tracker): cached for everyone, filtered for each user after ---------


@pytest.fixture
def shared_cache(settings, tmp_path):
    """The cache the server's processes share (a folder of files), empty for each test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    cache.clear()
    tracker._in_process.clear()
    yield
    cache.clear()
    tracker._in_process.clear()


@pytest.fixture
def tracker_client(client_for):
    def open_as(persona: str, query: str = "?sort=score"):
        client = client_for(persona)
        url = reverse("risk:tracker") + query
        client.post(reverse("access:purpose"), {"purpose": "panel", "next": url})
        response = client.get(url)
        assert response.status_code == 200
        return response

    return open_as


def names(response) -> list[str]:
    return [row["name"] for row in response.context["rows"]]


def test_a_run_is_read_once_then_served_from_the_cache(shared_cache, scored_run, monkeypatch):
    first = tracker.run_entries(scored_run)
    monkeypatch.setattr(tracker, "_read_entries", _must_not_read)
    assert tracker.run_entries(scored_run) == first
    # Another server process (nothing in its memory) takes the shared cache's copy.
    tracker._in_process.clear()
    assert tracker.run_entries(scored_run) == first


def test_when_the_shared_cache_forgets_a_run_no_process_keeps_its_copy(
    shared_cache, scored_run, county
):
    tracker.run_entries(scored_run)
    child = county.person(display_name="Third Person")
    county.event(child, agency="childrens-social-care", event_type="referral")
    cache.clear()  # the run's time in the cache is up, or the operator cleared it
    # The run is the same; the names are read again (a renamed or merged person shows).
    RiskAssessment.objects.filter(run=scored_run).update(age=7)
    assert {entry.age for entry in tracker.run_entries(scored_run)} == {7}


def test_a_new_run_is_listed_at_once_while_the_cache_is_warm(
    shared_cache, scored_run, county, tracker_client
):
    assert names(tracker_client("analyst")) == ["First Person", "Second Person"]
    newcomer = county.person(display_name="Newly Scored")
    county.event(
        newcomer,
        agency="childrens-social-care",
        event_type="referral",
        details={"factor_codes": ["24A", "11A", "12A"]},
    )
    score_everyone(as_of=AS_OF)  # a re-score of the same date replaces the run
    assert "Newly Scored" in names(tracker_client("analyst"))


def test_an_override_shows_at_once_while_the_cache_is_warm(
    shared_cache, scored_run, cast, tracker_client
):
    second = Person.objects.get(display_name="Second Person")
    before = tracker_client("police_panel_member", "?level=high")
    assert "Second Person" not in names(before)
    set_override(
        person=second, level=Level.HIGH, reason="Known to be missing", user=cast["panel_chair"]
    )
    after = tracker_client("police_panel_member", "?level=high")
    assert "Second Person" in names(after)
    row = next(r for r in after.context["rows"] if r["name"] == "Second Person")
    assert row["level"] == Level.HIGH and row["level_note"].startswith("Set by a professional")
    assert after.context["counts"]["high"] == len(names(after))
    end_override(
        override=second.overrides.get(active=True), reason="Found", user=cast["panel_chair"]
    )
    assert "Second Person" not in names(tracker_client("police_panel_member", "?level=high"))


def test_a_warm_cache_shows_no_one_a_record_withheld_from_them(
    shared_cache, scored_run, cast, tracker_client, client_for
):
    first = Person.objects.get(display_name="First Person")
    second = Person.objects.get(display_name="Second Person")
    first.restricted = True
    first.save()
    first.allowed_users.add(cast["analyst"])
    # The analyst, named on the record, fills the cache with every row of the run.
    assert "First Person" in names(tracker_client("analyst"))
    assert any(e.person_id == first.pk for e in tracker.run_entries(scored_run))
    for persona in ("police_panel_member", "voluntary_panel_member"):
        response = tracker_client(persona)
        assert "First Person" not in names(response), persona
        assert f"/people/{first.pk}/" not in response.content.decode(), persona
    # Nor in the counts, nor in the download.
    assert tracker_client("police_panel_member").context["counts"]["total"] == 1
    assert _exported_people(client_for, "analyst") == [str(first.pk), str(second.pk)]
    assert _exported_people(client_for, "panel_chair") == [str(second.pk)]


def test_visibility_is_the_rule_of_people_visible_to(scored_run, cast):
    """`visibility_for`, which the tracker filters its cached list by, opens exactly the people
    `people_visible_to` gives, for every persona, and names the restricted ones it hides."""
    first = Person.objects.get(display_name="First Person")
    first.restricted = True
    first.save()
    first.allowed_users.add(cast["named_user"])
    everyone = set(Person.objects.values_list("pk", flat=True))
    for persona, user in cast.items():
        visible = set(people_visible_to(user=user).values_list("pk", flat=True))
        visibility = visibility_for(user=user)
        assert {pk for pk in everyone if visibility.may_open(pk)} == visible, persona
        restricted = {first.pk} - visible
        assert visibility.restricted_hidden == restricted, persona
    # Statutory partners' visibility holds no list of the county, only the restricted few.
    assert visibility_for(user=cast["analyst"]).only is None
    assert visibility_for(user=cast["voluntary_panel_member"]).only is not None


def _exported_people(client_for, persona: str) -> list[str]:
    client = client_for(persona)
    client.post(reverse("access:purpose"), {"purpose": "panel", "next": "/"})
    response = client.get(reverse("risk:export") + "?sort=score")
    assert response.status_code == 200
    return [row[0] for row in csv.reader(io.StringIO(response.content.decode()))][1:]


def _must_not_read(run):
    raise AssertionError("the run's entries were read from the database again")
