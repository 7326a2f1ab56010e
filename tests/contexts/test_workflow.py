"""The Contextual Safeguarding workflow: steps in order, the assessment triangle, plans with
partner-owned actions and reviews; every step kept with its author and date."""

import datetime

import pytest

from safeguarding.contexts import services
from safeguarding.contexts.models import ContextKind, Partner, Stage, StepKind

pytestmark = pytest.mark.django_db

TRIANGLE = {
    "triangle": {
        "harm": {"rating": "significant", "notes": "Supply of drugs to under-16s"},
        "guardianship": {"rating": "some", "notes": "Café staff"},
        "environment": {"rating": "significant", "notes": "No lighting"},
    }
}


@pytest.fixture
def park(cast):
    return services.refer_context(
        kind=ContextKind.LOCATION,
        name="Riverside park",
        referred_by=cast["police_panel_member"],
        reason="Missing young people found here",
        occurred_on=datetime.date(2026, 10, 1),
    )


def test_a_referral_records_who_raised_it_and_why(park, cast):
    step = park.steps.get()
    assert park.stage == Stage.REFERRED
    assert step.kind == StepKind.REFERRAL and step.recorded_by == cast["police_panel_member"]
    assert step.summary == "Missing young people found here"
    assert step.details == {"referring_agency": "Wiltshire Police"}
    assert step.occurred_on == datetime.date(2026, 10, 1)


def test_steps_follow_the_workflow_and_each_is_kept(park, cast):
    chair = cast["panel_chair"]
    with pytest.raises(services.WorkflowError, match="goes on to: screening"):
        services.record_step(context=park, kind=StepKind.PLAN, author=chair, summary="Too soon")
    services.record_step(context=park, kind=StepKind.SCREENING, author=chair, summary="Meets it")
    with pytest.raises(services.WorkflowError, match="Rate and describe"):
        services.record_step(
            context=park,
            kind=StepKind.ASSESSMENT,
            author=chair,
            summary="Half done",
            details={"triangle": {"harm": {"rating": "some", "notes": "x"}}},
        )
    services.record_step(
        context=park, kind=StepKind.ASSESSMENT, author=chair, summary="Done", details=TRIANGLE
    )
    services.record_step(context=park, kind=StepKind.CONFERENCE, author=chair, summary="Agreed")
    with pytest.raises(services.WorkflowError, match="next review"):
        services.record_step(context=park, kind=StepKind.PLAN, author=chair, summary="Plan")
    services.record_step(
        context=park,
        kind=StepKind.PLAN,
        author=chair,
        summary="Plan",
        review_due=datetime.date(2027, 1, 10),
    )
    assert park.stage == Stage.PLAN and park.review_due == datetime.date(2027, 1, 10)
    services.record_step(
        context=park,
        kind=StepKind.REVIEW,
        author=cast["practitioner"],
        summary="Fewer found",
        review_due=datetime.date(2027, 4, 10),
    )
    services.record_step(
        context=park,
        kind=StepKind.REVIEW,
        author=chair,
        summary="Quiet",
        review_due=datetime.date(2027, 7, 10),
    )
    kinds = list(park.steps.values_list("kind", "recorded_by__username"))
    assert kinds == [
        ("referral", "police_panel_member"),
        ("screening", "panel_chair"),
        ("assessment", "panel_chair"),
        ("conference", "panel_chair"),
        ("plan", "panel_chair"),
        ("review", "practitioner"),
        ("review", "panel_chair"),
    ]
    assert park.steps.get(kind=StepKind.ASSESSMENT).details == TRIANGLE
    assert park.review_due == datetime.date(2027, 7, 10)


def test_plan_actions_are_owned_by_partners_and_close_with_an_outcome(park, cast):
    chair = cast["panel_chair"]
    with pytest.raises(services.WorkflowError, match="Record the plan first"):
        services.add_plan_action(
            context=park,
            description="Patrols",
            partner=Partner.POLICE,
            due_on=datetime.date(2026, 12, 1),
        )
    for kind in (StepKind.SCREENING,):
        services.record_step(context=park, kind=kind, author=chair, summary="ok")
    services.record_step(
        context=park, kind=StepKind.ASSESSMENT, author=chair, summary="ok", details=TRIANGLE
    )
    plan = services.record_step(
        context=park,
        kind=StepKind.PLAN,
        author=chair,
        summary="Plan",
        review_due=datetime.date(2027, 1, 10),
    )
    action = services.add_plan_action(
        context=park,
        description="Evening patrols",
        partner=Partner.LICENSING,
        due_on=datetime.date(2026, 12, 1),
    )
    assert action.plan == plan and action.status == "open"
    with pytest.raises(services.WorkflowError):
        services.close_plan_action(action=action, outcome="  ")
    services.close_plan_action(action=action, outcome="Licence reviewed")
    assert action.status == "done" and action.closed_at is not None


def test_context_weighting_is_between_one_and_three_with_a_reason(park, people):
    member = services.add_member(context=park, person=people["Amy"], source="Police")
    with pytest.raises(services.WorkflowError):
        services.weigh_context(member=member, weighting=5, reason="x")
    services.weigh_context(member=member, weighting=3, reason="Where she is exploited")
    member.refresh_from_db()
    assert (member.weighting, member.weighting_reason) == (3, "Where she is exploited")
