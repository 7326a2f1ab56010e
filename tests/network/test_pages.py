"""The network pages with the cast: what each persona sees, what is withheld, and the audit."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from safeguarding.access.models import AuditAction, AuditEvent, AuditObject
from safeguarding.network.models import Edge
from tests.conftest import state_purpose
from tests.network.conftest import node_of

pytestmark = pytest.mark.django_db


def signed_in(client_for, persona, purpose="casework"):
    client = client_for(persona)
    state_purpose(client, purpose)
    return client


def person_page(client, person, **query):
    return client.get(reverse("network:person", args=[person.pk]), query)


def names(response) -> set[str]:
    return {node["label"] for node in response.context["subgraph"].nodes}


def test_an_analyst_sees_the_network_with_the_restricted_child_withheld(client_for, world):
    client = signed_in(client_for, "analyst")
    response = person_page(client, world["jade"], hops=2)
    assert response.status_code == 200
    assert names(response) == {"Jade Example", "Mark Adult", "Kai Example"}
    subgraph = response.context["subgraph"]
    assert subgraph.withheld_people == 1 and subgraph.withheld_edges == 1
    html = response.content.decode()
    assert "Rosa" not in html
    assert "1 person and 1 connection withheld" in html
    assert "Found in company of (suspected association)" in html
    event = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type=AuditObject.NETWORK
    ).get()
    assert (event.username, event.object_id) == ("analyst", str(world["jade"].pk))
    assert event.purpose.startswith("Casework")
    assert event.detail["withheld"] == 1


def test_the_named_user_sees_the_restricted_child(client_for, world):
    response = person_page(signed_in(client_for, "named_user"), world["jade"])
    assert "Rosa Restricted" in names(response)
    assert response.context["subgraph"].withheld_people == 0


def test_a_voluntary_sector_member_sees_only_the_young_person_the_panel_discusses(
    client_for, world
):
    client = signed_in(client_for, "voluntary_panel_member")
    response = person_page(client, world["jade"], hops=2)
    assert response.status_code == 200
    assert names(response) == {"Jade Example"}
    assert response.context["subgraph"].edges == []
    assert response.context["subgraph"].withheld_people == 3  # Mark, Rosa and Kai
    html = response.content.decode()
    assert "Mark" not in html and "Rosa" not in html
    # Expanding Mark from the page's data is refused as Mark is not on the agenda.
    refused = client.get(reverse("network:expand", args=[world["run"].pk, node_of(world, "mark")]))
    assert refused.status_code == 403
    # The edge between Jade and Mark stays withheld on its own page too.
    jade, mark = node_of(world, "jade"), node_of(world, "mark")
    edge = Edge.objects.get(source=min(jade, mark), target=max(jade, mark))
    assert client.get(reverse("network:edge", args=[edge.pk])).status_code == 403


def test_the_records_behind_an_edge_and_a_withheld_one(client_for, world):
    client = signed_in(client_for, "analyst")
    jade, mark, rosa = (node_of(world, n) for n in ("jade", "mark", "rosa"))
    found_with = Edge.objects.get(source=min(jade, mark), target=max(jade, mark))
    page = client.get(reverse("network:edge", args=[found_with.pk]))
    assert page.status_code == 200
    records = page.context["items"]
    assert len(records) == 1 and records[0]["roles"] == ["missing_person", "found_with"]
    assert "Suspected association" in page.content.decode()

    missing_together = Edge.objects.get(source=min(jade, rosa), target=max(jade, rosa))
    assert client.get(reverse("network:edge", args=[missing_together.pk])).status_code == 403
    refusal = AuditEvent.objects.filter(action=AuditAction.REFUSED).latest("pk")
    assert refusal.object_id == f"edge {missing_together.pk}"
    named = signed_in(client_for, "named_user")
    assert named.get(reverse("network:edge", args=[missing_together.pk])).status_code == 200


def test_expanding_a_node_and_filtering_by_date(client_for, world):
    client = signed_in(client_for, "analyst")
    url = reverse("network:expand", args=[world["run"].pk, node_of(world, "mark")])
    expanded = client.get(url).json()
    assert {n["label"] for n in expanded["nodes"]} == {"Mark Adult", "Jade Example", "Kai Example"}
    # Only records from the last 45 days: Mark was found with Kai 60 days ago.
    from_day = (world["run"].computed_at.date()).fromordinal(
        world["run"].computed_at.date().toordinal() - 45
    )
    recent = client.get(url, {"from": from_day.isoformat()}).json()
    assert {n["label"] for n in recent["nodes"]} == {"Mark Adult", "Jade Example"}


def test_paths_shortest_and_in_time_order(client_for, world):
    client = signed_in(client_for, "analyst")
    url = reverse("network:path", args=[world["run"].pk])
    jade, mark, kai = (node_of(world, n) for n in ("jade", "mark", "kai"))
    forward = client.get(url, {"from": jade, "to": kai}).json()
    assert forward["shortest"] == [f"n{jade}", f"n{mark}", f"n{kai}"]
    # Mark met Kai (60 days ago) before he met Jade (30 days ago): nothing passed from Jade
    # to Kai in time order, but it could have from Kai to Jade.
    assert forward["timed"] == []
    backward = client.get(url, {"from": kai, "to": jade}).json()
    assert [step["to"] for step in backward["timed"]] == [f"n{mark}", f"n{jade}"]
    # A path to a restricted child is not found for those who may not open them.
    rosa = node_of(world, "rosa")
    assert client.get(url, {"from": jade, "to": rosa}).status_code == 404


def test_the_overview_lists_the_adult_of_concern(client_for, world):
    response = signed_in(client_for, "analyst").get(reverse("network:graph"))
    adults = response.context["concerns"]["adult"]
    assert [a["label"] for a in adults] == ["Mark Adult"]
    assert adults[0]["young_people"] == 2
    community = response.context["communities"][0]["community"]
    page = signed_in(client_for, "analyst").get(
        reverse("network:community", args=[world["run"].pk, community])
    )
    assert page.status_code == 200


def test_the_exports_leave_out_what_the_user_may_not_see(client_for, world):
    client = signed_in(client_for, "analyst")
    nodes = client.get(reverse("network:export", args=["nodes"]))
    rows = list(csv.DictReader(io.StringIO(nodes.content.decode())))
    assert {r["Label"] for r in rows} == {"Jade Example", "Kai Example", "Mark Adult"}
    edges = client.get(reverse("network:export", args=["edges"]))
    rows = list(csv.DictReader(io.StringIO(edges.content.decode())))
    assert len(rows) == 2 and {r["Type"] for r in rows} == {"Undirected"}
    assert all(r["Suspected"] == "yes" for r in rows)
    exported = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type=AuditObject.NETWORK)
    assert exported.count() == 2


def test_the_command_line_export_writes_links_and_nodes(world, tmp_path):
    target = tmp_path / "network.csv"
    call_command("export", "network", str(target), verbosity=0)
    links = list(csv.DictReader(target.open(encoding="utf-8")))
    nodes = list(csv.DictReader((tmp_path / "network-nodes.csv").open(encoding="utf-8")))
    assert len(links) == 3  # the command line writes the whole graph, Rosa's link too
    assert "Rosa Restricted" in {n["Label"] for n in nodes}
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type=AuditObject.NETWORK, username="command line"
    ).exists()


def test_the_command_line_export_with_events_as_nodes(world, tmp_path):
    target = tmp_path / "network.csv"
    call_command("export", "network", str(target), "--events", verbosity=0)
    links = list(csv.DictReader(target.open(encoding="utf-8")))
    # Three events joined people (Rosa's too: the command line writes the whole graph), two
    # people each.
    assert len(links) == 6 and {r["Source kind"] for r in links} == {"Event"}
    nodes = list(csv.DictReader((tmp_path / "network-nodes.csv").open(encoding="utf-8")))
    assert sum(n["Kind"] == "Event" for n in nodes) == 3
