"""The single view of one young person, as one user may see it: it gathers every stage (records
and timeline from people, risk, connections from network and contexts, the panel's history),
so it lives in web, above them all."""

from dataclasses import dataclass
from functools import cached_property

from django.utils.safestring import SafeString

from safeguarding.common.weights import match_probability
from safeguarding.contexts.queries import memberships_around
from safeguarding.network.connections import Connections, person_connections
from safeguarding.panel.queries import PanelHistory, panel_history
from safeguarding.people import access_rules
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
from safeguarding.risk.catalogue import load_catalogue
from safeguarding.risk.queries import person_risk

EVERYTHING = TimelineFilter()


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

    periods = PERIODS

    @cached_property
    def timeline_rows(self) -> SafeString:
        return timeline_rows(self.timeline)


def single_view(
    *, person: Person, user, timeline_filter: TimelineFilter = EVERYTHING
) -> SingleView:
    """Everything the page (and its PDF) shows, filtered by what this user may see."""
    entries = timeline_entries(person=person, user=user)
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
        connections=_connections(person=person, entries=entries, user=user),
        services=services(records=records, entries=entries),
        panel=panel_history(person=person),
        only_shared_categories=access_rules.is_voluntary_sector(user),
        risk=person_risk(person=person, catalogue=load_catalogue(), user=user),
    )


def _connections(*, person: Person, entries: list[TimelineEntry], user) -> Connections | None:
    """The network stage's connections, with the contexts the person shares with others."""
    if not access_rules.may_see_connections(user=user):
        return None
    memberships, fellow_members = memberships_around(person=person)
    return person_connections(
        person=person,
        entries=entries,
        user=user,
        memberships=memberships,
        fellow_members=fellow_members,
    )
