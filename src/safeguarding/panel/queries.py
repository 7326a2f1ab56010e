"""What other stages show of the panel: a person's history with it, their open actions, when
it last met. Pages above the panel (the single view, the tracker) call these; the apps before
the panel in the flow never read its tables."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.utils import timezone

from safeguarding.panel.models import Action, ActionStatus, AgendaItem, Decision, Meeting
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


def panel_history(*, person: Person) -> PanelHistory:
    """The person's agenda items, newest meeting first, with decisions and their actions."""
    actions = Action.objects.select_related("owner", "owner_agency").order_by("due_on", "pk")
    decisions = Decision.objects.order_by("decided_at", "pk").prefetch_related(
        Prefetch("actions", queryset=actions)
    )
    items = (
        AgendaItem.objects.filter(person=person)
        .select_related("meeting")
        .prefetch_related(Prefetch("decisions", queryset=decisions))
        .order_by("-meeting__held_on", "order")
    )
    return PanelHistory(items=list(items))


def last_panel_date(*, before: datetime.date) -> datetime.date | None:
    """When the panel last met before the date."""
    meeting = Meeting.objects.filter(held_on__lt=before).order_by("-held_on").first()
    return meeting.held_on if meeting else None


def open_actions_count(*, person_field: str = "person_id") -> Subquery:
    """For annotating rows that name a person in `person_field`: how many panel actions about
    the person are open."""
    person = OuterRef(person_field)
    return Subquery(
        Action.objects.filter(decision__agenda_item__person=person, status=ActionStatus.OPEN)
        .order_by()
        .values("decision__agenda_item__person")
        .annotate(count=Count("pk"))
        .values("count")
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
