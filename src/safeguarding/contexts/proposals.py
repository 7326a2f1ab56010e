"""Contexts proposed from the evidence, for the panel to accept (refer) or set aside.

- places: the latest emerging-hotspot analysis's new, consecutive and intensifying hot spots
  (places), and addresses where several tracked young people live or are recorded;
- schools where several tracked young people are on roll (the tracker's school);
- peer groups: tracked young people recorded together in events, again and again, and the
  tracked young people of one community of the association graph (the network stage's Leiden
  communities), when the community is small enough to be a group of peers.

Each proposal names its evidence in `proposed_from`, so the same evidence proposes once.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, Q

from safeguarding.contexts.models import (
    Context,
    ContextKind,
    ContextMember,
    Reliability,
    Stage,
)
from safeguarding.network.models import Node, NodeKind
from safeguarding.network.queries import latest_run
from safeguarding.people.models import Involvement, SourceRecord
from safeguarding.places.emerging import CATEGORIES
from safeguarding.places.models import AnalysisKind, HotspotCell, HotspotRun, School, Unit
from safeguarding.risk.models import Level, RiskAssessment
from safeguarding.risk.tracker import latest_run as latest_scoring_run

EMERGING_HOT = ("new_hot", "consecutive_hot", "intensifying_hot")
SEVERAL = 3  # young people at one address or school, or in one group, before it is proposed
TOGETHER = 2  # events two young people share before they count as a group's members
# A community of the association graph with more people than this is a neighbourhood's web of
# families and addresses, not a peer group.
PEER_COMMUNITY_MAX = 40
TRACKED = (Level.MEDIUM, Level.HIGH)


@dataclass(frozen=True)
class Proposed:
    kind: str
    name: str
    key: str
    evidence: str
    people: tuple[int, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    school_id: int | None = None


def tracked_people() -> set[int]:
    """The young people at medium or high level on the latest scoring run."""
    run = latest_scoring_run()
    if run is None:
        return set()
    rows = RiskAssessment.objects.filter(run=run, level__in=TRACKED)
    return set(rows.values_list("person_id", flat=True))


def hotspot_proposals() -> list[Proposed]:
    """New, consecutive and intensifying hot spots of each event set's latest emerging run."""
    proposals = []
    for event_set in HotspotRun.objects.values_list("event_set", flat=True).distinct():
        run = (
            HotspotRun.objects.filter(
                kind=AnalysisKind.EMERGING, unit=Unit.GRID, event_set=event_set
            )
            .order_by("-pk")
            .first()
        )
        if run is None:
            continue
        cells = HotspotCell.objects.filter(
            run=run, period__isnull=True, category__in=EMERGING_HOT
        ).values_list("cell", "category", "count", "latitude", "longitude")
        for cell, category, count, latitude, longitude in cells:
            proposals.append(
                Proposed(
                    kind=ContextKind.LOCATION,
                    name=f"{CATEGORIES[category]} {cell} ({run.get_event_set_display().lower()})",
                    key=f"hotspot:{event_set}:{cell}",
                    evidence=(
                        f"{CATEGORIES[category]} in the emerging-hotspot analysis of "
                        f"{run.period_start:%B %Y} to {run.period_end:%B %Y}: {count} events."
                    ),
                    latitude=latitude,
                    longitude=longitude,
                )
            )
    return proposals


def address_proposals(*, tracked: set[int]) -> list[Proposed]:
    """Addresses recorded for several tracked young people (a children's home, a flat)."""
    rows = (
        SourceRecord.objects.filter(person_id__in=tracked)
        .exclude(address="")
        .values("postcode", "address")
        .annotate(people=Count("person_id", distinct=True))
        .filter(people__gte=SEVERAL)
    )
    proposals = []
    for row in rows:
        people = SourceRecord.objects.filter(
            person_id__in=tracked, postcode=row["postcode"], address=row["address"]
        ).values_list("person_id", flat=True)
        proposals.append(
            Proposed(
                kind=ContextKind.LOCATION,
                name=f"{row['address']}, {row['postcode']}".strip(", "),
                key=f"address:{row['postcode']}:{row['address']}"[:200],
                evidence=f"The address of {row['people']} young people on the tracker.",
                people=tuple(sorted(set(people))),
            )
        )
    return proposals


def school_proposals() -> list[Proposed]:
    """Schools with several young people at medium or high level on the latest run."""
    run = latest_scoring_run()
    if run is None:
        return []
    rows = (
        RiskAssessment.objects.filter(run=run, level__in=TRACKED)
        .exclude(school_urn="")
        .values("school_urn")
        .annotate(people=Count("person_id"))
        .filter(people__gte=SEVERAL)
    )
    counts = {row["school_urn"]: row["people"] for row in rows}
    schools = School.objects.filter(urn__in=counts)
    pupils = pd.DataFrame(
        RiskAssessment.objects.filter(
            run=run, level__in=TRACKED, school_urn__in=counts
        ).values_list("school_urn", "person_id"),
        columns=["urn", "person_id"],
    )
    by_school = pupils.groupby("urn")["person_id"].apply(lambda ids: tuple(sorted(ids)))
    return [
        Proposed(
            kind=ContextKind.SCHOOL,
            name=school.name,
            key=f"school:{school.urn}",
            evidence=f"{counts[school.urn]} pupils at medium or high level on the tracker.",
            people=by_school.get(school.urn, ()),
            latitude=school.latitude,
            longitude=school.longitude,
            school_id=school.pk,
        )
        for school in schools
    ]


def co_involved_groups(*, tracked: set[int]) -> list[tuple[int, ...]]:
    """Groups of tracked young people recorded together in at least TOGETHER events each pair,
    joined when they share a member: the connected parts of the 'seen together' graph."""
    rows = pd.DataFrame(
        Involvement.objects.filter(person_id__in=tracked).values_list("event_id", "person_id"),
        columns=["event_id", "person_id"],
    ).drop_duplicates()
    if rows.empty:
        return []
    pairs = rows.merge(rows, on="event_id")
    pairs = pairs[pairs["person_id_x"] < pairs["person_id_y"]]
    counted = pairs.groupby(["person_id_x", "person_id_y"]).size()
    edges = counted[counted >= TOGETHER].index.tolist()
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for node in list(parent):
        groups.setdefault(root(node), []).append(node)
    return [tuple(sorted(g)) for g in groups.values() if len(g) >= SEVERAL]


def community_groups(*, tracked: set[int]) -> list[tuple[int, ...]]:
    """The tracked young people of each network community of at most PEER_COMMUNITY_MAX people
    that holds SEVERAL or more of them (the latest network run)."""
    run = latest_run()
    if run is None or not tracked:
        return []
    rows = pd.DataFrame(
        Node.objects.filter(run=run, community__gte=0).values_list(
            "community", "person_id", "kind"
        ),
        columns=["community", "person_id", "kind"],
    )
    if rows.empty:
        return []
    sizes = rows.groupby("community").size()
    small = sizes[sizes <= PEER_COMMUNITY_MAX].index
    children = rows[
        rows["community"].isin(small)
        & (rows["kind"] == NodeKind.CHILD)
        & rows["person_id"].isin(tracked)
    ]
    groups = children.groupby("community")["person_id"].apply(lambda ids: tuple(sorted(ids)))
    return [group for group in groups if len(group) >= SEVERAL]


def propose_peer_groups(groups: Iterable[tuple[int, ...]], *, source: str) -> list[Proposed]:
    """Peer groups from groups of person ids: seen together in events, or (later) a network
    community. A group whose members already share a peer-group context is not proposed."""
    known = _known_peer_groups()
    proposals = []
    for group in groups:
        if any(set(group) <= members for members in known):
            continue
        proposals.append(
            Proposed(
                kind=ContextKind.PEER_GROUP,
                name=f"Peer group of {len(group)} young people (person {group[0]} and others)",
                key=f"peers:{','.join(map(str, group[:12]))}"[:200],
                evidence=f"{len(group)} young people on the tracker, {source}.",
                people=group,
            )
        )
    return proposals


def _known_peer_groups() -> list[set[int]]:
    members = ContextMember.objects.filter(
        context__kind=ContextKind.PEER_GROUP, ended_on__isnull=True
    ).values_list("context_id", "person_id")
    groups: dict[int, set[int]] = {}
    for context_id, person_id in members:
        groups.setdefault(context_id, set()).add(person_id)
    return list(groups.values())


def all_proposals() -> list[Proposed]:
    tracked = tracked_people()
    groups = co_involved_groups(tracked=tracked)
    return [
        *hotspot_proposals(),
        *address_proposals(tracked=tracked),
        *school_proposals(),
        *propose_peer_groups(groups, source=f"recorded together in {TOGETHER} or more events"),
        *propose_peer_groups(
            [g for g in community_groups(tracked=tracked) if g not in set(groups)],
            source="in one community of the association graph (network)",
        ),
    ]


def propose_contexts(*, on: datetime.date | None = None) -> list[Context]:
    """Create the proposals not made before (by their evidence's key); returns those created."""
    proposals = all_proposals()
    made = set(
        Context.objects.filter(proposed_from__in=[p.key for p in proposals]).values_list(
            "proposed_from", flat=True
        )
    )
    fresh = [p for p in proposals if p.key not in made]
    created = Context.objects.bulk_create(
        [
            Context(
                kind=p.kind,
                name=p.name[:200],
                stage=Stage.PROPOSED,
                proposed_from=p.key,
                evidence=p.evidence,
                latitude=p.latitude,
                longitude=p.longitude,
                school_id=p.school_id,
            )
            for p in fresh
        ]
    )
    by_key = {
        c.proposed_from: c for c in Context.objects.filter(proposed_from__in=[p.key for p in fresh])
    }
    ContextMember.objects.bulk_create(
        [
            ContextMember(
                context=by_key[p.key],
                person_id=person_id,
                source=p.evidence[:200],
                reliability=Reliability.SUSPECTED,
                started_on=on,
            )
            for p in fresh
            for person_id in p.people
        ],
        ignore_conflicts=True,
    )
    return list(by_key.values()) if created else []


def proposed_since(since: datetime.date | None) -> Q:
    """Contexts still only proposed, created on or after the date (all of them when None)."""
    condition = Q(stage=Stage.PROPOSED)
    return condition if since is None else condition & Q(created_at__date__gte=since)
