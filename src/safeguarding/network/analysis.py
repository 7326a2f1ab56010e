"""The measures of the association graph, with igraph (its C core does the work).

Degree, betweenness, closeness and eigenvector centrality, k-core, Leiden communities; shortest,
time-respecting and connecting paths; ego networks. Every function takes plain numbers (vertex
numbers, edge lists), so each is tested on small graphs with known answers.
"""

import datetime
import random
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import igraph as ig
import numpy as np
import pandas as pd

# Exact betweenness and closeness cost a search from every vertex: beyond this many vertices
# they are cut off at CUTOFF steps (paths longer than that are not counted), which keeps a
# 100,000-node graph within seconds. A broker between groups is still found at short range.
# Leiden likewise runs two passes there rather than until nothing changes.
EXACT_UP_TO = 5000
CUTOFF = 3
SEED = 17


@dataclass(frozen=True)
class Measures:
    degree: np.ndarray
    betweenness: np.ndarray
    closeness: np.ndarray
    eigenvector: np.ndarray
    coreness: np.ndarray
    community: np.ndarray
    communities: int
    cutoff: int | None


def to_igraph(vertices: int, sources: Sequence[int], targets: Sequence[int], weights=None):
    """A simple undirected graph: parallel edges (kinds of link between the same two) become
    one, their weights summed."""
    graph = ig.Graph(n=vertices, edges=list(zip(sources, targets, strict=True)), directed=False)
    graph.es["weight"] = list(weights) if weights is not None else [1] * graph.ecount()
    graph.simplify(multiple=True, loops=True, combine_edges={"weight": "sum"})
    return graph


def measure(graph: ig.Graph, *, cutoff: int | None = None, seed: int = SEED) -> Measures:
    """Every node's measures. `cutoff` None: exact below EXACT_UP_TO vertices, else CUTOFF."""
    if cutoff is None and graph.vcount() > EXACT_UP_TO:
        cutoff = CUTOFF
    degree = np.array(graph.degree(), dtype=int)
    betweenness = np.array(graph.betweenness(directed=False, cutoff=cutoff), dtype=float)
    closeness = np.nan_to_num(np.array(graph.closeness(cutoff=cutoff), dtype=float))
    eigenvector = _eigenvector(graph)
    coreness = np.array(graph.coreness(), dtype=int)
    community = communities(graph, seed=seed, passes=2 if cutoff else -1)
    return Measures(
        degree=degree,
        betweenness=betweenness,
        closeness=closeness,
        eigenvector=eigenvector,
        coreness=coreness,
        community=community,
        communities=int(community.max() + 1) if len(community) else 0,
        cutoff=cutoff,
    )


def _eigenvector(graph: ig.Graph) -> np.ndarray:
    """Eigenvector centrality within each connected part (scaled so the part's top is 1): on a
    disconnected graph the leading eigenvector would see only the largest part."""
    values = np.zeros(graph.vcount())
    for part in graph.connected_components():
        if len(part) < 3:
            continue
        sub = graph.subgraph(part)
        values[part] = sub.eigenvector_centrality(scale=True, weights=None)
    return values


def communities(graph: ig.Graph, *, seed: int = SEED, passes: int = -1) -> np.ndarray:
    """Leiden communities (modularity, edge weights), the same on every run for one graph."""
    if graph.vcount() == 0:
        return np.array([], dtype=int)
    ig.set_random_number_generator(random.Random(seed))
    try:
        found = graph.community_leiden(
            objective_function="modularity", weights="weight", n_iterations=passes
        )
    finally:
        ig.set_random_number_generator(random)
    membership = np.array(found.membership, dtype=int)
    # Numbered largest first, so community 0 is the largest.
    sizes = np.bincount(membership)
    order = np.argsort(-sizes, kind="stable")
    renumber = np.empty_like(order)
    renumber[order] = np.arange(len(order))
    return renumber[membership]


def components(graph: ig.Graph) -> np.ndarray:
    """Connected components: the baseline communities are measured against."""
    return np.array(graph.connected_components().membership, dtype=int)


def shortest_path(graph: ig.Graph, source: int, target: int) -> list[int]:
    """Vertices from source to target on a shortest path (fewest links), [] when unconnected."""
    if source == target:
        return [source]
    with warnings.catch_warnings():  # igraph warns when the two are not connected
        warnings.simplefilter("ignore", RuntimeWarning)
        path = graph.get_shortest_path(source, to=target, weights=None, output="vpath")
    return list(path) if path and path[-1] == target else []


def ego(graph: ig.Graph, centre: int, hops: int) -> list[int]:
    """The centre and everyone within `hops` links of it."""
    return sorted(graph.neighborhood(centre, order=hops))


def connecting_network(graph: ig.Graph, people: Sequence[int]) -> list[int]:
    """The vertices on a shortest path between any two of the chosen: the network that
    connects them (each pair's paths, all of the shortest length)."""
    chosen = list(dict.fromkeys(people))
    kept = set(chosen)
    for number, source in enumerate(chosen):
        targets = chosen[number + 1 :]
        if not targets:
            continue
        for path in graph.get_all_shortest_paths(source, to=targets):
            kept.update(path)
    return sorted(kept)


@dataclass(frozen=True)
class Contact:
    """Two vertices linked on a day (a link recorded on several days is several contacts)."""

    a: int
    b: int
    day: datetime.date
    edge: int = -1


def time_respecting_path(
    contacts: Iterable[Contact], source: int, target: int, *, start: datetime.date | None = None
) -> list[Contact]:
    """The earliest-arriving path from source to target along which each link is on or after
    the one before it (A met B, then B met C): [] when there is none.

    One pass over the contacts in date order (the earliest-arrival algorithm for temporal
    graphs); links are two-way."""
    arrival: dict[int, datetime.date] = {source: start or datetime.date.min}
    via: dict[int, Contact] = {}
    for contact in sorted(contacts, key=lambda c: c.day):
        for here, there in ((contact.a, contact.b), (contact.b, contact.a)):
            reachable = here in arrival and arrival[here] <= contact.day
            if reachable and (there not in arrival or contact.day < arrival[there]):
                arrival[there] = contact.day
                via[there] = contact
    if target not in via:
        return []
    path, at = [], target
    while at != source:
        step = via[at]
        before = step.a if step.b == at else step.b
        path.append(Contact(before, at, step.day, step.edge))  # in the direction travelled
        at = before
    return path[::-1]


def contacts_from(edges: pd.DataFrame) -> list[Contact]:
    """Each dated record of each edge as a contact (undated links, such as a recorded address,
    have no place in a time-respecting path)."""
    found = []
    for number, source, target, evidence in zip(
        edges.index, edges["source"], edges["target"], edges["evidence"], strict=True
    ):
        days = {item["date"] for item in evidence if item.get("date")}
        found += [
            Contact(int(source), int(target), datetime.date.fromisoformat(day), int(number))
            for day in days
        ]
    return found
