"""What other stages show of the panel: a person's history with it, their open actions, when
it last met. Pages above the panel (the single view, the tracker) call these; the apps before
the panel in the flow never read its tables."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from safeguarding.panel.models import Action, ActionStatus, AgendaItem, Decision, Meeting
from safeguarding.panel.sharing import items_shared_with
from safeguarding.people.access_rules import people_visible_to
from safeguarding.people.models import Person


@dataclass
class PanelHistory:
    items: list[AgendaItem]

    @property
    def open_actions(self) -> list[dict]:
        today = timezone.localdate()
        return [
            {"action": action, "overdue": action.due_on < today}
            for item in self.items
            for decision in item.decisions.all()
            for action in decision.actions.all()
            if action.status == ActionStatus.OPEN
        ]


def panel_history(*, person: Person, user=None) -> PanelHistory:
    """The person's agenda items, newest meeting first, with decisions and their actions; given
    the reader, only the items shared with them (the voluntary sector's invited items)."""
    actions = Action.objects.select_related("owner", "owner_agency").order_by("due_on", "pk")
    decisions = Decision.objects.order_by("decided_at", "pk").prefetch_related(
        Prefetch("actions", queryset=actions)
    )
    items = (
        AgendaItem.objects.filter(person=person)
        .filter(items_shared_with(user) if user is not None else Q())
        .select_related("meeting")
        .prefetch_related(Prefetch("decisions", queryset=decisions))
        .order_by("-meeting__held_on", "order")
    )
    return PanelHistory(items=list(items))


def last_panel_date(*, before: datetime.date) -> datetime.date | None:
    """When the panel last met before the date."""
    meeting = Meeting.objects.filter(held_on__lt=before).order_by("-held_on").first()
    return meeting.held_on if meeting else None


def open_actions_by_person(person_ids) -> dict[int, int]:
    """How many panel actions about each of these people are open (one query; a person with
    none is absent)."""
    return dict(
        Action.objects.filter(
            decision__agenda_item__person__in=list(person_ids), status=ActionStatus.OPEN
        )
        .order_by()
        .values("decision__agenda_item__person")
        .annotate(count=Count("pk"))
        .values_list("decision__agenda_item__person", "count")
    )


def meetings_list(*, user) -> list[Meeting]:
    """Every meeting, newest first, with the number of items this user sees on each."""
    shared = items_shared_with(user)
    meetings = Meeting.objects.select_related("series", "chair").annotate(
        items=Count("agenda_items", filter=_prefixed(shared, "agenda_items__"))
    )
    return list(meetings.order_by("-held_on", "-pk"))


def _prefixed(condition: Q, prefix: str) -> Q:
    """The condition on a related model's fields (`Q(a=1)` → `Q(prefix__a=1)`)."""
    lookups = [child for child in condition.children if isinstance(child, tuple)]
    return Q(**{f"{prefix}{name}": value for name, value in lookups})


@dataclass
class ItemView:
    item: AgendaItem
    may_open: bool  # the young person's record is open to this user (not restricted from them)
    label: str


def agenda_for(*, meeting: Meeting, user) -> list[ItemView]:
    """The meeting's items this user sees, each labelled as far as their need to know allows:
    a restricted young person is named only to those named on their record."""
    items = list(
        meeting.agenda_items.filter(items_shared_with(user))
        .select_related("person", "context", "lead_agency")
        .order_by("order", "pk")
    )
    person_ids = [i.person_id for i in items if i.person_id]
    visible = set(
        people_visible_to(user=user).filter(pk__in=person_ids).values_list("pk", flat=True)
    )
    views = []
    for item in items:
        if item.person is not None:
            may_open = item.person.pk in visible
            label = (
                item.person.display_name or f"Young person {item.person.pk}"
                if may_open
                else "A young person whose record is restricted"
            )
        else:
            may_open, label = True, str(item.context)
        views.append(ItemView(item=item, may_open=may_open, label=label))
    return views


def may_see_item(*, item: AgendaItem, user) -> bool:
    return AgendaItem.objects.filter(items_shared_with(user), pk=item.pk).exists()


def carried_forward(*, meeting: Meeting) -> list[Action]:
    """Open actions from earlier meetings (of the series, when it has one): they carry forward
    to this meeting until they close."""
    earlier = Action.objects.filter(
        status=ActionStatus.OPEN, decision__agenda_item__meeting__held_on__lt=meeting.held_on
    )
    if meeting.series_id:
        earlier = earlier.filter(decision__agenda_item__meeting__series_id=meeting.series_id)
    return list(
        earlier.select_related(
            "owner",
            "owner_agency",
            "decision__agenda_item__person",
            "decision__agenda_item__context",
            "decision__agenda_item__meeting",
        ).order_by("due_on", "pk")
    )


def my_actions(*, user) -> list[Action]:
    """The user's own panel actions, open first, then those closed in the last 90 days."""
    recent = timezone.now() - datetime.timedelta(days=90)
    return list(
        Action.objects.filter(owner=user)
        .filter(Q(status=ActionStatus.OPEN) | Q(closed_at__gte=recent))
        .select_related(
            "owner_agency",
            "decision__agenda_item__person",
            "decision__agenda_item__context",
            "decision__agenda_item__meeting",
        )
        .order_by("status", "due_on", "pk")
    )


def escalated_to(*, user) -> list[Action]:
    """Overdue actions escalated to this user as the chair or co-chair of their meeting."""
    if not user.has_perm("panel.change_meeting"):
        return []
    chaired = Q(decision__agenda_item__meeting__chair=user) | Q(
        decision__agenda_item__meeting__co_chair=user
    )
    return list(
        Action.objects.filter(chaired, status=ActionStatus.OPEN, escalated_at__isnull=False)
        .select_related(
            "owner",
            "owner_agency",
            "decision__agenda_item__person",
            "decision__agenda_item__context",
            "decision__agenda_item__meeting",
        )
        .order_by("due_on", "pk")
    )


def next_meeting(*, on_or_after: datetime.date) -> Meeting | None:
    """The panel's next meeting, with how many young people are on its agenda."""
    return (
        Meeting.objects.filter(held_on__gte=on_or_after)
        .annotate(items=Count("agenda_items"))
        .order_by("held_on", "pk")
        .first()
    )


def open_actions_owned_by(*, user, limit: int = 20) -> list[Action]:
    """The open panel actions a user owns, soonest due first, with the young person each is
    about."""
    return list(
        Action.objects.filter(owner=user, status=ActionStatus.OPEN)
        .select_related("decision__agenda_item__person", "decision__agenda_item__meeting")
        .order_by("due_on", "pk")[:limit]
    )


def members_of(meeting: Meeting) -> list:
    """Who sits on the meeting's panel, by agency: the series' chairs and members."""
    series = meeting.series
    if series is None:
        return [meeting.chair]
    users = {
        series.chair,
        *([series.co_chair] if series.co_chair_id else []),
        *series.members.all(),
    }
    return sorted(users, key=lambda u: ((u.agency.name if u.agency_id else ""), u.last_name))


def shared_actions(*, user, actions: list[Action]) -> list[Action]:
    """The actions whose item this user sees, about a young person they may open (two queries
    however many actions)."""
    items = {action.decision.agenda_item for action in actions}
    shared = set(
        AgendaItem.objects.filter(
            items_shared_with(user), pk__in=[i.pk for i in items]
        ).values_list("pk", flat=True)
    )
    people = {i.person_id for i in items if i.person_id}
    visible = set(people_visible_to(user=user).filter(pk__in=people).values_list("pk", flat=True))
    return [
        action
        for action in actions
        if action.decision.agenda_item.pk in shared
        and (
            action.decision.agenda_item.person_id is None
            or action.decision.agenda_item.person_id in visible
        )
    ]
