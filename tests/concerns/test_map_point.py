"""A point picked on the form's map: checked within the partnership's bounds, stored with the
report, and the concern's place when it is triaged."""

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.concerns import triage
from safeguarding.concerns.area import partnership_bounds
from safeguarding.concerns.models import Concern, Outcome, Report
from safeguarding.people.models import Event
from tests.concerns.conftest import report, send

pytestmark = pytest.mark.django_db


def test_the_bounds_are_the_box_around_the_small_areas(small_area):
    bounds = partnership_bounds()
    assert (bounds.south, bounds.west, bounds.north, bounds.east) == (51.4, -2.2, 51.5, -2.0)
    assert bounds.holds(latitude=51.45, longitude=-2.1)
    assert bounds.holds(latitude=51.505, longitude=-2.1)  # the margin: about a kilometre
    assert not bounds.holds(latitude=51.6, longitude=-2.1)
    assert not bounds.holds(latitude=51.45, longitude=-1.0)


def test_a_point_inside_the_area_is_stored_with_the_report(client, small_area):
    send(client, what_happened="seen at the lay-by", latitude="51.461234567", longitude="-2.11")
    concern = Concern.objects.get()
    assert concern.report.answers["latitude"] == 51.46123
    assert (concern.latitude, concern.longitude) == (51.46123, -2.11)
    assert (concern.postcode, concern.address) == ("", "")


@pytest.mark.parametrize(
    "point",
    [
        {"latitude": "51.9", "longitude": "-2.1"},  # north of the area
        {"latitude": "51.45"},  # half a point
        {"latitude": "51.45", "longitude": "nan"},
        {"latitude": "91", "longitude": "-2.1"},
        {"latitude": "fifty", "longitude": "-2.1"},
    ],
)
def test_a_point_outside_the_area_or_malformed_is_refused(client, small_area, point):
    response = send(client, what_happened="seen", **point)
    assert response.status_code == 200
    assert not Report.objects.exists()
    page = response.content.decode()
    assert 'href="#id_latitude"' in page  # the error summary leads to the map


def test_without_a_geography_no_point_is_accepted(client):
    send(client, what_happened="seen", latitude="51.45", longitude="-2.1")
    assert not Report.objects.exists()
    send(client, what_happened="seen")
    assert Report.objects.count() == 1


def test_the_outline_for_the_map_is_public_geography_only(small_area):
    response = Client().get(reverse("report:area"))
    assert response.status_code == 200
    data = response.json()
    assert [f["properties"] for f in data["features"]] == [{}]
    assert data["features"][0]["geometry"]["type"] == "Polygon"
    assert data["labels"] == [{"name": "Chippenham", "latitude": 51.46, "longitude": -2.12}]
    assert Client().post(reverse("report:area")).status_code == 405


def test_a_triaged_concern_takes_the_point_as_its_place(cast, small_area):
    concern = report(what_happened="seen", latitude=51.45, longitude=-2.1, postcode="BA1 1AA")
    triage.record_outcome(
        concern=concern, outcome=Outcome.INTELLIGENCE, reason="Logged", user=cast["analyst"]
    )
    concern.refresh_from_db()
    place = Event.objects.get(pk=concern.event_id).location
    assert (place.latitude, place.longitude) == (51.45, -2.1)
    assert place.area_code == "E01031234" and place.in_area is True
    assert concern.location == place
