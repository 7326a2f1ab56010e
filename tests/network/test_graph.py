"""The association graph from hand-made records: edge kinds from roles, the victim-first rule,
adults, addresses and phones of concern with their evidence."""

import pandas as pd
import pytest

from safeguarding.network import concerns
from safeguarding.network.graph import build_graph
from safeguarding.network.models import EdgeKind, NodeKind
from safeguarding.network.records import (
    OBJECT_LINK_COLUMNS,
    RECORD_COLUMNS,
    Records,
)

TODAY = pd.Timestamp("2026-12-01")
# person_id: (name, date of birth)
PEOPLE = {
    1: ("Child One", "2011-03-01"),
    2: ("Child Two", "2010-06-01"),
    3: ("Child Three", "2012-01-01"),
    4: ("Adult Four", "1990-01-01"),
    5: ("Adult Five (tenant)", "1960-01-01"),
    6: ("Age Unknown", None),
}


def people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_id": list(PEOPLE),
            "name": [name for name, _ in PEOPLE.values()],
            "date_of_birth": pd.to_datetime([dob for _, dob in PEOPLE.values()]),
        }
    )


def involvement(event, person, role, event_type, day, postcode="", found=""):
    return {
        "person_id": person,
        "event_id": event,
        "role": role,
        "event_type": event_type,
        "occurred_at": pd.Timestamp(day),
        "reference": f"REF{event}",
        "feed": 1,
        "batch": 1,
        "row": event,
        "agency": "Police",
        "postcode": postcode,
        "found_postcode": found,
    }


def involvements() -> pd.DataFrame:
    rows = [
        # 10: adult 4 found in company of missing child 1, found at SN1 1AA.
        involvement(10, 1, "missing_person", "missing_episode", "2026-03-01", found="SN1 1AA"),
        involvement(10, 4, "found_with", "missing_episode", "2026-03-01"),
        # 11: adult 4 a suspect, child 2 the victim.
        involvement(11, 4, "suspect", "incident", "2026-04-01", postcode="SN1 1AA"),
        involvement(11, 2, "victim", "incident", "2026-04-01", postcode="SN1 1AA"),
        # 12: child 1 and child 3 missing together.
        involvement(12, 1, "missing_person", "missing_episode", "2026-05-01"),
        involvement(12, 3, "missing_person", "missing_episode", "2026-05-01"),
        # 13: arrest at the tenant's home: child 3 a suspect, the tenant (5) a victim.
        involvement(13, 3, "suspect", "arrest", "2026-06-01", postcode="SN1 1AA"),
        involvement(13, 5, "victim", "arrest", "2026-06-01", postcode="SN1 1AA"),
        # 14: children 2 and 3 arrested together.
        involvement(14, 2, "suspect", "arrest", "2026-07-01", postcode="SN2 2BB"),
        involvement(14, 3, "suspect", "arrest", "2026-07-01", postcode="SN2 2BB"),
        # 15: child 2 a witness of something with 6.
        involvement(15, 2, "witness", "incident", "2026-08-01"),
        involvement(15, 6, "subject", "incident", "2026-08-01"),
    ]
    return pd.DataFrame(rows)


def record(person, postcode, reference):
    return dict(
        zip(RECORD_COLUMNS, [person, postcode, "", reference, 1, 1, 1, "Police"], strict=True)
    )


def phone(person, object_id, value):
    return dict(
        zip(
            OBJECT_LINK_COLUMNS,
            [person, object_id, "phone", value, f"N{person}", 1, 1, person, "Police"],
            strict=True,
        )
    )


def the_records() -> Records:
    return Records(
        people=people(),
        involvements=involvements(),
        records=pd.DataFrame(
            [record(5, "SN1 1AA", "N5"), record(3, "SN2 2BB", "N3"), record(1, "SN3 3CC", "N1")]
        ),
        object_links=pd.DataFrame([phone(4, 900, "07700 900001"), phone(6, 900, "07700 900001")]),
    )


def graph():
    return build_graph(the_records(), today=TODAY)


def kind_of(graph, key):
    return graph.nodes.set_index("key").loc[key, "kind"]


def edge(graph, a, b, kind):
    index = graph.index_of
    low, high = sorted((index[a], index[b]))
    edges = graph.edges
    found = edges[(edges["source"] == low) & (edges["target"] == high) & (edges["kind"] == kind)]
    assert len(found) == 1, f"no {kind} edge between {a} and {b}"
    return found.iloc[0]


def test_edge_kinds_come_from_the_roles_in_the_records():
    built = graph()
    found = edge(built, "p1", "p4", EdgeKind.FOUND_WITH)
    assert found["suspected"]  # always shown as a suspected association
    assert edge(built, "p2", "p4", EdgeKind.SUSPECT_WITH_VICTIM)["weight"] == 1
    assert edge(built, "p1", "p3", EdgeKind.MISSING_TOGETHER)["first_seen"] == pd.Timestamp(
        "2026-05-01"
    )
    assert edge(built, "p2", "p3", EdgeKind.ARRESTED_TOGETHER)["agencies"] == ["Police"]
    assert edge(built, "p1", "ad SN1 1AA", EdgeKind.FOUND_AT)["evidence"][0]["event"] == 10
    assert edge(built, "p5", "ad SN1 1AA", EdgeKind.LIVES_AT)["evidence"][0]["reference"] == "N5"
    assert edge(built, "p4", "ob900", EdgeKind.USES)["weight"] == 1
    # A witness's presence puts no one at a place.
    assert not (built.places["event_id"] == 15).any()


def test_every_edge_keeps_the_records_behind_it():
    evidence = edge(graph(), "p2", "p4", EdgeKind.SUSPECT_WITH_VICTIM)["evidence"]
    assert evidence == [
        {
            "event": 11,
            "reference": "REF11",
            "type": "incident",
            "date": "2026-04-01",
            "agency": "Police",
            "feed": 1,
            "batch": 1,
            "row": 11,
            "roles": ["victim", "suspect"],
            "people": [2, 4],  # who had which role: child 2 the victim, adult 4 the suspect
        }
    ]


def test_a_child_recorded_as_a_suspect_is_a_child_first():
    built = graph()
    # Child 3 is a suspect twice and a missing person once: still a child.
    assert kind_of(built, "p3") == NodeKind.CHILD
    assert built.nodes.set_index("key").loc["p3", "roles"] == {"suspect": 2, "missing_person": 1}
    assert kind_of(built, "p4") == NodeKind.ADULT
    assert kind_of(built, "p6") == NodeKind.PERSON


def test_a_young_person_who_turned_18_is_a_child_in_records_from_their_childhood():
    records = the_records()
    records.people.loc[records.people["person_id"] == 2, "date_of_birth"] = pd.Timestamp(
        "2008-05-01"
    )  # 17 at their first event (April 2026), 18 today
    assert kind_of(build_graph(records, today=TODAY), "p2") == NodeKind.CHILD


def test_no_child_is_an_adult_of_concern_however_often_a_suspect():
    built = graph()
    adults = concerns.adults_of_concern(built).frame
    listed = [built.nodes.loc[n, "key"] for n in adults["node"]]
    assert listed == ["p4"]  # found with child 1, suspect against child 2
    assert adults.iloc[0]["young_people"] == 2
    assert {item["person"] for item in adults.iloc[0]["evidence"]} == {1, 2}
    assert adults.iloc[0]["first_seen"] == pd.Timestamp("2026-03-01")


def test_a_victim_adult_is_not_of_concern_but_their_home_may_be_cuckooed():
    built = graph()
    adults = concerns.adults_of_concern(built).frame
    assert built.index_of["p5"] not in set(adults["node"])
    addresses = concerns.addresses_of_concern(built).frame
    top = addresses.iloc[0]
    assert built.nodes.loc[top["node"], "label"] == "SN1 1AA"
    # Children 1 (found there), 2 (victim there) and 3 (arrested there).
    assert top["young_people"] == 3
    assert "possible cuckooing" in top["reason"]


def test_where_a_child_lives_is_not_an_address_of_concern_for_them():
    built = graph()
    addresses = concerns.addresses_of_concern(built).frame
    labels = {
        built.nodes.loc[n, "label"]: row
        for n, row in zip(addresses["node"], addresses.to_dict("records"), strict=True)
    }
    # SN2 2BB: child 3 lives there, so only child 2 counts: not enough to be listed.
    assert "SN2 2BB" not in labels


def test_a_shared_phone_used_by_an_adult_of_concern_is_a_phone_of_concern():
    built = graph()
    adults = concerns.adults_of_concern(built)
    phones = concerns.phones_of_concern(built, adults).frame
    assert len(phones) == 1
    top = phones.iloc[0]
    assert built.nodes.loc[top["node"], "label"] == "07700 900001"
    assert top["young_people"] == 2  # the children the adult of concern is linked to
    assert "on 2 people's records" in top["reason"]


def test_a_graph_with_no_events_has_no_concerns():
    records = the_records()
    records.involvements = records.involvements.iloc[0:0]
    built = build_graph(records, today=TODAY)
    assert len(built.edges) == 5  # three homes, and two people holding one phone
    adults = concerns.adults_of_concern(built)
    assert adults.frame.empty
    assert concerns.addresses_of_concern(built).frame.empty
    assert concerns.phones_of_concern(built, adults).frame.empty


def test_the_cuckooed_homes_victim_is_in_the_concerns_evidence():
    built = graph()
    top = concerns.addresses_of_concern(built).frame.iloc[0]
    # The tenant's home record is what makes it possible cuckooing: a page withholds it with them.
    assert {"person": 5, "event": -1, "kind": concerns.HOME_OF_VICTIM} in top["evidence"]
    assert {item["person"] for item in top["evidence"]} == {1, 2, 3, 5}


def test_events_as_nodes_put_each_event_between_its_people_by_their_roles():
    from safeguarding.network.events import events_as_nodes

    built = graph()
    person_of = {
        index: int(person)
        for index, person in enumerate(built.nodes["person_id"])
        if person == person and person is not None
    }
    links = [
        {
            "pk": number,
            "kind": row["kind"],
            "source_index": int(row["source"]),
            "target_index": int(row["target"]),
            "suspected": bool(row["suspected"]),
        }
        for number, row in built.edges.iterrows()
    ]
    nodes, edges = events_as_nodes(links, list(built.edges["evidence"]), person_of)
    index = built.index_of
    # Six events joined people (event 15, a witness and a subject, too).
    assert {n["id"] for n in nodes} == {"ev10", "ev11", "ev12", "ev13", "ev14", "ev15"}
    incident = next(n for n in nodes if n["id"] == "ev11")
    assert incident["label"] == "Police incident or occurrence 2026-04-01"
    by_end = {(e["source"], e["target"]): e for e in edges if e["kind"] == "in_event"}
    assert by_end[("ev11", f"n{index['p2']}")]["label"] == "Victim"
    assert by_end[("ev11", f"n{index['p4']}")]["label"] == "Suspect"
    found_with = by_end[("ev10", f"n{index['p4']}")]
    assert found_with["label"] == "Found with" and found_with["suspected"]
    assert by_end[("ev10", f"n{index['p1']}")]["label"] == "Missing person"
    # Two links per event, each once; no person-to-person co-involvement link is left.
    assert len(by_end) == 12
    kinds = {e["kind"] for e in edges}
    assert EdgeKind.SUSPECT_WITH_VICTIM not in kinds and EdgeKind.SAME_EVENT not in kinds
    # Links that are not co-involvements (addresses, phones) stay as they are.
    assert {EdgeKind.FOUND_AT, EdgeKind.LIVES_AT, EdgeKind.USES} <= kinds


def test_a_street_where_young_people_are_only_stopped_ranks_below_where_they_are_found():
    records = the_records()
    extra = [
        # Children 1 and 2 stopped and searched in a town-centre street, three times between them.
        involvement(20, 1, "subject", "stop_and_search", "2026-09-01", postcode="SN4 4DD"),
        involvement(21, 2, "subject", "stop_and_search", "2026-09-02", postcode="SN4 4DD"),
        involvement(22, 2, "subject", "stop_and_search", "2026-09-03", postcode="SN4 4DD"),
        # Children 1 and 3 each found at a flat after going missing.
        involvement(23, 1, "missing_person", "missing_episode", "2026-09-04", found="SN5 5EE"),
        involvement(24, 3, "missing_person", "missing_episode", "2026-09-05", found="SN5 5EE"),
    ]
    records.involvements = pd.concat([records.involvements, pd.DataFrame(extra)])
    built = build_graph(records, today=TODAY)
    addresses = concerns.addresses_of_concern(built).frame
    ranked = [built.nodes.loc[n, "label"] for n in addresses["node"]]
    assert ranked == ["SN1 1AA", "SN5 5EE", "SN4 4DD"]
    scores = dict(zip(ranked, addresses["score"], strict=True))
    assert scores["SN5 5EE"] == pytest.approx(2.02)  # two young people found, two records
    assert scores["SN4 4DD"] == pytest.approx(0.53)  # two only stopped: a quarter each
    # Both are listed with their two young people.
    assert list(addresses["young_people"]) == [3, 2, 2]
