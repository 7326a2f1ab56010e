"""The connecting network between chosen people, events drawn as nodes, and what rests on a
restricted person's records (their home, a cuckooing) staying withheld, with the cast."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent, AuditObject
from safeguarding.network.models import Node
from safeguarding.network.services import build_network
from safeguarding.people.enumerations import EventType
from tests.factories import InvolvementFactory, PersonFactory
from tests.network.conftest import DAY, together
from tests.network.test_pages import signed_in
from tests.people.conftest import record_for

pytestmark = pytest.mark.django_db


def connecting(client, *people, **query):
    return client.get(reverse("network:connecting"), {"person": [p.pk for p in people], **query})


def labels(response) -> set[str]:
    return {node["label"] for node in response.context["subgraph"].nodes}


def test_an_analyst_finds_the_network_connecting_two_young_people(client_for, world):
    client = signed_in(client_for, "analyst")
    response = connecting(client, world["jade"], world["kai"])
    assert response.status_code == 200
    # Jade and Kai are connected through Mark, who was found with each.
    assert labels(response) == {"Jade Example", "Mark Adult", "Kai Example"}
    chosen = {n["label"] for n in response.context["subgraph"].nodes if n.get("chosen")}
    assert chosen == {"Jade Example", "Kai Example"}
    assert len(response.context["subgraph"].edges) == 2
    assert "Rosa" not in response.content.decode()
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type=AuditObject.NETWORK)
    detail = event.get().detail
    assert detail["page"] == "connecting network"
    assert sorted(detail["people"]) == sorted([world["jade"].pk, world["kai"].pk])
    assert detail["nodes"] == 3


def test_the_record_number_box_adds_people_and_one_person_is_not_enough(client_for, world):
    client = signed_in(client_for, "analyst")
    alone = connecting(client, world["jade"])
    assert alone.context["subgraph"] is None
    assert "Choose at least two people" in alone.content.decode()
    added = connecting(client, world["jade"], add=f" {world['mark'].pk}, x")
    assert labels(added) == {"Jade Example", "Mark Adult"}


def test_choosing_a_restricted_person_is_refused_unless_named(client_for, world):
    refused = connecting(signed_in(client_for, "analyst"), world["jade"], world["rosa"])
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(
        action=AuditAction.REFUSED, object_type=AuditObject.NETWORK
    ).exists()
    named = connecting(signed_in(client_for, "named_user"), world["jade"], world["rosa"])
    assert labels(named) == {"Jade Example", "Rosa Restricted"}


def test_the_voluntary_sector_may_not_connect_people(client_for, world):
    client = signed_in(client_for, "voluntary_panel_member")
    assert connecting(client, world["jade"], world["kai"]).status_code == 403


def test_events_as_nodes_on_a_persons_network(client_for, world):
    client = signed_in(client_for, "analyst")
    url = reverse("network:person", args=[world["jade"].pk])
    response = client.get(url, {"hops": 2, "events": 1})
    subgraph = response.context["subgraph"]
    events = [n for n in subgraph.nodes if n["kind"] == "event"]
    # Two incidents (Mark found with Jade, then with Kai); the missing episode with the
    # restricted Rosa is not drawn, as the link it rests on is withheld.
    assert len(events) == 2
    roles = sorted(e["label"] for e in subgraph.edges)
    assert roles == ["Found with", "Found with", "Missing person", "Missing person"]
    assert [e["suspected"] for e in sorted(subgraph.edges, key=lambda e: e["label"])] == [
        True,
        True,
        False,
        False,
    ]
    assert "Rosa" not in response.content.decode()
    # The default stays compact: people joined directly.
    compact = client.get(url, {"hops": 2}).context["subgraph"]
    assert not [n for n in compact.nodes if n["kind"] == "event"] and len(compact.edges) == 2


def test_the_export_with_events_as_nodes(client_for, world):
    client = signed_in(client_for, "analyst")
    nodes = client.get(reverse("network:export", args=["nodes"]), {"events": 1})
    rows = list(csv.DictReader(io.StringIO(nodes.content.decode())))
    assert sum(r["Kind"] == "Event" for r in rows) == 2
    edges = client.get(reverse("network:export", args=["edges"]), {"events": 1})
    rows = list(csv.DictReader(io.StringIO(edges.content.decode())))
    assert len(rows) == 4 and all(r["Source kind"] == "Event" for r in rows)
    assert sorted(r["Label"] for r in rows) == [
        "Found with",
        "Found with",
        "Missing person",
        "Missing person",
    ]
    exported = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert exported.detail["events_as_nodes"] is True


def found_at(feed, record, postcode: str, days_ago: int):
    InvolvementFactory(
        source_record=record,
        person=record.person,
        role="missing_person",
        event__feed=feed,
        event__import_batch=record.import_batch,
        event__event_type=EventType.MISSING_EPISODE,
        event__occurred_at=world_now() - days_ago * DAY,
        event__details={"found_postcode": postcode},
    )


def world_now():
    from django.utils import timezone

    return timezone.now()


@pytest.fixture
def cuckooed(world, feeds):
    """A restricted tenant recorded as a victim at home (SN8 8AA), where Jade, Kai and the
    restricted Rosa were each found; and Rosa's own home (SN7 7RR), which only her record
    names."""
    police = feeds["wiltshire-police"]
    tenant = PersonFactory(
        display_name="Tina Tenant", date_of_birth=datetime.date(1960, 1, 1), restricted=True
    )
    tenant.allowed_users.add(*world["rosa"].allowed_users.all())
    home = record_for(tenant, police, postcode="SN8 8AA")
    together(police, EventType.INCIDENT, 5, (home, "victim"))
    for number, name in enumerate(("jade", "kai", "rosa")):
        found_at(police, world[name].source_records.first(), "SN8 8AA", 10 + number)
    record_for(world["rosa"], police, postcode="SN7 7RR")
    return build_network().run


def address_row(client, postcode):
    rows = client.get(reverse("network:graph")).context["concerns"]["address"]
    return next((r for r in rows if r["label"] == postcode), None)


def test_a_restricted_persons_records_are_withheld_from_the_address_list(
    client_for, world, cuckooed
):
    analyst = address_row(signed_in(client_for, "analyst"), "SN8 8AA")
    # Jade and Kai count; Rosa is withheld, and so is the cuckooing: it rests on the
    # restricted tenant's home record.
    assert analyst["young_people"] == 2 and analyst["withheld"] == 1
    assert "1 more withheld" in analyst["reason"]
    assert "cuckooing" not in analyst["reason"] and "victim" not in analyst["reason"]
    named = address_row(signed_in(client_for, "named_user"), "SN8 8AA")
    assert named["young_people"] == 3 and named["withheld"] == 0
    assert "possible cuckooing" in named["reason"]


def test_a_restricted_persons_home_is_withheld_from_the_graph(client_for, world, cuckooed):
    home = Node.objects.get(run=cuckooed, key="ad SN7 7RR").index
    analyst = signed_in(client_for, "analyst")
    nodes = analyst.get(reverse("network:export", args=["nodes"]))
    exported = {r["Label"] for r in csv.DictReader(io.StringIO(nodes.content.decode()))}
    assert "SN7 7RR" not in exported and "SN8 8AA" in exported
    assert analyst.get(reverse("network:expand", args=[cuckooed.pk, home])).status_code == 403
    # Nor is there a path to it: it is no node for them.
    jade = Node.objects.get(run=cuckooed, person=world["jade"]).index
    path = analyst.get(reverse("network:path", args=[cuckooed.pk]), {"from": jade, "to": home})
    assert path.status_code == 404
    named = signed_in(client_for, "named_user")
    rosa = named.get(reverse("network:person", args=[world["rosa"].pk]))
    assert "SN7 7RR" in {n["label"] for n in rosa.context["subgraph"].nodes}
    assert named.get(reverse("network:expand", args=[cuckooed.pk, home])).status_code == 200
