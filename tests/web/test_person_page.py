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
