"""Gi* against the textbook formula worked by hand on a tiny grid, and the Gi_Bin confidence."""

import math

import numpy as np
import pytest

from safeguarding.places.emerging import emerging_hotspots, space_time_gi_star
from safeguarding.places.gistar import gi_bins, gi_star
from safeguarding.places.grid import cell_of, cell_square, cells_over, queen_weights

# A 4 × 4 grid, read row by row from the south-west corner.
COUNTS = np.array([0, 1, 0, 0, 2, 8, 6, 0, 1, 7, 9, 1, 0, 0, 1, 0], dtype=float)
COLUMN = np.tile(np.arange(4), 4)
ROW = np.repeat(np.arange(4), 4)


def _by_hand(i: int) -> float:
    """Getis and Ord's Gi* with binary weights, the cell itself among its neighbours."""
    n = len(COUNTS)
    mean = sum(COUNTS) / n
    s = math.sqrt(sum(x * x for x in COUNTS) / n - mean**2)
    neighbours = [
        j for j in range(n) if abs(COLUMN[j] - COLUMN[i]) <= 1 and abs(ROW[j] - ROW[i]) <= 1
    ]
    w = len(neighbours)
    local = sum(COUNTS[j] for j in neighbours)
    return (local - mean * w) / (s * math.sqrt((n * w - w * w) / (n - 1)))


def test_gi_star_matches_the_formula_worked_by_hand():
    # Cell 5 (column 1, row 1): neighbours 0,1,2,4,5,6,8,9,10 hold 0+1+0+2+8+6+1+7+9 = 34.
    # n = 16, mean = 36/16 = 2.25, mean of squares = 238/16 = 14.875, s = sqrt(9.8125).
    expected = (34 - 2.25 * 9) / (math.sqrt(9.8125) * math.sqrt((16 * 9 - 81) / 15))
    assert _by_hand(5) == pytest.approx(expected)
    assert expected == pytest.approx(2.1418, abs=1e-4)
    result = gi_star(counts=COUNTS, weights=queen_weights(COLUMN, ROW), permutations=0)
    assert result.z == pytest.approx([_by_hand(i) for i in range(16)])


def test_the_space_time_gi_star_of_one_month_is_the_spatial_gi_star():
    weights = queen_weights(COLUMN, ROW)
    z = space_time_gi_star(counts=COUNTS[:, None], adjacency=weights.sparse, time_lag=1)
    assert z[:, 0] == pytest.approx([_by_hand(i) for i in range(16)])


def test_a_lagged_month_adds_the_months_before_to_the_neighbourhood():
    weights = queen_weights(COLUMN, ROW)
    cube = np.column_stack([COUNTS, COUNTS])
    z = space_time_gi_star(counts=cube, adjacency=weights.sparse, time_lag=1)
    # Month two of cell 5 sees 34 + 34 over 18 bins of a 32-bin cube with the same moments.
    n, mean, s, w = 32, 2.25, math.sqrt(9.8125), 18
    expected = (68 - mean * w) / (s * math.sqrt((n * w - w * w) / (n - 1)))
    assert z[5, 1] == pytest.approx(expected)


def test_permutation_inference_finds_the_cluster_and_is_repeatable():
    column, row = (a.ravel() for a in np.meshgrid(np.arange(10), np.arange(10)))
    counts = np.zeros(100)
    counts[[44, 45, 54, 55]] = 12  # a cluster in the middle
    counts[[3, 97]] = 1
    weights = queen_weights(column, row)
    first = gi_star(counts=counts, weights=weights, permutations=999, seed=7)
    again = gi_star(counts=counts, weights=weights, permutations=999, seed=7)
    assert np.array_equal(first.p, again.p)
    assert first.bins[[44, 45, 54, 55]].min() >= 2
    assert first.p[44] < 0.001  # read from the shuffles' spread, not floored at 2 / 1000
    assert first.bins[3] == 0 and first.bins[97] == 0
    # a cell with no event around it is not tested
    assert first.bins[0] == 0


def test_gi_bins_follow_arcgis_confidence_levels():
    z = np.array([3.0, 2.2, 1.7, 0.5, -1.7, -2.2, -3.0])
    p = np.array([0.002, 0.03, 0.08, 0.6, 0.08, 0.03, 0.002])
    assert gi_bins(z=z, p=p, fdr=False).tolist() == [3, 2, 1, 0, -1, -2, -3]
    # With the false discovery rate among seven tests (Benjamini-Hochberg worked by hand): at
    # 90% the cut-off is 6 × 0.10 / 7 = 0.086, at 95% 2 × 0.05 / 7 = 0.014, at 99% 0.0029.
    assert gi_bins(z=z, p=p, fdr=True).tolist() == [3, 1, 1, 0, -1, -1, -3]


def test_nothing_to_compare_gives_no_hot_spot():
    result = gi_star(counts=np.zeros(16), weights=queen_weights(COLUMN, ROW))
    assert result.bins.tolist() == [0] * 16


def test_grid_cells_are_british_national_grid_squares():
    # Trowbridge's town hall is near easting 385,600, northing 158,300.
    column, row = cell_of(latitude=[51.3185], longitude=[-2.2075], size=1000)
    assert (column[0], row[0]) in {(385, 158), (386, 158), (385, 157), (386, 157)}
    square = cell_square(f"1000m-{column[0]}-{row[0]}")[0]
    assert len(square) == 5 and square[0] == square[-1]
    cells = cells_over(area=None, size=500, points=_points())
    assert len(cells.frame) == 2
    found = cells.index_of(latitude=np.array([51.3185, 50.0]), longitude=np.array([-2.2075, 0.0]))
    assert found[0] >= 0 and found[1] == -1


def _points():
    import pandas as pd

    return pd.DataFrame({"latitude": [51.3185, 51.3186, 51.40], "longitude": [-2.2075] * 3})


def test_one_event_in_a_quiet_county_is_not_a_hot_spot():
    column, row = (a.ravel() for a in np.meshgrid(np.arange(20), np.arange(20)))
    weights = queen_weights(column, row)
    counts = np.zeros(400)
    counts[210] = 1
    # Against a county of zeros a lone event is "significant" in its cell and all eight around.
    assert (gi_star(counts=counts, weights=weights, permutations=0).bins > 0).sum() == 9
    assert (
        gi_star(counts=counts, weights=weights, permutations=0, minimum_events=3).bins
    ).sum() == 0
    # Three events together pass the minimum: the cluster is tested and found.
    counts[[210, 211, 230]] = 1
    clustered = gi_star(counts=counts, weights=weights, permutations=0, minimum_events=3)
    assert clustered.bins[[210, 211]].min() > 0


def test_the_cube_tests_only_months_with_enough_events_around():
    column, row = (a.ravel() for a in np.meshgrid(np.arange(10), np.arange(10)))
    weights = queen_weights(column, row)
    cube = np.zeros((100, 6))
    cube[55, 5] = 1  # one event in the last month
    lone = emerging_hotspots(counts=cube, adjacency=weights.sparse, minimum_events=3)
    assert (lone.bins > 0).sum() == 0
    assert set(lone.categories) == {"no_pattern"}
    cube[[44, 45, 54, 55], 5] = 4
    found = emerging_hotspots(counts=cube, adjacency=weights.sparse, minimum_events=3)
    assert found.bins[55, 5] > 0 and found.categories[55] == "new_hot"
