"""What pages and other stages read of contexts."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from safeguarding.contexts.models import (
    Context,
    ContextAction,
    ContextMember,
    ContextStep,
    Reliability,
    Stage,
)
from safeguarding.contexts.services import NEXT_STEPS
from safeguarding.network.connections import Membership
from safeguarding.people.access_rules import people_visible_to
from safeguarding.people.models import Event, Involvement, Person


def memberships_around(*, person: Person) -> tuple[list[Membership], list[Membership]]:
    """The contexts the person is a member of, and the other members of those contexts (by
    person id), for the network stage's connections."""
    mine = list(ContextMember.objects.filter(person=person).select_related("context"))
    others = (
        ContextMember.objects.filter(context__in=[m.context_id for m in mine])
        .exclude(person_id=person.pk)
        .select_related("context")
        .order_by("person_id")
    )
    return [_membership(m) for m in mine], [_membership(m) for m in others]


def _membership(member: ContextMember) -> Membership:
    return Membership(
        person_id=member.person_id,
        context_id=member.context_id,
        context_name=member.context.name,
        context_kind=member.context.get_kind_display(),
        source=member.source,
        reliability=member.get_reliability_display(),
        confirmed=member.reliability == Reliability.CONFIRMED,
    )


def contexts_due_for_review(*, on: datetime.date) -> QuerySet[Context]:
    """Open contexts whose review falls on or before the date."""
    return (
        Context.objects.exclude(stage=Stage.CLOSED)
        .filter(review_due__isnull=False, review_due__lte=on)
        .order_by("review_due", "pk")
    )


def context_list(*, kind: str = "", stage: str = "") -> QuerySet[Context]:
    contexts = Context.objects.annotate(
        member_count=Count("members", filter=Q(members__ended_on__isnull=True))
    )
    if kind:
        contexts = contexts.filter(kind=kind)
    if stage:
        contexts = contexts.filter(stage=stage)
    return contexts.order_by("stage", "name")


@dataclass
class ContextPage:
    context: Context
    members: list[ContextMember]
    hidden_members: int
    steps: list[ContextStep]
    actions: list[ContextAction]
    events_by_month: list[tuple[str, int]]
    next_steps: tuple[str, ...]
    visible_people: set[int]


def context_page(*, context: Context, user) -> ContextPage:
    """The context with the young people this user may open (the others counted, not named),
    its workflow history, its plan's actions and its members' events month by month."""
    members = list(
        context.members.select_related("person").order_by("-weighting", "person__display_name")
    )
    visible = set(
        people_visible_to(user=user)
        .filter(pk__in=[m.person_id for m in members])
        .values_list("pk", flat=True)
    )
    shown = [m for m in members if m.person_id in visible]
    steps = list(context.steps.select_related("recorded_by").order_by("occurred_on", "pk"))
    actions = list(context.actions.select_related("owner").order_by("status", "due_on"))
    return ContextPage(
        context=context,
        members=shown,
        hidden_members=len(members) - len(shown),
        steps=steps,
        actions=actions,
        events_by_month=_events_by_month(context=context, people=visible),
        next_steps=NEXT_STEPS[Stage(context.stage)],
        visible_people=visible,
    )


def context_events(*, context: Context, people: set[int]) -> QuerySet[Event]:
    """The context's events: those at its location, and those involving the young people given
    (its members this user may see). The one rule for the page, its map and its outcomes."""
    condition = Q(pk__in=[])
    if context.location_id:
        condition |= Q(location_id=context.location_id)
    if people:
        involved = Involvement.objects.filter(person_id__in=people).values("event_id")
        condition |= Q(pk__in=involved)
    return Event.objects.filter(condition)


def _events_by_month(*, context: Context, people: set[int]) -> list[tuple[str, int]]:
    """Events at the context's location, or involving its members, counted by month (last year)."""
    since = timezone.now() - datetime.timedelta(days=365)
    rows = (
        context_events(context=context, people=people)
        .filter(occurred_at__gte=since)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(events=Count("pk"))
        .order_by("month")
    )
    return [(row["month"].strftime("%B %Y"), row["events"]) for row in rows]


def contexts_of(*, person_ids: list[int]) -> dict[int, list[Context]]:
    """The open contexts each person belongs to."""
    members = ContextMember.objects.filter(
        person_id__in=person_ids, ended_on__isnull=True
    ).select_related("context")
    linked: dict[int, list[Context]] = {}
    for member in members:
        linked.setdefault(member.person_id, []).append(member.context)
    return linked
