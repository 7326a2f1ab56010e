"""9. Out of area: the partnership's geography decides, even for postcodes it does not list."""

import pytest

from safeguarding.people.models import Location
from safeguarding.places.models import Area, AreaKind, Postcode
from tests.sources.onboarding import import_text, quarantined, write_feed

pytestmark = pytest.mark.django_db

SIGHTINGS = """
[columns]
Ref = { required = true }
When = { type = "date", format = "%d/%m/%Y" }
Place = {}
Postcode = { type = "postcode", allow_district = true }
Lat = { type = "latitude" }
Lon = { type = "longitude" }

[event]
source_event_id = "Ref"
type = "incident"
occurred_at = "When"
location_name = "Place"
postcode = "Postcode"
latitude = "Lat"
longitude = "Lon"
"""


@pytest.fixture
def geography(db):
    for postcode, inside in [("SN15 1AA", True), ("SN15 2BB", True), ("BA1 1AA", False)]:
        Postcode.objects.create(
            postcode=postcode, latitude=51.46, longitude=-2.12, small_area="E01", in_area=inside
        )
    square = [[[-2.2, 51.4], [-2.0, 51.4], [-2.0, 51.5], [-2.2, 51.5], [-2.2, 51.4]]]
    Area.objects.create(
        code="E01",
        name="Chippenham 1",
        kind=AreaKind.LSOA,
        boundary={"type": "Polygon", "coordinates": square},
    )


def test_unlisted_postcodes_and_bare_points_are_placed_inside_or_outside(
    agencies, geography, tmp_path
):
    feed = write_feed(tmp_path, "sightings", SIGHTINGS)
    import_text(
        tmp_path,
        feed,
        "sightings.csv",
        "Ref,When,Place,Postcode,Lat,Lon\n"
        "1,01/11/2026,Listed,SN15 1AA,,\n"
        "2,01/11/2026,Unlisted in an inside district,SN15 9ZZ,,\n"
        "3,01/11/2026,Unlisted elsewhere,BS1 4DJ,,\n"
        "4,01/11/2026,District only,BA1,,\n"
        "5,01/11/2026,A point inside,,51.45,-2.1\n"
        "6,01/11/2026,A point outside,,51.6,-1.8\n",
    )
    assert dict(Location.objects.values_list("name", "in_area")) == {
        "Listed": True,
        "Unlisted in an inside district": True,
        "Unlisted elsewhere": False,
        "District only": False,
        "A point inside": True,
        "A point outside": False,
    }


def test_without_a_geography_nothing_is_guessed(agencies, tmp_path):
    feed = write_feed(tmp_path, "sightings", SIGHTINGS)
    import_text(
        tmp_path,
        feed,
        "sightings.csv",
        "Ref,When,Place,Postcode,Lat,Lon\n1,01/11/2026,X,BS1 4DJ,,\n",
    )
    assert list(Location.objects.values_list("in_area", flat=True)) == [None]


def test_a_row_without_its_events_time_is_quarantined_not_a_failed_import(agencies, tmp_path):
    feed = write_feed(tmp_path, "sightings", SIGHTINGS)
    batch = import_text(
        tmp_path,
        feed,
        "sightings.csv",
        "Ref,When,Place,Postcode,Lat,Lon\n1,,X,,,\n2,01/11/2026,Y,,,\n",
    )
    assert (batch.status, batch.rows_imported, batch.rows_quarantined) == ("succeeded", 1, 1)
    assert quarantined(batch) == {1: "When is blank, and it is required"}
