"""What the network pages read: parts of the stored graph, as one user may see them.

Need to know applies to every node and edge: a person the user may not open (a restricted
record, or anyone but the young person themselves for the voluntary sector) is withheld, and
so is every edge that touches them or rests only on records the user may not see, and every
address, phone or group that only their records link to (their home, their phone). What is
withheld is counted and shown as "a connection withheld", never named.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import igraph as ig
from django.db.models import Count, Q
from django.urls import reverse

from safeguarding.network import analysis, concerns
from safeguarding.network.events import events_as_nodes
from safeguarding.network.models import Concern, Edge, EdgeKind, NetworkRun, Node, NodeKind
from safeguarding.people.access_rules import (
    may_see_connections,
    may_see_event_type,
    people_visible_to,
)

MAX_NODES = 300  # a chart beyond this is read from the table or the export
PERSON_KINDS = {NodeKind.CHILD, NodeKind.ADULT, NodeKind.PERSON}
ROLES = ["victim", "suspect", "found_with", "missing_person", "subject", "witness", "reporter"]


@dataclass(frozen=True)
class NetworkFilter:
    """What the user narrowed the chart to: dates, kinds of edge, roles and agencies."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    kinds: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    hops: int = 1
    events: bool = False  # draw each event as a node between its people

    @classmethod
    def from_query(cls, query) -> "NetworkFilter":
        def day(name):
            try:
                return datetime.date.fromisoformat(query.get(name, ""))
            except ValueError:
                return None

        try:
            hops = min(3, max(1, int(query.get("hops", 1))))
        except ValueError:
            hops = 1
        return cls(
            start=day("from"),
            end=day("to"),
            kinds=tuple(k for k in query.getlist("kind") if k in EdgeKind.values),
            roles=tuple(r for r in query.getlist("role") if r in ROLES),
            agencies=tuple(query.getlist("agency")),
            hops=hops,
            events=query.get("events") == "1",
        )

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def keeps_item(self, item: dict) -> bool:
        """One record behind an edge, within the dates, role and agency asked for."""
        if self.dated:
            day = item.get("date", "")
            if not day:
                return False
            if self.start and day < self.start.isoformat():
                return False
            if self.end and day > self.end.isoformat():
                return False
        if self.roles and not set(self.roles) & set(item.get("roles", [])):
            return False
        return not self.agencies or item.get("agency") in self.agencies


def run_graph(run: NetworkRun) -> ig.Graph:
    """The run's graph, read once per process (a run is never changed once stored)."""
    return _graph(run.pk, run.computed_at)


@lru_cache(maxsize=2)
def _graph(run_id: int, computed_at) -> ig.Graph:
    # Keyed by the time too: a test database may give a new run an old run's number.
    nodes = Node.objects.filter(run_id=run_id).count()
    pairs = list(Edge.objects.filter(run_id=run_id).values_list("source", "target", "weight"))
    sources, targets, weights = zip(*pairs, strict=True) if pairs else ((), (), ())
    return analysis.to_igraph(nodes, sources, targets, weights)


def latest_run() -> NetworkRun | None:
    return NetworkRun.objects.order_by("-computed_at", "-pk").first()


@dataclass
class Gate:
    """Which people and records one user may see in the graph."""

    user: object
    connections: bool = field(init=False)

    def __post_init__(self):
        self.connections = may_see_connections(user=self.user)

    def visible_people(
        self, person_ids: Iterable[int | None], *, centre: int | None = None
    ) -> set[int]:
        ids: set[int] = {p for p in person_ids if p is not None}
        if not self.connections:
            ids = {p for p in ids if p == centre}
        return set(
            people_visible_to(user=self.user).filter(pk__in=ids).values_list("pk", flat=True)
        )

    def visible_items(self, evidence: list[dict]) -> list[dict]:
        return [
            item
            for item in evidence
            if not item.get("type") or may_see_event_type(user=self.user, event_type=item["type"])
        ]


@dataclass
class Subgraph:
    run: NetworkRun
    nodes: list[dict]
    edges: list[dict]
    withheld_people: int = 0
    withheld_edges: int = 0
    truncated: bool = False

    @property
    def people(self) -> list[dict]:
        return [n for n in self.nodes if n["kind"] in PERSON_KINDS]

    def chart(self) -> dict:
        return {
            "run": self.run.pk,
            "nodes": self.nodes,
            "edges": self.edges,
            "withheld_people": self.withheld_people,
            "withheld_edges": self.withheld_edges,
        }


def _ordered(graph: ig.Graph, centre: int, vertices: list[int]) -> tuple[list[int], bool]:
    """The nearest first (then the best connected), at most MAX_NODES."""
    if len(vertices) <= MAX_NODES:
        return vertices, False
    distance = graph.distances(source=[centre], target=vertices)[0]
    degree = graph.degree(vertices)
    ranked = sorted(zip(distance, [-d for d in degree], vertices, strict=True))
    return sorted(v for _, _, v in ranked[:MAX_NODES]), True


def subgraph(
    *,
    run: NetworkRun,
    vertices: list[int],
    user,
    filters: NetworkFilter = NetworkFilter(),
    centre: int | None = None,
    chosen: Iterable[int] = (),
    truncated: bool = False,
) -> Subgraph:
    """The nodes and edges among these vertices that the user may see, filtered. The centre and
    the chosen are drawn even with no link shown; other nodes only with one."""
    gate = Gate(user)
    rows = list(
        Node.objects.filter(run=run, index__in=vertices).values(
            "index",
            "key",
            "kind",
            "person_id",
            "label",
            "roles",
            "degree",
            "betweenness",
            "closeness",
            "eigenvector",
            "coreness",
            "community",
        )
    )
    centre_person = next((r["person_id"] for r in rows if r["index"] == centre), None)
    visible = gate.visible_people([r["person_id"] for r in rows], centre=centre_person)
    withheld_vertices = {
        r["index"] for r in rows if r["kind"] in PERSON_KINDS and r["person_id"] not in visible
    }
    kept_anyway = set(chosen) | ({centre} if centre is not None else set())
    among = set(vertices)
    edges, withheld_edges, behind = [], 0, []
    for edge in Edge.objects.filter(run=run, source__in=vertices, target__in=vertices).order_by(
        "pk"
    ):
        if edge.source not in among or edge.target not in among:
            continue
        if filters.kinds and edge.kind not in filters.kinds:
            continue
        seen = gate.visible_items(edge.evidence)
        if edge.source in withheld_vertices or edge.target in withheld_vertices or not seen:
            withheld_edges += 1
            continue
        kept = [item for item in seen if filters.keeps_item(item)]
        if not kept:
            continue
        edges.append(_edge_data(edge, kept))
        behind.append(kept)
    connected = {e["source_index"] for e in edges} | {e["target_index"] for e in edges}
    nodes = [
        _node_data(row, chosen=row["index"] in kept_anyway and centre is None)
        for row in rows
        if row["index"] not in withheld_vertices
        and (row["index"] in connected or row["index"] in kept_anyway)
    ]
    nodes.sort(key=lambda n: (n["index"] != centre, not n.get("chosen"), n["kind"], n["label"]))
    if filters.events:
        person_of = {r["index"]: r["person_id"] for r in rows if r["person_id"]}
        event_nodes, edges = events_as_nodes(edges, behind, person_of)
        nodes += event_nodes
    labels = {n["id"]: n["label"] for n in nodes}
    for edge_data in edges:
        edge_data["between"] = f"{labels[edge_data['source']]} and {labels[edge_data['target']]}"
    return Subgraph(
        run=run,
        nodes=nodes,
        edges=edges,
        withheld_people=len(withheld_vertices),
        withheld_edges=withheld_edges,
        truncated=truncated,
    )


def _node_data(row, *, chosen: bool = False) -> dict:
    roles = row["roles"] or {}
    kind = row["kind"]
    data = {
        "id": f"n{row['index']}",
        "index": row["index"],
        "kind": kind,
        "kind_label": NodeKind(kind).label,
        "label": row["label"] or "(no name recorded)",
        "roles": roles,
        # Victim first: a child's roles are listed after "Child or young person", and a
        # suspect role never changes the kind.
        "roles_text": ", ".join(f"{role.replace('_', ' ')} × {n}" for role, n in roles.items()),
        "degree": row["degree"],
        "betweenness": round(row["betweenness"], 1),
        "eigenvector": round(row["eigenvector"], 3),
        "coreness": row["coreness"],
        "community": row["community"],
    }
    if chosen:
        data["chosen"] = True
    if row["person_id"]:
        data["person"] = row["person_id"]
        data["href"] = reverse("people:detail", args=[row["person_id"]])
        data["network_href"] = reverse("network:person", args=[row["person_id"]])
    return data


def _edge_data(edge: Edge, items: list[dict]) -> dict:
    days = sorted(item["date"] for item in items if item.get("date"))
    return {
        "id": f"e{edge.pk}",
        "pk": edge.pk,
        "source": f"n{edge.source}",
        "target": f"n{edge.target}",
        "source_index": edge.source,
        "target_index": edge.target,
        "kind": edge.kind,
        "label": EdgeKind(edge.kind).label,
        "suspected": edge.suspected,
        "first": days[0] if days else "",
        "last": days[-1] if days else "",
        "records": len(items),
        "agencies": sorted({item.get("agency", "") for item in items} - {""}),
        "href": reverse("network:edge", args=[edge.pk]),
    }


def person_node(*, run: NetworkRun, person_id: int) -> Node | None:
    return Node.objects.filter(run=run, person_id=person_id).first()


def person_network(*, run: NetworkRun, node: Node, user, filters: NetworkFilter) -> Subgraph:
    """A person's ego network to `filters.hops` links, as the user may see it."""
    graph = run_graph(run)
    vertices, truncated = _ordered(graph, node.index, analysis.ego(graph, node.index, filters.hops))
    return subgraph(
        run=run,
        vertices=vertices,
        user=user,
        filters=filters,
        centre=node.index,
        truncated=truncated,
    )


def expand(*, run: NetworkRun, index: int, user, filters: NetworkFilter) -> Subgraph:
    """A node and its neighbours: what the chart adds when the user expands it."""
    graph = run_graph(run)
    vertices, truncated = _ordered(graph, index, analysis.ego(graph, index, 1))
    return subgraph(
        run=run, vertices=vertices, user=user, filters=filters, centre=index, truncated=truncated
    )


def withheld_vertices(*, run: NetworkRun, user) -> set[int]:
    """Every node in the run this user may not see: the people they may not open, and the
    addresses, objects and groups that only those people's records link to (a restricted
    person's home or phone is their record too, whoever else is a few links away)."""
    people = Node.objects.filter(run=run, person__isnull=False)
    if not may_see_connections(user=user):
        hidden = set(people.values_list("index", flat=True))
    else:
        hidden_people = people.exclude(person__in=people_visible_to(user=user))
        hidden = set(hidden_people.values_list("index", flat=True))
    if not hidden:
        return hidden
    graph = run_graph(run)
    person_vertices = set(people.values_list("index", flat=True))
    reached = set().union(*graph.neighborhood(sorted(hidden), order=1, mindist=1))
    only_through_hidden = {
        vertex for vertex in reached - person_vertices if hidden.issuperset(graph.neighbors(vertex))
    }
    return hidden | only_through_hidden


def visible_graph(*, run: NetworkRun, hidden: set[int]) -> ig.Graph:
    """The run's graph without the links of withheld nodes: paths never run through them."""
    graph = run_graph(run)
    if not hidden:
        return graph
    visible = graph.copy()
    visible.delete_edges({e for vertex in hidden for e in graph.incident(vertex)})
    return visible


def find_path(*, run: NetworkRun, source: int, target: int, user) -> dict:
    """The shortest path between two nodes through what the user may see, and the earliest
    time-respecting one (each link on or after the one before) near them."""
    graph = run_graph(run)
    hidden = withheld_vertices(run=run, user=user) - {source, target}
    shortest = analysis.shortest_path(graph, source, target)
    if hidden & set(shortest):
        shortest = analysis.shortest_path(visible_graph(run=run, hidden=hidden), source, target)
    near = sorted(
        (set(analysis.ego(graph, source, 3)) | set(analysis.ego(graph, target, 3))) - hidden
    )[: MAX_NODES * 10]
    edges = Edge.objects.filter(run=run, source__in=near, target__in=near).values(
        "pk", "source", "target", "evidence"
    )
    gate = Gate(user)
    contacts = [
        analysis.Contact(
            e["source"], e["target"], datetime.date.fromisoformat(item["date"]), e["pk"]
        )
        for e in edges
        for item in gate.visible_items(e["evidence"])
        if item.get("date")
    ]
    timed = analysis.time_respecting_path(contacts, source, target)
    return {
        "shortest": [f"n{v}" for v in shortest],
        "timed": [
            {"from": f"n{c.a}", "to": f"n{c.b}", "date": c.day.isoformat(), "edge": f"e{c.edge}"}
            for c in timed
        ],
    }


MAX_CHOSEN = 10


def connecting(
    *, run: NetworkRun, people: list[int], user, filters: NetworkFilter = NetworkFilter()
) -> Subgraph:
    """The network connecting the chosen people: every node on a shortest path between any two
    of them, through what the user may see (`analysis.connecting_network`)."""
    hidden = withheld_vertices(run=run, user=user)
    chosen = list(
        Node.objects.filter(run=run, person_id__in=people)
        .exclude(index__in=hidden)
        .values_list("index", flat=True)
    )
    vertices = analysis.connecting_network(visible_graph(run=run, hidden=hidden), chosen)
    truncated = len(vertices) > MAX_NODES
    if truncated:  # the chosen first, then the best connected
        degree = dict(zip(vertices, run_graph(run).degree(vertices), strict=True))
        rest = sorted(set(vertices) - set(chosen), key=lambda v: (-degree[v], v))
        vertices = sorted(chosen + rest[: MAX_NODES - len(chosen)])
    return subgraph(
        run=run, vertices=vertices, user=user, filters=filters, chosen=chosen, truncated=truncated
    )


def concern_lists(*, run: NetworkRun, user, top: int = 50) -> dict[str, list[dict]]:
    """The top of each list of concern as this user may see it. A withheld node is left out;
    so is the part of a concern that rests on people the user may not open: the young people
    are counted as withheld, and the cuckooing (the victim's home is their record) is not
    said. A concern left with fewer than two young people and nothing else is left out."""
    hidden = withheld_vertices(run=run, user=user)
    listed = list(Concern.objects.filter(run=run, rank__lte=top).order_by("kind", "rank"))
    named = {item["person"] for concern in listed for item in concern.evidence}
    visible = Gate(user).visible_people(named, centre=None)
    labels = dict(
        Node.objects.filter(run=run, index__in=[c.node for c in listed]).values_list(
            "index", "label"
        )
    )
    persons = dict(
        Node.objects.filter(run=run, index__in=[c.node for c in listed]).values_list(
            "index", "person_id"
        )
    )
    lists: dict[str, list[dict]] = {"adult": [], "address": [], "phone": []}
    for concern in listed:
        if concern.node in hidden:
            continue
        label = labels.get(concern.node, "")
        young = [i for i in concern.evidence if i["kind"] != concerns.HOME_OF_VICTIM]
        seen = [i for i in young if i["person"] in visible]
        cuckooing = any(
            i["person"] in visible for i in concern.evidence if i["kind"] == concerns.HOME_OF_VICTIM
        )
        withheld = len({i["person"] for i in young}) - len({i["person"] for i in seen})
        reason = concern.reason
        if withheld or (concerns.HOME_OF_VICTIM in reason and not cuckooing):
            people_seen = len({i["person"] for i in seen})
            if people_seen < concerns.MIN_YOUNG_PEOPLE and not cuckooing:
                continue
            reason = concerns.reason_for(
                concern.kind,
                label,
                young_people=people_seen,
                records=len({i["event"] for i in seen if i["event"] >= 0}),
                cuckooing=cuckooing,
            ) + (f"; {withheld} more withheld" if withheld else "")
        lists[concern.kind].append(
            {
                "rank": concern.rank,
                "label": label,
                "href": reverse("network:person", args=[persons[concern.node]])
                if persons.get(concern.node)
                else "",
                "young_people": concern.young_people - withheld,
                "withheld": withheld,
                "first": concern.first_seen,
                "last": concern.last_seen,
                "reason": reason,
                "score": concern.score,
            }
        )
    return lists


def communities(*, run: NetworkRun, top: int = 30) -> list:
    """The largest communities with people in them: size, and people by kind."""
    rows = (
        Node.objects.filter(run=run)
        .values("community")
        .annotate(
            size=Count("pk"),
            children=Count("pk", filter=Q(kind=NodeKind.CHILD)),
            adults=Count("pk", filter=Q(kind=NodeKind.ADULT)),
        )
        .filter(children__gt=0)
        .order_by("-size", "community")[:top]
    )
    return list(rows)


def community_vertices(*, run: NetworkRun, community: int) -> tuple[list[int], bool]:
    vertices = list(
        Node.objects.filter(run=run, community=community)
        .order_by("-degree", "index")
        .values_list("index", flat=True)[: MAX_NODES + 1]
    )
    return sorted(vertices[:MAX_NODES]), len(vertices) > MAX_NODES


def edge_records(*, edge: Edge, user) -> tuple[list[dict], bool]:
    """The records behind one edge the user may see, and whether the edge is withheld."""
    ends = list(Node.objects.filter(run=edge.run_id, index__in=[edge.source, edge.target]))
    gate = Gate(user)
    people = [n.person_id for n in ends if n.person_id]
    visible = gate.visible_people(people, centre=None) if gate.connections else set()
    if set(people) - visible:
        return [], True
    items = gate.visible_items(edge.evidence)
    return items, not items
