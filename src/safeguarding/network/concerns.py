"""Adults, addresses and phones of concern, each with the young people and records that put it
on the list, and dated.

- An adult of concern is an adult recorded as a suspect, found in company of, or missing, in
  events with several different young people. A victim or witness is never counted.
- An address of concern is where several young people who do not live there were found after
  going missing, stopped, arrested or reported; one where a vulnerable adult lives (recorded as
  a victim) and young people are found is marked as possible cuckooing.
- A phone of concern is a number on several people's records (a deal line is shared), or used
  by an adult linked to several young people.

Only children count as the young people: an adult's co-involvement with other adults is not a
concern here. Lists are ranked by the number of different young people, then records.

Each concern's evidence names the people whose records put it there (the young people, and for
possible cuckooing the adult victim who lives there, kind `HOME_OF_VICTIM`), so a page can
withhold what rests on records its user may not see (queries.concern_lists).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from safeguarding.network.graph import AssociationGraph, person_key
from safeguarding.network.models import ConcernKind, EdgeKind, NodeKind

ADULT_ROLES = ("suspect", "found_with", "missing_person")
YOUNG_ROLES = ("subject", "victim", "suspect", "missing_person", "found_with")
MIN_YOUNG_PEOPLE = 2
LISTED = 200  # per kind; the pages show the top 50
CUCKOOING_WEIGHT = 2.0
RECORDS_WEIGHT = 0.01  # records break ties between adults reaching as many young people
HOME_OF_VICTIM = "home of an adult recorded as a victim"
# A street stop and search says where the police patrol as much as where young people are
# exploited (town centres fill the list otherwise): a young person only stopped and searched at
# an address counts a quarter of one found there after going missing, arrested or in an incident
# or concern report there. They still count towards the two young people that list an address.
STOP_AND_SEARCH_WEIGHT = 0.25


def reason_for(kind: str, label: str, *, young_people: int, records: int, cuckooing: bool) -> str:
    """Why a node is on its list, from what put it there: one wording for the build and for a
    page that withholds part of the evidence."""
    if kind == ConcernKind.ADULT:
        return (
            f"Recorded as suspect, found in company of or missing with {young_people} "
            f"young people in {records} events"
        )
    if kind == ConcernKind.ADDRESS:
        text = (
            f"{young_people} young people who do not live there found, stopped or "
            f"reported at {label}"
        )
        if cuckooing:
            text += f"; {HOME_OF_VICTIM} (possible cuckooing)"
        return text
    return f"{label}: reaches {young_people} young people"


@dataclass
class ConcernList:
    kind: str
    frame: pd.DataFrame  # node, score, young_people, first_seen, last_seen, reason, evidence


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if pd.notna(value) else ""


def _evidence(links: pd.DataFrame, node_column: str) -> pd.Series:
    """Per concern node, its links to young people: [{person, event, kind, date}]."""
    rows = [
        {"person": int(p), "event": int(e), "kind": k, "date": _day(d)}
        for p, e, k, d in zip(
            links["child"], links["event_id"], links["kind"], links["date"], strict=True
        )
    ]
    return pd.Series(rows, index=links.index).groupby(links[node_column]).agg(list)


def _ranked(kind: str, links: pd.DataFrame, extra: pd.Series | None, reason) -> ConcernList:
    """Rank nodes by the young people linked (plus any extra score), with the evidence."""
    columns = ["node", "score", "young_people", "first_seen", "last_seen", "reason", "evidence"]
    if links.empty:
        return ConcernList(kind, pd.DataFrame(columns=columns))
    grouped = links.groupby("node")
    frame = pd.DataFrame(
        {
            "young_people": grouped["child"].nunique(),
            "records": grouped["event_id"].nunique(),
            "first_seen": grouped["date"].min(),
            "last_seen": grouped["date"].max(),
            "evidence": _evidence(links, "node"),
        }
    )
    frame["extra"] = extra.reindex(frame.index).fillna(0) if extra is not None else 0.0
    frame = frame[(frame["young_people"] >= MIN_YOUNG_PEOPLE) | (frame["extra"] > 0)]
    # Each young person counts once, by their strongest link (weight 1 unless the list says).
    weighted = (
        links.groupby(["node", "child"])["weight"].max().groupby(level="node").sum()
        if "weight" in links
        else frame["young_people"]
    )
    frame["score"] = (
        weighted.reindex(frame.index) + frame["extra"] + RECORDS_WEIGHT * frame["records"]
    )
    frame["reason"] = [reason(node, row) for node, row in frame.iterrows()]
    frame = frame.reset_index().sort_values(["score", "node"], ascending=[False, True])
    return ConcernList(kind, frame.head(LISTED)[columns].reset_index(drop=True))


def adults_of_concern(graph: AssociationGraph) -> ConcernList:
    index_of, kinds = graph.index_of, graph.nodes.set_index("key")["kind"]
    pairs = graph.pairs
    both = pd.concat(
        [
            pairs.rename(
                columns={"a": "adult", "b": "child", "role_a": "adult_role", "role_b": "child_role"}
            ),
            pairs.rename(
                columns={"b": "adult", "a": "child", "role_b": "adult_role", "role_a": "child_role"}
            ),
        ],
        ignore_index=True,
    )
    adult_kind = [kinds.get(person_key(p)) for p in both["adult"]]
    child_kind = [kinds.get(person_key(p)) for p in both["child"]]
    both = both[
        (np.array(adult_kind) == NodeKind.ADULT)
        & (np.array(child_kind) == NodeKind.CHILD)
        & both["adult_role"].isin(ADULT_ROLES)
        & both["child_role"].isin(YOUNG_ROLES)
    ].copy()
    both["node"] = [index_of[person_key(p)] for p in both["adult"]]

    def reason(node, row) -> str:
        return reason_for(
            ConcernKind.ADULT,
            "",
            young_people=row["young_people"],
            records=row["records"],
            cuckooing=False,
        )

    return _ranked(ConcernKind.ADULT, both, None, reason)


def addresses_of_concern(graph: AssociationGraph) -> ConcernList:
    index_of, nodes = graph.index_of, graph.nodes
    kinds = nodes.set_index("key")["kind"]
    places = graph.places.copy()
    is_child = [kinds.get(person_key(p)) == NodeKind.CHILD for p in places["person_id"]]
    places = places[np.array(is_child, dtype=bool)]
    places["node"] = [index_of[f"ad {p}"] for p in places["postcode"]]
    places = places.rename(columns={"person_id": "child"})
    # Never where the young person lives.
    edges = graph.edges
    homes = edges[edges["kind"] == EdgeKind.LIVES_AT]
    home_pairs = set(zip(homes["source"], homes["target"], strict=True)) | set(
        zip(homes["target"], homes["source"], strict=True)
    )
    child_vertex = [index_of[person_key(p)] for p in places["child"]]
    away = [(c, n) not in home_pairs for c, n in zip(child_vertex, places["node"], strict=True)]
    places = places[np.array(away, dtype=bool)]
    places["weight"] = np.where(
        places["event_type"] == "stop_and_search", STOP_AND_SEARCH_WEIGHT, 1.0
    )
    # Possible cuckooing: an adult recorded as a victim lives there.
    victims = {
        index_of[key]
        for key, kind, roles in zip(nodes["key"], nodes["kind"], nodes["roles"], strict=True)
        if kind == NodeKind.ADULT and roles.get("victim")
    }
    cuckooed: dict[int, int] = {}
    for source, target in zip(homes["source"], homes["target"], strict=True):
        if source in victims:
            cuckooed[int(target)] = int(source)
    extra = pd.Series({node: CUCKOOING_WEIGHT for node in cuckooed}, dtype=float)
    labels = nodes["label"]

    def reason(node, row) -> str:
        return reason_for(
            ConcernKind.ADDRESS,
            labels[node],
            young_people=row["young_people"],
            records=row["records"],
            cuckooing=node in cuckooed,
        )

    ranked = _ranked(ConcernKind.ADDRESS, places, extra, reason)
    # The adult victim's home record is evidence too: a page withholds the cuckooing with it.
    person_of = nodes["person_id"]
    ranked.frame["evidence"] = [
        evidence
        + (
            [{"person": int(person_of[cuckooed[node]]), "event": -1, "kind": HOME_OF_VICTIM}]
            if node in cuckooed
            else []
        )
        for node, evidence in zip(ranked.frame["node"], ranked.frame["evidence"], strict=True)
    ]
    return ranked


def phones_of_concern(graph: AssociationGraph, adults: ConcernList) -> ConcernList:
    """Phones on several people's records, scored by the young people reached: children whose
    own record holds the number, and those linked to an adult whose record holds it."""
    nodes, edges, index_of = graph.nodes, graph.edges, graph.index_of
    phone_vertices = set(np.flatnonzero(nodes["kind"].to_numpy() == NodeKind.PHONE))
    uses = edges[(edges["kind"] == EdgeKind.USES)]
    uses = uses.assign(
        phone=np.where(uses["target"].isin(phone_vertices), uses["target"], uses["source"]),
        person=np.where(uses["target"].isin(phone_vertices), uses["source"], uses["target"]),
    )
    uses = uses[uses["phone"].isin(phone_vertices)]
    users = uses.groupby("phone")["person"].nunique()
    kinds = nodes["kind"].to_numpy()
    person_ids = nodes["person_id"].to_numpy()
    # Children holding the number themselves.
    own = uses[kinds[uses["person"].to_numpy()] == NodeKind.CHILD]
    own_links = pd.DataFrame(
        {
            "node": own["phone"].to_numpy(),
            "child": person_ids[own["person"].to_numpy()],
            "event_id": -1,
            "kind": "holds the number",
            "date": pd.NaT,
        }
    )
    # Children linked to an adult of concern who holds the number.
    reach = []
    adult_frame = adults.frame
    for node, evidence in zip(adult_frame["node"], adult_frame["evidence"], strict=True):
        for phone in uses.loc[uses["person"] == node, "phone"]:
            reach += [
                (phone, item["person"], item["event"], "through " + item["kind"], item["date"])
                for item in evidence
            ]
    reached = pd.DataFrame(reach, columns=["node", "child", "event_id", "kind", "date"])
    reached["date"] = pd.to_datetime(reached["date"])
    links = pd.concat([own_links, reached], ignore_index=True)
    shared = users[users > 1]
    extra = (shared - 1).astype(float)  # each more person holding the number
    labels = nodes["label"]

    def reason(node, row) -> str:
        return (
            f"{labels[node]}: on {int(users.get(node, 0))} people's records; reaches "
            f"{row['young_people']} young people"
        )

    del index_of
    return _ranked(ConcernKind.PHONE, links, extra, reason)
