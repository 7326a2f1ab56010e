"""A person's events from every agency, in time order, as the user may see them.

A long history is hundreds of events, so they are read as plain rows (one query, no model
instances) and everything the page prints is worked out once here, not in the template.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from safeguarding.people.access_rules import may_see_event_details, may_see_event_type
from safeguarding.people.enumerations import (
    CinFactor,
    EventType,
    InvolvementRole,
    MissingKind,
    MissingRiskGrade,
)
from safeguarding.people.models import Involvement, Person
from safeguarding.sources.models import Feed

HIDDEN_DETAILS = "Visible to health staff and statutory panel members only"
EVENT_TYPE_LABELS = dict(EventType.choices)
ROLE_LABELS = dict(InvolvementRole.choices)
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
    "found": "Found in the search",
    "offence": "Offence",
    "outcome": "Outcome",
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


# Shown first, whatever order the feed gives them: what a reader looks for in a police or
# court record.
FIRST_DETAILS = ("offence", "outcome")


def readable_details(details: dict) -> str:
    first = {key: place for place, key in enumerate(FIRST_DETAILS)}
    ordered = sorted(details.items(), key=lambda item: first.get(item[0], len(first)))
    return "; ".join(
        f"{detail_label(key)}: {detail_value(key, value)}"
        for key, value in ordered
        if value not in ("", None, [])
    )


def when_shown(moment: datetime.datetime | None, zone) -> str:
    """A moment in local time, or only its date when the record held no time of day (stored
    as midnight, UTC or local): "00:00" would read as an event at midnight."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    utc = moment.astimezone(datetime.UTC)
    if local.time() == datetime.time(0) or utc.time() == datetime.time(0):
        return local.strftime("%-d %b %Y")
    return local.strftime("%-d %b %Y %H:%M")


def when(moment: datetime.datetime | None, pattern: str = "%-d %b %Y %H:%M", zone=None) -> str:
    """A moment in local time; pass the zone when formatting many (looking it up is not free)."""
    if moment is None:
        return ""
    return moment.astimezone(zone or timezone.get_current_timezone()).strftime(pattern)


@dataclass
class EventRow:
    """An event as the pages need it: what, when, where, and where the record came from."""

    pk: int
    event_type: str
    occurred_at: datetime.datetime
    ended_at: datetime.datetime | None
    description: str
    details: dict
    source_event_id: str
    row_number: int
    import_batch_id: int
    feed: Feed
    location_id: int | None
    place: str
    postcode: str

    @property
    def type_label(self) -> str:
        return EVENT_TYPE_LABELS.get(self.event_type, self.event_type)


@dataclass
class TimelineEntry:
    """One event, the roles the person had in it, and what this user may see of it."""

    event: EventRow
    details_visible: bool
    roles: list[str] = field(default_factory=list)
    # The named place the page above fills in (a school's name, a postcode's area).
    where: str = ""

    @property
    def agency(self):
        return self.event.feed.agency

    @property
    def role_labels(self) -> list[str]:
        return [ROLE_LABELS.get(role, role) for role in self.roles]

    @property
    def details(self) -> str:
        return readable_details(self.event.details) if self.details_visible else ""

    @property
    def provenance(self) -> str:
        event = self.event
        return (
            f"{event.feed.agency.name}, {event.feed.name} row {event.row_number} "
            f"(import batch {event.import_batch_id})"
        )

    def cells(self, zone) -> tuple[str, ...]:
        """What the timeline table shows, worked out once: a long history has hundreds of rows."""
        event = self.event
        return (
            when_shown(event.occurred_at, zone),
            event.type_label,
            event.description,
            ", ".join(self.role_labels),
            self.where or ", ".join(part for part in (event.place, event.postcode) if part),
            self.details if self.details_visible else HIDDEN_DETAILS,
            self.provenance,
        )


# The timeline's rows are the one part of the page that grows with a long history: they are
# built here with format_html (each value escaped) rather than by the template language, which
# costs about ten times as much per cell. The rest of the table is in _timeline_table.html.
TIMELINE_ROW = (
    '<tr class="govuk-table__row"><td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell govuk-body-s">{}</td>'
    '<td class="govuk-table__cell govuk-body-s">{}</td></tr>\n'
)
WHAT_WITH_DESCRIPTION = '{}<br><span class="govuk-body-s">{}</span>'
# Details longer than this fold: the start shows, the rest is a click away.
FOLD_AFTER = 160
FOLDED = (
    '{}… <details class="app-fold"><summary>Show all<span class="govuk-visually-hidden">'
    " details</span></summary>{}</details>"
)


def folded(text: str) -> str:
    if len(text) <= FOLD_AFTER:
        return text
    cut = text.rfind(" ", 0, FOLD_AFTER)
    return format_html(FOLDED, text[: cut if cut > 0 else FOLD_AFTER], text)


def timeline_rows(entries: list[TimelineEntry]) -> SafeString:
    zone = timezone.get_current_timezone()
    rows = []
    for entry in entries:
        moment, what, description, roles, where, details, source = entry.cells(zone)
        if description:
            what = format_html(WHAT_WITH_DESCRIPTION, what, description)
        rows.append((moment, what, roles, where, folded(details), source))
    return format_html_join("", TIMELINE_ROW, rows)


EVENT_COLUMNS = {
    "pk": "event_id",
    "event_type": "event__event_type",
    "occurred_at": "event__occurred_at",
    "ended_at": "event__ended_at",
    "description": "event__description",
    "details": "event__details",
    "source_event_id": "event__source_event_id",
    "row_number": "event__row_number",
    "import_batch_id": "event__import_batch_id",
    "feed": "event__feed_id",
    "location_id": "event__location_id",
    "place": "event__location__name",
    "postcode": "event__location__postcode",
}


def timeline_entries(*, person: Person, user) -> list[TimelineEntry]:
    """One entry per event, oldest first (a person linked from two records may be in an event
    twice), leaving out the kinds of event this user's agency is not shared."""
    feeds = {feed.pk: feed for feed in Feed.objects.select_related("agency")}
    rows = (
        Involvement.objects.filter(person=person)
        .order_by("event__occurred_at", "event_id", "role")
        .values_list("role", *EVENT_COLUMNS.values())
    )
    entries: dict[int, TimelineEntry] = {}
    for role, *values in rows:
        entry = entries.get(values[0])
        if entry is None:
            columns = dict(zip(EVENT_COLUMNS, values, strict=True))
            if not may_see_event_type(user=user, event_type=columns["event_type"]):
                continue
            columns.update(
                feed=feeds[columns["feed"]],
                place=columns["place"] or "",
                postcode=columns["postcode"] or "",
            )
            event = EventRow(**columns)
            entry = entries[event.pk] = TimelineEntry(
                event=event, details_visible=may_see_event_details(user=user, event=event)
            )
        if role not in entry.roles:
            entry.roles.append(role)
    return list(entries.values())


PERIODS = [
    ("", "All time"),
    ("12", "Last 12 months"),
    ("6", "Last 6 months"),
    ("3", "Last 3 months"),
]


@dataclass(frozen=True)
class TimelineFilter:
    """Which events the timeline shows: an agency, a kind of event, a recent period."""

    agency: str = ""
    event_type: str = ""
    months: str = ""
    oldest_first: bool = False  # newest first unless asked

    @classmethod
    def from_query(cls, query) -> "TimelineFilter":
        months = query.get("months", "")
        return cls(
            agency=query.get("agency", ""),
            event_type=query.get("type", ""),
            months=months if months in dict(PERIODS) else "",
            oldest_first=query.get("order") == "oldest",
        )

    @property
    def since(self) -> datetime.datetime | None:
        if not self.months:
            return None
        return timezone.now() - datetime.timedelta(days=round(int(self.months) * 30.44))

    @property
    def query_string(self) -> str:
        chosen = {
            "agency": self.agency,
            "type": self.event_type,
            "months": self.months,
            "order": "oldest" if self.oldest_first else "",
        }
        return urlencode({key: value for key, value in chosen.items() if value})

    def keeps(self, entry: TimelineEntry) -> bool:
        since = self.since
        return (
            (not self.agency or entry.agency.code == self.agency)
            and (not self.event_type or entry.event.event_type == self.event_type)
            and (since is None or entry.event.occurred_at >= since)
        )

    def apply(self, entries: list[TimelineEntry]) -> list[TimelineEntry]:
        """The entries kept, in the order asked (entries come oldest first)."""
        kept = [entry for entry in entries if self.keeps(entry)]
        return kept if self.oldest_first else kept[::-1]


def filter_choices(entries: list[TimelineEntry]) -> tuple[list, list[tuple[str, str]]]:
    """The agencies and kinds of event in this person's timeline, for the filter."""
    agencies = {entry.agency.code: entry.agency for entry in entries}
    types = {entry.event.event_type: entry.event.type_label for entry in entries}
    return (
        sorted(agencies.values(), key=lambda agency: agency.name),
        sorted(types.items(), key=lambda item: item[1]),
    )
