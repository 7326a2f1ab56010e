"""The cast every access test uses, and shared fixtures."""

import pytest

from safeguarding.access.services import ensure_standard_agencies, ensure_user

PASSWORD = "correct-horse-battery-staple"

CAST = {
    # persona: (agency code, roles)
    "analyst": ("partnership", ["analyst"]),
    "police_panel_member": ("wiltshire-police", ["panel_member"]),
    "voluntary_panel_member": ("voluntary-sector", ["panel_member"]),
    "outsider": ("education", []),
    "auditor": ("partnership", ["auditor"]),
}


@pytest.fixture
def agencies(db):
    return ensure_standard_agencies()


@pytest.fixture
def cast(agencies):
    """Users for each persona, keyed by persona name."""
    return {
        persona: ensure_user(
            username=persona,
            password=PASSWORD,
            agency=agencies[agency],
            roles=roles,
            first_name=persona.replace("_", " ").title(),
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
