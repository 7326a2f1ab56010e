"""The person page's Places: a map drawn on the server of their addresses, where they were found
and where events happened, with the same places in a table; through the page's own gate."""

import pytest

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.places.models import Area, AreaKind, Postcode, School
from tests.factories import LocationFactory
from tests.people.conftest import event_for, open_person, records_of

pytestmark = pytest.mark.django_db

HOME, FOUND, AWAY = "SN15 1AA", "SN15 3ZZ", "SE15 8JA"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-2.14, 51.44], [-2.1, 51.44], [-2.1, 51.48], [-2.14, 51.48], [-2.14, 51.44]]],
}


@pytest.fixture
def places(person):
    Area.objects.create(code="E01900100", name="E01900100", kind=AreaKind.LSOA, boundary=SQUARE)
    Postcode.objects.bulk_create(
        [
            Postcode(
                postcode=HOME,
                latitude=51.46,
                longitude=-2.12,
                in_area=True,
                small_area="E01900100",
                community_area="Chippenham",
            ),
            Postcode(
                postcode=FOUND,
                latitude=51.45,
                longitude=-2.11,
                in_area=True,
                small_area="E01900100",
            ),
            Postcode(postcode=AWAY, latitude=51.47, longitude=-0.07, in_area=False),
        ]
    )
    School.objects.create(urn="126000", name="Hardenhuish School", postcode=FOUND)
    police = records_of(person)["wiltshire-police"]
    police.postcode = HOME
    police.save()
    for days, found in ((40, FOUND), (20, FOUND), (5, AWAY)):
        event_for(
            police,
            "missing_episode",
            role="missing_person",
            days_ago=days,
            details={"found_postcode": found},
        )
    event_for(
        police,
        "stop_and_search",
        days_ago=3,
        location=LocationFactory(postcode=FOUND, latitude=51.45, longitude=-2.11),
        details={"school_urn": "126000"},
    )
    return person


def test_the_page_maps_their_places_and_lists_them_with_school_names(client_for, places):
    page = open_person(client_for("analyst"), places)
    assert page.status_code == 200
    html = page.content.decode()
    svg = html[html.index('data-testid="person-map"') : html.index("</svg>")]
    # the home, the found place and the stop are drawn; the out-of-area find is only listed
    assert svg.count('data-testid="person-map-place"') == 3
    assert svg.count("<path ") == 1  # the small area they lie in, as the base
    table = html[
        html.index('data-testid="person-places"') : html.index(
            "</table>", html.index('data-testid="person-places"')
        )
    ]
    rows = [row.split("</td>")[:4] for row in table.split('<tr class="govuk-table__row"><td')[1:]]
    cells = [[part.rsplit(">", 1)[-1] for part in row] for row in rows]
    assert cells == [
        ["1", "Home", f"{HOME} (Chippenham)", ""],
        ["2", "Found when missing", FOUND, "2"],
        ["Outside the area", "Found when missing", AWAY, "1"],
        ["4", "Stop and search", f"Hardenhuish School, {FOUND}", "1"],
    ]
    # the page's own gate audited the reading, with the purpose
    (audited,) = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="person")
    assert (audited.object_id, audited.purpose) == (
        str(places.pk),
        "Casework with this young person",
    )


def test_a_person_with_no_place_is_said_so(client_for, person):
    html = open_person(client_for("analyst"), person).content.decode()
    assert "No place is recorded for them." in html and 'data-testid="person-map"' not in html
