"""The contexts' pages with the cast: referral by hand, a step, members shown as far as need to
know allows."""

import pytest
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.contexts import services
from safeguarding.contexts.models import Context, ContextKind
from tests.conftest import state_purpose

pytestmark = pytest.mark.django_db


def signed_in(client_for, persona):
    client = client_for(persona)
    state_purpose(client, "casework")
    return client


def test_a_practitioner_refers_a_context_and_screens_it(client_for, cast):
    client = signed_in(client_for, "practitioner")
    response = client.post(
        reverse("contexts:list"),
        {"kind": ContextKind.SCHOOL, "name": "Hill School", "reason": "Fights at the gates"},
    )
    context = Context.objects.get()
    assert response.url == reverse("contexts:detail", args=[context.pk])
    client.post(
        response.url,
        {"what": "step", "step-kind": "screening", "step-summary": "Meets the threshold"},
    )
    context.refresh_from_db()
    assert context.stage == "screened"
    assert list(context.steps.values_list("kind", flat=True)) == ["referral", "screening"]
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="context")
    assert created.count() == 2


def test_a_step_out_of_order_is_explained_not_recorded(client_for, cast):
    context = services.refer_context(
        kind=ContextKind.LOCATION, name="Park", referred_by=cast["practitioner"], reason="r"
    )
    client = signed_in(client_for, "practitioner")
    response = client.post(
        reverse("contexts:detail", args=[context.pk]),
        {"what": "step", "step-kind": "plan", "step-summary": "Too soon"},
    )
    assert response.status_code == 200
    assert context.steps.count() == 1


def test_members_whose_records_are_restricted_are_counted_not_named(client_for, cast, people):
    context = services.refer_context(
        kind=ContextKind.PEER_GROUP, name="Group", referred_by=cast["practitioner"], reason="r"
    )
    services.add_member(context=context, person=people["Amy"], source="Police")
    ben = people["Ben"]
    ben.restricted = True
    ben.save()
    services.add_member(context=context, person=ben, source="Police")
    page = signed_in(client_for, "police_panel_member").get(
        reverse("contexts:detail", args=[context.pk])
    )
    text = page.content.decode()
    assert "Amy" in text and "Ben" not in text
    assert "1 more young person is linked whose records are not shared with you" in text
    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="context").first()
    assert viewed.detail == {
        "page": "context",
        "members": 1,
        "map_places": 0,
        "network_nodes": 0,
        "network_withheld": 0,
    }


def test_those_without_contexts_in_their_role_are_refused(client_for, cast):
    response = signed_in(client_for, "outsider").get(reverse("contexts:list"))
    assert response.status_code == 403
