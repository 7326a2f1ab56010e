"""Changes to contexts: referring one, recording each step of the workflow, its members and
their weighting, the plan's partner-owned actions. Each step is a new row: the history stays."""

import datetime

from django.db import transaction
from django.utils import timezone

from safeguarding.contexts.models import (
    Context,
    ContextAction,
    ContextActionStatus,
    ContextKind,
    ContextMember,
    ContextStep,
    Reliability,
    Stage,
    StepKind,
)
from safeguarding.contexts.triangles import RATINGS, triangle_for


class WorkflowError(ValueError):
    """A step that cannot be recorded (shown to the user as the form's error)."""


# What each step moves the context to.
STAGE_AFTER = {
    StepKind.REFERRAL: Stage.REFERRED,
    StepKind.SCREENING: Stage.SCREENED,
    StepKind.ASSESSMENT: Stage.ASSESSED,
    StepKind.CONFERENCE: Stage.CONFERENCE,
    StepKind.PLAN: Stage.PLAN,
    StepKind.REVIEW: Stage.REVIEWED,
    StepKind.CLOSURE: Stage.CLOSED,
}
# Which steps may follow which stage: the toolkit's order, with reviews repeating.
NEXT_STEPS = {
    Stage.PROPOSED: (StepKind.REFERRAL, StepKind.CLOSURE),
    Stage.REFERRED: (StepKind.SCREENING, StepKind.CLOSURE),
    Stage.SCREENED: (StepKind.ASSESSMENT, StepKind.CLOSURE),
    Stage.ASSESSED: (StepKind.CONFERENCE, StepKind.PLAN, StepKind.CLOSURE),
    Stage.CONFERENCE: (StepKind.PLAN, StepKind.CLOSURE),
    Stage.PLAN: (StepKind.REVIEW, StepKind.CLOSURE),
    Stage.REVIEWED: (StepKind.REVIEW, StepKind.PLAN, StepKind.CLOSURE),
    Stage.CLOSED: (StepKind.REFERRAL,),
}


def refer_context(
    *,
    kind: str,
    name: str,
    referred_by,
    reason: str,
    referring_agency: str = "",
    occurred_on: datetime.date | None = None,
    description: str = "",
) -> Context:
    """A context created by hand, with its referral as the first step."""
    if kind not in ContextKind.values:
        raise WorkflowError("Choose whether it is a place, a peer group or a school.")
    if not name.strip() or not reason.strip():
        raise WorkflowError("Give the context a name and say why it is referred.")
    with transaction.atomic():
        context = Context.objects.create(
            kind=kind,
            name=name.strip(),
            description=description,
            stage=Stage.PROPOSED,
            created_by=referred_by,
        )
        record_step(
            context=context,
            kind=StepKind.REFERRAL,
            author=referred_by,
            summary=reason,
            occurred_on=occurred_on,
            details={"referring_agency": referring_agency or _agency_name(referred_by)},
        )
    return context


def record_step(
    *,
    context: Context,
    kind: str,
    author,
    summary: str,
    occurred_on: datetime.date | None = None,
    details: dict | None = None,
    review_due: datetime.date | None = None,
) -> ContextStep:
    """Record one step (in the workflow's order) and move the context to its stage."""
    if kind not in NEXT_STEPS[Stage(context.stage)]:
        allowed = ", ".join(StepKind(k).label.lower() for k in NEXT_STEPS[Stage(context.stage)])
        raise WorkflowError(f"A context at “{context.get_stage_display()}” goes on to: {allowed}.")
    if not summary.strip():
        raise WorkflowError("Write what was found or decided.")
    details = dict(details or {})
    if kind == StepKind.ASSESSMENT:
        _check_triangle(context, details)
    if kind in (StepKind.PLAN, StepKind.REVIEW) and review_due is None:
        raise WorkflowError("Give the date of the next review.")
    if review_due is not None:
        details["review_due"] = review_due.isoformat()
    with transaction.atomic():
        step = ContextStep.objects.create(
            context=context,
            kind=kind,
            occurred_on=occurred_on or timezone.localdate(),
            summary=summary.strip(),
            details=details,
            recorded_by=author,
        )
        context.stage = STAGE_AFTER[StepKind(kind)]
        if kind == StepKind.CLOSURE:
            context.review_due = None
        elif review_due is not None:
            context.review_due = review_due
        context.save(update_fields=["stage", "review_due"])
    return step


def _check_triangle(context: Context, details: dict) -> None:
    sides = details.get("triangle", {})
    for side in triangle_for(context.kind):
        answer = sides.get(side.key) or {}
        if answer.get("rating") not in RATINGS or not str(answer.get("notes", "")).strip():
            raise WorkflowError(f"Rate and describe “{side.label}”.")


def add_member(
    *,
    context: Context,
    person,
    source: str,
    reliability: str = Reliability.PROBABLE,
    started_on: datetime.date | None = None,
) -> ContextMember:
    member, _ = ContextMember.objects.get_or_create(
        context=context,
        person=person,
        defaults={"source": source, "reliability": reliability, "started_on": started_on},
    )
    return member


def weigh_context(*, member: ContextMember, weighting: int, reason: str) -> ContextMember:
    """Context weighting: how much this context matters for this young person's safety."""
    if weighting not in (1, 2, 3) or not reason.strip():
        raise WorkflowError("Choose a weighting and say why.")
    member.weighting, member.weighting_reason = weighting, reason.strip()
    member.save(update_fields=["weighting", "weighting_reason"])
    return member


def add_plan_action(
    *,
    context: Context,
    description: str,
    partner: str,
    due_on: datetime.date,
    owner=None,
) -> ContextAction:
    """An action owned by a partner, under the context's latest plan."""
    plan = context.steps.filter(kind=StepKind.PLAN).order_by("-occurred_on", "-pk").first()
    if plan is None:
        raise WorkflowError("Record the plan first: its actions belong to it.")
    if not description.strip():
        raise WorkflowError("Say what the partner will do.")
    return ContextAction.objects.create(
        context=context,
        plan=plan,
        description=description.strip(),
        partner=partner,
        due_on=due_on,
        owner=owner,
    )


def close_plan_action(*, action: ContextAction, outcome: str) -> ContextAction:
    if not outcome.strip():
        raise WorkflowError("Say what the action achieved.")
    action.status = ContextActionStatus.DONE
    action.outcome = outcome.strip()
    action.closed_at = timezone.now()
    action.save(update_fields=["status", "outcome", "closed_at"])
    return action


def _agency_name(user) -> str:
    return user.agency.name if getattr(user, "agency_id", None) else ""
