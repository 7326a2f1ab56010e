"""Area profiles per 1,000 young people: the population table, the rates, who sees them; and the
hot spots' "away from home" rule."""

import pytest
from django.contrib.auth.models import Permission

from safeguarding.places.analysis import AnalysisSettings, run_analysis
from safeguarding.places.events import event_points
from safeguarding.places.models import Area, AreaKind, EventSet, HotspotRun, Postcode
from safeguarding.places.population import PopulationError, load_population
from safeguarding.places.queries import community_area_profiles, per_1000
from tests.conftest import state_purpose
from tests.factories import UserFactory
from tests.risk.conftest import IN_AREA, County

pytestmark = pytest.mark.django_db

SMALL_AREA = "E01900100"
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[-2.13, 51.45], [-2.11, 51.45], [-2.11, 51.47], [-2.13, 51.47], [-2.13, 51.45]]
    ],
}
AWAY = "SN15 9ZZ"  # in the area, about 1.4 km from IN_AREA


def ons_table(path, rows: dict[str, int]) -> None:
    """An ONS-shaped small-area estimate: every single year of age, female and male, 0 to 90+,
    `per_age` people of each."""
    ages = [f"{sex}{age}" for sex in "FM" for age in range(91)]
    lines = [",".join(["LSOA 2021 Code", "LSOA 2021 Name", "Total", *ages])]
    for code, per_age in rows.items():
        lines.append(",".join([code, f"{code} name", str(per_age * 182), *[str(per_age)] * 182]))
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def areas():
    town = Area.objects.create(
        code="ca-chippenham", name="Chippenham", kind=AreaKind.COMMUNITY_AREA
    )
    for code in (SMALL_AREA, "E01900101"):
        Area.objects.create(code=code, name=code, kind=AreaKind.LSOA, parent=town, boundary=SQUARE)
    return town


def test_the_ons_table_gives_each_small_area_its_residents_aged_0_to_17(tmp_path, areas):
    ons_table(tmp_path / "population.csv", {SMALL_AREA: 10, "E01900101": 5, "E09999999": 1})
    assert load_population(tmp_path / "population.csv") == 2  # the third is not ours
    young = dict(Area.objects.values_list("code", "young_people"))
    # 18 ages (0 to 17) × 2 sexes × 10 people, and the community area the sum of its two
    assert young == {SMALL_AREA: 360, "E01900101": 180, "ca-chippenham": 540}
    ons_table(tmp_path / "population.csv", {SMALL_AREA: 10})
    load_population(tmp_path / "population.csv")
    young = dict(Area.objects.values_list("code", "young_people"))
    assert young == {SMALL_AREA: 360, "E01900101": None, "ca-chippenham": None}


def test_a_table_without_ages_or_codes_is_refused_with_its_name(tmp_path, areas):
    path = tmp_path / "population.csv"
    path.write_text("small_area,all_ages\nE01900100,900\n")
    with pytest.raises(PopulationError, match="neither a young_people column"):
        load_population(path)
    path.write_text("area,young_people\nE01900100,900\n")
    with pytest.raises(PopulationError, match="no small area code column"):
        load_population(path)
    path.write_text("small_area,young_people\nE01900100,many\n")
    with pytest.raises(PopulationError, match="line 2"):
        load_population(path)


def test_rates_are_per_1000_young_people_and_none_without_a_population():
    row = {"high": 2, "medium": 3, "low": 5, "missing_episodes": 8, "young_people": 400}
    assert per_1000(row) == {
        "high_per_1000": 5.0,
        "medium_per_1000": 7.5,
        "on_tracker_per_1000": 25.0,
        "missing_episodes_per_1000": 20.0,
    }
    assert set(per_1000({**row, "young_people": None}).values()) == {None}
    rows = [
        {**row, "community_area": "Calne", "young_people": 100},
        {**row, "community_area": "Devizes", "young_people": 1000},
        {**row, "community_area": "Devizes", "young_people": 1000},
    ]
    calne, devizes = community_area_profiles(rows)  # highest rate on the tracker first
    assert (calne["name"], calne["on_tracker_per_1000"]) == ("Calne", 100.0)
    assert (devizes["young_people"], devizes["missing_episodes"]) == (2000, 16)
    assert devizes["on_tracker_per_1000"] == 10.0


@pytest.fixture
def missing_from_home(agencies, areas, tmp_path):
    """A child living at IN_AREA, found at home twice and once 1.4 km away."""
    county = County(agencies)
    Postcode.objects.create(
        postcode=AWAY, latitude=51.46, longitude=-2.1, in_area=True, small_area=SMALL_AREA
    )
    child = county.person(display_name="Kai Example")
    for days, found in ((40, IN_AREA), (20, IN_AREA), (5, AWAY)):
        county.event(
            child,
            agency="missing-service",
            event_type="missing_episode",
            role="missing_person",
            days_before=days,
            hours=5,
            details={"found_postcode": found},
        )
    child.source_records.update(postcode=IN_AREA)
    (tmp_path / "population.csv").write_text(
        f"small_area,young_people\n{SMALL_AREA},400\nE01900101,600\n"
    )
    load_population(tmp_path / "population.csv")
    return child


def test_away_from_home_leaves_out_the_child_found_at_home(missing_from_home):
    assert len(event_points(event_set=EventSet.MISSING_FOUND)) == 3
    (away,) = event_points(event_set=EventSet.MISSING_FOUND, away_from_home=200).itertuples()
    assert (round(away.latitude, 2), round(away.longitude, 2)) == (51.46, -2.1)
    run_analysis(
        settings=AnalysisSettings(
            permutations=0, months=3, away_from_home=200, event_sets=(EventSet.MISSING_FOUND,)
        )
    )
    run = HotspotRun.objects.get(kind="hotspots", unit="grid")
    assert (run.events, run.parameters["away_from_home"]) == (1, 200)


def test_areas_by_risk_give_rates_per_1000_and_hide_small_ones(
    client_for, client, missing_from_home
):
    analyst = client_for("analyst")
    state_purpose(analyst)
    answer = analyst.get("/places/areas.json").json()
    area = next(
        f["properties"] for f in answer["features"] if f["properties"]["code"] == SMALL_AREA
    )
    assert (area["young_people"], area["missing_episodes"]) == (400, 3)
    assert area["missing_episodes_per_1000"] == 7.5
    (chippenham,) = answer["community_areas"]
    assert (chippenham["young_people"], chippenham["missing_episodes_per_1000"]) == (1000, 3.0)

    viewer = UserFactory(username="map-only")
    viewer.user_permissions.add(Permission.objects.get(codename="view_hotspotrun"))
    client.force_login(viewer)
    state_purpose(client)
    answer = client.get("/places/areas.json").json()
    area = next(
        f["properties"] for f in answer["features"] if f["properties"]["code"] == SMALL_AREA
    )
    assert area["missing_episodes"] == "fewer than 5"
    assert area["missing_episodes_per_1000"] is None  # a rate would give the small count away
