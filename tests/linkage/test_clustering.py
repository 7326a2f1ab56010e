from hypothesis import given
from hypothesis import strategies as st

from safeguarding.linkage.clustering import cluster


def groups(assignment: dict[int, int]) -> set[frozenset[int]]:
    found: dict[int, set[int]] = {}
    for record, group in assignment.items():
        found.setdefault(group, set()).add(record)
    return {frozenset(members) for members in found.values()}


def test_links_join_records_into_people_named_by_their_smallest_record():
    assignment = cluster([1, 2, 3, 4], [(1, 2, 9.0), (2, 3, 7.5)])
    assert assignment == {1: 1, 2: 1, 3: 1, 4: 4}


def test_a_not_the_same_decision_breaks_the_weakest_link_of_a_chain():
    assignment = cluster([1, 2, 3], [(1, 2, 12.0), (2, 3, 4.0)], apart=[(1, 3)])
    assert groups(assignment) == {frozenset({1, 2}), frozenset({3})}


def test_a_same_person_decision_joins_records_the_model_left_apart():
    assignment = cluster([1, 2, 3], [], same=[(1, 3)])
    assert groups(assignment) == {frozenset({1, 3}), frozenset({2})}


def test_decisions_naming_unknown_records_are_ignored():
    assert cluster([1, 2], [(1, 2, 5.0), (2, 9, 5.0)], same=[(1, 7)], apart=[(8, 9)]) == {
        1: 1,
        2: 1,
    }


records = st.lists(st.integers(0, 30), min_size=1, max_size=30, unique=True)


@st.composite
def problems(draw):
    ids = draw(records)
    pair = st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda p: p[0] != p[1])
    links = draw(st.lists(st.tuples(pair, st.floats(0, 30))))
    apart = draw(st.lists(pair, max_size=8))
    same = draw(st.lists(pair, max_size=8))
    return ids, [(a, b, weight) for (a, b), weight in links], apart, same


@given(problems())
def test_records_decided_apart_never_share_a_person_and_linked_records_do_unless_kept_apart(
    problem,
):
    ids, links, apart, same = problem
    same = [p for p in same if p not in apart and p[::-1] not in apart]
    assignment = cluster(ids, links, same=same, apart=apart)
    assert set(assignment) == set(ids)
    for a, b in apart:
        assert assignment[a] != assignment[b]
    if not apart:
        for a, b, _ in links:
            assert assignment[a] == assignment[b]
        for a, b in same:
            assert assignment[a] == assignment[b]
