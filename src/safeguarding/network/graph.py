"""The association graph: people, addresses, objects and groups, joined by typed edges that
keep the records behind them (feed, batch, row or event) and their dates.

Built from frames (`records.Records`), in bulk. Roles come from the records, never from the
graph: a young person in an event with an adult suspect is not a suspect, and a child recorded
as a suspect is still a child first (the node's kind is decided by age, not by role).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from safeguarding.network.models import SUSPECTED_KINDS, EdgeKind, NodeKind
from safeguarding.network.records import Records

ADULT_AGE = 18
# An event with more people than this (a school assembly, a large disturbance) says little
# about who associates with whom: its people are not joined pairwise.
MAX_PEOPLE_PER_EVENT = 20
# Where an event happened counts for these events; missing episodes count where the child
# was found, never where they went missing from (usually home).
PLACE_EVENT_TYPES = {
    "incident",
    "arrest",
    "stop_and_search",
    "intelligence",
    "concern_report",
    "finding",
}
STOP_EVENT_TYPES = {"arrest", "stop_and_search", "finding"}
# When a person holds several roles in one event, the one that says most about the pair.
ROLE_ORDER = ["suspect", "found_with", "victim", "missing_person", "subject", "witness", "reporter"]
FAMILY = {"parent", "sibling", "carer", "partner"}
OBJECT_NODE_KINDS = {
    "phone": NodeKind.PHONE,
    "vehicle": NodeKind.VEHICLE,
    "social_media_handle": NodeKind.HANDLE,
}
EVIDENCE_KEPT = 50  # records listed per edge; the weight counts them all
EDGE_COLUMNS = [
    "source",
    "target",
    "kind",
    "suspected",
    "first_seen",
    "last_seen",
    "weight",
    "agencies",
    "event_types",
    "evidence",
]


@dataclass
class AssociationGraph:
    nodes: pd.DataFrame  # key, kind, person_id, label, roles; position = vertex number
    edges: pd.DataFrame  # EDGE_COLUMNS, source and target as vertex numbers
    pairs: pd.DataFrame  # one row per two people in one event: a, b, role_a, role_b, event...
    places: pd.DataFrame  # one row per person at a place in an event: person_id, key, kind...

    @property
    def index_of(self) -> dict[str, int]:
        return dict(zip(self.nodes["key"], range(len(self.nodes)), strict=True))


def person_key(person_id) -> str:
    return f"p{int(person_id)}"


def address_key(postcode: str) -> str:
    return f"ad {postcode}"


def object_key(object_id) -> str:
    return f"ob{int(object_id)}"


def group_key(group) -> str:
    return f"gr{group}"


def person_kinds(people: pd.DataFrame, involvements: pd.DataFrame, today: pd.Timestamp):
    """Child, adult or not known: a child if under 18 at their first recorded event (or today,
    with none), whatever role the records give them."""
    first = involvements.groupby("person_id")["occurred_at"].min().to_dict()
    when = pd.to_datetime(people["person_id"].map(lambda p: first.get(p, today)))
    born = people["date_of_birth"]
    age = (when - born).dt.days / 365.25
    kind = np.where(age < ADULT_AGE, NodeKind.CHILD, NodeKind.ADULT)
    return pd.Series(np.where(born.isna(), NodeKind.PERSON, kind), index=people.index)


def _evidence_lists(frame: pd.DataFrame, keys: list[str], columns: dict[str, str]) -> pd.Series:
    """Per edge, its records as small dicts (at most EVIDENCE_KEPT), oldest first."""
    names = list(columns)
    values = zip(*(frame[columns[name]].tolist() for name in names), strict=True)
    dicts = [
        {
            n: (v.strftime("%Y-%m-%d") if isinstance(v, pd.Timestamp) else v)
            for n, v in zip(names, row, strict=True)
            if not (v is None or v != v or v == "")
        }
        for row in values
    ]
    series = pd.Series(dicts, index=frame.index)
    return series.groupby([frame[k] for k in keys], sort=False).agg(
        lambda s: list(s)[:EVIDENCE_KEPT]
    )


def _aggregate(frame: pd.DataFrame, evidence: dict[str, str]) -> pd.DataFrame:
    """Rows of (source, target, kind, date, agency, event_type, ...) into one edge per
    (source, target, kind), with dates, weight, agencies and the evidence."""
    if frame.empty:
        return pd.DataFrame(columns=EDGE_COLUMNS)
    frame = frame.sort_values("date", kind="stable", na_position="last")
    keys = ["source", "target", "kind"]
    grouped = frame.groupby(keys, sort=False)
    edges = pd.DataFrame(
        {
            "first_seen": grouped["date"].min(),
            "last_seen": grouped["date"].max(),
            "weight": grouped.size(),
            "agencies": grouped["agency"].agg(lambda s: sorted(set(s))),
            "event_types": grouped["event_type"].agg(lambda s: sorted(set(s) - {""})),
            "evidence": _evidence_lists(frame, keys, evidence),
        }
    ).reset_index()
    edges["suspected"] = edges["kind"].isin(SUSPECTED_KINDS)
    return edges[EDGE_COLUMNS]


EVENT_EVIDENCE = {
    "event": "event_id",
    "reference": "reference",
    "type": "event_type",
    "date": "date",
    "agency": "agency",
    "feed": "feed",
    "batch": "batch",
    "row": "row",
    "roles": "roles",
}
# A co-involvement also keeps who was in which role, so the event can be drawn as a node
# between the people (queries.events_as_nodes) without guessing which end had which role.
PAIR_EVIDENCE = {**EVENT_EVIDENCE, "people": "people"}
RECORD_EVIDENCE = {
    "reference": "reference",
    "agency": "agency",
    "feed": "feed",
    "batch": "batch",
    "row": "row",
    "detail": "detail",
    "date": "date",
}


def one_role_per_event(involvements: pd.DataFrame) -> pd.DataFrame:
    rank = involvements["role"].map({r: n for n, r in enumerate(ROLE_ORDER)}).fillna(99)
    ordered = involvements.assign(rank=rank).sort_values(["event_id", "person_id", "rank"])
    return ordered.drop_duplicates(["event_id", "person_id"]).drop(columns="rank")


def pair_kind(role_a: pd.Series, role_b: pd.Series, event_type: pd.Series) -> np.ndarray:
    """The kind of a co-involvement, from the two roles the records give."""
    roles = {"a": role_a.to_numpy(), "b": role_b.to_numpy()}
    a, b = roles["a"], roles["b"]
    suspect_victim = ((a == "suspect") & (b == "victim")) | ((a == "victim") & (b == "suspect"))
    found = (a == "found_with") | (b == "found_with")
    missing = (a == "missing_person") & (b == "missing_person")
    arrested = (a == "suspect") & (b == "suspect")
    return np.select(
        [suspect_victim, found, missing, arrested],
        [
            EdgeKind.SUSPECT_WITH_VICTIM,
            EdgeKind.FOUND_WITH,
            EdgeKind.MISSING_TOGETHER,
            EdgeKind.ARRESTED_TOGETHER,
        ],
        default=EdgeKind.SAME_EVENT,
    )


def event_pairs(involvements: pd.DataFrame) -> pd.DataFrame:
    """Two people in one event, once per pair (a < b), with each one's role."""
    single = one_role_per_event(involvements)
    size = single.groupby("event_id")["person_id"].transform("size")
    single = single[(size > 1) & (size <= MAX_PEOPLE_PER_EVENT)]
    left = single[["event_id", "person_id", "role"]]
    pairs = left.merge(left, on="event_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["person_id_a"] < pairs["person_id_b"]]
    about = single.drop_duplicates("event_id").set_index("event_id")
    columns = ["event_type", "occurred_at", "reference", "feed", "batch", "row", "agency"]
    pairs = pairs.join(about[columns], on="event_id")
    pairs["kind"] = pair_kind(pairs["role_a"], pairs["role_b"], pairs["event_type"])
    return pairs.rename(
        columns={"person_id_a": "a", "person_id_b": "b", "occurred_at": "date"}
    ).reset_index(drop=True)


def event_places(involvements: pd.DataFrame) -> pd.DataFrame:
    """A person at a place in an event: where a missing child was found, where someone was
    stopped, arrested or reported. Never the reporter's or a witness's presence."""
    present = involvements[~involvements["role"].isin(["reporter", "witness"])]
    missing = present[present["event_type"] == "missing_episode"]
    found = missing[missing["found_postcode"] != ""].assign(
        postcode=lambda f: f["found_postcode"], kind=EdgeKind.FOUND_AT
    )
    other = present[present["event_type"].isin(PLACE_EVENT_TYPES) & (present["postcode"] != "")]
    other = other.assign(
        kind=np.where(
            other["event_type"].isin(STOP_EVENT_TYPES), EdgeKind.STOPPED_AT, EdgeKind.SEEN_AT
        )
    )
    places = pd.concat([found, other], ignore_index=True)
    return places.drop_duplicates(["event_id", "person_id", "postcode"]).rename(
        columns={"occurred_at": "date"}
    )


def build_graph(records: Records, *, today: pd.Timestamp | None = None) -> AssociationGraph:
    """The whole association graph from the records, every edge with its evidence."""
    today = today if today is not None else pd.Timestamp.now().normalize()
    people = records.people.reset_index(drop=True)
    involvements = records.involvements
    nodes = [
        pd.DataFrame(
            {
                "key": [person_key(p) for p in people["person_id"]],
                "kind": person_kinds(people, involvements, today).to_numpy(),
                "person_id": people["person_id"].to_numpy(),
                "label": people["name"].fillna("").to_numpy(),
            }
        )
    ]
    role_counts = involvements.groupby(["person_id", "role"]).size()
    roles: dict[int, dict[str, int]] = {}
    for (person, role), count in role_counts.items():
        roles.setdefault(int(person), {})[role] = int(count)

    edge_rows = []
    # People together in an event.
    pairs = event_pairs(involvements)
    pairs["roles"] = [[x, y] for x, y in zip(pairs["role_a"], pairs["role_b"], strict=True)]
    pairs["people"] = [[int(x), int(y)] for x, y in zip(pairs["a"], pairs["b"], strict=True)]
    edge_rows.append(
        (
            pairs.assign(
                source=[person_key(p) for p in pairs["a"]],
                target=[person_key(p) for p in pairs["b"]],
            ),
            PAIR_EVIDENCE,
        )
    )
    # People at places: found, stopped, in an event there; and where their records say they live.
    places = event_places(involvements)
    places["roles"] = [[r] for r in places["role"]]
    edge_rows.append(
        (
            places.assign(
                source=[person_key(p) for p in places["person_id"]],
                target=[address_key(p) for p in places["postcode"]],
            ),
            EVENT_EVIDENCE,
        )
    )
    homes = records.records
    edge_rows.append(
        (
            homes.assign(
                source=[person_key(p) for p in homes["person_id"]],
                target=[address_key(p) for p in homes["postcode"]],
                kind=EdgeKind.LIVES_AT,
                date=pd.NaT,
                event_type="",
                detail=homes["address"],
            ),
            RECORD_EVIDENCE,
        )
    )
    address_labels = pd.concat([places["postcode"], homes["postcode"]]).drop_duplicates()
    nodes.append(
        pd.DataFrame(
            {
                "key": [address_key(p) for p in address_labels],
                "kind": NodeKind.ADDRESS,
                "person_id": None,
                "label": address_labels.to_numpy(),
            }
        )
    )
    # Phones, vehicles and handles on people's records, and contacts between them.
    links = records.object_links
    edge_rows.append(
        (
            links.assign(
                source=[person_key(p) for p in links["person_id"]],
                target=[object_key(o) for o in links["object_id"]],
                kind=EdgeKind.USES,
                date=pd.NaT,
                event_type="",
                detail=links["value"],
            ),
            RECORD_EVIDENCE,
        )
    )
    contacts = records.contacts
    edge_rows.append(
        (
            contacts.assign(
                source=[object_key(o) for o in contacts["from_object"]],
                target=[object_key(o) for o in contacts["to_object"]],
                kind=EdgeKind.CONTACT,
                event_type="",
                detail=contacts["kind"],
            ),
            RECORD_EVIDENCE,
        )
    )
    objects = pd.concat(
        [
            links[["object_id", "kind", "value"]],
            contacts[["from_object", "from_kind", "from_value"]].set_axis(
                ["object_id", "kind", "value"], axis=1
            ),
            contacts[["to_object", "to_kind", "to_value"]].set_axis(
                ["object_id", "kind", "value"], axis=1
            ),
        ]
    ).drop_duplicates("object_id")
    nodes.append(
        pd.DataFrame(
            {
                "key": [object_key(o) for o in objects["object_id"]],
                "kind": objects["kind"].map(OBJECT_NODE_KINDS).fillna(NodeKind.OBJECT).to_numpy(),
                "person_id": None,
                "label": objects["value"].to_numpy(),
            }
        )
    )
    # Family and known associates, from the relationship feeds.
    related = records.relationships
    edge_rows.append(
        (
            related.assign(
                source=[person_key(p) for p in related["from_person"]],
                target=[person_key(p) for p in related["to_person"]],
                kind=np.where(related["kind"].isin(FAMILY), EdgeKind.FAMILY, EdgeKind.ASSOCIATE),
                event_type="",
                reference="",
                detail=related["kind"],
            ),
            RECORD_EVIDENCE,
        )
    )
    # Peer groups and contexts (from the contexts stage, passed in).
    members = records.memberships
    edge_rows.append(
        (
            members.assign(
                source=[person_key(p) for p in members["person_id"]],
                target=[group_key(g) for g in members["group"]],
                kind=EdgeKind.MEMBER_OF,
                date=pd.NaT,
                event_type="",
                agency=members["source"],
                reference="",
                feed="",
                batch="",
                row="",
                detail=members["reliability"],
            ),
            RECORD_EVIDENCE,
        )
    )
    groups = members.drop_duplicates("group")
    nodes.append(
        pd.DataFrame(
            {
                "key": [group_key(g) for g in groups["group"]],
                "kind": NodeKind.GROUP,
                "person_id": None,
                "label": groups["name"].to_numpy(),
            }
        )
    )

    node_frame = pd.concat(nodes, ignore_index=True).drop_duplicates("key")
    node_frame = node_frame.reset_index(drop=True)
    node_frame["roles"] = [
        roles.get(int(p), {}) if p == p and p is not None else {} for p in node_frame["person_id"]
    ]
    index_of = dict(zip(node_frame["key"], range(len(node_frame)), strict=True))
    edges = []
    for frame, evidence in edge_rows:
        if frame.empty:
            continue
        frame = frame.copy()
        frame["source"] = frame["source"].map(index_of)
        frame["target"] = frame["target"].map(index_of)
        frame = frame.dropna(subset=["source", "target"])
        frame = frame[frame["source"] != frame["target"]]
        # Undirected: one edge per unordered pair and kind.
        low = np.minimum(frame["source"], frame["target"]).astype(int)
        high = np.maximum(frame["source"], frame["target"]).astype(int)
        frame["source"], frame["target"] = low, high
        for column in ("event_type", "reference", "agency"):
            frame[column] = frame[column].fillna("") if column in frame else ""
        edges.append(_aggregate(frame, evidence))
    edge_frame = (
        pd.concat(edges, ignore_index=True) if edges else pd.DataFrame(columns=EDGE_COLUMNS)
    )
    return AssociationGraph(
        nodes=node_frame,
        edges=edge_frame.reset_index(drop=True),
        pairs=pairs,
        places=places,
    )
