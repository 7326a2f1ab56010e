"""The graph as two CSV tables that Gephi (nodes and edges tables) and i2 Analyst's Notebook
(one row per link, both ends named and typed) import as they are. Written by the one CSV writer.

For a user, people they may not see are left out with every edge that touches them; the
command line (`safeguarding export network FILE`) writes the whole graph, audited."""

import json

from django.http import Http404

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


def table(*, what: str, run: NetworkRun, user=None) -> tuple[list[str], list[tuple]]:
    hidden = queries.withheld_vertices(run=run, user=user) if user is not None else set()
    if what == "nodes":
        return NODE_HEADER, node_rows(run=run, hidden=hidden)
    if what == "edges":
        return EDGE_HEADER, edge_rows(run=run, hidden=hidden)
    raise Http404("The network exports are nodes and edges.")


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


def edge_rows(*, run: NetworkRun, hidden: set[int]) -> list[tuple]:
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
    return rows
