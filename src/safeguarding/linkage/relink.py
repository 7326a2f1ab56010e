"""Re-clustering some (or all) records from the stored pairs and people's decisions, and
writing the people back in bulk.

A person keeps their id where most of their records stay together. A person whose records
all move elsewhere hands what people recorded about them (overrides, panel items, contexts) to
the person who received most of their records, then goes.
"""

from collections import Counter

import pandas as pd
from django.db.models import Q, QuerySet

from safeguarding.common.weights import match_weight
from safeguarding.linkage.clustering import Held, cluster
from safeguarding.linkage.configuration import linkage_settings
from safeguarding.linkage.models import LinkDecision, LinkDecisionKind, LinkPair
from safeguarding.people import services
from safeguarding.people.models import Identifier, Person, SourceRecord
from safeguarding.sources.chunked_writing import Chunks

# Rows computed from the records and recomputed by the next scoring run: not handed on.
RECOMPUTED = {"risk.riskassessment"}
HANDLED_HERE = {"people.sourcerecord", "people.involvement"}
# Beyond this many records, re-clustering everyone from the stored pairs is quicker than
# finding who they reach a query at a time.
LOCAL_LIMIT = 2000


def decisions_in_force(
    records: list[int] | None = None,
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(same person, not the same) record pairs people decided, latest decision per pair."""
    decisions = LinkDecision.objects.filter(superseded_at__isnull=True).exclude(
        kind=LinkDecisionKind.NOT_SURE
    )
    if records is not None:
        decisions = decisions.filter(record_a__in=records, record_b__in=records)
    same: list[tuple[int, int]] = []
    apart: list[tuple[int, int]] = []
    for a, b, kind in decisions.values_list("record_a", "record_b", "kind"):
        (same if kind == LinkDecisionKind.SAME_PERSON else apart).append((a, b))
    return same, apart


def relink(
    record_ids: list[int],
    *,
    threshold: float,
    everyone: bool = False,
    chunks: Chunks | None = None,
) -> int:
    """Re-cluster these records with everyone they are, or could be, linked to, and write
    back the records whose person or strongest link changed; return the number of people
    that now hold them. `chunks`: what the writes run inside (a link run's, on SQLite, see
    sources/chunked_writing.py); without it, the caller's transaction."""
    chunks = chunks or Chunks()
    everyone = everyone or len(record_ids) > LOCAL_LIMIT
    records = (
        list(SourceRecord.objects.values_list("pk", flat=True))
        if everyone
        else _reach(record_ids, threshold)
    )
    links = _links(None if everyone else records, threshold)
    same, apart = decisions_in_force(None if everyone else records)
    config = linkage_settings()
    clusters = cluster(
        records,
        zip(links["record_a"], links["record_b"], links["match_weight"], strict=True),
        same=same,
        apart=apart,
        identifiers=held_identifiers(
            Identifier.objects.all()
            if everyone
            else Identifier.objects.filter(source_record__in=records),
            config.conflict_kinds,
        ),
        conflicts_join_at=match_weight(config.conflicts_join_at),
    )
    return _write_people(clusters, links, chunks)


def held_identifiers(found: QuerySet[Identifier], kinds: tuple[str, ...]) -> dict[int, Held]:
    """Each record's valid identifiers of these kinds (those that are one per person), of
    the identifiers given."""
    if not kinds:
        return {}
    found = found.filter(valid=True, kind__in=kinds)
    held: dict[int, dict[str, set[str]]] = {}
    for record, kind, value in found.values_list("source_record_id", "kind", "value").iterator(
        chunk_size=50_000
    ):
        held.setdefault(record, {}).setdefault(kind, set()).add(value)
    return {
        record: {kind: frozenset(values) for kind, values in kinds_held.items()}
        for record, kinds_held in held.items()
    }


def _reach(record_ids: list[int], threshold: float) -> list[int]:
    """These records, every record of their people, and every record a link above the
    threshold or a decision ties to them, until nothing more is reached."""
    reached: set[int] = set()
    frontier = set(record_ids)
    while frontier:
        reached |= frontier
        people = set(
            SourceRecord.objects.filter(pk__in=frontier, person__isnull=False).values_list(
                "person_id", flat=True
            )
        )
        found = set(SourceRecord.objects.filter(person__in=people).values_list("pk", flat=True))
        strong = _linking_pairs(threshold)
        for a, b in strong.filter(Q(record_a__in=frontier) | Q(record_b__in=frontier)).values_list(
            "record_a", "record_b"
        ):
            found.update((a, b))
        for a, b in LinkDecision.objects.filter(
            Q(record_a__in=frontier) | Q(record_b__in=frontier), superseded_at__isnull=True
        ).values_list("record_a", "record_b"):
            found.update((a, b))
        frontier = found - reached
    return sorted(reached)


def _linking_pairs(threshold: float):
    return LinkPair.objects.filter(match_probability__gte=threshold, held_for_review=False)


def _links(records: list[int] | None, threshold: float) -> pd.DataFrame:
    pairs = _linking_pairs(threshold)
    if records is not None:
        pairs = pairs.filter(record_a__in=records, record_b__in=records)
    columns = ["record_a", "record_b", "match_weight", "model_version"]
    return pd.DataFrame.from_records(pairs.values_list(*columns), columns=columns)


def _write_people(clusters: dict[int, int], links: pd.DataFrame, chunks: Chunks) -> int:
    frame = pd.DataFrame({"record": list(clusters), "cluster": list(clusters.values())})
    current = pd.DataFrame.from_records(
        _records_among(frame["record"]).values_list(
            "pk", "person_id", "match_weight", "link_model_version"
        ),
        columns=["record", "current", "current_weight", "current_version"],
    )
    frame = frame.merge(current, on="record", how="left")
    frame["person"] = frame["cluster"].map(_people_for(frame, chunks)).astype("int64")
    frame = frame.merge(_strongest_links(frame, links), on="record", how="left")
    moved = (frame["person"] != frame["current"]) | frame["current"].isna()
    reweighed = (frame["match_weight"].fillna(0) != frame["current_weight"].fillna(0)) | (
        frame["model_version"].fillna("") != frame["current_version"].fillna("")
    )
    _update_records(frame[moved | reweighed], chunks)
    _hand_on(frame, chunks)
    if moved.any():
        followed = frame.loc[moved, "record"].astype("int64").tolist()
        owners = frame.loc[moved, "person"].astype("int64").tolist()
        chunks.each(
            len(followed),
            lambda part: services.follow_records(records=followed[part], people=owners[part]),
        )
        touched = set(frame.loc[moved, "person"]) | set(frame.loc[moved, "current"].dropna())
        services.describe_people(
            people=None if len(touched) > LOCAL_LIMIT else sorted(int(p) for p in touched),
            chunks=chunks,
        )
    return int(frame["person"].nunique())


def _records_among(records: pd.Series):
    if len(records) > LOCAL_LIMIT:
        return SourceRecord.objects.all()
    return SourceRecord.objects.filter(pk__in=records.tolist())


def _people_for(frame: pd.DataFrame, chunks: Chunks) -> dict[int, int]:
    """Cluster → person: the person most of its records had, each person for one cluster
    only (the one holding most of their records); new people for the rest."""
    held = frame.dropna(subset=["current"]).groupby(["cluster", "current"]).size()
    ranked = (
        held.rename("n")
        .reset_index()
        .sort_values(["n", "cluster"], ascending=[False, True])
        .astype({"cluster": "int64", "current": "int64"})
    )
    person_of_cluster: dict[int, int] = {}
    taken: set[int] = set()
    for cluster_id, person in zip(ranked["cluster"], ranked["current"], strict=True):
        if cluster_id not in person_of_cluster and person not in taken:
            person_of_cluster[int(cluster_id)] = int(person)
            taken.add(int(person))
    without = sorted(set(frame["cluster"]) - set(person_of_cluster))
    created: list[int] = []
    chunks.each(
        len(without),
        lambda part: created.extend(services.new_people(count=part.stop - part.start)),
    )
    person_of_cluster.update(dict(zip(without, created, strict=True)))
    return person_of_cluster


def _strongest_links(frame: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Each record's strongest link to another record of its person, and that model."""
    person = frame.set_index("record")["person"]
    both = pd.concat(
        [
            links.rename(columns={"record_a": "record", "record_b": "other"}),
            links.rename(columns={"record_b": "record", "record_a": "other"}),
        ]
    )
    both = both[both["record"].map(person) == both["other"].map(person)]
    best = both.sort_values("match_weight").drop_duplicates("record", keep="last")
    return best[["record", "match_weight", "model_version"]]


def _update_records(frame: pd.DataFrame, chunks: Chunks) -> None:
    def assign(part: slice) -> None:
        rows = frame.iloc[part]
        services.assign_records(
            records=rows["record"].astype("int64").tolist(),
            people=rows["person"].astype("int64").tolist(),
            match_weights=rows["match_weight"].astype(float),
            model_versions=rows["model_version"].fillna("").astype(str).tolist(),
        )

    chunks.each(len(frame), assign)


def _hand_on(frame: pd.DataFrame, chunks: Chunks) -> None:
    """People left without records hand what people recorded about them to their successor."""
    before = frame.dropna(subset=["current"])
    gone = set(before["current"].astype("int64")) - set(frame["person"])
    gone -= set(SourceRecord.objects.filter(person__in=gone).values_list("person_id", flat=True))
    successors = {
        old: Counter(before[before["current"] == old]["person"].tolist()).most_common(1)[0][0]
        for old in sorted(gone)
    }
    olds = list(successors)

    def hand_on(part: slice) -> None:
        for old in olds[part]:
            services.hand_on_person(
                old=Person.objects.get(pk=old),
                successor=Person.objects.get(pk=successors[old]),
                skip=RECOMPUTED | HANDLED_HERE,
            )

    chunks.each(len(olds), hand_on)
