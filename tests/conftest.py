"""The cast every access test uses, and shared fixtures.

One persona per role, each in a plausible agency, plus an outsider from another agency with no
role, a named user on a restricted record and the administrator: built by factories, used by the
authorisation matrix and by every access test.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.access.services import ensure_standard_agencies
from safeguarding.sources import chunked_writing
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
    """`client_for("analyst")` gives a test client signed in as that persona, both factors."""

    def sign_in(persona: str):
        client.force_login(cast[persona])
        return client

    return sign_in


def state_purpose(client, purpose: str = "analysis") -> None:
    """Answer the purpose-of-access question for this client's session."""
    response = client.post(reverse("access:purpose"), {"purpose": purpose, "next": "/"})
    assert response.status_code == 302, "the purpose was not accepted"


def authenticator_for(user) -> TOTPDevice:
    """The user's confirmed authenticator app, set up now if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def current_code(user) -> str:
    """The code the user's authenticator shows now, as the phone would compute it. The device
    forgets the last code it accepted, so a test may sign the same user in twice within 30 s."""
    device = authenticator_for(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def verify_second_factor(client: Client, user) -> None:
    """Mark the client's session as verified by the user's authenticator, as giving a code on
    the sign-in's second step does."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
    session.save()


@pytest.fixture(autouse=True)
def force_login_gives_both_factors(monkeypatch):
    """Tests sign in with `client.force_login`, which skips the sign-in pages. Every session
    must also give a second factor (settings.SAFEGUARDING_REQUIRE_TWO_FACTOR), so here it does
    that step too, with a real authenticator. Tests of the steps themselves sign in through
    the pages (tests/access/test_sign_in_*.py)."""
    force_login = Client.force_login

    def force_login_with_second_factor(self, user, backend=None):
        # Signing out elsewhere in the test may have ended the user's sessions since this
        # object was loaded (User.session_generation): sign in as they are now.
        user.refresh_from_db(fields=["session_generation"])
        force_login(self, user, backend)
        verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login_with_second_factor)


@pytest.fixture(autouse=True)
def no_person_risk_kept_between_tests():
    """Each process keeps young people's assessments by run (risk.queries): a test's run may
    have the id and time of another test's rolled-back one (SQLite reuses ids, frozen clocks)."""
    from safeguarding.risk.queries import forget_people_read

    forget_people_read()
    yield


@pytest.fixture
def tiny_chunks(monkeypatch):
    """A row or two a chunk of a batch stage on SQLite, so that a handful of rows takes many
    chunks (sources/chunked_writing.py)."""
    monkeypatch.setattr(chunked_writing, "FIRST_ROWS", 1)
    monkeypatch.setattr(chunked_writing, "FIRST_ROWS_OF_A_WRITE", 1)
    monkeypatch.setattr(chunked_writing, "FEWEST_ROWS", 1)
    monkeypatch.setattr(chunked_writing, "PAUSE_SECONDS", 0)
