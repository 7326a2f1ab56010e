"""The cast every access test uses, and shared fixtures.

One persona per role, each in a plausible agency, plus an outsider from another agency with no
role, a named user on a restricted record and the administrator: built by factories, used by the
authorisation matrix and by every access test.
"""

import pytest
from django.urls import reverse

from safeguarding.access.services import ensure_standard_agencies
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery-staple"

CAST = {
    # persona: (agency code, roles)
    "analyst": ("partnership", ["analyst"]),
    "practitioner": ("childrens-social-care", ["practitioner"]),
    "panel_chair": ("childrens-social-care", ["panel_chair"]),
    "police_panel_member": ("wiltshire-police", ["panel_member"]),
    "health_panel_member": ("health", ["panel_member"]),
    "voluntary_panel_member": ("voluntary-sector", ["panel_member"]),
    "manager": ("partnership", ["manager"]),
    "auditor": ("partnership", ["auditor"]),
    "administrator": ("partnership", ["administrator"]),
    "outsider": ("education", []),
    # A practitioner named on the restricted record of the `restricted_person` fixture.
    "named_user": ("childrens-social-care", ["practitioner"]),
}
STAFF = {"administrator"}


@pytest.fixture
def agencies(db):
    return ensure_standard_agencies()


@pytest.fixture
def cast(agencies):
    """Users for each persona, keyed by persona name."""
    return {
        persona: UserFactory(
            username=persona,
            password=PASSWORD,
            agency=agencies[agency],
            roles=roles,
            first_name=persona.replace("_", " ").title(),
            is_staff=persona in STAFF,
        )
        for persona, (agency, roles) in CAST.items()
    }


@pytest.fixture
def client_for(client, cast):
    """`client_for("analyst")` gives a test client signed in as that persona."""

    def sign_in(persona: str):
        client.force_login(cast[persona])
        return client

    return sign_in


def state_purpose(client, purpose: str = "analysis") -> None:
    """Answer the purpose-of-access question for this client's session."""
    response = client.post(reverse("access:purpose"), {"purpose": purpose, "next": "/"})
    assert response.status_code == 302, "the purpose was not accepted"
