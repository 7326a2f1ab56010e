"""A young person's page as a reader uses it: the summary first, the timeline newest first with
named places, dates without a false "00:00", long details folded."""

import datetime

import pytest
from django.utils import timezone

from safeguarding.people.timeline import when_shown
from safeguarding.places.models import Postcode, School
from tests.factories import LocationFactory
from tests.people.conftest import (
    event_for,
    open_person,
    put_on_agenda,
    record_for,
    records_of,
)

pytestmark = pytest.mark.django_db
LONDON = timezone.get_fixed_timezone(60)  # British Summer Time


def test_a_date_without_a_time_shows_no_midnight():
    date_only = datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC)
    assert when_shown(date_only, LONDON) == "1 Jul 2026"
    local_midnight = datetime.datetime(2026, 6, 30, 23, tzinfo=datetime.UTC)
    assert when_shown(local_midnight, LONDON) == "1 Jul 2026"
    assert when_shown(datetime.datetime(2026, 7, 1, 14, 5, tzinfo=datetime.UTC), LONDON) == (
        "1 Jul 2026 15:05"
    )


def test_the_summary_gathers_status_agencies_and_panel(client_for, person, feeds, cast):
    csc = record_for(person, feeds["childrens-social-care"])
    event_for(csc, "looked_after_episode", days_ago=100, details={"lead_professional": "A Worker"})
    item = put_on_agenda(person, chair=cast["panel_chair"])
    summary = open_person(client_for("panel_chair"), person).context["view"].summary
    assert summary.statuses[0].startswith("Looked after since")
    assert summary.lead == "A Worker, Children's Social Care"
    assert summary.last_panel == item.meeting
    assert set(summary.agencies) == {r.feed.agency.name for r in person.source_records.all()}


def test_where_names_the_school_and_the_area_of_the_postcode(client_for, person, feeds):
    School.objects.create(urn="126000", name="Chippenham North Academy")
    Postcode.objects.create(
        postcode="SN15 1AA",
        latitude=51.4,
        longitude=-2.1,
        in_area=True,
        community_area="Chippenham",
    )
    education = record_for(person, feeds["education"])
    event_for(education, "exclusion", days_ago=5, details={"school_urn": "126000"})
    police = records_of(person)["wiltshire-police"]
    event_for(
        police, "incident", days_ago=3, location=LocationFactory(postcode="SN15 1AA", name="")
    )
    page = open_person(client_for("analyst"), person).content.decode()
    assert "Chippenham North Academy" in page
    assert "SN15 1AA (Chippenham)" in page


def test_long_details_fold_and_police_outcomes_come_first(client_for, person):
    police = records_of(person)["wiltshire-police"]
    event_for(
        police,
        "youth_justice_outcome",
        days_ago=3,
        details={"note": "word " * 60, "outcome": "Referral order", "offence": "Theft"},
    )
    view = open_person(client_for("analyst"), person).context["view"]
    assert view.timeline[0].details.startswith("Offence: Theft; Outcome: Referral order")
    assert '<details class="app-fold">' in view.timeline_rows


def test_the_page_reads_a_scored_county_in_a_bounded_number_of_queries(client_for, county):
    """Records from several agencies, events, people found with them and an assessment whose
    indicators each hold evidence: the page reads the same number of queries for a long history
    as for a short one (no query per record, event, indicator or piece of evidence), fewer
    without the connections, which are read when asked for."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from safeguarding.risk.services import score_everyone
    from tests.risk.conftest import AS_OF

    def history(person, size: int) -> None:
        for n in range(size):
            other = county.person(display_name=f"Other {person.display_name} {n}")
            county.event(
                person,
                agency="missing-service",
                event_type="missing_episode",
                role="missing_person",
                days_before=5 + n,
                details={"found_postcode": "SE15 8JA"},
                others=[(other, "found_with")],
            )
            county.event(
                person,
                agency="childrens-social-care",
                event_type="referral",
                days_before=30 + n,
                details={"factor_codes": ["24A"]},
            )
            county.event(
                person,
                agency="wiltshire-police",
                event_type="stop_search",
                days_before=40 + n,
                postcode="SN15 1AA",
            )

    short, long = county.person(display_name="Short History"), county.person(display_name="Long")
    history(short, 1)
    history(long, 8)
    score_everyone(as_of=AS_OF)
    client = client_for("analyst")

    def read(person, query: str = "") -> tuple[int, object]:
        url = reverse("people:detail", args=[person.pk]) + query
        client.post(reverse("access:purpose"), {"purpose": "panel", "next": url})
        client.get(url)  # the first read fills the run's cache
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            assert response.status_code == 200
        return len(captured), response.context["view"]

    few, short_view = read(short, "?connections=show")
    many, long_view = read(long, "?connections=show")
    hits = long_view.risk["hits"]
    assert len(long_view.identity.records) == 3 and long_view.timeline_total == 24
    assert sum(len(hit["evidence"]) for hit in hits) > len(hits) >= 2
    assert (len(short_view.connections.people), len(long_view.connections.people)) == (1, 8)
    assert many == few <= 31
    without, view = read(long)
    assert view.connections is None and view.connections_on_request
    assert without <= many - 4


def test_connections_are_read_when_asked_and_the_link_keeps_the_timeline_filter(client_for, person):
    client = client_for("analyst")
    page = open_person(client, person, months="12")
    assert page.context["view"].connections is None and page.context["view"].connections_on_request
    assert 'href="?months=12&amp;connections=show#connections"' in page.content.decode()
    shown = open_person(client, person, months="12", connections="show")
    assert shown.context["view"].connections is not None
    html = shown.content.decode()
    assert '<input type="hidden" name="connections" value="show">' in html
    assert 'href="?months=12&amp;order=oldest&amp;connections=show#timeline"' in html
