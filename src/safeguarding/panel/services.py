"""Changes the panel makes: planning meetings, the agenda by hand, attendance, what each item
decided and who acts, closing actions with their outcome, closing the meeting, agreeing minutes."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from safeguarding.panel.conference import carry_into_workflow
from safeguarding.panel.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    Attendee,
    Decision,
    DecisionKind,
    ItemRule,
    Meeting,
    MeetingSeries,
    MeetingStatus,
)
from safeguarding.panel.working_days import working_days_after


class PanelError(ValueError):
    """A change the panel's rules do not allow (shown to the user as the form's error)."""


def plan_meeting(*, series: MeetingSeries, held_on: datetime.date | None = None) -> Meeting:
    """The series' next meeting: on the day given, or one interval after its latest."""
    if held_on is None:
        latest = series.meetings.aggregate(last=Max("held_on"))["last"]
        start = latest or timezone.localdate()
        held_on = start + datetime.timedelta(days=series.every_days if latest else 0)
    if series.meetings.filter(held_on=held_on).exists():
        raise PanelError(f"{series.name} already meets on {held_on:%d %B %Y}.")
    return Meeting.objects.create(
        series=series,
        title=series.name,
        held_on=held_on,
        chair=series.chair,
        co_chair=series.co_chair,
    )


def _open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CLOSED:
        raise PanelError("The minutes are agreed: the meeting can no longer change.")


def add_item(
    *,
    meeting: Meeting,
    person=None,
    context=None,
    reason: str,
    lead_agency=None,
    minutes_allotted: int = 10,
    voluntary_sector_invited: bool = False,
) -> AgendaItem:
    """An item added by the chair: a young person or a context, once per meeting."""
    _open(meeting)
    if (person is None) == (context is None):
        raise PanelError("Choose a young person or a context.")
    if not reason.strip():
        raise PanelError("Say why it is on the agenda.")
    if meeting.agenda_items.filter(person=person, context=context).exists():
        raise PanelError("That is already on the agenda.")
    order = (meeting.agenda_items.aggregate(last=Max("order"))["last"] or 0) + 1
    return AgendaItem.objects.create(
        meeting=meeting,
        order=order,
        person=person,
        context=context,
        rule=ItemRule.BY_HAND,
        reason=reason.strip(),
        lead_agency=lead_agency,
        minutes_allotted=minutes_allotted,
        voluntary_sector_invited=voluntary_sector_invited,
    )


def edit_item(
    *,
    item: AgendaItem,
    reason: str,
    lead_agency,
    minutes_allotted: int,
    voluntary_sector_invited: bool,
) -> AgendaItem:
    _open(item.meeting)
    item.reason = reason.strip() or item.reason
    item.lead_agency = lead_agency
    item.minutes_allotted = minutes_allotted
    item.voluntary_sector_invited = voluntary_sector_invited
    item.save(
        update_fields=["reason", "lead_agency", "minutes_allotted", "voluntary_sector_invited"]
    )
    return item


def move_item(*, item: AgendaItem, to: int | None = None, by: int = 0) -> int:
    """Put the item at number `to` on the agenda (1 is first), or `by` places later (-1: one
    up), and number the agenda 1, 2, 3... again; the minutes list the items in this order.
    Returns the item's new number."""
    _open(item.meeting)
    with transaction.atomic():
        items = list(
            item.meeting.agenda_items.select_for_update().order_by("order", "pk").only("order")
        )
        now = next(number for number, other in enumerate(items, start=1) if other.pk == item.pk)
        to = now + by if to is None else to
        if not 1 <= to <= len(items):
            raise PanelError(f"Choose a position from 1 to {len(items)}.")
        others = [other for other in items if other.pk != item.pk]
        moved = next(other for other in items if other.pk == item.pk)
        others.insert(to - 1, moved)
        for number, other in enumerate(others, start=1):
            other.order = number
        AgendaItem.objects.bulk_update(others, ["order"])
    item.order = to
    return to


def remove_item(*, item: AgendaItem) -> None:
    _open(item.meeting)
    if item.decisions.exists():
        raise PanelError("The item has decisions recorded: it stays in the minutes.")
    item.delete()


def record_attendance(*, meeting: Meeting, attendance: dict[int, str]) -> None:
    """Who was present and who sent apologies (user id: Attendance value)."""
    _open(meeting)
    with transaction.atomic():
        for user_id, value in attendance.items():
            if value not in Attendance.values:
                raise PanelError("Say whether each member was present or sent apologies.")
            Attendee.objects.update_or_create(
                meeting=meeting, user_id=user_id, defaults={"attendance": value}
            )


def record_discussion(*, item: AgendaItem, notes: str) -> AgendaItem:
    _open(item.meeting)
    item.discussion = notes.strip()
    item.discussed = True
    item.save(update_fields=["discussion", "discussed"])
    return item


def record_decision(*, item: AgendaItem, kind: str, reason: str, decided_by) -> Decision:
    """The decision with its reason; a context conference is carried into the contexts'
    workflow (panel/conference.py), and `follow_up` says what that did."""
    _open(item.meeting)
    if kind not in DecisionKind.values:
        raise PanelError("Choose the decision from the list.")
    if not reason.strip():
        raise PanelError("Give the reason for the decision.")
    with transaction.atomic():
        decision = Decision.objects.create(
            agenda_item=item, kind=kind, text=reason.strip(), decided_by=decided_by
        )
        if kind == DecisionKind.CONTEXT_CONFERENCE:
            decision.follow_up = carry_into_workflow(decision=decision, author=decided_by)
    return decision


def add_action(
    *, decision: Decision, description: str, owner, owner_agency, due_on: datetime.date
) -> Action:
    _open(decision.agenda_item.meeting)
    if not description.strip():
        raise PanelError("Say what is to be done.")
    if owner is not None and owner.agency_id != owner_agency.pk:
        raise PanelError("The owner must work for the agency the action is given to.")
    return Action.objects.create(
        decision=decision,
        description=description.strip(),
        owner=owner,
        owner_agency=owner_agency,
        due_on=due_on,
    )


def add_action_to_item(
    *, item: AgendaItem, description: str, owner, due_on: datetime.date
) -> Action:
    """An action follows from the item's latest decision and goes to its owner's agency."""
    latest = item.decisions.order_by("-decided_at", "-pk").first()
    if latest is None:
        raise PanelError("Record the decision first: actions follow from it.")
    if owner.agency is None:
        raise PanelError("The owner has no agency.")
    return add_action(
        decision=latest,
        description=description,
        owner=owner,
        owner_agency=owner.agency,
        due_on=due_on,
    )


def may_close_action(*, action: Action, user) -> bool:
    """The owner closes their action; the chair of its meeting (or its series) may too."""
    meeting = action.decision.agenda_item.meeting
    chairs = {meeting.chair_id, meeting.co_chair_id}
    return user.pk == action.owner_id or (
        user.pk in chairs and user.has_perm("panel.change_meeting")
    )


def close_action(*, action: Action, outcome: str, closed_by, cancelled: bool = False) -> Action:
    if action.status != ActionStatus.OPEN:
        raise PanelError("The action is already closed.")
    if not outcome.strip():
        raise PanelError("Write the outcome: what was done and what changed.")
    action.status = ActionStatus.CANCELLED if cancelled else ActionStatus.DONE
    action.outcome = outcome.strip()
    action.closed_at = timezone.now()
    action.closed_by = closed_by
    action.save(update_fields=["status", "outcome", "closed_at", "closed_by"])
    return action


def close_meeting(*, meeting: Meeting, summary: str = "") -> Meeting:
    """The meeting has been held: its minutes are drafted from it, for the chair to agree."""
    if meeting.status != MeetingStatus.PLANNED:
        raise PanelError("The meeting is already closed.")
    with transaction.atomic():
        meeting.status = MeetingStatus.HELD
        meeting.closed_at = timezone.now()
        meeting.minutes = summary.strip() or meeting.minutes
        meeting.save(update_fields=["status", "closed_at", "minutes"])
        present = meeting.attendees.filter(attendance=Attendance.PRESENT)
        meeting.agencies_present.set(
            {a.user.agency_id for a in present.select_related("user") if a.user.agency_id}
        )
    return meeting


def agree_minutes(*, meeting: Meeting, agreed_by) -> Meeting:
    if meeting.status != MeetingStatus.HELD:
        raise PanelError("Close the meeting before agreeing its minutes.")
    if agreed_by.pk not in (meeting.chair_id, meeting.co_chair_id):
        raise PanelError("Only the meeting's chair or co-chair agrees its minutes.")
    meeting.status = MeetingStatus.CLOSED
    meeting.minutes_agreed_at = timezone.now()
    meeting.minutes_agreed_by = agreed_by
    meeting.save(update_fields=["status", "minutes_agreed_at", "minutes_agreed_by"])
    return meeting


MINUTES_WITHIN_WORKING_DAYS = 2


def minutes_due_by(meeting: Meeting) -> datetime.date:
    """Two working days after the meeting: weekends and England and Wales bank holidays
    skipped (panel/bank_holidays.toml)."""
    return working_days_after(meeting.held_on, MINUTES_WITHIN_WORKING_DAYS)
