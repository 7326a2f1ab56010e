"""Emerging hot spots: a space-time cube (cells × months), Gi* per month with time-lagged
neighbours, the Mann-Kendall trend of each cell's Gi* z-scores, and the 17 categories of
ArcGIS's Emerging Hot Spot Analysis by their published rules.

As ArcGIS does, a bin's neighbours are the spatial neighbours (and itself) in the same month and
the `time_lag` months before it, and the global mean and variance are the whole cube's.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse
from scipy import stats

from safeguarding.places.gistar import gi_bins, two_sided_p

# "At least 90 percent of the time-step intervals" in ArcGIS's rules.
MOSTLY = 0.9

NO_PATTERN = "no_pattern"
CATEGORIES = {
    "new_hot": "New hot spot",
    "consecutive_hot": "Consecutive hot spot",
    "intensifying_hot": "Intensifying hot spot",
    "persistent_hot": "Persistent hot spot",
    "diminishing_hot": "Diminishing hot spot",
    "sporadic_hot": "Sporadic hot spot",
    "oscillating_hot": "Oscillating hot spot",
    "historical_hot": "Historical hot spot",
    "new_cold": "New cold spot",
    "consecutive_cold": "Consecutive cold spot",
    "intensifying_cold": "Intensifying cold spot",
    "persistent_cold": "Persistent cold spot",
    "diminishing_cold": "Diminishing cold spot",
    "sporadic_cold": "Sporadic cold spot",
    "oscillating_cold": "Oscillating cold spot",
    "historical_cold": "Historical cold spot",
    NO_PATTERN: "No pattern detected",
}


@dataclass(frozen=True)
class Cube:
    z: np.ndarray  # cells × months
    p: np.ndarray
    bins: np.ndarray
    trend_z: np.ndarray  # per cell
    trend_p: np.ndarray
    categories: list[str]


def space_time_gi_star(*, counts: np.ndarray, adjacency, time_lag: int = 1) -> np.ndarray:
    """Gi* z of every bin of a cells × months cube; `adjacency` is the cells' binary spatial
    weights without the cell itself (a scipy sparse matrix)."""
    counts = np.asarray(counts, dtype=float)
    local, weight = space_time_sums(counts=counts, adjacency=adjacency, time_lag=time_lag)
    n = counts.size
    mean = counts.mean()
    deviation = np.sqrt((counts**2).mean() - mean**2)
    if deviation == 0:
        return np.zeros_like(counts)
    # Binary weights: the sum of squared weights equals the sum of weights.
    spread = deviation * np.sqrt((n * weight - weight**2) / (n - 1))
    return (local - mean * weight) / spread


def space_time_sums(
    *, counts: np.ndarray, adjacency, time_lag: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each bin's space-time neighbourhood: the events in it and how many bins it spans (the
    cell and its neighbours, this month and `time_lag` months before)."""
    cells, months = counts.shape
    spatial = scipy.sparse.csr_matrix(adjacency, dtype=float)
    spatial = spatial + scipy.sparse.identity(cells, format="csr")
    around = spatial @ counts  # each month's neighbourhood sum, the cell included
    size = np.asarray(spatial.sum(axis=1)).ravel()
    local = np.zeros_like(counts)
    weight = np.zeros_like(counts)
    for lag in range(time_lag + 1):
        local[:, lag:] += around[:, : months - lag]
        weight[:, lag:] += size[:, None]
    return local, weight


def mann_kendall(values: np.ndarray) -> tuple[float, float]:
    """The Mann-Kendall trend test of one series: z (with the ties correction and continuity
    correction, Kendall 1975) and two-sided p."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n < 3:
        return 0.0, 1.0
    differences = values[None, :] - values[:, None]
    s = np.sign(differences[np.triu_indices(n, 1)]).sum()
    _, ties = np.unique(values, return_counts=True)
    variance = (n * (n - 1) * (2 * n + 5) - (ties * (ties - 1) * (2 * ties + 5)).sum()) / 18
    if variance <= 0 or s == 0:
        return 0.0, 1.0
    z = (s - np.sign(s)) / np.sqrt(variance)
    return float(z), float(2 * stats.norm.sf(abs(z)))


def categorise(
    *, hot: np.ndarray, cold: np.ndarray, trend_z: float, trend_p: float, alpha: float = 0.05
) -> str:
    """One cell's category from its significant hot and cold months (oldest first) and the
    trend of its z-scores, by the rules of ArcGIS's Emerging Hot Spot Analysis."""
    for spots, other, sign, kind in ((hot, cold, 1, "hot"), (cold, hot, -1, "cold")):
        category = _pattern(
            spots=spots, other=other, strengthening=sign * trend_z, trend_p=trend_p, alpha=alpha
        )
        if category:
            return f"{category}_{kind}"
    return NO_PATTERN


def _pattern(
    *, spots: np.ndarray, other: np.ndarray, strengthening: float, trend_p: float, alpha: float
) -> str:
    months = len(spots)
    share = spots.sum() / months
    if not spots[-1]:
        # Historical: not now, but a hot (cold) spot for at least 90% of the months.
        return "historical" if share >= MOSTLY else ""
    if share >= MOSTLY:
        # A spot in at least 90% of months including the last: the trend says which. A hot spot
        # strengthens as its z rises, a cold spot as its z falls.
        if trend_p < alpha and strengthening > 0:
            return "intensifying"
        if trend_p < alpha and strengthening < 0:
            return "diminishing"
        return "persistent"
    if not spots[:-1].any():
        return "new"
    run = _final_run(spots)
    if run >= 2 and not spots[: months - run].any():
        return "consecutive"
    if other[:-1].any():
        return "oscillating"
    return "sporadic"


def _final_run(spots: np.ndarray) -> int:
    run = 0
    for flagged in spots[::-1]:
        if not flagged:
            break
        run += 1
    return run


def emerging_hotspots(
    *,
    counts: np.ndarray,
    adjacency,
    time_lag: int = 1,
    confidence: float = 0.90,
    fdr: bool = True,
    alpha: float = 0.05,
    minimum_events: int = 1,
) -> Cube:
    """Categories for every cell of a cells × months cube of counts.

    A bin is a hot or cold spot only if its space-time neighbourhood holds `minimum_events` or
    more (as `gi_star`): one incident in a quiet month is not a hot spot of nine cells.
    """
    counts = np.asarray(counts, dtype=float)
    z = space_time_gi_star(counts=counts, adjacency=adjacency, time_lag=time_lag)
    p = two_sided_p(z)
    local, _ = space_time_sums(counts=counts, adjacency=adjacency, time_lag=time_lag)
    tested = local >= max(1, minimum_events)
    bins = np.zeros(z.shape, dtype=int)
    bins[tested] = gi_bins(z=z[tested], p=p[tested], fdr=fdr)
    level = {0.90: 1, 0.95: 2, 0.99: 3}[confidence]
    hot, cold = bins >= level, bins <= -level
    # The first months have fewer months before them, so a smaller neighbourhood and a z not
    # comparable with the rest (a steady cluster's z rises over them): the trend starts after.
    trend = [mann_kendall(series[time_lag:]) for series in z]
    trend_z = np.array([t[0] for t in trend])
    trend_p = np.array([t[1] for t in trend])
    categories = [
        categorise(hot=hot[i], cold=cold[i], trend_z=trend_z[i], trend_p=trend_p[i], alpha=alpha)
        for i in range(len(counts))
    ]
    return Cube(z=z, p=p, bins=bins, trend_z=trend_z, trend_p=trend_p, categories=categories)
