"""The measures on small graphs whose answers are known by hand."""

import datetime

import numpy as np
import pytest

from safeguarding.network import analysis
from safeguarding.network.analysis import Contact


def star(leaves: int):
    """Vertex 0 joined to every other."""
    return analysis.to_igraph(leaves + 1, [0] * leaves, list(range(1, leaves + 1)))


def path(length: int):
    return analysis.to_igraph(length, list(range(length - 1)), list(range(1, length)))


def test_the_centre_of_a_star_is_the_most_central_on_every_measure():
    measures = analysis.measure(star(4))
    assert measures.degree.tolist() == [4, 1, 1, 1, 1]
    # Every path between two leaves (4 choose 2 = 6) runs through the centre.
    assert measures.betweenness.tolist() == [6, 0, 0, 0, 0]
    assert measures.closeness[0] == 1.0
    assert measures.closeness[1] == pytest.approx(4 / 7)  # 1 + 2 + 2 + 2 steps to the rest
    assert measures.eigenvector[0] == 1.0
    assert measures.eigenvector[1] == pytest.approx(0.5)  # 1/sqrt(4)
    assert measures.coreness.tolist() == [1, 1, 1, 1, 1]


def test_betweenness_on_a_path_counts_the_pairs_each_vertex_lies_between():
    measures = analysis.measure(path(5))
    assert measures.betweenness.tolist() == [0, 3, 4, 3, 0]


def test_a_cut_off_betweenness_counts_only_short_paths():
    # With paths of at most 2 steps, the middle of five lies only between 1 and 3.
    measures = analysis.measure(path(5), cutoff=2)
    assert measures.betweenness.tolist() == [0, 1, 1, 1, 0]


def test_k_core_finds_the_clique_inside_a_looser_group():
    # A 4-clique (0-3) with a tail 3-4-5.
    edges = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3), (3, 4), (4, 5)]
    graph = analysis.to_igraph(6, *zip(*edges, strict=True))
    assert analysis.measure(graph).coreness.tolist() == [3, 3, 3, 3, 1, 1]


def two_triangles_and_a_bridge():
    edges = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)]
    return analysis.to_igraph(6, *zip(*edges, strict=True))


def test_leiden_splits_two_triangles_joined_by_a_bridge():
    community = analysis.communities(two_triangles_and_a_bridge())
    assert len(set(community[:3])) == 1 and len(set(community[3:])) == 1
    assert community[0] != community[3]
    # The same answer on every run.
    assert (analysis.communities(two_triangles_and_a_bridge()) == community).all()


def test_the_bridge_ends_have_the_highest_betweenness():
    betweenness = analysis.measure(two_triangles_and_a_bridge()).betweenness
    assert set(np.argsort(-betweenness)[:2]) == {2, 3}
    assert betweenness[2] == 6  # it lies between {0, 1} and {3, 4, 5}: 2 × 3 pairs


def test_connected_components_are_the_baseline():
    graph = analysis.to_igraph(5, [0, 2], [1, 3])
    assert analysis.components(graph).tolist() == [0, 0, 1, 1, 2]


def test_shortest_path_and_no_path():
    graph = two_triangles_and_a_bridge()
    assert analysis.shortest_path(graph, 0, 5) == [0, 2, 3, 5]
    assert analysis.shortest_path(analysis.to_igraph(3, [0], [1]), 0, 2) == []


def test_ego_network_to_n_hops():
    graph = path(6)
    assert analysis.ego(graph, 2, 1) == [1, 2, 3]
    assert analysis.ego(graph, 2, 2) == [0, 1, 2, 3, 4]


def test_the_connecting_network_of_chosen_people_holds_every_shortest_path_between_them():
    # A square 0-1-3, 0-2-3 (two shortest paths from 0 to 3) and a spur 3-4.
    graph = analysis.to_igraph(6, [0, 0, 1, 2, 3, 4], [1, 2, 3, 3, 4, 5])
    assert analysis.connecting_network(graph, [0, 4]) == [0, 1, 2, 3, 4]


def day(n: int) -> datetime.date:
    return datetime.date(2026, 1, n)


def test_a_time_respecting_path_follows_meetings_in_order():
    # A met B on the 5th, B met C on the 9th: A could have reached C.
    contacts = [Contact(0, 1, day(5)), Contact(1, 2, day(9))]
    found = analysis.time_respecting_path(contacts, 0, 2)
    assert [(c.a, c.b, c.day) for c in found] == [(0, 1, day(5)), (1, 2, day(9))]


def test_no_time_respecting_path_when_the_meetings_run_backwards():
    # B met C on the 3rd, before A met B on the 5th: nothing passed from A to C that way.
    contacts = [Contact(0, 1, day(5)), Contact(1, 2, day(3))]
    assert analysis.time_respecting_path(contacts, 0, 2) == []
    # The static graph still joins them.
    graph = analysis.to_igraph(3, [0, 1], [1, 2])
    assert analysis.shortest_path(graph, 0, 2) == [0, 1, 2]


def test_the_time_respecting_path_is_the_earliest_arriving():
    contacts = [
        Contact(0, 1, day(2)),
        Contact(1, 3, day(20)),  # the short way, late
        Contact(0, 2, day(3)),
        Contact(2, 4, day(4)),
        Contact(4, 3, day(6)),  # the long way, early
    ]
    found = analysis.time_respecting_path(contacts, 0, 3)
    assert [c.day for c in found] == [day(3), day(4), day(6)]
