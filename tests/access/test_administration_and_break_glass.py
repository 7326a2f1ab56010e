"""Administrators administer; they do not read children. Break-glass is the recorded exception."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from safeguarding.access.audit import verify_chain
from safeguarding.access.demo import DEMO_USERS
from safeguarding.access.models import AuditAction, AuditEvent, BreakGlassGrant
from tests.conftest import state_purpose
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_no_demo_user_is_a_superuser():
    from safeguarding.access.demo import create_demo_users
    from safeguarding.access.models import User

    create_demo_users()
    assert not User.objects.filter(is_superuser=True).exists()
    assert {user.username for user in DEMO_USERS} >= {"admin", "auditor", "analyst"}


def test_the_administrator_opens_no_young_person(client_for):
    person = PersonFactory(display_name="Jade Example")
    client = client_for("administrator")
    state_purpose(client, "audit")
    for url in (reverse("people:detail", args=[person.pk]), reverse("risk:export")):
        assert client.get(url).status_code == 403
    refusals = AuditEvent.objects.filter(action=AuditAction.REFUSED, username="administrator")
    assert refusals.count() == 2


def test_the_admin_pages_show_a_person_by_hub_id_alone_and_audit_the_look(client_for):
    person = PersonFactory(display_name="Jade Example")
    client = client_for("administrator")
    listing = client.get(reverse("admin:people_person_changelist")).content.decode()
    assert "Jade" not in listing
    page = client.get(reverse("admin:people_person_change", args=[person.pk]))
    assert page.status_code == 200 and "Jade" not in page.content.decode()
    look = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="person")
    assert (look.username, look.object_id, look.detail["via"]) == (
        "administrator",
        str(person.pk),
        "admin",
    )


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:people_sourcerecord_changelist",
        "admin:people_event_changelist",
        "admin:risk_riskassessment_changelist",
        "admin:sources_quarantinedrow_changelist",
    ],
)
def test_records_about_people_are_absent_from_the_admin_pages(url_name):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse(url_name)


def test_break_glass_lets_one_user_open_one_record_for_a_while_and_says_so(client_for, cast):
    person = PersonFactory(display_name="Jade Example")
    other = PersonFactory(display_name="Someone Else")
    client = client_for("administrator")
    state_purpose(client, "concern")
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 403

    call_command(
        "break-glass",
        "administrator",
        person=person.pk,
        reason="Police request under an emergency",
        minutes=30,
    )
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
    assert client.get(reverse("people:detail", args=[other.pk])).status_code == 403
    # It opens the record to read, never to change it.
    unmerge = client.post(reverse("linkage:person", args=[person.pk]), {"action": "unmerge"})
    assert unmerge.status_code == 403
    granted = AuditEvent.objects.get(action=AuditAction.BREAK_GLASS)
    assert granted.purpose == "Police request under an emergency"
    view = AuditEvent.objects.get(action=AuditAction.VIEW, object_id=str(person.pk))
    assert view.detail == {"break_glass": True}

    BreakGlassGrant.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 403
    assert list(verify_chain()) == []


@pytest.mark.parametrize(
    "arguments,message",
    [
        ({"reason": "because", "minutes": 30}, "at least 10 characters"),
        ({"reason": "A long enough reason", "minutes": 60 * 25}, "at most 24 hours"),
    ],
)
def test_break_glass_refuses_without_a_reason_or_for_long(cast, arguments, message):
    person = PersonFactory()
    with pytest.raises(CommandError, match=message):
        call_command("break-glass", "administrator", person=person.pk, **arguments)
    assert not BreakGlassGrant.objects.exists()
