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
