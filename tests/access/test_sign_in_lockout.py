"""Throttling and lock-out after repeated failed sign-ins, on our sign-in page and the admin's,
and unlocking by an administrator (audited)."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.access.services import ensure_user
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def administrator(agencies):
    return ensure_user(
        username="administrator",
        password=PASSWORD,
        agency=agencies["partnership"],
        roles=["administrator"],
        is_staff=True,
    )


def attempt(client, url, username, password, address="10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_until_locked(client, url, username, address="10.0.0.1"):
    responses = [attempt(client, url, username, "wrong-password", address) for _ in range(LIMIT)]
    return [response.status_code for response in responses]


def test_the_limit_and_cool_off_are_five_failures_and_thirty_minutes_by_default():
    assert (5, datetime.timedelta(minutes=30)) == (LIMIT, settings.AXES_COOLOFF_TIME)
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


@pytest.mark.parametrize("url_name", ["access:login", "admin:login"])
def test_after_five_failures_the_right_password_is_refused(client, cast, administrator, url_name):
    url = reverse(url_name)
    # Each failure is answered by the form until the limit; the last one locks.
    assert fail_until_locked(client, url, "administrator") == [200] * (LIMIT - 1) + [429]

    # From another address too: the account itself is locked.
    response = attempt(client, url, "administrator", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Sign-in is paused" in page and "30 minutes" in page
    assert "govuk-template" in page  # the service's layout, not a bare message
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, username="administrator"
    ).count() == (LIMIT + 1)
    assert AuditEvent.objects.filter(
        action=AuditAction.LOCKED_OUT, username="administrator"
    ).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_an_address_is_locked_after_five_failures_across_accounts(client, cast):
    url = reverse("access:login")
    for username in ["guess-1", "guess-2", "guess-3", "guess-4", "guess-5"]:
        attempt(client, url, username, "wrong-password", address="10.0.0.66")

    refused = attempt(client, url, "auditor", PASSWORD, address="10.0.0.66")
    assert refused.status_code == 429
    accepted = attempt(client, url, "auditor", PASSWORD, address="10.0.0.7")
    assert accepted.status_code == 302


def test_the_lock_lifts_by_itself_after_the_cool_off(client, cast):
    url = reverse("access:login")
    fail_until_locked(client, url, "analyst")
    assert attempt(client, url, "analyst", PASSWORD).status_code == 429

    # Attempts made while locked do not count; the lock runs from the last counted failure.
    earlier = datetime.timedelta(minutes=31)
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - earlier)
    response = attempt(client, url, "analyst", PASSWORD)
    assert response.status_code == 302


def test_the_unlock_command_lets_the_user_in_and_is_audited(client, cast, capsys):
    url = reverse("access:login")
    fail_until_locked(client, url, "analyst")

    call_command("unlock", "--list")
    assert "account analyst: 5 failures" in capsys.readouterr().out

    call_command("unlock", "analyst")
    assert "Unlocked analyst" in capsys.readouterr().out
    response = attempt(client, url, "analyst", PASSWORD, address="10.0.0.2")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.UNLOCKED)
    assert (event.object_type, event.object_id) == ("user", str(cast["analyst"].pk))
    assert event.username.startswith("command line")
    assert event.detail == {"attempts_cleared": 1}


def test_the_unlock_command_unlocks_an_address(client, cast, capsys):
    url = reverse("access:login")
    for username in ["guess-1", "guess-2", "guess-3", "guess-4", "guess-5"]:
        attempt(client, url, username, "wrong-password", address="10.0.0.66")

    call_command("unlock", "--address", "10.0.0.66")
    assert attempt(client, url, "auditor", PASSWORD, address="10.0.0.66").status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.UNLOCKED)
    assert (event.object_type, event.object_id, event.detail) == (
        "address",
        "10.0.0.66",
        {"attempts_cleared": 5},
    )


def test_an_administrator_unlocks_a_user_in_the_admin_pages_and_it_is_audited(
    client, cast, administrator
):
    from django.test import Client

    visitor = Client()
    url = reverse("access:login")
    fail_until_locked(visitor, url, "analyst")

    client.force_login(administrator)
    response = client.post(
        reverse("admin:access_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [cast["analyst"].pk]},
    )
    assert response.status_code == 302

    assert attempt(visitor, url, "analyst", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.UNLOCKED)
    assert (event.username, event.roles, event.object_id) == (
        "administrator",
        "administrator",
        str(cast["analyst"].pk),
    )


def test_a_user_who_may_not_change_users_cannot_unlock(client, cast):
    fail_until_locked(client, reverse("access:login"), "analyst")
    client.force_login(cast["auditor"])
    client.post(
        reverse("admin:access_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [cast["analyst"].pk]},
    )
    assert not AuditEvent.objects.filter(action=AuditAction.UNLOCKED).exists()
    assert AccessAttempt.objects.filter(username="analyst").exists()
