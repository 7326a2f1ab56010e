"""Recency windows, levels and hard rules, as-of dates, and what a stored run keeps."""

import datetime

import pytest

from safeguarding.people.models import Event
from safeguarding.risk.catalogue import load_catalogue
from safeguarding.risk.models import IndicatorHit, RiskAssessment, ScoringRun, Trajectory
from safeguarding.risk.services import score_everyone, set_override
from tests.risk.conftest import AS_OF, assessment_of, hits_of

pytestmark = pytest.mark.django_db

CATALOGUE = load_catalogue()


def referral(county, child, *codes, days_before=10):
    return county.event(
        child,
        agency="childrens-social-care",
        event_type="referral",
        days_before=days_before,
        details={"factor_codes": list(codes)},
    )


def test_an_indicator_within_three_months_is_current_and_counts_fully(county):
    child = county.person()
    referral(county, child, "24A", days_before=89)
    hit = hits_of(child)["factor-cce"]
    assert (hit.recency, hit.weight) == ("current", 3.0)


def test_an_indicator_three_to_six_months_ago_is_previous_and_counts_half(county):
    child = county.person()
    referral(county, child, "24A", days_before=120)
    hit = hits_of(child)["factor-cce"]
    assert (hit.recency, hit.weight) == ("previous", 3.0 * CATALOGUE.previous_weight)


def test_nothing_older_than_six_months_counts(county):
    child = county.person()
    referral(county, child, "24A", days_before=200)
    # (Being known to social care still counts as a vulnerability, over two years.)
    assert set(hits_of(child)) == {"child-in-need-or-protection"}


def test_a_current_hit_wins_over_a_previous_one_and_its_evidence_is_the_current_event(county):
    child = county.person()
    referral(county, child, "24A", days_before=150)
    recent = referral(county, child, "24A", days_before=20)
    hit = hits_of(child)["factor-cce"]
    assert hit.recency == "current"
    assert hit.evidence == (recent.pk,)


def test_a_count_must_be_reached_within_one_window(county):
    child = county.person()
    for days in (10, 40, 100, 130):  # two current episodes, two previous ones
        county.event(
            child,
            agency="missing-service",
            event_type="missing_episode",
            role="missing_person",
            days_before=days,
        )
    assert "missing-repeatedly" not in hits_of(child)


def test_events_after_the_as_of_date_are_not_known_then(county):
    child = county.person()
    referral(county, child, "24A", days_before=-3)
    assert hits_of(child) == {}
    assert "factor-cce" in hits_of(child, as_of=AS_OF + datetime.timedelta(days=5))


def test_the_score_adds_the_weights_and_sets_the_level(county):
    child = county.person()
    referral(county, child, "24A", "11A", days_before=5)  # 3 + 3
    referral(county, child, "13A", days_before=100)  # 2, previous: 1
    assessment = assessment_of(child)
    assert assessment.indicator_score == 7.0
    assert assessment.score == 7.0 + assessment.vulnerability_score  # known to social care
    assert assessment.level == assessment.computed_level == "medium"
    referral(county, child, "12A", days_before=6)
    assessment = assessment_of(child)
    assert assessment.indicator_score == 10.0 and assessment.level == "high"
    assert set(assessment.types) == {"cce", "cse", "county_lines", "trafficking"}


def test_no_child_under_13_is_graded_low_while_an_indicator_is_current(county):
    child = county.person(born=datetime.date(2014, 1, 1))  # 12 on the as-of date
    referral(county, child, "10A", days_before=5)  # weight 1: low by score alone
    assessment = assessment_of(child)
    assert (assessment.computed_level, assessment.level) == ("low", "medium")
    assert assessment.rules_applied == "under_age"


def test_the_under_13_rule_needs_a_current_indicator(county):
    child = county.person(born=datetime.date(2014, 1, 1))
    referral(county, child, "24A", days_before=120)  # previous only: 1.5
    assert assessment_of(child).level == "low"


def test_no_child_with_a_learning_disability_is_graded_low_while_an_indicator_is_current(county):
    child = county.person()  # 15
    referral(county, child, "5A", days_before=400)  # recorded long ago: still known
    referral(county, child, "10A", days_before=5)
    assessment = assessment_of(child)
    assert (assessment.level, assessment.rules_applied) == ("medium", "learning_disability")


def test_adults_are_not_on_the_tracker(county):
    adult = county.person(born=datetime.date(2000, 1, 1))
    referral(county, adult, "24A")
    assert assessment_of(adult) is None


def test_a_stored_run_keeps_each_hit_with_the_events_behind_it(county):
    child, other = county.person(), county.person()
    evidence = referral(county, child, "24A", days_before=3)
    county.event(other, agency="education", event_type="exclusion", details={"reason": "DB"})
    summary = score_everyone(as_of=AS_OF)
    assessment = RiskAssessment.objects.get(run=summary.run, person=child)
    assert 3.0 < assessment.score < 3.4 and assessment.vulnerability_score > 0
    assert (assessment.score - assessment.vulnerability_score, assessment.level) == (3.0, "low")
    assert assessment.age == 15
    assert assessment.agencies == ",childrens-social-care,"
    assert assessment.exploitation_types == ",cce,county_lines,"
    hit = IndicatorHit.objects.get(assessment=assessment, indicator_id="factor-cce")
    assert (hit.indicator_id, hit.recency, hit.weight, hit.count) == (
        "factor-cce",
        "current",
        3.0,
        1,
    )
    assert list(hit.evidence.all()) == [evidence]
    assert summary.run.catalogue_version == CATALOGUE.version
    assert RiskAssessment.objects.filter(run=summary.run).count() == 2


def test_scoring_the_same_date_again_replaces_the_run(county):
    child = county.person()
    referral(county, child, "24A")
    score_everyone(as_of=AS_OF)
    score_everyone(as_of=AS_OF)
    assert ScoringRun.objects.count() == 1
    assert RiskAssessment.objects.count() == 1
    assert IndicatorHit.objects.count() == 2  # factor-cce, and known to social care


def test_the_trajectory_compares_with_the_run_before(county):
    rising, falling, steady = county.person(), county.person(), county.person()
    for child in (rising, falling, steady):
        referral(county, child, "24A", days_before=40)
    score_everyone(as_of=AS_OF - datetime.timedelta(days=30))
    referral(county, rising, "12A", days_before=5)
    referral(county, steady, "24A", days_before=-55)  # still current on the later date
    newcomer = county.person()
    referral(county, newcomer, "10A", days_before=5)
    run = score_everyone(as_of=AS_OF + datetime.timedelta(days=60)).run  # 11A goes previous
    trajectory = dict(run.assessments.values_list("person_id", "trajectory"))
    assert trajectory[rising.pk] == Trajectory.RISING
    assert trajectory[falling.pk] == Trajectory.FALLING  # 3, now previous: 1.5
    assert trajectory[steady.pk] == Trajectory.STEADY
    assert trajectory[newcomer.pk] == Trajectory.NEW


def test_an_override_survives_later_scoring(county, cast):
    child = county.person()
    referral(county, child, "10A")
    score_everyone(as_of=AS_OF)
    override = set_override(
        person=child,
        level="high",
        reason="Found with known dealer; police intelligence",
        user=cast["police_panel_member"],
    )
    assert override.computed_level == "low"
    score_everyone(as_of=AS_OF + datetime.timedelta(days=1))
    override.refresh_from_db()
    assert override.active and override.level == "high"
    latest = RiskAssessment.objects.filter(person=child).order_by("-run__as_of").first()
    assert latest.level == "low"  # the computed level is kept beside it, never replaced


def test_an_override_needs_a_reason(county, cast):
    child = county.person()
    with pytest.raises(ValueError, match="reason"):
        set_override(person=child, level="high", reason="  ", user=cast["police_panel_member"])


def test_evidence_points_at_events_still_in_the_database(county):
    child = county.person()
    referral(county, child, "24A")
    score_everyone(as_of=AS_OF)
    evidence_ids = set(IndicatorHit.evidence.through.objects.values_list("event_id", flat=True))
    assert evidence_ids <= set(Event.objects.values_list("pk", flat=True))
