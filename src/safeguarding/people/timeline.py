"""A person's events from every agency, in time order, as the user may see them."""

from dataclasses import dataclass

from safeguarding.people.access_rules import may_see_event_details, may_see_event_type
from safeguarding.people.enumerations import CinFactor, MissingKind, MissingRiskGrade
from safeguarding.people.models import Event, Involvement, Person

DETAIL_LABELS = {
    "missing_kind": "Kind",
    "risk_grade": "Risk grade",
    "found_postcode": "Found at",
    "found_by": "Found by",
    "reported_by": "Reported by",
    "return_interview_offered": "Return interview offered",
    "return_interview_accepted": "Return interview accepted",
    "within_72_hours": "Within 72 hours",
    "factor_codes": "Factors",
    "found": "Found",
    "school_urn": "School URN",
    "attendance_reason": "Reason",
}
CODED_VALUES = {
    "missing_kind": dict(MissingKind.choices),
    "risk_grade": dict(MissingRiskGrade.choices),
    "factor_codes": {code: f"{code} {label}" for code, label in CinFactor.choices},
}


def detail_label(key: str) -> str:
    return DETAIL_LABELS.get(key) or key.replace("_", " ").capitalize()


def detail_value(key: str, value) -> str:
    codes = CODED_VALUES.get(key, {})
    if isinstance(value, list):
        return ", ".join(codes.get(str(item), str(item)) for item in value)
    if value in ("yes", "no"):
        return value.capitalize()
    return codes.get(str(value), str(value))


def readable_details(details: dict) -> list[tuple[str, str]]:
    return [
        (detail_label(key), detail_value(key, value))
        for key, value in details.items()
        if value not in ("", None, [])
    ]


@dataclass
class TimelineEntry:
    """One event, the roles the person had in it, and what this user may see of it."""

    event: Event
    roles: list[str]
    role_labels: list[str]
    details_visible: bool

    @property
    def agency(self):
        return self.event.feed.agency

    @property
    def details(self) -> list[tuple[str, str]]:
        return readable_details(self.event.details) if self.details_visible else []

    @property
    def provenance(self) -> str:
        event = self.event
        return (
            f"{event.feed.agency.name}, {event.feed.name} row {event.row_number} "
            f"(import batch {event.import_batch_id})"
        )


def person_involvements(*, person: Person) -> list[Involvement]:
    """Every involvement of the person, with its event and provenance, in one query."""
    return list(
        Involvement.objects.filter(person=person)
        .select_related("event__feed__agency", "event__location")
        .order_by("event__occurred_at", "event_id", "role")
    )


def timeline_entries(*, involvements: list[Involvement], user) -> list[TimelineEntry]:
    """One entry per event (a person linked from two records may be in an event twice)."""
    entries: dict[int, TimelineEntry] = {}
    for involvement in involvements:
        event = involvement.event
        if not may_see_event_type(user=user, event_type=event.event_type):
            continue
        entry = entries.get(event.pk)
        if entry is None:
            entry = entries[event.pk] = TimelineEntry(
                event=event,
                roles=[],
                role_labels=[],
                details_visible=may_see_event_details(user=user, event=event),
            )
        if involvement.role not in entry.roles:
            entry.roles.append(involvement.role)
            entry.role_labels.append(involvement.get_role_display())
    return list(entries.values())


def filter_timeline(
    entries: list[TimelineEntry], *, agency: str = "", event_type: str = ""
) -> list[TimelineEntry]:
    return [
        entry
        for entry in entries
        if (not agency or entry.agency.code == agency)
        and (not event_type or entry.event.event_type == event_type)
    ]


def filter_choices(entries: list[TimelineEntry]) -> tuple[list, list[tuple[str, str]]]:
    """The agencies and kinds of event in this person's timeline, for the filter."""
    agencies = {entry.agency.code: entry.agency for entry in entries}
    types = {entry.event.event_type: entry.event.get_event_type_display() for entry in entries}
    return (
        sorted(agencies.values(), key=lambda agency: agency.name),
        sorted(types.items(), key=lambda item: item[1]),
    )
