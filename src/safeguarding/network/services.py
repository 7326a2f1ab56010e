"""Building the association graph and storing it, with its measures and concerns: the network
stage of the pipeline, rebuilt whole after each link."""

import json
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import transaction

from safeguarding.common.bulk import insert_rows
from safeguarding.network import analysis, concerns
from safeguarding.network.graph import AssociationGraph, build_graph
from safeguarding.network.models import Concern, Edge, NetworkRun, Node
from safeguarding.network.records import Records, load_records

RUNS_KEPT = 2


@dataclass
class NetworkSummary:
    run: NetworkRun
    adults: int
    addresses: int
    phones: int


def _day(value):
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _json(values) -> list[str]:
    return [json.dumps(value, default=str) for value in values]


def analyse_graph(graph: AssociationGraph, *, cutoff: int | None = None):
    """The graph's measures and its three lists of concern."""
    edges = graph.edges
    igraph = analysis.to_igraph(
        len(graph.nodes), edges["source"].astype(int), edges["target"].astype(int), edges["weight"]
    )
    measures = analysis.measure(igraph, cutoff=cutoff)
    adults = concerns.adults_of_concern(graph)
    addresses = concerns.addresses_of_concern(graph)
    phones = concerns.phones_of_concern(graph, adults)
    return measures, [adults, addresses, phones]


def build_network(
    *, records: Records | None = None, memberships: pd.DataFrame | None = None
) -> NetworkSummary:
    """Read everyone's records, build and measure the graph, store it as a new run (the two
    latest runs are kept, so a page open during a rebuild still finds its run)."""
    started = time.perf_counter()
    records = records if records is not None else load_records(memberships=memberships)
    graph = build_graph(records)
    measures, lists = analyse_graph(graph)
    with transaction.atomic():
        run = NetworkRun.objects.create(
            nodes=len(graph.nodes),
            edges=len(graph.edges),
            communities=measures.communities,
            parameters={
                "cutoff": measures.cutoff,
                "seed": analysis.SEED,
                "max_people_per_event": 20,
                "min_young_people": concerns.MIN_YOUNG_PEOPLE,
            },
        )
        _store(run, graph, measures, lists)
        old = NetworkRun.objects.order_by("-computed_at", "-pk").values_list("pk", flat=True)
        NetworkRun.objects.filter(pk__in=list(old[RUNS_KEPT:])).delete()
    run.seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["seconds"])
    counts = {item.kind: len(item.frame) for item in lists}
    return NetworkSummary(
        run=run, adults=counts["adult"], addresses=counts["address"], phones=counts["phone"]
    )


def _store(run: NetworkRun, graph: AssociationGraph, measures, lists) -> None:
    nodes, edges = graph.nodes, graph.edges
    count = len(nodes)
    person = [None if p is None or p != p else int(p) for p in nodes["person_id"]]
    insert_rows(
        Node,
        {
            "run": [run.pk] * count,
            "index": list(range(count)),
            "key": nodes["key"].tolist(),
            "kind": [str(k) for k in nodes["kind"]],
            "person": person,
            "label": [str(x)[:300] for x in nodes["label"]],
            "roles": _json(nodes["roles"]),
            "degree": measures.degree.tolist(),
            "betweenness": np.round(measures.betweenness, 4).tolist(),
            "closeness": np.round(measures.closeness, 6).tolist(),
            "eigenvector": np.round(measures.eigenvector, 6).tolist(),
            "coreness": measures.coreness.tolist(),
            "community": measures.community.tolist(),
        },
    )
    width = len(edges)
    insert_rows(
        Edge,
        {
            "run": [run.pk] * width,
            "source": edges["source"].astype(int).tolist(),
            "target": edges["target"].astype(int).tolist(),
            "kind": [str(k) for k in edges["kind"]],
            "suspected": edges["suspected"].astype(bool).tolist(),
            "first_seen": [_day(d) for d in edges["first_seen"]],
            "last_seen": [_day(d) for d in edges["last_seen"]],
            "weight": edges["weight"].astype(int).tolist(),
            "agencies": _json(edges["agencies"]),
            "event_types": _json(edges["event_types"]),
            "evidence": _json(edges["evidence"]),
        },
    )
    for item in lists:
        frame = item.frame
        size = len(frame)
        insert_rows(
            Concern,
            {
                "run": [run.pk] * size,
                "kind": [str(item.kind)] * size,
                "node": frame["node"].astype(int).tolist(),
                "rank": list(range(1, size + 1)),
                "score": frame["score"].astype(float).round(3).tolist(),
                "young_people": frame["young_people"].astype(int).tolist(),
                "first_seen": [_day(d) for d in frame["first_seen"]],
                "last_seen": [_day(d) for d in frame["last_seen"]],
                "reason": [str(r)[:300] for r in frame["reason"]],
                "evidence": _json(frame["evidence"]),
            },
        )


def latest_run() -> NetworkRun | None:
    return NetworkRun.objects.order_by("-computed_at", "-pk").first()


def concern_links(*, kinds=("adult", "address", "phone")) -> pd.DataFrame:
    """For the tracker: each young person linked to an adult, address or phone of concern in
    the latest graph, with the event that links them (the evidence path): person_id, event_id,
    concern (kind), node. Links with no event (a number on the child's own record) are left
    out: the tracker counts events."""
    run = latest_run()
    rows = []
    if run is not None:
        for kind, node, evidence in Concern.objects.filter(run=run, kind__in=kinds).values_list(
            "kind", "node", "evidence"
        ):
            rows += [
                (item["person"], item["event"], kind, node)
                for item in evidence
                if item.get("event", -1) >= 0
            ]
    frame = pd.DataFrame(rows, columns=["person_id", "event_id", "concern", "node"])
    return frame.drop_duplicates(["person_id", "event_id", "concern"])
