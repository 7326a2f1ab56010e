import pytest
from django.urls import reverse

from safeguarding.concerns.reporting import receive_report


def details_url(sector: str = "hotel") -> str:
    return f"{reverse('report:details')}?sector={sector}"


def send(client, *, sector: str = "hotel", network: str = "198.51.100.7", **fields):
    """Post the public form as a member of the public at this network address."""
    data = {"sector": sector, **fields}
    return client.post(reverse("report:details"), data, REMOTE_ADDR=network)


def report(**answers):
    """A stored report and its concern, as the form would leave them."""
    answers.setdefault("sector", "hotel")
    network = answers.pop("network", "203.0.113.9")
    return receive_report(answers=answers, address=network).concern


@pytest.fixture
def analyst_client(client_for):
    from tests.conftest import state_purpose

    client = client_for("analyst")
    state_purpose(client)
    return client


# A square small area around Chippenham, standing in for the partnership's geography.
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-2.2, 51.4], [-2.0, 51.4], [-2.0, 51.5], [-2.2, 51.5], [-2.2, 51.4]]],
}


def make_small_area():
    """A square small area around Chippenham, in its community area (for the map)."""
    from safeguarding.places.models import Area, AreaKind

    town = Area.objects.create(
        code="E06000054-CH",
        name="Chippenham",
        kind=AreaKind.COMMUNITY_AREA,
        latitude=51.46,
        longitude=-2.12,
    )
    return Area.objects.create(
        code="E01031234",
        name="Chippenham 001A",
        kind=AreaKind.LSOA,
        parent=town,
        boundary=SQUARE,
    )


@pytest.fixture
def small_area(db):
    return make_small_area()
