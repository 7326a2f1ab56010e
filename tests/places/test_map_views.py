"""The map's data through the gate: who sees counts, who sees single episodes, what is audited."""

import pytest
from django.contrib.auth.models import Permission

from safeguarding.access.models import AuditEvent
from safeguarding.places.analysis import AnalysisSettings, run_analysis
from safeguarding.places.models import EventSet
from tests.conftest import state_purpose
from tests.factories import UserFactory
from tests.risk.conftest import IN_AREA, OUT_OF_AREA, County

pytestmark = pytest.mark.django_db


@pytest.fixture
def found_twice(agencies):
    county = County(agencies)
    child = county.person(display_name="Kai Example")
    restricted = county.person(display_name="Ria Example", restricted=True)
    for who, days in ((child, 30), (child, 10), (restricted, 12)):
        county.event(
            who,
            agency="missing-service",
            event_type="missing_episode",
            role="missing_person",
            days_before=days,
            hours=5,
            details={"found_postcode": IN_AREA, "return_interview_offered": "yes"},
        )
    county.event(
        child,
        agency="missing-service",
        event_type="missing_episode",
        role="missing_person",
        days_before=3,
        details={"found_postcode": OUT_OF_AREA},
    )
    run_analysis(settings=AnalysisSettings(permutations=0, months=3))
    return child


def test_an_analyst_sees_each_found_place_but_not_the_restricted_childs(client_for, found_twice):
    client = client_for("analyst")
    state_purpose(client)
    found = client.get("/places/found.json").json()["features"]
    assert sorted(f["properties"]["postcode"] for f in found) == sorted(
        [IN_AREA, IN_AREA, OUT_OF_AREA]
    )
    assert AuditEvent.objects.filter(username="analyst", detail__episodes=3).exists()
    hotspots = client.get("/places/hotspots.json", {"event_set": EventSet.MISSING_FOUND}).json()
    (cell,) = hotspots["features"]  # the in-area found place: one cell, three episodes
    assert cell["properties"]["count"] == 3
    assert hotspots["run"]["events"] == 3 and hotspots["run"]["permutations"] == 0
    answer = client.get("/places/cell.json", {"cell": cell["properties"]["cell"]}).json()
    assert answer["count"] == 3 and len(answer["events"]) == 3
    # the restricted child's episode is counted but names no one
    people = [p for event in answer["events"] for p in event["people"]]
    assert people == [f"/people/{found_twice.pk}/"] * 2


def test_without_need_to_know_counts_are_cells_and_small_ones_suppressed(client, found_twice):
    viewer = UserFactory(username="map-only")
    viewer.user_permissions.add(Permission.objects.get(codename="view_hotspotrun"))
    client.force_login(viewer)
    state_purpose(client)
    found = client.get("/places/found.json").json()["features"]
    assert {f["properties"]["count"] for f in found} == {"fewer than 5"}
    assert all(f["geometry"]["type"] == "Polygon" for f in found)
    hotspots = client.get("/places/hotspots.json").json()["features"]
    answer = client.get("/places/cell.json", {"cell": hotspots[0]["properties"]["cell"]}).json()
    assert answer["count"] == "fewer than 5" and "events" not in answer


def test_the_map_asks_why_and_refuses_those_without_the_permission(client_for, found_twice):
    client = client_for("analyst")
    assert client.get("/places/").status_code == 302  # the purpose question first
    state_purpose(client)
    page = client.get("/places/")
    assert page.status_code == 200 and b"places-map" in page.content
    assert client_for("outsider").get("/places/hotspots.json").status_code == 403
    client = client_for("analyst")
    state_purpose(client)
    assert client.get("/places/hotspots.json", {"event_set": "nothing"}).status_code == 404
    assert client.get("/places/cell.json", {"cell": "x; drop"}).status_code == 404


def test_the_recent_places_layer_and_its_table(client_for, found_twice):
    client = client_for("analyst")
    state_purpose(client)
    answer = client.get(
        "/places/hotspots.json", {"event_set": EventSet.MISSING_FOUND, "kind": "recent"}
    ).json()
    (feature,) = answer["features"]  # three in-area episodes, found in one cell
    properties = feature["properties"]
    assert (properties["rank"], properties["category"], properties["count"]) == (1, "look_next", 3)
    assert 1.5 < properties["score"] <= 3  # each weighs at most 1, halving every 3 months
    assert feature["geometry"]["type"] == "Polygon"
    assert answer["run"]["events"] == 3
    page = client.get("/places/").content.decode()
    assert "Where to look next: recent places" in page
    assert "scored on the following quarter" in page.lower() or "Scored on the following" in page
    assert 'data-testid="look-next-table"' in page and properties["cell"] in page
