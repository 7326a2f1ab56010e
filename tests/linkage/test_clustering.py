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


# Two namesakes living apart (1 and 3, NHS numbers A and B), each with a second record, linked
# to each other by the weakest link: 2 holds 1's NHS number, 4 holds none.
NAMESAKES = {1: {"nhs_number": frozenset({"A"})}, 2: {"nhs_number": frozenset({"A"})}}
NAMESAKES |= {3: {"nhs_number": frozenset({"B"})}}
CHAIN = [(1, 2, 12.0), (3, 4, 11.0), (2, 4, 4.4)]


def test_a_weak_link_does_not_join_two_people_whose_nhs_numbers_differ():
    assignment = cluster([1, 2, 3, 4], CHAIN, identifiers=NAMESAKES, conflicts_join_at=6.6)
    assert groups(assignment) == {frozenset({1, 2}), frozenset({3, 4})}


def test_a_strong_link_joins_them_and_without_the_rule_any_link_does():
    stronger = [*CHAIN[:2], (2, 4, 7.0)]
    assert (
        len(groups(cluster([1, 2, 3, 4], stronger, identifiers=NAMESAKES, conflicts_join_at=6.6)))
        == 1
    )
    assert len(groups(cluster([1, 2, 3, 4], CHAIN))) == 1


def test_one_value_in_common_is_no_conflict_and_a_decision_joins_whatever_they_hold():
    both = NAMESAKES | {4: {"nhs_number": frozenset({"B", "A"})}}
    joined = cluster([1, 2, 3, 4], CHAIN, identifiers=both, conflicts_join_at=6.6)
    assert len(groups(joined)) == 1
    decided = cluster(
        [1, 2, 3, 4], CHAIN, same=[(1, 3)], identifiers=NAMESAKES, conflicts_join_at=6.6
    )
    assert len(groups(decided)) == 1


def test_kinds_are_compared_apart_and_a_group_holds_what_its_records_hold():
    # 1 has a UPN, 3 an NHS number: nothing to disagree on, until 4 brings 3 a UPN of its own.
    held = {1: {"upn": frozenset({"U1"})}, 3: {"nhs_number": frozenset({"B"})}}
    assert len(groups(cluster([1, 3], [(1, 3, 5.0)], identifiers=held, conflicts_join_at=6.6))) == 1
    held |= {4: {"upn": frozenset({"U2"})}}
    links = [(3, 4, 9.0), (1, 3, 5.0)]
    assignment = cluster([1, 3, 4], links, identifiers=held, conflicts_join_at=6.6)
    assert groups(assignment) == {frozenset({1}), frozenset({3, 4})}


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


@given(problems(), st.lists(st.sampled_from(["A", "B", "C", None]), min_size=31, max_size=31))
def test_without_a_strong_link_or_a_decision_no_person_holds_two_nhs_numbers(problem, numbers):
    ids, links, _, _ = problem
    held = {r: {"nhs_number": frozenset({numbers[r]})} for r in ids if numbers[r]}
    assignment = cluster(ids, links, identifiers=held)
    for group in groups(assignment):
        assert len({numbers[r] for r in group if numbers[r]}) <= 1
