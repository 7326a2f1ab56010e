"""A panel decision to hold a context conference, carried into the contexts' workflow.

- An item about a context: the conference step is recorded on the context (dated the meeting,
  the decision's reason as its summary) when the workflow allows it next, that is once the
  context is assessed. A context only proposed from the evidence, or closed, is referred
  instead (the first step); one referred or screened but not yet assessed gets no step: the
  workflow's order holds, and the chair is told what comes first.
- An item about a young person: each context proposed from the evidence that they belong to is
  referred, the panel's decision as the referral's reason; with none, the chair is told to
  refer one from the contexts page.
Each step recorded names the decision and the meeting in its details, so the context's history
leads back to the panel.
"""

from safeguarding.contexts.models import Context, ContextMember, ContextStep, Stage, StepKind
from safeguarding.contexts.services import NEXT_STEPS, record_step
from safeguarding.panel.models import Decision

REFERRED_FROM = (Stage.PROPOSED, Stage.CLOSED)


def carry_into_workflow(*, decision: Decision, author) -> str:
    """Record the workflow step the decision calls for; returns what happened, in words."""
    item = decision.agenda_item
    details = {"panel_decision": decision.pk, "meeting": item.meeting_id}
    on = item.meeting.held_on
    if item.context_id:
        context = Context.objects.select_for_update().get(pk=item.context_id)
        if StepKind.CONFERENCE in NEXT_STEPS[Stage(context.stage)]:
            record_step(
                context=context,
                kind=StepKind.CONFERENCE,
                author=author,
                summary=decision.text,
                occurred_on=on,
                details=details,
            )
            return f"The context conference is recorded in {context.name}'s workflow."
        if context.stage in REFERRED_FROM:
            _refer(context, decision, author, details)
            return f"{context.name} is referred: screen and assess it, then record the conference."
        return (
            f"{context.name} is at “{context.get_stage_display()}”: the conference is recorded "
            "once the context is assessed, in the workflow's order."
        )
    proposed = Context.objects.filter(
        pk__in=ContextMember.objects.filter(person=item.person).values("context_id"),
        stage__in=REFERRED_FROM,
    ).order_by("pk")
    referred = [context.name for context in proposed]
    for context in proposed:
        _refer(context, decision, author, {**details, "young_person": item.person_id})
    if not referred:
        return (
            "No context proposed for this young person: refer one from the contexts page and "
            "link them to it."
        )
    return "Referred for a context conference: " + "; ".join(referred) + "."


def _refer(context: Context, decision: Decision, author, details: dict) -> None:
    record_step(
        context=context,
        kind=StepKind.REFERRAL,
        author=author,
        summary=f"Referred by the panel for a context conference: {decision.text}",
        occurred_on=decision.agenda_item.meeting.held_on,
        details={**details, "referring_agency": "The panel"},
    )


def steps_recorded_for(decision: Decision) -> list[list[int]]:
    """[context id, step id] of each workflow step the decision recorded (for the audit)."""
    steps = ContextStep.objects.filter(details__panel_decision=decision.pk).order_by("pk")
    return [[context, step] for step, context in steps.values_list("pk", "context_id")]
