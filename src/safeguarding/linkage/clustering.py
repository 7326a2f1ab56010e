"""Records into people: the model's links, bounded by people's decisions and by identifiers.

A "same person" decision joins two records whatever the model says; a "not the same" decision
keeps them apart even when a chain of strong links would join them. Links are taken strongest
first, so when a decision splits a chain it is the weakest link that gives way.

Two people whose records hold different valid identifiers of a kind that is one per person (an
NHS number, a UPN) and none in common are joined only by a link at least as strong as the
settings' `[identifier_conflicts] joins_at` (docs/linkage.md): namesakes who live apart score
just above the threshold, and their identifiers are what tells them apart. A weaker link between
them stays in the review band for a person to decide.
"""

from collections.abc import Iterable, Mapping

import numpy as np

# kind → the valid values of that kind one group's records hold
Held = dict[str, frozenset[str]]


def disagreeing(held_a: Held, held_b: Held) -> list[str]:
    """The kinds both hold values of and share none of."""
    return [kind for kind, values in held_a.items() if kind in held_b and not values & held_b[kind]]


def together(*held: Held) -> Held:
    """What several records or groups hold between them."""
    merged: Held = {}
    for one in held:
        for kind, values in one.items():
            merged[kind] = merged.get(kind, frozenset()) | values
    return merged


class _Groups:
    """Union-find over record ids, remembering which groups must stay apart and which
    identifiers each holds."""

    def __init__(self, records: Iterable[int], identifiers: Mapping[int, Held]):
        self.parent = {record: record for record in records}
        self.apart: dict[int, set[int]] = {}
        self.held: dict[int, Held] = {
            record: dict(identifiers[record]) for record in self.parent if record in identifiers
        }

    def find(self, record: int) -> int:
        root = record
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[record] != root:
            self.parent[record], record = root, self.parent[record]
        return root

    def keep_apart(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        self.apart.setdefault(root_a, set()).add(root_b)
        self.apart.setdefault(root_b, set()).add(root_a)

    def conflict(self, a: int, b: int) -> bool:
        """The two groups hold values of one kind and share none of them."""
        held_a, held_b = self.held.get(self.find(a)), self.held.get(self.find(b))
        return bool(held_a and held_b and disagreeing(held_a, held_b))

    def join(self, a: int, b: int) -> bool:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        if root_b in self.apart.get(root_a, ()):
            return False
        kept, absorbed = sorted((root_a, root_b))
        self.parent[absorbed] = kept
        for other in self.apart.pop(absorbed, set()):
            self.apart[other].discard(absorbed)
            self.apart[other].add(kept)
            self.apart.setdefault(kept, set()).add(other)
        gone = self.held.pop(absorbed, None)
        if gone:
            self.held[kept] = together(self.held.get(kept, {}), gone)
        return True


def cluster(
    records: Iterable[int],
    links: Iterable[tuple[int, int, float]],
    *,
    same: Iterable[tuple[int, int]] = (),
    apart: Iterable[tuple[int, int]] = (),
    identifiers: Mapping[int, Held] | None = None,
    conflicts_join_at: float = float("inf"),
) -> dict[int, int]:
    """Each record's cluster (the smallest record id in it).

    `links`: (record, record, match weight) the model puts above the threshold; `same` and
    `apart`: pairs people decided are, or are not, the same person. Pairs naming a record not in
    `records` are ignored. `identifiers`: each record's valid identifiers of the kinds that are
    one per person; a link weaker than `conflicts_join_at` (a match weight) does not join two
    groups whose identifiers of a kind differ. A decision joins them whatever they hold."""
    groups = _Groups(records, identifiers or {})
    known = groups.parent
    for a, b in apart:
        if a in known and b in known:
            groups.keep_apart(a, b)
    for a, b in same:
        if a in known and b in known:
            groups.join(a, b)
    links = [(a, b, w) for a, b, w in links if a in known and b in known]
    order = np.argsort([-w for _, _, w in links], kind="stable")
    for index in order:
        a, b, weight = links[index]
        if weight < conflicts_join_at and groups.conflict(a, b):
            continue
        groups.join(a, b)
    return {record: groups.find(record) for record in known}
