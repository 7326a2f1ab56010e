"""Two-factor authentication: required for every session, set up with a real authenticator
code, recovery codes that work once, and a reset by an administrator (audited)."""

import datetime
from base64 import b32decode
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.access import two_factor
from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.access.services import ensure_user
from tests.conftest import PASSWORD, authenticator_for, current_code
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def sign_in_with_password(client, username: str, next_url: str = ""):
    url = reverse("access:login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    return client.post(url, {"username": username, "password": PASSWORD})


def code_from_secret(secret: str) -> str:
    """What an authenticator app shows for the secret typed into it."""
    return f"{totp(b32decode(secret.replace(' ', ''))):06d}"


def let_the_wait_pass(user) -> None:
    """After a wrong code django-otp makes the next wait (1 s, then 2, 4...): as if it had."""
    for device in TOTPDevice.objects.filter(user=user):
        if device.throttling_failure_timestamp is not None:
            device.throttling_failure_timestamp -= datetime.timedelta(minutes=10)
            device.save(update_fields=["throttling_failure_timestamp"])


def test_every_role_needs_a_second_factor_in_the_tests_and_in_production():
    assert settings.SAFEGUARDING_REQUIRE_TWO_FACTOR is True


def test_only_the_demo_settings_make_the_second_factor_optional():
    from safeguarding.settings import demo, local

    assert (demo.SAFEGUARDING_REQUIRE_TWO_FACTOR, local.SAFEGUARDING_REQUIRE_TWO_FACTOR) == (
        False,
        True,
    )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/tracker/",
        "/tracker/export.csv",
        "/people/?q=smith",
        "/access/audit/",
        "/access/purpose/",
        "/admin/",
        "/access/sign-in/recovery-codes/",
    ],
)
def test_a_password_alone_opens_no_page(client, cast, url):
    sign_in_with_password(client, "analyst")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('access:two_factor')}?{urlencode({'next': url})}"


def test_a_password_alone_does_not_open_a_young_persons_record(client, cast):
    person = PersonFactory()
    sign_in_with_password(client, "police_panel_member")
    response = client.get(reverse("people:detail", args=[person.pk]), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("access:two_factor_set_up"))
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_the_password_step_leads_to_set_up_for_a_user_with_no_authenticator(client, cast):
    response = sign_in_with_password(client, "analyst", next_url="/tracker/")
    assert response.url == f"{reverse('access:two_factor')}?{urlencode({'next': '/tracker/'})}"
    response = client.get(response.url)
    assert response.url == (
        f"{reverse('access:two_factor_set_up')}?{urlencode({'next': '/tracker/'})}"
    )


def test_setting_up_with_a_real_code_verifies_the_session_and_shows_recovery_codes_once(
    client, cast
):
    sign_in_with_password(client, "analyst")
    page = client.get(reverse("access:two_factor_set_up"), {"next": "/tracker/"})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert b"<svg" in page.content and b'aria-label="QR code for your app"' in page.content
    secret = page.context["secret"]
    device = TOTPDevice.objects.get(user=cast["analyst"])
    assert not device.confirmed
    assert secret.replace(" ", "") in device.config_url

    wrong = client.post(
        reverse("access:two_factor_set_up"), {"code": "000000", "next": "/tracker/"}
    )
    assert wrong.status_code == 200
    assert "The code is not right" in wrong.content.decode()
    let_the_wait_pass(cast["analyst"])

    response = client.post(
        reverse("access:two_factor_set_up"),
        {"code": code_from_secret(secret), "next": "/tracker/"},
    )
    assert response.url == (
        f"{reverse('access:recovery_codes')}?{urlencode({'next': '/tracker/'})}"
    )
    device.refresh_from_db()
    assert device.confirmed

    codes_page = client.get(response.url)
    codes = codes_page.context["codes"]
    assert len(codes) == settings.SAFEGUARDING_RECOVERY_CODE_COUNT == 10
    assert "no-store" in codes_page["Cache-Control"]
    stored = set(
        StaticToken.objects.filter(device__user=cast["analyst"]).values_list("token", flat=True)
    )
    assert {code.replace(" ", "") for code in codes} == stored
    # Shown once: the codes leave the session as the page is drawn.
    assert client.get(response.url).url == reverse("access:security")

    assert client.get("/").status_code == 200
    actions = list(
        AuditEvent.objects.filter(username="analyst")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        AuditAction.LOGIN,
        AuditAction.TWO_FACTOR_FAILED,
        AuditAction.TWO_FACTOR_ENROLLED,
        AuditAction.RECOVERY_CODES_ISSUED,
    ]


def test_a_user_with_an_authenticator_cannot_set_up_another_with_the_password_alone(client, cast):
    authenticator_for(cast["analyst"])
    sign_in_with_password(client, "analyst")
    response = client.get(reverse("access:two_factor_set_up"))
    assert response.url.startswith(reverse("access:two_factor"))
    assert TOTPDevice.objects.filter(user=cast["analyst"]).count() == 1


def test_the_code_from_the_authenticator_verifies_the_session_and_cannot_be_replayed(cast):
    user = cast["analyst"]
    authenticator_for(user)
    first, second = Client(), Client()
    response = sign_in_with_password(first, "analyst", next_url="/tracker/")
    assert response.url.startswith(reverse("access:two_factor"))

    wrong = first.post(response.url, {"code": "123456"})
    assert "The code is not right" in wrong.content.decode()
    let_the_wait_pass(user)
    code = current_code(user)
    response = first.post(response.url, {"code": code[:3] + " " + code[3:]})
    assert response.url == "/tracker/"
    assert first.get("/").status_code == 200

    sign_in_with_password(second, "analyst")
    replay = second.post(reverse("access:two_factor"), {"code": code})
    assert "The code is not right" in replay.content.decode()
    assert second.get("/").url.startswith(reverse("access:two_factor"))
    assert [
        event.detail["method"]
        for event in AuditEvent.objects.filter(
            action__in=[AuditAction.TWO_FACTOR_FAILED, AuditAction.TWO_FACTOR_VERIFIED]
        ).order_by("sequence")
    ] == ["authenticator"] * 3


def test_wrong_codes_make_the_user_wait(client, cast):
    authenticator_for(cast["analyst"])
    sign_in_with_password(client, "analyst")
    for _ in range(3):
        response = client.post(reverse("access:two_factor"), {"code": "000000"})
    assert "Too many wrong codes: wait until" in response.content.decode()
    # Even the right code waits its turn.
    response = client.post(reverse("access:two_factor"), {"code": current_code(cast["analyst"])})
    assert response.status_code == 200


def test_a_recovery_code_works_once(cast):
    user = cast["analyst"]
    authenticator_for(user)
    codes = two_factor.issue_recovery_codes(user=user)

    first = Client()
    sign_in_with_password(first, "analyst")
    response = first.post(reverse("access:two_factor"), {"code": codes[0].upper(), "next": "/"})
    assert response.url == "/"
    assert first.get("/").status_code == 200
    assert two_factor.remaining_recovery_codes(user=user) == 9

    second = Client()
    sign_in_with_password(second, "analyst")
    refused = second.post(reverse("access:two_factor"), {"code": codes[0]})
    assert refused.status_code == 200
    assert second.get("/").url.startswith(reverse("access:two_factor"))
    verified = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_VERIFIED)
    assert verified.detail == {"method": "recovery_code"}


def test_new_recovery_codes_replace_the_old_ones(client_for, cast):
    user = cast["analyst"]
    old = two_factor.issue_recovery_codes(user=user)
    client = client_for("analyst")
    response = client.post(reverse("access:security"))
    new = client.get(response.url).context["codes"]
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == {code.replace(" ", "") for code in new}
    assert not stored & set(old)
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.RECOVERY_CODES_ISSUED, username="analyst"
        ).count()
        == 2
    )


def test_an_administrator_resets_a_users_second_factor_and_ends_their_sessions(
    client, cast, agencies
):
    user = cast["analyst"]
    two_factor.issue_recovery_codes(user=user)
    signed_in = Client()
    signed_in.force_login(user)
    assert signed_in.get("/").status_code == 200

    administrator = ensure_user(
        username="administrator",
        password=PASSWORD,
        agency=agencies["partnership"],
        roles=["administrator"],
        is_staff=True,
    )
    client.force_login(administrator)
    response = client.post(
        reverse("admin:access_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302

    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert signed_in.get("/").url.startswith(reverse("access:login"))
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_RESET)
    assert (event.username, event.object_type, event.object_id, event.detail) == (
        "administrator",
        "user",
        str(user.pk),
        {"devices_removed": 2},
    )
    # At the next sign-in the user sets up a new authenticator.
    response = sign_in_with_password(Client(), "analyst")
    assert response.url.startswith(reverse("access:two_factor"))


def test_the_reset_command_is_audited(cast, capsys):
    from django.core.management import call_command

    authenticator_for(cast["auditor"])
    call_command("reset_two_factor", "auditor")
    assert "1 device(s) removed" in capsys.readouterr().out
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_RESET)
    assert event.username.startswith("command line")


def test_in_the_demo_a_password_alone_signs_in_unless_the_user_set_up_two_factor(
    client, cast, settings
):
    settings.SAFEGUARDING_REQUIRE_TWO_FACTOR = False
    response = sign_in_with_password(client, "analyst")
    assert response.url == reverse("web:home")
    assert client.get("/").status_code == 200

    authenticator_for(cast["auditor"])
    other = Client()
    response = sign_in_with_password(other, "auditor")
    assert response.url.startswith(reverse("access:two_factor"))
    assert other.get("/access/audit/").status_code == 302


def test_an_unverified_session_may_still_sign_out(client, cast):
    sign_in_with_password(client, "analyst")
    response = client.post(reverse("access:logout"))
    assert response.url == reverse("access:login")
    assert "_auth_user_id" not in client.session
