"""The single view of one young person, as one user may see it: it gathers every stage (records
and timeline from people, risk, connections from network and contexts, the panel's history),
so it lives in web, above them all."""

from dataclasses import dataclass, replace
from functools import cached_property

from django.utils.safestring import SafeString

from safeguarding.common.weights import match_probability
from safeguarding.contexts.queries import memberships_around
from safeguarding.network.connections import Connections, person_connections
from safeguarding.panel.queries import PanelHistory, panel_history
from safeguarding.people import access_rules
from safeguarding.people.enumerations import EventType
from safeguarding.people.involvement import Service, services
from safeguarding.people.missing import MissingHistory, missing_history
from safeguarding.people.models import Person, SourceRecord
from safeguarding.people.timeline import (
    PERIODS,
    TimelineEntry,
    TimelineFilter,
    filter_choices,
    timeline_entries,
    timeline_rows,
)
from safeguarding.places.models import Postcode, School
from safeguarding.risk.catalogue import load_catalogue
from safeguarding.risk.queries import person_risk

EVERYTHING = TimelineFilter()
# The person page's query asking for the connections section (read on request: other young
# people's records, contexts and phones are a third of the page's work).
SHOW_CONNECTIONS = "connections=show"


def connections_asked(query) -> bool:
    return query.get("connections") == "show"


@dataclass
class Identity:
    records: list[SourceRecord]
    show_identifiers: bool

    @property
    def weakest_link(self) -> float | None:
        """The lowest match weight among the records' best matches: how sure the linking is."""
        weights = [r.match_weight for r in self.records if r.match_weight is not None]
        return min(weights) if len(self.records) > 1 and weights else None

    @property
    def weakest_link_text(self) -> str:
        if self.weakest_link is None:
            return ""
        probability = match_probability(self.weakest_link)
        shown = "above 99.99%" if probability > 0.9999 else f"{probability:.2%}"
        return f"match weight {self.weakest_link:.1f}, a match probability {shown}"

    @property
    def model_versions(self) -> list[str]:
        return sorted({r.link_model_version for r in self.records if r.link_model_version})


@dataclass
class SingleView:
    person: Person
    identity: Identity
    timeline: list[TimelineEntry]
    timeline_filter: TimelineFilter
    timeline_total: int
    agencies: list
    event_types: list[tuple[str, str]]
    missing: MissingHistory
    connections: Connections | None
    services: list[Service]
    panel: PanelHistory
    only_shared_categories: bool
    risk: dict | None
    all_entries: list[TimelineEntry]
    # The user may see connections but the page did not ask for them (they are read on request:
    # the section then offers a link to the page with them, which works without JavaScript).
    connections_on_request: bool = False

    periods = PERIODS

    @property
    def connections_query(self) -> str:
        """The page's own address (its timeline filter kept) with the connections shown."""
        return "&".join(
            part for part in (self.timeline_filter.query_string, SHOW_CONNECTIONS) if part
        )

    @cached_property
    def timeline_rows(self) -> SafeString:
        return timeline_rows(self.timeline)

    @property
    def newest_first_query(self) -> str:
        return self._page_query(replace(self.timeline_filter, oldest_first=False))

    @property
    def oldest_first_query(self) -> str:
        return self._page_query(replace(self.timeline_filter, oldest_first=True))

    @property
    def connections_shown(self) -> bool:
        return self.connections is not None

    def _page_query(self, timeline_filter: TimelineFilter) -> str:
        """A timeline link that keeps the connections on the page when they are shown."""
        shown = SHOW_CONNECTIONS if self.connections_shown else ""
        return "&".join(part for part in (timeline_filter.query_string, shown) if part)

    @cached_property
    def summary(self) -> "Summary":
        return summarise(self)


@dataclass
class Summary:
    """What a reader needs first, gathered from the sections below it."""

    level: str
    trend: str
    top_indicators: list[str]
    lead: str
    open_actions: int
    overdue_actions: int
    last_panel: object
    statuses: list[str]
    agencies: list[str]


# Episodes of care and plans: current while no end is recorded.
STATUS_EVENTS: dict[str, str] = {
    EventType.LOOKED_AFTER_EPISODE.value: "Looked after",
    EventType.CP_PLAN.value: "Child protection plan",
}


def summarise(view: SingleView) -> Summary:
    risk = view.risk or {}
    latest, override = risk.get("latest"), risk.get("override")
    level = override.level if override else (latest.level if latest else "")
    lead = next(
        (f"{s.lead_professional}, {s.agency.name}" for s in view.services if s.lead_professional),
        "",
    )
    statuses: dict[str, str] = {}
    for entry in view.all_entries:  # oldest first: the latest of each kind wins
        label = STATUS_EVENTS.get(entry.event.event_type)
        if label:
            ended = entry.event.ended_at
            statuses[label] = (
                f"{label} since {entry.event.occurred_at:%-d %b %Y}"
                if ended is None
                else f"{label} until {ended:%-d %b %Y}"
            )
    open_actions = view.panel.open_actions
    held = [item.meeting for item in view.panel.items]
    return Summary(
        level=level,
        trend=latest.get_trajectory_display() if latest else "",
        top_indicators=[hit["label"] for hit in risk.get("hits", [])[:3]],
        lead=lead,
        open_actions=len(open_actions),
        overdue_actions=sum(1 for action in open_actions if action["overdue"]),
        last_panel=held[0] if held else None,
        statuses=list(statuses.values()),
        agencies=[s.agency.name for s in view.services],
    )


def single_view(
    *,
    person: Person,
    user,
    timeline_filter: TimelineFilter = EVERYTHING,
    with_connections: bool = True,
) -> SingleView:
    """Everything the page (and its PDF) shows, filtered by what this user may see; without
    the connections unless asked (`with_connections`)."""
    entries = timeline_entries(person=person, user=user)
    may_see_connections = access_rules.may_see_connections(user=user)
    name_places(entries)
    records = list(person.source_records.all())
    agencies, event_types = filter_choices(entries)
    return SingleView(
        person=person,
        identity=Identity(
            records=records, show_identifiers=access_rules.may_see_agency_identifiers(user=user)
        ),
        timeline=timeline_filter.apply(entries),
        timeline_filter=timeline_filter,
        timeline_total=len(entries),
        agencies=agencies,
        event_types=event_types,
        missing=missing_history(entries),
        connections=_connections(person=person, entries=entries, user=user)
        if with_connections and may_see_connections
        else None,
        connections_on_request=may_see_connections and not with_connections,
        services=services(records=records, entries=entries),
        panel=panel_history(person=person, user=user),
        only_shared_categories=access_rules.is_voluntary_sector(user),
        risk=person_risk(person=person, catalogue=load_catalogue(), user=user),
        all_entries=entries,
    )


def name_places(entries: list[TimelineEntry]) -> None:
    """Fill each entry's "where" with a named place: a school's name (not its URN), a postcode
    with the area it lies in, from the geography tables; two queries however long the history."""
    urns = {
        str(e.event.details.get("school_urn")) for e in entries if e.event.details.get("school_urn")
    }
    postcodes = {e.event.postcode for e in entries if e.event.postcode}
    # "" keeps each list non-empty, so both queries run for every person: the page reads in
    # the same number of queries whatever the history.
    schools = dict(School.objects.filter(urn__in=[*urns, ""]).values_list("urn", "name"))
    areas = dict(
        Postcode.objects.filter(postcode__in=[*postcodes, ""])
        .exclude(community_area="")
        .values_list("postcode", "community_area")
    )
    for entry in entries:
        event = entry.event
        school = schools.get(str(event.details.get("school_urn", "")))
        area = areas.get(event.postcode, "")
        postcode = f"{event.postcode} ({area})" if area else event.postcode
        entry.where = ", ".join(part for part in (school or event.place, postcode) if part)


def _connections(*, person: Person, entries: list[TimelineEntry], user) -> Connections:
    """The network stage's connections, with the contexts the person shares with others."""
    memberships, fellow_members = memberships_around(person=person)
    return person_connections(
        person=person,
        entries=entries,
        user=user,
        memberships=memberships,
        fellow_members=fellow_members,
    )
