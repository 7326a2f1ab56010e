"""Fairness measures on cases worked out by hand (risk/fairness.py)."""

import math

import numpy as np
import pandas as pd
import pytest

from safeguarding.risk.fairness import (
    UNBOUNDED,
    chance_ratio,
    fairness_ratios,
    group_rates,
    interval_of,
    pair_interval,
    person_bootstrap,
    worst_ratio,
)


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


def person_dates(group: str, person: str, *, dates: int, in_top: int) -> list:
    """One young person, not exploited, on `dates` dates, in the top on `in_top` of them."""
    return [
        {
            "true_id": person,
            "ethnicity": group,
            "sex": "female",
            "positive": False,
            "top": d < in_top,
            "flagged": False,
        }
        for d in range(dates)
    ]


def test_the_bootstrap_by_person_has_no_spread_when_every_person_is_alike():
    # Every White young person is in the top on 1 date of 10, every Black one on 2 of 10: any
    # resample of the young people gives the same rates, so the ratio is exactly 2. Person-dates
    # drawn as independent would make it look uncertain.
    rows = []
    for i in range(40):
        rows += person_dates("White", f"w{i}", dates=10, in_top=1)
        rows += person_dates("Black", f"b{i}", dates=10, in_top=2)
    frame = pd.DataFrame(rows)
    ratio = worst_ratio(group_rates(frame, "ethnicity"), "ethnicity", "fpr_top", frame=frame)
    assert ratio.ratio == pytest.approx(2.0)
    assert ratio.interval == pytest.approx((2.0, 2.0))
    independent = worst_ratio(group_rates(frame, "ethnicity"), "ethnicity", "fpr_top")
    assert independent.interval[1] - independent.interval[0] > 1.0


def test_the_bootstrap_by_person_counts_one_person_in_the_top_on_many_dates_once():
    # All the Black false positives are one young person, in the top on every one of 20 dates.
    # A resample without them (about a third of draws) has no Black false positive at all, so
    # the interval reaches from below 1 (Black rate 0, White over Black unbounded) to far above.
    rows = []
    for i in range(20):
        rows += person_dates("White", f"w{i}", dates=20, in_top=1)
    rows += person_dates("Black", "b0", dates=20, in_top=20)
    for i in range(1, 20):
        rows += person_dates("Black", f"b{i}", dates=20, in_top=0)
    frame = pd.DataFrame(rows)
    rates = group_rates(frame, "ethnicity")
    assert rates.loc["White", "fpr_top"] == pytest.approx(0.05)
    assert rates.loc["Black", "fpr_top"] == pytest.approx(0.05)
    by_person = worst_ratio(rates, "ethnicity", "fpr_top", frame=frame)
    assert by_person.ratio == pytest.approx(1.0)
    assert by_person.interval[1] == math.inf
    by_date = worst_ratio(rates, "ethnicity", "fpr_top")
    assert by_date.interval[1] < 3


def test_an_interval_reaching_an_unbounded_draw_is_unbounded_not_a_large_number():
    # 6 of 100 draws had a group with no false positive (ratio unbounded): the 95th percentile
    # is one of them, not a point interpolated between 2 and a billion.
    spread = np.array([2.0] * 94 + [UNBOUNDED] * 6)
    assert interval_of(spread) == (2.0, math.inf)
    assert interval_of(np.array([1.5] * 50 + [2.5] * 50)) == (1.5, 2.5)


def test_chance_alone_gives_a_worst_ratio_above_one_for_small_groups_treated_alike():
    # Four groups of 15 young people, each in the top on 1 of 10 dates at random: the same rate
    # in truth. The observed worst ratio is well above 1, and so is what chance alone gives.
    rng = np.random.default_rng(1)
    rows = []
    for group in ("White", "Mixed", "Asian", "Black"):
        for i in range(15):
            rows += person_dates(group, f"{group}{i}", dates=10, in_top=int(rng.integers(0, 3)))
    frame = pd.DataFrame(rows)
    ratio = worst_ratio(group_rates(frame, "ethnicity"), "ethnicity", "fpr_top", frame=frame)
    assert ratio.chance is not None and ratio.chance > 1.2
    assert ratio.ratio < 2.5 * ratio.chance
    assert "chance alone about" in ratio.describe()


def test_chance_alone_is_not_given_without_knowing_who_is_who(frame):
    ratio = worst_ratio(group_rates(frame, "ethnicity"), "ethnicity", "fpr_top")
    assert ratio.chance is None


def test_a_bootstrap_within_counties_draws_each_countys_young_people_from_it_alone():
    # One young person in each county: drawn within their county, each is in every resample,
    # so the ratio is always 2. Drawn over both, half the resamples lose one of the two groups.
    frame = pd.DataFrame(
        [{**row, "county": "a"} for row in person_dates("White", "a:1", dates=10, in_top=1)]
        + [{**row, "county": "b"} for row in person_dates("Black", "b:1", dates=10, in_top=2)]
    )
    groups = ["White", "Black"]
    within = person_bootstrap(frame, "ethnicity", "fpr_top", groups, within="county")
    assert set(within) == {2.0}
    over_all = person_bootstrap(frame, "ethnicity", "fpr_top", groups)
    assert set(over_all) == {1.0, 2.0}


def test_chance_within_counties_shuffles_the_attribute_only_inside_each_county():
    # County a's young people are all White and often in the top, county b's all Black and
    # rarely: shuffled inside each county nothing moves, so chance alone gives the whole ratio
    # (a difference between counties, not between groups treated alike in one county).
    rows = []
    for i in range(20):
        rows += [{**r, "county": "a"} for r in person_dates("White", f"a:{i}", dates=10, in_top=3)]
        rows += [{**r, "county": "b"} for r in person_dates("Black", f"b:{i}", dates=10, in_top=1)]
    frame = pd.DataFrame(rows)
    groups = ["White", "Black"]
    assert chance_ratio(frame, "ethnicity", "fpr_top", groups, within="county") == pytest.approx(3)
    assert chance_ratio(frame, "ethnicity", "fpr_top", groups) < 2.0


def test_a_pair_interval_keeps_its_direction_below_one_when_the_group_is_lower():
    # Black young people in the top on 1 date of 10, White ones on 2: Black over White is 0.5,
    # with no spread since every young person of a group is alike.
    rows = []
    for i in range(30):
        rows += person_dates("White", f"w{i}", dates=10, in_top=2)
        rows += person_dates("Black", f"b{i}", dates=10, in_top=1)
    frame = pd.DataFrame(rows)
    low, high = pair_interval(frame, "ethnicity", "fpr_top", "Black", "White")
    assert (low, high) == pytest.approx((0.5, 0.5))


def test_a_ratio_beyond_chance_is_rarely_matched_by_a_shuffle():
    # 40 young people a group; every White one in the top on 1 date of 10, every Black one on
    # 3: no shuffle of who is who gives a ratio of 3, so none is as large.
    rows = []
    for i in range(40):
        rows += person_dates("White", f"w{i}", dates=10, in_top=1)
        rows += person_dates("Black", f"b{i}", dates=10, in_top=3)
    frame = pd.DataFrame(rows)
    ratio = worst_ratio(group_rates(frame, "ethnicity"), "ethnicity", "fpr_top", frame=frame)
    assert ratio.ratio == pytest.approx(3.0)
    assert ratio.chance_share == 0.0
    assert worst_ratio(group_rates(frame, "ethnicity"), "ethnicity", "fpr_top").chance_share is None
