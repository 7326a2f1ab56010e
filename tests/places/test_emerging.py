"""The 17 categories of Emerging Hot Spot Analysis, each on a constructed case, and the
Mann-Kendall test against scipy's Kendall tau."""

import numpy as np
import pytest
from scipy import stats

from safeguarding.places.emerging import (
    CATEGORIES,
    categorise,
    emerging_hotspots,
    mann_kendall,
)
from safeguarding.places.grid import queen_weights

RISING, FALLING, FLAT = (3.1, 0.002), (-3.1, 0.002), (0.4, 0.69)


def _series(text: str) -> tuple[np.ndarray, np.ndarray]:
    """`H` a significant hot month, `C` a cold one, `.` neither; oldest first."""
    return np.array([c == "H" for c in text]), np.array([c == "C" for c in text])


def _mirror(text: str) -> str:
    return text.translate(str.maketrans("HC", "CH"))


CASES = [
    # category, months, trend of the z-scores (z, p)
    ("new_hot", "...........H", FLAT),  # hot only in the last month
    ("consecutive_hot", ".........HHH", FLAT),  # one unbroken final run, never hot before
    ("intensifying_hot", "HHHHHHHHHHHH", RISING),  # ≥90% hot, last too, rising significantly
    ("persistent_hot", "HHHHHHHHHHHH", FLAT),  # ≥90% hot with no significant trend
    ("diminishing_hot", "HHHHHHHHHHHH", FALLING),  # ≥90% hot, falling significantly
    ("sporadic_hot", "..H..H...H.H", FLAT),  # on and off, hot last, never cold
    ("oscillating_hot", "..C..H...H.H", FLAT),  # hot last, cold before
    ("historical_hot", "HHHHHHHHHHH.", FLAT),  # ≥90% hot but not in the last month
    ("new_cold", _mirror("...........H"), FLAT),
    ("consecutive_cold", _mirror(".........HHH"), FLAT),
    ("intensifying_cold", "CCCCCCCCCCCC", FALLING),  # ever colder
    ("persistent_cold", "CCCCCCCCCCCC", FLAT),
    ("diminishing_cold", "CCCCCCCCCCCC", RISING),
    ("sporadic_cold", _mirror("..H..H...H.H"), FLAT),
    ("oscillating_cold", _mirror("..C..H...H.H"), FLAT),
    ("historical_cold", _mirror("HHHHHHHHHHH."), FLAT),
    ("no_pattern", "....H.......", FLAT),  # hot once, long ago, not now
]


def test_every_category_has_a_case():
    assert sorted(c for c, _, _ in CASES) == sorted(CATEGORIES)


@pytest.mark.parametrize(("category", "months", "trend"), CASES, ids=[c[0] for c in CASES])
def test_each_category_by_its_published_rule(category, months, trend):
    hot, cold = _series(months)
    assert categorise(hot=hot, cold=cold, trend_z=trend[0], trend_p=trend[1]) == category


def test_a_hot_run_after_an_earlier_hot_month_is_sporadic_not_consecutive():
    hot, cold = _series("..H......HHH")
    assert categorise(hot=hot, cold=cold, trend_z=0.0, trend_p=1.0) == "sporadic_hot"


def test_mann_kendall_agrees_with_kendalls_tau():
    values = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0, 7.0, 9.0, 9.5])
    z, p = mann_kendall(values)
    # With no ties, S = tau × n(n−1)/2; here 42 of 45 pairs rise and 3 fall: S = 39.
    tau = stats.kendalltau(np.arange(10), values).statistic
    assert tau * 45 == pytest.approx(39)
    assert z == pytest.approx((39 - 1) / np.sqrt(10 * 9 * 25 / 18))
    assert p == pytest.approx(2 * stats.norm.sf(z))
    assert mann_kendall(np.ones(8)) == (0.0, 1.0)


def _grid(size: int = 7):
    column, row = (a.ravel() for a in np.meshgrid(np.arange(size), np.arange(size)))
    return column, row, queen_weights(column, row).sparse


def test_a_cluster_appearing_in_the_last_month_is_a_new_hot_spot():
    column, row, adjacency = _grid()
    months = 12
    rng = np.random.default_rng(4)
    counts = rng.poisson(0.5, (len(column), months)).astype(float)
    centre = np.flatnonzero((column == 3) & (row == 3))[0]
    counts[centre, -1] += 25
    cube = emerging_hotspots(counts=counts, adjacency=adjacency, time_lag=0)
    assert cube.categories[centre] == "new_hot"
    assert cube.bins[centre, -1] >= 1 and not (cube.bins[centre, :-1] >= 1).any()


def test_a_cluster_every_month_is_persistent_and_one_growing_is_intensifying():
    column, row, adjacency = _grid(9)
    months = 24
    rng = np.random.default_rng(5)
    counts = rng.poisson(0.5, (len(column), months)).astype(float)
    counts[(column <= 2) & (row <= 2)] += 4  # the same every month
    counts[(column >= 6) & (row >= 6)] += np.linspace(3, 10, months).round()  # growing
    steady = np.flatnonzero((column == 1) & (row == 1))[0]
    growing = np.flatnonzero((column == 7) & (row == 7))[0]
    cube = emerging_hotspots(counts=counts, adjacency=adjacency, time_lag=1)
    assert cube.categories[steady] == "persistent_hot"
    assert cube.categories[growing] == "intensifying_hot"
    assert cube.trend_z[growing] > 0 and cube.trend_p[growing] < 0.05
    quiet = np.flatnonzero((column == 4) & (row == 8))[0]
    assert cube.categories[quiet] in {"no_pattern", "persistent_cold", "sporadic_cold"}
