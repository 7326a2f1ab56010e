"""Who a young person appears with, the places and groups they are linked to, and the evidence.

Peer mapping is sensitive (DOMAIN.md): every connection carries its source, and a "found in
company of" record is a suspected association, never shown as fact.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.urls import reverse

from safeguarding.common.names import plain
from safeguarding.people.access_rules import people_visible_to
from safeguarding.people.enumerations import EventType, InvolvementRole
from safeguarding.people.models import Involvement, ObjectLink, Person, SourceRecord
from safeguarding.people.timeline import ROLE_LABELS, TimelineEntry, when

FOUND_WITH = "Found in company of (suspected association)"
SAME_EVENT = "In the same event"
SAME_ADDRESS = "Same address"
SAME_POSTCODE = "Same postcode"
SAME_PHONE = "Same phone number"
SAME_GROUP = "Same peer group or context"
WITHHELD = "withheld (a restricted record)"
CHART_PEOPLE = 60
CHART_PLACES = 8


@dataclass
class Evidence:
    kind: str
    text: str
    source: str
    suspected: bool = False
    via: tuple[str, str] | None = None  # what both are linked to: (chart node id, label)


@dataclass
class Connection:
    """Another person and why they are connected: each piece of evidence with its source."""

    person_id: int | None  # None for a restricted record this user is not named on
    name: str
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(e.kind for e in self.evidence))

    @property
    def suspected(self) -> bool:
        return any(e.kind == FOUND_WITH for e in self.evidence)

    @property
    def href(self) -> str:
        return reverse("people:detail", args=[self.person_id]) if self.person_id else ""

    def cells(self) -> tuple:
        """What the connections table shows, worked out once per person."""
        return (
            self.href,
            self.name or "(no name recorded)",
            self.kinds,
            self.suspected,
            [f"{e.text}. Source: {e.source}" for e in self.evidence],
        )


@dataclass
class LinkedPlace:
    place: str
    events: Counter
    sources: set[str] = field(default_factory=set)
    first: str = ""
    last: str = ""

    @property
    def summary(self) -> str:
        return "; ".join(f"{label} × {n}" for label, n in self.events.most_common())

    @property
    def evidence(self) -> str:
        period = self.first if self.first == self.last else f"{self.first} to {self.last}"
        return f"{period}; recorded by {', '.join(sorted(self.sources))}"


@dataclass
class Group:
    name: str
    kind: str
    source: str
    reliability: str
    members: list[Connection]


@dataclass
class Connections:
    people: list[Connection]
    places: list[LinkedPlace]
    groups: list[Group]
    self_node: dict = field(default_factory=dict)

    @cached_property
    def chart(self) -> dict:
        return network_chart(self)

    @cached_property
    def rows(self) -> list[tuple]:
        return [linked.cells() for linked in self.people]


def person_connections(
    *,
    person: Person,
    entries: list[TimelineEntry],
    user,
    memberships: list["Membership"],
    fellow_members: list["Membership"],
) -> Connections:
    """Everything the person is connected to, from the events and records the user may see, and
    from the contexts (peer groups, schools, places) the person and others are members of: those
    come from the contexts stage (`contexts.queries.memberships_around`), passed in by the page
    above both, since the network stage comes before contexts in the flow."""
    people: dict[int, Connection] = {}

    def add(person_id: int, evidence: Evidence) -> Connection:
        linked = people.setdefault(person_id, Connection(person_id=person_id, name=""))
        linked.evidence.append(evidence)
        return linked

    _same_events(person=person, entries=entries, add=add)
    _same_postcodes(person=person, add=add)
    _same_phones(person=person, add=add)
    groups = _groups(memberships=memberships, fellow_members=fellow_members, add=add)
    _name_or_withhold(people, user=user)
    for group in groups:
        group.members.sort(key=lambda linked: linked.name)
    return Connections(
        people=sorted(people.values(), key=lambda c: (not c.suspected, -len(c.evidence), c.name)),
        places=linked_places(entries),
        groups=groups,
        self_node={"id": f"p{person.pk}", "label": person.display_name, "kind": "self"},
    )


def _same_events(*, person, entries, add) -> None:
    mine = {entry.event.pk: (number, entry) for number, entry in enumerate(entries)}
    # No joins: PostgreSQL plans this as an index scan even before the tables are analysed.
    together = (
        Involvement.objects.filter(event_id__in=list(mine), person__isnull=False)
        .exclude(person_id=person.pk)
        .values_list("event_id", "person_id", "role")
    )
    for _, entry, other_id, role in sorted(
        (mine[event_id][0], mine[event_id][1], other_id, role)
        for event_id, other_id, role in together
    ):
        event = entry.event
        found_with = InvolvementRole.FOUND_WITH in (role, *entry.roles)
        add(
            other_id,
            Evidence(
                kind=FOUND_WITH if found_with else SAME_EVENT,
                text=(
                    f"{event.type_label}, {when(event.occurred_at, '%-d %b %Y')}: "
                    f"they were {ROLE_LABELS[role].lower()}; "
                    f"this young person {', '.join(entry.role_labels).lower()}"
                ),
                source=f"{event.feed.agency.name}, {event.feed.name} {event.source_event_id}",
                suspected=found_with,
            ),
        )


def _same_postcodes(*, person, add) -> None:
    """Records of other people at one of the person's postcodes. Where both records hold an
    address, only the same address counts; otherwise the shared postcode is shown as such."""
    my_records = list(person.source_records.all())
    postcodes = {r.postcode for r in my_records if r.postcode}
    my_addresses = {(r.postcode, plain(r.address)) for r in my_records if r.address}
    neighbours = (
        SourceRecord.objects.filter(postcode__in=postcodes, person__isnull=False)
        .exclude(person_id=person.pk)
        .select_related("feed__agency")
        .order_by("postcode", "person_id", "id")
    )
    for record in neighbours:
        same_address = (record.postcode, plain(record.address)) in my_addresses
        if record.address and my_addresses and not same_address:
            continue
        add(
            record.person_id,
            Evidence(
                kind=SAME_ADDRESS if same_address else SAME_POSTCODE,
                text=f"Recorded at {record.postcode}"
                + ("" if same_address else " (a postcode covers about 15 addresses)"),
                source=f"{record.feed.agency.name}, {record.feed.name} {record.source_record_id}",
                via=(f"pc {record.postcode}", record.postcode),
            ),
        )


def _same_phones(*, person, add) -> None:
    shared = (
        ObjectLink.objects.filter(
            object__links__source_record__person=person, source_record__person__isnull=False
        )
        .exclude(source_record__person_id=person.pk)
        .select_related("object", "source_record", "feed__agency")
        .order_by("object_id", "id")
        .distinct()
    )
    for link in shared:
        thing = link.object
        add(
            link.source_record.person_id,
            Evidence(
                kind=SAME_PHONE,
                text=f"{thing.get_kind_display()} {thing.value} on both people's records",
                source=f"{link.feed.agency.name}, {link.feed.name} row {link.row_number}",
                via=(f"ob {thing.pk}", thing.value),
            ),
        )


@dataclass(frozen=True)
class Membership:
    """A person's membership of a context, as the contexts stage records it."""

    person_id: int
    context_id: int
    context_name: str
    context_kind: str  # the kind's label: "Peer group", "School", "Location"
    source: str
    reliability: str  # the reliability's label
    confirmed: bool


def _groups(*, memberships, fellow_members, add) -> list[Group]:
    """Peer groups, schools and places assessed as contexts, and their other members."""
    members = defaultdict(list)
    for other in fellow_members:
        members[other.context_id].append(
            add(
                other.person_id,
                Evidence(
                    kind=SAME_GROUP,
                    text=f"Both members of {other.context_name}",
                    source=f"{other.source} ({other.reliability.lower()})",
                    suspected=not other.confirmed,
                    via=(f"cx {other.context_id}", other.context_name),
                ),
            )
        )
    return [
        Group(
            name=m.context_name,
            kind=m.context_kind,
            source=m.source,
            reliability=m.reliability,
            members=members[m.context_id],
        )
        for m in memberships
    ]


def _name_or_withhold(people: dict[int, Connection], *, user) -> None:
    """Names for the people this user may open. Anyone else shows as a restricted record: the
    kind of connection, but no name, link, or the ids and dates that would identify them."""
    names = dict(
        people_visible_to(user=user).filter(pk__in=list(people)).values_list("pk", "display_name")
    )
    for person_id, linked in people.items():
        if person_id in names:
            linked.name = names[person_id] or "(no name recorded)"
        else:
            linked.person_id, linked.name = None, "Restricted record"
            linked.evidence = [
                Evidence(
                    kind=e.kind, text=e.kind, source=WITHHELD, suspected=e.suspected, via=e.via
                )
                for e in linked.evidence
            ]


def linked_places(entries: list[TimelineEntry]) -> list[LinkedPlace]:
    """Places in the person's events (where found, where it happened) and their schools."""
    places: dict[str, LinkedPlace] = {}

    def count(place: str, what: str, entry: TimelineEntry) -> None:
        linked = places.setdefault(place, LinkedPlace(place, Counter()))
        linked.events[what] += 1
        linked.sources.add(entry.agency.name)
        day = when(entry.event.occurred_at, "%-d %b %Y")
        linked.first, linked.last = linked.first or day, day  # entries are oldest first

    for entry in entries:
        event = entry.event
        found = event.details.get("found_postcode")
        if event.event_type == EventType.MISSING_EPISODE and found:
            count(found, "Found there after a missing episode", entry)
        elif event.place or event.postcode:
            count(event.place or event.postcode, event.type_label, entry)
        if event.details.get("school_urn"):
            count(f"School URN {event.details['school_urn']}", event.type_label, entry)
    return sorted(places.values(), key=lambda p: (-p.events.total(), p.place))


def network_chart(connections: Connections) -> dict:
    """Nodes and edges for the chart. The table beside it holds the same facts, for everyone."""
    me = connections.self_node
    nodes = {me["id"]: me}
    edges = {}
    for number, linked in enumerate(connections.people[:CHART_PEOPLE]):
        node = f"p{linked.person_id}" if linked.person_id else f"restricted {number}"
        nodes[node] = {"id": node, "label": linked.name, "kind": "person"}
        if linked.person_id:
            nodes[node]["href"] = linked.href
        for evidence in linked.evidence:
            if evidence.via is None:
                key = (me["id"], node)
                label = "found with (suspected)" if linked.suspected else "same event"
                edges[key] = {
                    "source": me["id"],
                    "target": node,
                    "label": label,
                    "suspected": linked.suspected,
                }
                continue
            via, label = evidence.via
            nodes.setdefault(via, {"id": via, "label": label, "kind": "link"})
            for end in (me["id"], node):
                edges.setdefault(
                    (end, via),
                    {"source": end, "target": via, "label": "", "suspected": evidence.suspected},
                )
    for place in connections.places[:CHART_PLACES]:
        node = f"pl {place.place}"
        nodes[node] = {"id": node, "label": place.place, "kind": "place"}
        edges[(me["id"], node)] = {
            "source": me["id"],
            "target": node,
            "label": f"{place.events.total()} events",
            "suspected": False,
        }
    return {
        "nodes": list(nodes.values()),
        "edges": list(edges.values()),
        "people_shown": min(len(connections.people), CHART_PEOPLE),
        "people": len(connections.people),
    }
