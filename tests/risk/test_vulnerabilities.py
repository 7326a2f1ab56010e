"""Vulnerabilities: each from the records, weighted below any indicator, fading with time and
capped together, so young people without a recent indicator are still ranked."""

import pytest

from safeguarding.people.models import SourceRecord
from safeguarding.risk.catalogue import load_catalogue
from tests.risk.conftest import IN_AREA, assessment_of, hits_of
from tests.risk.test_indicators import CARE, MISSING, POLICE, SCHOOL, event, referral

pytestmark = pytest.mark.django_db


def away_from_placement(county, child):
    event(
        MISSING,
        "missing_episode",
        "missing_person",
        details={"missing_kind": "away_from_placement"},
    )(county, child)


CASES = {
    "looked-after": (
        event(CARE, "looked_after_episode"),
        event(CARE, "looked_after_episode", days_before=800),  # over two years ago
    ),
    "away-from-placement": (
        away_from_placement,
        event(MISSING, "missing_episode", "missing_person", details={"missing_kind": "missing"}),
    ),
    "child-in-need-or-protection": (
        referral("21"),
        event(CARE, "referral", role="reporter"),
    ),
    "excluded-from-school": (
        event(SCHOOL, "exclusion", days_before=300),
        event(SCHOOL, "exclusion", days_before=400),
    ),
    "persistent-absence": (
        event(SCHOOL, "attendance", details={"possible_sessions": 70, "sessions_attended": 60}),
        event(SCHOOL, "attendance", details={"possible_sessions": 70, "sessions_attended": 66}),
    ),
    "special-educational-needs": (referral("5A"), referral("5B")),
    "abuse-or-substance-misuse-at-home": (referral("3B"), referral("4A")),
    "previously-missing": (
        event(MISSING, "missing_episode", "missing_person", days_before=500),
        event(MISSING, "missing_episode", "missing_person", days_before=800),
    ),
    "peer-exploited": (
        lambda county, child: with_peer(county, child, exploited=True),
        lambda county, child: with_peer(county, child, exploited=False),
    ),
    "school-exploited": (
        lambda county, child: at_school_with(county, child, exploited_pupils=2),
        lambda county, child: at_school_with(county, child, exploited_pupils=1),
    ),
}


def at_school_with(county, child, *, exploited_pupils: int):
    """The child at a school where that many other pupils' CCE is recorded (factor 24A)."""
    at_school = event(SCHOOL, "attendance", details={"school_urn": "100001"})
    at_school(county, child)
    for _ in range(exploited_pupils):
        pupil = county.person()
        at_school(county, pupil)
        referral("24A")(county, pupil)


def with_peer(county, child, *, exploited: bool):
    """The child found with another young person, whose CCE may be recorded."""
    peer = county.person()
    county.event(
        peer,
        agency=POLICE,
        event_type="incident",
        role="missing_person",
        others=[(child, "found_with")],
    )
    if exploited:
        referral("24A")(county, peer)


def test_every_vulnerability_has_a_documented_source_and_weighs_less_than_any_indicator():
    catalogue = load_catalogue()
    assert {v.id for v in catalogue.vulnerabilities} == set(CASES) | {"sibling-exploited"}
    lightest_indicator = min(i.weight for i in catalogue.signs)
    for vulnerability in catalogue.vulnerabilities:
        assert len(vulnerability.source) > 40
        assert vulnerability.weight < lightest_indicator
    assert catalogue.vulnerability_cap < catalogue.medium


@pytest.mark.parametrize("vulnerability_id", sorted(CASES))
def test_the_vulnerability_is_found_in_the_records(county, vulnerability_id):
    child = county.person()
    CASES[vulnerability_id][0](county, child)
    hit = hits_of(child).get(vulnerability_id)
    assert hit is not None, f"{vulnerability_id} was not hit"
    assert hit.part == "vulnerability"
    assert 0 < hit.weight <= load_catalogue().indicator(vulnerability_id).weight
    assert len(hit.evidence) >= 1


@pytest.mark.parametrize("vulnerability_id", sorted(CASES))
def test_the_vulnerability_is_not_found_in_a_near_miss(county, vulnerability_id):
    child = county.person()
    CASES[vulnerability_id][1](county, child)
    assert vulnerability_id not in hits_of(child)


def test_a_sibling_with_exploitation_recorded_counts_without_showing_their_records(county):
    child = county.person(display_name="Amy Carter")
    sibling = county.person(display_name="Ben Carter")
    stranger = county.person(display_name="Cal Jones")
    event(SCHOOL, "exclusion")(county, child)
    event(SCHOOL, "exclusion")(county, stranger)
    referral("11A")(county, sibling)
    SourceRecord.objects.update(postcode=IN_AREA)
    hit = hits_of(child).get("sibling-exploited")
    assert hit is not None
    assert hit.evidence == ()  # the sibling's referral is theirs, not this child's
    assert "sibling-exploited" not in hits_of(stranger)
    assert "sibling-exploited" not in hits_of(sibling)


@pytest.mark.parametrize(("days_before", "counts"), [(250, True), (400, False)])
def test_a_relative_s_exploitation_counts_over_the_relation_s_year_not_six_months(
    county, days_before, counts
):
    """sibling-exploited and peer-exploited look back a year (lookback_days = 365) for the
    other child's exploitation, though its indicators count as signs for six months only."""
    child = county.person(display_name="Amy Carter")
    sibling = county.person(display_name="Ben Carter")
    event(SCHOOL, "exclusion")(county, child)
    event(CARE, "referral", details={"factor_codes": ["11A"]}, days_before=days_before)(
        county, sibling
    )
    SourceRecord.objects.update(postcode=IN_AREA)
    assert ("sibling-exploited" in hits_of(child)) is counts


def test_vulnerabilities_fade_order_by_recency_and_never_flag_alone(county):
    recent, older, loaded = county.person(), county.person(), county.person()
    absent = {"possible_sessions": 70, "sessions_attended": 60}  # 86%: not an indicator
    event(SCHOOL, "attendance", days_before=20, details=absent)(county, recent)
    event(SCHOOL, "attendance", days_before=200, details=absent)(county, older)
    # Every vulnerability at once, and no indicator (all older than six months or too mild).
    for make in (
        event(CARE, "looked_after_episode"),
        referral("3B", "21"),
        event(SCHOOL, "attendance", details={"possible_sessions": 70, "sessions_attended": 60}),
        event(MISSING, "missing_episode", "missing_person", days_before=400),
        event(
            MISSING,
            "missing_episode",
            "missing_person",
            days_before=200,
            details={"missing_kind": "away_from_placement"},
        ),
    ):
        make(county, loaded)
    first, second = assessment_of(recent), assessment_of(older)
    assert first.score > second.score > 0  # no tie: the more recent counts for more
    assert first.level == second.level == "low"
    assert first.indicator_score == 0 and first.vulnerability_score == first.score
    heavy = assessment_of(loaded)
    catalogue = load_catalogue()
    assert heavy.vulnerability_score == pytest.approx(catalogue.vulnerability_cap)
    assert heavy.level == "low"  # below medium, however many vulnerabilities
    assert heavy.current_indicators == 0


def test_an_episode_away_from_placement_is_a_vulnerability_not_a_missing_indicator(county):
    # The missing service records the episode as away from placement (whereabouts known); the
    # police report the same episode with no kind. Neither report counts as missing.
    away, missing_child = county.person(), county.person()
    for day in (5, 25, 45):
        away_from_placement_on(county, away, day)
        county.event(
            away,
            agency=POLICE,
            event_type="missing_episode",
            role="missing_person",
            days_before=day,
        )
        event(
            MISSING,
            "missing_episode",
            "missing_person",
            days_before=day,
            details={"missing_kind": "missing"},
        )(county, missing_child)
    hits = hits_of(away)
    assert "away-from-placement" in hits
    assert not {"missing-episode", "missing-repeatedly", "return-interview-declined"} & set(hits)
    assert {"missing-episode", "missing-repeatedly"} <= set(hits_of(missing_child))


def away_from_placement_on(county, child, days_before):
    event(
        MISSING,
        "missing_episode",
        "missing_person",
        days_before=days_before,
        details={"missing_kind": "away_from_placement"},
    )(county, child)
