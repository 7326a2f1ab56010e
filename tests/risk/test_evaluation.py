"""The measures behind `score --evaluate`, on cases worked out by hand."""

import datetime
import math

import numpy as np
import pandas as pd
import pytest

from safeguarding.risk.evaluation import (
    PERSON_DATE_COLUMNS,
    BoundDay,
    Comparison,
    Truth,
    average_precision,
    bounds,
    bounds_report,
    lead_times,
    measure,
    roc_auc,
    tracker_person_dates,
    warnings_before_crises,
)


def test_roc_auc_counts_the_pairs_ranked_right_and_halves_ties():
    labels = np.array([True, False, True, False])
    assert roc_auc(np.array([4.0, 3.0, 2.0, 1.0]), labels) == pytest.approx(0.75)
    assert roc_auc(np.array([1.0, 1.0, 1.0, 1.0]), labels) == pytest.approx(0.5)
    assert roc_auc(np.array([9.0, 0.0, 8.0, 1.0]), labels) == pytest.approx(1.0)


def test_average_precision_is_the_mean_precision_at_each_true_case():
    scores = np.array([4.0, 3.0, 2.0, 1.0])
    labels = np.array([True, False, True, False])
    assert average_precision(scores, labels) == pytest.approx((1 / 1 + 2 / 3) / 2)


@pytest.fixture
def truth() -> Truth:
    born = pd.Timestamp("2011-01-01")
    people = pd.DataFrame(
        {
            "true_id": ["A", "B", "C", "D"],
            "date_of_birth": [born] * 3 + [pd.Timestamp("2000-01-01")],  # D is an adult
            "sex": ["female", "male", "female", "male"],
            "ethnicity": ["White", "White", "Asian", "White"],
        }
    )
    victims = pd.DataFrame(
        {
            "true_id": ["A", "B"],
            "onset": [pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01")],
            "crisis_date": [pd.Timestamp("2025-06-01"), pd.NaT],
            "exposure_end": [pd.Timestamp("2025-07-31"), pd.Timestamp("2026-10-31")],
        }
    )
    # Linked people 1 and 2 both hold A's records (under-linking); 3 is C.
    return Truth(people=people, victims=victims, person_to_true=pd.Series({1: "A", 2: "A", 3: "C"}))


def test_measures_carry_scores_to_true_people_and_count_who_is_at_risk_then(truth):
    assessments = pd.DataFrame(
        {"person_id": [1, 2, 3], "score": [2.0, 9.0, 5.0], "level": ["low", "high", "medium"]}
    )
    result = measure(datetime.date(2025, 3, 1), assessments, truth)
    assert result.population == 3  # the adult is not in it
    assert result.positives == 1  # A; B's exploitation has not begun
    assert result.flagged == 2
    assert result.precision_at[25] == pytest.approx(1 / 3)
    assert result.recall == 1.0
    assert result.roc_auc == 1.0  # A (9) above C (5) and B (0)
    assert result.flag_rate_by_sex == {"female": 1.0, "male": 0.0}


def scores(by_person: dict) -> pd.DataFrame:
    return pd.DataFrame(
        {"person_id": list(by_person), "score": list(by_person.values()), "level": "low"}
    )


def test_lead_time_is_from_first_reaching_the_top_to_the_crisis(truth):
    ranked = {
        datetime.date(2025, 2, 1): scores({3: 1.0}),
        datetime.date(2025, 3, 1): scores({2: 5.0, 3: 1.0}),
        datetime.date(2025, 9, 1): scores({2: 5.0}),
    }
    leads, crises = lead_times(ranked, truth, top=1)
    assert crises == 1
    assert leads == [(datetime.date(2025, 6, 1) - datetime.date(2025, 3, 1)).days]


def levels(by_person: dict) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_id": list(by_person),
            "score": [5.0] * len(by_person),
            "level": list(by_person.values()),
        }
    )


def test_a_warning_is_a_medium_or_high_level_after_onset_and_before_the_crisis(truth):
    truth = Truth(
        people=truth.people,
        victims=truth.victims,
        person_to_true=truth.person_to_true,
        first_signal=pd.Series({"A": pd.Timestamp("2025-01-20")}),
    )
    assessed = {
        datetime.date(2024, 12, 1): levels({1: "high"}),  # before onset: not a warning
        datetime.date(2025, 2, 1): levels({1: "low"}),
        datetime.date(2025, 3, 1): levels({2: "medium"}),
        datetime.date(2025, 9, 1): levels({}),
    }
    warning = warnings_before_crises(assessed, truth)
    assert (warning.crises, warning.signalled, warning.warned) == (1, 1, 1)
    assert warning.days == [(datetime.date(2025, 6, 1) - datetime.date(2025, 3, 1)).days]
    assert warning.share == 1.0


def test_a_crisis_with_no_sign_before_it_is_counted_apart(truth):
    silent = Truth(
        people=truth.people,
        victims=truth.victims,
        person_to_true=truth.person_to_true,
        first_signal=pd.Series({"A": pd.Timestamp("2025-06-02")}),  # only after the crisis
    )
    assessed = {datetime.date(2025, 2, 1): levels({}), datetime.date(2025, 9, 1): levels({})}
    warning = warnings_before_crises(assessed, silent)
    assert (warning.crises, warning.signalled, warning.warned) == (1, 0, 0)
    assert math.isnan(warning.share)


def test_the_person_dates_kept_for_pooling_are_the_trackers_on_every_date(truth):
    assessments = pd.DataFrame(
        {"person_id": [1, 3], "score": [9.0, 5.0], "level": ["high", "medium"]}
    )
    days = [datetime.date(2025, 3, 1), datetime.date(2026, 3, 1)]
    measures = [measure(day, assessments, truth, top=1) for day in days]
    comparisons = [
        Comparison(name=name, measures=measures, lead_days=[], crises=0)
        for name in ("tracker (all agencies)", "rule: 3+ missing in 90 days")
    ]
    frame = tracker_person_dates(comparisons)
    assert list(frame.columns) == PERSON_DATE_COLUMNS
    assert set(frame["method"]) == {"tracker (all agencies)"}
    assert len(frame) == 2 * 3  # three young people aged 10 to 17 on each of the two dates
    first = frame[frame["as_of"] == days[0]].set_index("true_id")
    assert first.loc["A", "top"] and first.loc["A", "positive"]
    assert not first.loc["C", "top"] and first.loc["C", "flagged"]
    assert not first.loc["B", "positive"]  # B's exploitation begins in 2026
    assert frame[frame["as_of"] == days[1]].set_index("true_id").loc["B", "positive"]


def bound_day_of(scores, labels, signed, features) -> BoundDay:
    return BoundDay(
        scores=np.array(scores, dtype=float),
        labels=np.array(labels, dtype=bool),
        signed=np.array(signed, dtype=bool),
        features=np.array(features, dtype=float),
        true_ids=np.arange(len(scores)),
    )


def test_bounds_rank_those_at_risk_with_a_sign_first_and_leave_the_rest_as_scored():
    # Six young people, two at risk, both ranked below the rest: one signed, one silent.
    day = bound_day_of(
        scores=[5, 4, 3, 2, 1, 0],
        labels=[False, False, False, False, True, True],
        signed=[False, False, False, False, True, False],
        features=[[1, 0], [1, 0], [0, 0], [0, 0], [0, 1], [0, 1]],
    )
    found = bounds([day])
    auc, ap, p50 = found["tracker"]
    assert auc == pytest.approx(roc_auc(day.scores, day.labels)) == 0.0
    assert p50 == pytest.approx(2 / 6)
    # The signed one first: it beats all four not at risk; the silent one still beats none.
    auc, ap, _ = found["signs first"]
    assert auc == pytest.approx((4 + 0) / 8)
    assert ap == pytest.approx((1 / 1 + 2 / 6) / 2)
    # The second item holds exactly those at risk, so weights fitted on the truth rank them
    # first, and so does both.
    for name in ("truth-fitted weights", "both"):
        auc, ap, _ = found[name]
        assert (auc, ap) == (pytest.approx(1.0), pytest.approx(1.0))


def test_bounds_are_means_over_the_dates_and_the_report_counts_who_has_a_sign():
    first = bound_day_of([2, 1], [True, False], [True, False], [[1], [0]])
    second = bound_day_of([1, 2], [True, False], [False, False], [[1], [0]])
    found = bounds([first, second])
    assert found["tracker"][0] == pytest.approx((1.0 + 0.0) / 2)
    assert found["signs first"][0] == pytest.approx((1.0 + 0.0) / 2)
    report = bounds_report([first, second], found)
    assert "1 of 2 person-dates truly at risk have a sign" in report
    line = next(line for line in report.splitlines() if "tracker (expert weights)" in line)
    assert line.split()[-3:] == ["0.500", "0.750", "0.50"]
