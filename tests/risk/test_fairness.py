"""Fairness measures on cases worked out by hand (risk/fairness.py)."""

import math

import pandas as pd
import pytest

from safeguarding.risk.fairness import fairness_ratios, group_rates, worst_ratio


def people(group: str, *, count: int, positives: int, false_top: int, flagged: int) -> list:
    rows = []
    for i in range(count):
        positive = i < positives
        rows.append(
            {
                "ethnicity": group,
                "sex": "female" if i % 2 else "male",
                "positive": positive,
                "top": (not positive) and i - positives < false_top,
                "flagged": i < flagged,
            }
        )
    return rows


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        people("White", count=2000, positives=20, false_top=40, flagged=100)
        + people("Black", count=500, positives=5, false_top=40, flagged=60)
        + people("Other", count=30, positives=0, false_top=3, flagged=3)
    )


def test_rates_by_group_count_false_positives_among_those_not_exploited(frame):
    rates = group_rates(frame, "ethnicity")
    assert list(rates.index) == ["White", "Black", "Other"]  # in the ONS order
    assert rates.loc["White", "fpr_top"] == pytest.approx(40 / 1980)
    assert rates.loc["Black", "fpr_top"] == pytest.approx(40 / 495)
    assert rates.loc["White", "flag_rate"] == pytest.approx(100 / 2000)
    assert rates.loc["White", "recall_flag"] == 1.0  # the first 20 (positives) are flagged
    assert math.isnan(rates.loc["Other", "recall_flag"])


def test_the_worst_ratio_leaves_out_groups_too_small_to_compare_and_gives_an_interval(frame):
    rates = group_rates(frame, "ethnicity")
    ratio = worst_ratio(rates, "ethnicity", "fpr_top")
    # Other (30 people, 3 wrongly in the top: 10%) would be worst, but at the overall rate of
    # about 3% it expects under 5 false positives: too few to tell from chance.
    assert (ratio.high, ratio.low) == ("Black", "White")
    assert ratio.ratio == pytest.approx((40 / 495) / (40 / 1980))
    low, high = ratio.interval
    assert low < ratio.ratio < high
    assert low > 2.5 and high < 6


def test_every_attribute_and_measure_is_reported(frame):
    found = {(r.attribute, r.measure) for r in fairness_ratios(frame)}
    assert found == {
        ("ethnicity", "fpr_top"),
        ("ethnicity", "flag_rate"),
        ("sex", "fpr_top"),
        ("sex", "flag_rate"),
    }
