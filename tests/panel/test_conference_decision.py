"""A "context conference" decision carries into the contexts' workflow, in its order: the
conference step for an assessed context, a referral for a proposed one, nothing (and why) for
one not yet assessed; for a young person, a referral of the contexts proposed for them."""

import pytest
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.contexts import services as contexts
from safeguarding.contexts.models import Context, ContextKind, Reliability, Stage, StepKind
from safeguarding.contexts.triangles import Rating, triangle_for
from safeguarding.panel import services
from safeguarding.panel.models import DecisionKind, Meeting
from tests.conftest import state_purpose
from tests.panel.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(series, cast):
    return Meeting.objects.create(
        series=series, title="Contexts panel", held_on=TODAY, chair=cast["panel_chair"]
    )


def assessed_park(author) -> Context:
    park = contexts.refer_context(
        kind=ContextKind.LOCATION, name="Riverside park", referred_by=author, reason="Found here"
    )
    contexts.record_step(context=park, kind=StepKind.SCREENING, author=author, summary="Meets")
    triangle = {
        side.key: {"rating": Rating.SOME, "notes": "Seen"}
        for side in triangle_for(ContextKind.LOCATION)
    }
    contexts.record_step(
        context=park,
        kind=StepKind.ASSESSMENT,
        author=author,
        summary="Assessed",
        details={"triangle": triangle},
    )
    return park


def decide(item, chair, reason="Partners to plan for the park"):
    return services.record_decision(
        item=item, kind=DecisionKind.CONTEXT_CONFERENCE, reason=reason, decided_by=chair
    )


def test_an_assessed_context_gets_its_conference_step(meeting, cast):
    chair = cast["panel_chair"]
    park = assessed_park(cast["practitioner"])
    item = services.add_item(meeting=meeting, context=park, reason="Assessed: to conference")
    decision = decide(item, chair)
    park.refresh_from_db()
    assert park.stage == Stage.CONFERENCE
    step = park.steps.get(kind=StepKind.CONFERENCE)
    assert step.summary == "Partners to plan for the park"
    assert step.occurred_on == TODAY and step.recorded_by == chair
    assert step.details == {"panel_decision": decision.pk, "meeting": meeting.pk}
    assert "conference is recorded" in decision.follow_up


def test_a_context_not_yet_assessed_keeps_the_workflow_order(meeting, cast):
    park = contexts.refer_context(
        kind=ContextKind.LOCATION, name="Car park", referred_by=cast["practitioner"], reason="r"
    )
    item = services.add_item(meeting=meeting, context=park, reason="New")
    decision = decide(item, cast["panel_chair"])
    park.refresh_from_db()
    assert park.stage == Stage.REFERRED
    assert list(park.steps.values_list("kind", flat=True)) == [StepKind.REFERRAL]
    assert "once the context is assessed" in decision.follow_up
    assert decision.pk  # the panel's decision stands


def test_a_proposed_context_is_referred(meeting, cast):
    proposed = Context.objects.create(
        kind=ContextKind.LOCATION, name="Hot spot 1000m-1-2", stage=Stage.PROPOSED
    )
    item = services.add_item(meeting=meeting, context=proposed, reason="Proposed")
    decide(item, cast["panel_chair"])
    proposed.refresh_from_db()
    assert proposed.stage == Stage.REFERRED
    referral = proposed.steps.get()
    assert (
        referral.kind == StepKind.REFERRAL and referral.details["referring_agency"] == "The panel"
    )


def test_a_young_persons_proposed_peer_group_is_referred(meeting, cast, people):
    amy = people["Amy"]
    group = Context.objects.create(
        kind=ContextKind.PEER_GROUP, name="Peer group of 3", stage=Stage.PROPOSED
    )
    contexts.add_member(
        context=group, person=amy, source="Together", reliability=Reliability.SUSPECTED
    )
    already = assessed_park(cast["practitioner"])  # a member too, but past referral
    contexts.add_member(context=already, person=amy, source="Found there")
    item = services.add_item(meeting=meeting, person=amy, reason="Newly high")
    decision = decide(item, cast["panel_chair"], reason="Exploited with her peers")
    group.refresh_from_db()
    assert group.stage == Stage.REFERRED
    assert group.steps.get().details["young_person"] == amy.pk
    assert already.steps.filter(kind=StepKind.CONFERENCE).count() == 0
    assert decision.follow_up == "Referred for a context conference: Peer group of 3."


def test_a_young_person_with_no_proposed_context_is_told_what_to_do(meeting, cast, people):
    item = services.add_item(meeting=meeting, person=people["Ben"], reason="Rising")
    decision = decide(item, cast["panel_chair"])
    assert "refer one from the contexts page" in decision.follow_up
    assert not Context.objects.exists()


def test_the_page_says_what_happened_and_the_audit_names_the_step(client_for, meeting, cast):
    park = assessed_park(cast["practitioner"])
    item = services.add_item(meeting=meeting, context=park, reason="To conference")
    client = client_for("panel_chair")
    state_purpose(client, "panel")
    response = client.post(
        reverse("panel:item", args=[item.pk]),
        {
            "step": "decision",
            "decision-kind": DecisionKind.CONTEXT_CONFERENCE,
            "decision-reason": "Plan",
        },
        follow=True,
    )
    assert "The context conference is recorded in Riverside park" in response.content.decode()
    step = park.steps.get(kind=StepKind.CONFERENCE)
    event = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="meeting").last()
    assert event.detail["context_steps"] == [[park.pk, step.pk]]
