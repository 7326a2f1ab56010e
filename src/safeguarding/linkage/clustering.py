"""Records into people: the model's links, bounded by people's decisions.

A "same person" decision joins two records whatever the model says; a "not the same" decision
keeps them apart even when a chain of strong links would join them. Links are taken strongest
first, so when a decision splits a chain it is the weakest link that gives way.
"""

from collections.abc import Iterable

import numpy as np


class _Groups:
    """Union-find over record ids, remembering which groups must stay apart."""

    def __init__(self, records: Iterable[int]):
        self.parent = {record: record for record in records}
        self.apart: dict[int, set[int]] = {}

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
        return True


def cluster(
    records: Iterable[int],
    links: Iterable[tuple[int, int, float]],
    *,
    same: Iterable[tuple[int, int]] = (),
    apart: Iterable[tuple[int, int]] = (),
) -> dict[int, int]:
    """Each record's cluster (the smallest record id in it).

    `links`: (record, record, match weight) the model puts above the threshold; `same` and
    `apart`: pairs people decided are, or are not, the same person. Pairs naming a record not in
    `records` are ignored."""
    groups = _Groups(records)
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
        a, b, _ = links[index]
        groups.join(a, b)
    return {record: groups.find(record) for record in known}
