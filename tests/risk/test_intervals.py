"""The ROC AUC and its interval from a bootstrap by young person (risk/intervals.py)."""

import numpy as np
import pandas as pd
import pytest

from safeguarding.risk.intervals import auc_interval, weighted_roc_auc


def test_weighted_auc_counts_ties_as_a_half_and_weights_as_copies():
    scores = np.array([3.0, 1.0, 1.0, 0.0])
    labels = np.array([True, True, False, False])
    # Pairs (positive, negative): 3>1, 3>0, 1=1 (a half), 1>0: 3.5 of 4.
    assert weighted_roc_auc(scores, labels, np.ones(4)) == pytest.approx(3.5 / 4)
    # Weight 2 on the tied negative is the same as two copies of it: 3 + (0.5 + 0.5) + 1 = 5
    # of 6 pairs.
    copies = weighted_roc_auc(
        np.array([3.0, 1.0, 1.0, 1.0, 0.0]),
        np.array([True, True, False, False, False]),
        np.ones(5),
    )
    assert weighted_roc_auc(scores, labels, np.array([1, 1, 2, 1.0])) == pytest.approx(copies)
    assert copies == pytest.approx(5 / 6)


def one_date(ranking: list[tuple[str, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(ranking, columns=["true_id", "score", "positive"])


def test_a_perfect_ranking_on_every_date_has_no_spread():
    dates = [
        one_date([("a", 5, True), ("b", 4, True), ("c", 1, False), ("d", 0, False)])
        for _ in range(3)
    ]
    assert auc_interval(dates, draws=100) == pytest.approx((1.0, 1.0))


def test_the_interval_resamples_young_people_not_dates():
    # One exploited young person ranked top, one ranked bottom, on each of 10 dates. Drawn by
    # person, a resample often holds only one of them (AUC 0 or 1); drawn by person-date the
    # 20 cases would average out near 0.5.
    people = [("hi", 9.0, True), ("lo", 0.0, True)]
    people += [(f"n{i}", 1.0 + i / 10, False) for i in range(8)]
    dates = [one_date(people) for _ in range(10)]
    low, high = auc_interval(dates, draws=300, seed=1)
    assert low == pytest.approx(0.0) and high == pytest.approx(1.0)
