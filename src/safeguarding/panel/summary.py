"""What the panel reads for one item: prepared from the tracker's evidence, recent events from
every agency, open actions and context links, as far as the reader's need to know allows (the
tracker's and the single view's rules, applied by their own functions)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from safeguarding.contexts.models import Context, ContextActionStatus
from safeguarding.contexts.queries import contexts_of
from safeguarding.panel.models import Action, ActionStatus, AgendaItem
from safeguarding.panel.outcomes import (
    ContextOutcome,
    Outcome,
    outcome_for_context,
    outcome_for_person,
)
from safeguarding.people.access_rules import (
    may_see_event_details,
    may_see_event_type,
    people_visible_to,
)
from safeguarding.people.models import Event, Person
from safeguarding.risk.catalogue import load_catalogue
from safeguarding.risk.queries import person_risk

RECENT_DAYS = 90
RECENT_EVENTS = 12


@dataclass
class ItemSummary:
    risk: dict | None = None
    events: list[dict] = field(default_factory=list)
    hidden_events: int = 0
    open_actions: list[Action] = field(default_factory=list)
    contexts: list[Context] = field(default_factory=list)
    outcome: Outcome | None = None
    context_outcome: ContextOutcome | None = None
    # For a context: its members this reader may open, the others counted.
    members: list = field(default_factory=list)
    hidden_members: int = 0
    plan_actions: list = field(default_factory=list)
    last_step: object = None


def item_summary(*, item: AgendaItem, user) -> ItemSummary:
    if item.person is not None:
        return _person_summary(person=item.person, user=user)
    if item.context is not None:
        return _context_summary(context=item.context, user=user)
    return ItemSummary()


def _person_summary(*, person: Person, user) -> ItemSummary:
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    events = (
        Event.objects.filter(involvements__person=person, occurred_at__gte=since)
        .select_related("feed__agency")
        .distinct()
        .order_by("-occurred_at")
    )
    shown: list[dict] = []
    hidden = 0
    for event in events:
        if not may_see_event_type(user=user, event_type=event.event_type):
            hidden += 1
            continue
        if len(shown) < RECENT_EVENTS:
            shown.append(
                {
                    "event": event,
                    "agency": event.feed.agency.name,
                    "what": event.get_event_type_display(),
                    "detail": event.description
                    if may_see_event_details(user=user, event=event)
                    else "Health detail: for health staff and the statutory panel",
                }
            )
    return ItemSummary(
        risk=person_risk(person=person, catalogue=load_catalogue(), user=user),
        events=shown,
        hidden_events=hidden,
        open_actions=list(
            Action.objects.filter(decision__agenda_item__person=person, status=ActionStatus.OPEN)
            .select_related("owner", "owner_agency", "decision__agenda_item__meeting")
            .order_by("due_on")
        ),
        contexts=contexts_of(person_ids=[person.pk]).get(person.pk, []),
        outcome=outcome_for_person(person=person),
    )


def _context_summary(*, context: Context, user) -> ItemSummary:
    members = list(context.members.select_related("person").order_by("-weighting", "pk"))
    visible = set(
        people_visible_to(user=user)
        .filter(pk__in=[m.person_id for m in members])
        .values_list("pk", flat=True)
    )
    return ItemSummary(
        members=[m for m in members if m.person_id in visible],
        hidden_members=sum(1 for m in members if m.person_id not in visible),
        plan_actions=list(
            context.actions.filter(status=ContextActionStatus.OPEN).order_by("due_on")
        ),
        open_actions=list(
            Action.objects.filter(decision__agenda_item__context=context, status=ActionStatus.OPEN)
            .select_related("owner", "owner_agency")
            .order_by("due_on")
        ),
        last_step=context.steps.order_by("-occurred_on", "-pk").first(),
        context_outcome=outcome_for_context(context=context, people=visible),
    )
