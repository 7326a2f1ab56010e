""" "Places of concern" (places/concern.py, places/signs.py): hand-made cells where the answer
is known — a trap house, a town centre, a children's home — and what the records give as signs."""

import datetime

import numpy as np
import pandas as pd
import pytest

from safeguarding.places.analysis import AnalysisSettings, run_analysis
from safeguarding.places.concern import ConcernRule, away_from_home, places_of_concern
from safeguarding.places.models import AnalysisKind, EventSet, HotspotCell, HotspotRun, Postcode
from safeguarding.places.signs import people_with_signs, sightings
from tests.conftest import state_purpose
from tests.places.conftest import COLUMNS, point_in
from tests.risk.conftest import AS_OF, IN_AREA, County

TRAP_HOUSE, TOWN_CENTRE, CHILDRENS_HOME, QUIET = range(4)
LAST = pd.Timestamp("2026-06-15 20:00")


def _seen(person_id: int, cell: int, *, home: int | None = QUIET, home_east=100, months_ago=0):
    """A young person seen in the middle of `cell`, living in `home` (None: not known)."""
    latitude, longitude = point_in(COLUMNS[cell])
    home_latitude, home_longitude = (
        point_in(COLUMNS[home], east=home_east) if home is not None else (np.nan, np.nan)
    )
    return {
        "person_id": person_id,
        "occurred_at": LAST - pd.DateOffset(months=months_ago),
        "latitude": latitude,
        "longitude": longitude,
        "home_latitude": home_latitude,
        "home_longitude": home_longitude,
    }


def _frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def test_young_people_with_signs_seen_away_from_home_make_a_place_of_concern(cells):
    sightings = _frame(
        # The trap house: two young people with signs, one of them three times, one without.
        _seen(1, TRAP_HOUSE),
        _seen(1, TRAP_HOUSE),
        _seen(1, TRAP_HOUSE),
        _seen(2, TRAP_HOUSE, home=None),  # from out of the area: no home on our records
        _seen(3, TRAP_HOUSE),
        # The town centre: many young people, many events, one of them with a sign.
        *[_seen(10 + n, TOWN_CENTRE) for n in range(12) for _ in range(3)],
        _seen(4, TOWN_CENTRE),
    )
    scored = places_of_concern(cells, sightings, signs={1, 2, 4})
    assert scored["seen"].tolist() == [3, 13, 0, 0]
    assert scored["with_signs"].tolist() == [2, 1, 0, 0]
    assert scored["share"].tolist() == pytest.approx([2 / 3, 1 / 13, 0, 0])
    assert scored["flagged"].tolist() == [True, False, False, False]
    assert scored["rank"].tolist() == [1, 2, 3, 4]


def test_a_childrens_home_is_not_a_place_of_concern_for_the_children_who_live_there(cells):
    # Looked-after children with signs, found back at their placement (their home address, 50 m
    # from where the records place them) again and again: they were found at home.
    at_home = [
        _seen(n, CHILDRENS_HOME, home=CHILDRENS_HOME, home_east=450)
        for n in (1, 2, 3)
        for _ in range(5)
    ]
    scored = places_of_concern(cells, _frame(*at_home), signs={1, 2, 3})
    assert scored["seen"].tolist() == [0, 0, 0, 0]
    assert not scored["flagged"].any()
    # Counted only when the rule is told to keep events at home.
    kept = places_of_concern(
        cells, _frame(*at_home), signs={1, 2, 3}, rule=ConcernRule(away_from_home=0)
    )
    assert kept["flagged"].tolist() == [False, False, True, False]


def test_away_from_home_is_measured_from_the_young_persons_own_home():
    rows = _frame(
        _seen(1, TRAP_HOUSE, home=TRAP_HOUSE, home_east=500 - 199),  # 199 m: at home
        _seen(2, TRAP_HOUSE, home=TRAP_HOUSE, home_east=500 - 200),  # 200 m: away
        _seen(3, TRAP_HOUSE, home=None),  # unknown home: away
    )
    assert away_from_home(rows, within=200).tolist() == [False, True, True]


def test_the_fewest_people_the_share_and_the_months_are_the_rules(cells):
    one = _frame(_seen(1, TRAP_HOUSE), _seen(1, TRAP_HOUSE))
    assert not places_of_concern(cells, one, signs={1})["flagged"].any()  # one young person
    diluted = _frame(
        _seen(1, TRAP_HOUSE), _seen(2, TRAP_HOUSE), *[_seen(n, TRAP_HOUSE) for n in range(3, 11)]
    )
    scored = places_of_concern(cells, diluted, signs={1, 2})
    assert scored["share"][TRAP_HOUSE] == pytest.approx(0.2) and not scored["flagged"].any()
    assert places_of_concern(cells, diluted, signs={1, 2}, rule=ConcernRule(minimum_share=0.2))[
        "flagged"
    ][TRAP_HOUSE]
    # Only the last 12 months count, up to the last sighting.
    old = _frame(_seen(1, TRAP_HOUSE, months_ago=12), _seen(2, TRAP_HOUSE), _seen(9, QUIET))
    assert places_of_concern(cells, old, signs={1, 2})["with_signs"][TRAP_HOUSE] == 1
    every = places_of_concern(cells, old, signs={1, 2}, rule=ConcernRule(months=0))
    assert every["with_signs"][TRAP_HOUSE] == 2 and every["flagged"][TRAP_HOUSE]
    assert places_of_concern(cells, old.iloc[0:0], signs={1})["seen"].tolist() == [0] * 4


@pytest.mark.django_db
def test_analyse_stores_the_places_of_concern_from_the_signs_in_the_records(agencies, client_for):
    county = County(agencies)
    # The trap house is 2 km from the homes (IN_AREA) of the two young people.
    Postcode.objects.create(postcode="SN15 9ZZ", latitude=51.478, longitude=-2.12, in_area=True)
    exploited = [county.person(display_name=f"Child {n}") for n in range(2)]
    for child in exploited:
        home = county.record(child, "missing-service")
        home.postcode = IN_AREA
        home.save()
        for days in (40, 20):
            county.event(
                child,
                agency="missing-service",
                event_type="missing_episode",
                role="missing_person",
                days_before=days,
                hours=6,
                details={"found_postcode": "SN15 9ZZ"},
            )
    county.event(
        exploited[0],
        agency="childrens-social-care",
        event_type="referral",
        details={"factor_codes": ["24A"]},
    )
    county.event(exploited[1], agency="voluntary-sector", event_type="concern_report")
    signs = people_with_signs()
    assert set(zip(signs["person_id"], signs["sign"], strict=True)) == {
        (exploited[0].pk, "exploitation_factor"),
        (exploited[1].pk, "partner_concern"),
    }
    assert len(sightings()) == 4

    run_analysis(settings=AnalysisSettings(permutations=0, months=3))
    run = HotspotRun.objects.get(kind=AnalysisKind.CONCERN)
    assert (
        run.event_set == EventSet.EXPLOITATION and run.parameters["concern"]["minimum_people"] == 2
    )
    (cell,) = HotspotCell.objects.filter(run=run)
    assert (cell.count, cell.score, cell.rank, cell.category) == (2, 1.0, 1, "place_of_concern")
    client = client_for("analyst")
    state_purpose(client)
    answer = client.get(
        "/places/hotspots.json", {"event_set": EventSet.EXPLOITATION, "kind": "concern"}
    ).json()
    (feature,) = answer["features"]
    assert feature["properties"]["cell"] == cell.cell
    assert 'data-testid="concern-legend"' in client.get("/places/").content.decode()


@pytest.mark.django_db
def test_a_past_period_counts_only_the_signs_known_by_its_end(agencies):
    county = County(agencies)
    Postcode.objects.create(postcode="SN15 9ZZ", latitude=51.478, longitude=-2.12, in_area=True)
    for n in range(2):
        child = county.person(display_name=f"Child {n}")
        county.event(
            child,
            agency="missing-service",
            event_type="missing_episode",
            role="missing_person",
            days_before=40,
            hours=6,
            details={"found_postcode": "SN15 9ZZ"},
        )
        # The concern comes after the period analysed.
        county.event(child, agency="voluntary-sector", event_type="concern_report", days_before=5)
    before = AS_OF - datetime.timedelta(days=20)
    run_analysis(settings=AnalysisSettings(permutations=0, months=3, period_end=before))
    run = HotspotRun.objects.get(kind=AnalysisKind.CONCERN)
    assert not HotspotCell.objects.filter(run=run).exists()
    run_analysis(settings=AnalysisSettings(permutations=0, months=3))
    latest = HotspotRun.objects.filter(kind=AnalysisKind.CONCERN).latest("pk")
    (cell,) = HotspotCell.objects.filter(run=latest)
    assert (cell.count, cell.category) == (2, "place_of_concern")
