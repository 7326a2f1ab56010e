"""The graph as two CSV tables that Gephi (nodes and edges tables) and i2 Analyst's Notebook
(one row per link, both ends named and typed) import as they are. Written by the one CSV writer.

For a user, people they may not see are left out with every edge that touches them; the
command line (`safeguarding export network FILE`) writes the whole graph, audited. With
`events`, each event that joins people is a node of its own, linked to each person in it with
their role (network/events.py), in place of the person-to-person links."""

import json

from django.http import Http404

from safeguarding.network import events as event_nodes
from safeguarding.network import queries
from safeguarding.network.models import Edge, EdgeKind, NetworkRun, Node, NodeKind

NODE_HEADER = [
    "Id",
    "Label",
    "Kind",
    "Person id",
    "Degree",
    "Betweenness",
    "Closeness",
    "Eigenvector",
    "Core",
    "Community",
]
EDGE_HEADER = [
    "Source",
    "Target",
    "Type",
    "Label",
    "Weight",
    "Source label",
    "Source kind",
    "Target label",
    "Target kind",
    "Suspected",
    "First seen",
    "Last seen",
    "Agencies",
    "Records",
]


def table(
    *, what: str, run: NetworkRun, user=None, events: bool = False
) -> tuple[list[str], list[tuple]]:
    hidden = queries.withheld_vertices(run=run, user=user) if user is not None else set()
    if what == "nodes":
        rows = node_rows(run=run, hidden=hidden)
        if events:
            rows += event_rows(run=run, hidden=hidden)[0]
        return NODE_HEADER, rows
    if what == "edges":
        return EDGE_HEADER, edge_rows(run=run, hidden=hidden, events=events)
    raise Http404("The network exports are nodes and edges.")


def event_rows(*, run: NetworkRun, hidden: set[int]) -> tuple[list[tuple], list[tuple]]:
    """The events that join people, as nodes, and a link from each to each person in it."""
    nodes = {
        index: (label, NodeKind(kind).label, person)
        for index, label, kind, person in Node.objects.filter(run=run).values_list(
            "index", "label", "kind", "person_id"
        )
    }
    person_of = {index: person for index, (_, _, person) in nodes.items() if person}
    found: dict[str, tuple] = {}
    links: dict[tuple[str, int], tuple] = {}
    co_involvement = Edge.objects.filter(run=run, kind__in=event_nodes.CO_INVOLVEMENT)
    for source, target, evidence in co_involvement.order_by("pk").values_list(
        "source", "target", "evidence"
    ):
        if source in hidden or target in hidden:
            continue
        for item, end, role in event_nodes.split((source, target), evidence, person_of):
            node = f"ev{item['event']}"
            label = event_nodes.event_label(item)
            found.setdefault(
                node, (node, label, event_nodes.EVENT_KIND_LABEL, "", "", "", "", "", "", "")
            )
            links.setdefault(
                (node, end),
                (
                    node,
                    f"n{end}",
                    "Undirected",
                    role.replace("_", " ").capitalize() or "In the event",
                    1,
                    label,
                    event_nodes.EVENT_KIND_LABEL,
                    *nodes[end][:2],
                    "yes" if role == "found_with" else "no",
                    item.get("date", ""),
                    item.get("date", ""),
                    item.get("agency", ""),
                    f"{item.get('agency', '')} {item.get('reference', '')}".strip(),
                ),
            )
    return list(found.values()), list(links.values())


def node_rows(*, run: NetworkRun, hidden: set[int]) -> list[tuple]:
    rows = (
        Node.objects.filter(run=run)
        .order_by("index")
        .values_list(
            "index",
            "label",
            "kind",
            "person_id",
            "degree",
            "betweenness",
            "closeness",
            "eigenvector",
            "coreness",
            "community",
        )
    )
    return [
        (f"n{i}", label, NodeKind(kind).label, person or "", *rest)
        for i, label, kind, person, *rest in rows
        if i not in hidden
    ]


def edge_rows(*, run: NetworkRun, hidden: set[int], events: bool = False) -> list[tuple]:
    nodes = {
        index: (label, NodeKind(kind).label)
        for index, label, kind in Node.objects.filter(run=run).values_list("index", "label", "kind")
    }

    rows = []
    for source, target, kind, weight, suspected, first, last, agencies, evidence in (
        Edge.objects.filter(run=run)
        .order_by("pk")
        .values_list(
            "source",
            "target",
            "kind",
            "weight",
            "suspected",
            "first_seen",
            "last_seen",
            "agencies",
            "evidence",
        )
    ):
        if source in hidden or target in hidden:
            continue
        if events and kind in event_nodes.CO_INVOLVEMENT:
            continue  # drawn through their events, below
        records = "; ".join(
            f"{item.get('agency', '')} {item.get('reference', '')}".strip() for item in evidence
        )
        rows.append(
            (
                f"n{source}",
                f"n{target}",
                "Undirected",
                EdgeKind(kind).label,
                weight,
                *nodes[source],
                *nodes[target],
                "yes" if suspected else "no",
                first or "",
                last or "",
                "; ".join(agencies if isinstance(agencies, list) else json.loads(agencies)),
                records,
            )
        )
    if events:
        rows += event_rows(run=run, hidden=hidden)[1]
    return rows
