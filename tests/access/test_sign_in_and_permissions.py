import pytest
from django.conf import settings
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD, state_purpose

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["web:home", "access:audit"])
def test_pages_send_an_anonymous_visitor_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("access:login"))


def test_the_sign_in_page_is_open_to_everyone(client):
    response = client.get(reverse("access:login"))
    assert response.status_code == 200
    assert b"Sign in to Safeguarding Hub" in response.content


def test_signing_in_is_audited_with_role_agency_and_address(client, cast):
    response = client.post(
        reverse("access:login"),
        {"username": "auditor", "password": PASSWORD},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (event.username, event.roles, event.agency, event.ip_address) == (
        "auditor",
        "auditor",
        "Safeguarding Partnership",
        "10.1.2.3",
    )


def test_a_failed_sign_in_is_audited_without_the_password(client, cast):
    response = client.post(reverse("access:login"), {"username": "auditor", "password": "wrong"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.username == "auditor"
    assert "wrong" not in str(event.detail)


def test_signing_out_is_audited(client, cast):
    client.force_login(cast["analyst"])
    client.post(reverse("access:logout"))
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, username="analyst").exists()


@pytest.mark.parametrize(
    "persona,status",
    [
        ("auditor", 200),
        ("analyst", 403),
        ("police_panel_member", 403),
        ("voluntary_panel_member", 403),
        ("outsider", 403),
    ],
)
def test_only_auditors_may_read_the_audit_log(client_for, persona, status):
    client = client_for(persona)
    state_purpose(client, "audit")
    response = client.get(reverse("access:audit"))
    assert response.status_code == status


def test_the_auditor_filters_events_by_action_and_the_search_is_audited(client_for, cast):
    from safeguarding.access import audit

    audit.record(action=AuditAction.VIEW, user=cast["analyst"], object_type="person", object_id=1)
    audit.record(action=AuditAction.EXPORT, user=cast["analyst"], object_type="tracker")
    client = client_for("auditor")
    state_purpose(client, "audit")
    response = client.get(reverse("access:audit"), {"action": "export"})
    events = list(response.context["page"])
    assert [event.action for event in events] == ["export"]
    assert AuditEvent.objects.filter(
        action=AuditAction.SEARCH, username="auditor", object_type="audit_event"
    ).exists()


def test_sessions_expire_after_thirty_idle_minutes_by_default():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_responses_carry_a_content_security_policy(client):
    response = client.get(reverse("access:login"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "object-src 'none'" in policy


def test_a_change_in_the_admin_pages_is_audited(client_for):
    from tests.factories import PersonFactory

    person = PersonFactory()
    response = client_for("administrator").post(
        reverse("admin:people_person_change", args=[person.pk]), {"restricted": "on"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.restricted
    event = AuditEvent.objects.get(action=AuditAction.CHANGE)
    assert (event.username, event.object_type, event.object_id) == (
        "administrator",
        "person",
        str(person.pk),
    )
