"""Getis-Ord Gi* hot and cold spots, and their confidence bins as ArcGIS reports them.

Gi* (Getis and Ord 1992; Ord and Getis 1995) compares the count in a cell and its neighbours with
the count expected if events fell anywhere in the region alike. We use PySAL's `esda.G_Local`
with binary weights and the cell itself among its neighbours (star), permutation inference (999
permutations unless set otherwise), and a false discovery rate correction (Benjamini and
Hochberg, through `esda.fdr`) so that testing thousands of cells does not make hot spots of noise.
"""

from dataclasses import dataclass

import esda
import numpy as np
from scipy import stats

CONFIDENCE_LEVELS = ((1, 0.90), (2, 0.95), (3, 0.99))


@dataclass(frozen=True)
class GiStar:
    z: np.ndarray
    p: np.ndarray  # two-sided
    bins: np.ndarray  # -3..3


def gi_star(
    *,
    counts: np.ndarray,
    weights,
    permutations: int = 999,
    fdr: bool = True,
    seed: int = 0,
    minimum_events: int = 1,
) -> GiStar:
    """Gi* z, two-sided p and the Gi_Bin of each cell.

    Only cells whose neighbourhood (the cell and its neighbours) holds at least `minimum_events`
    events are tested: with rare events one incident makes its cell and all eight neighbours
    "significant" against a county of zeros, which says nothing about a place.
    """
    counts = np.asarray(counts, dtype=float)
    if counts.sum() == 0 or np.all(counts == counts[0]):
        # Nothing to compare: no cell is hotter than another.
        zeros = np.zeros(len(counts))
        return GiStar(z=zeros, p=np.ones(len(counts)), bins=zeros.astype(int))
    with np.errstate(divide="ignore", invalid="ignore"):  # esda's z_sim of a constant cell
        result = _g_local(counts, weights, permutations=permutations, seed=seed)
    z = np.nan_to_num(np.asarray(result.Zs, dtype=float))
    if permutations:
        # The permutations give the reference distribution; p is read from its mean and spread
        # (esda's z_sim), not by counting shuffles: a counted p cannot go below
        # 2 / (permutations + 1), and the false discovery rate over a county's cells would then
        # leave nothing significant.
        z_sim = np.asarray(result.z_sim, dtype=float)
        p = np.where(np.isfinite(z_sim), two_sided_p(np.nan_to_num(z_sim)), 1.0)
    else:
        p = two_sided_p(z)
    # Only cells with enough events in their neighbourhood are tested (and so counted in the
    # false discovery rate's family): an empty neighbourhood cannot be a hot spot, and with rare
    # events a "cold spot" there says only that nothing happened.
    around = np.asarray(weights.sparse @ counts).ravel() + counts
    tested = around >= max(1, minimum_events)
    bins = np.zeros(len(counts), dtype=int)
    bins[tested] = gi_bins(z=z[tested], p=p[tested], fdr=fdr)
    return GiStar(z=z, p=p, bins=bins)


def _g_local(counts, weights, *, permutations: int, seed: int):
    return esda.G_Local(
        counts,
        weights,
        transform="B",
        star=True,
        permutations=permutations,
        seed=seed,
        # esda's counted p-values ("two-sided", "directed") mishandle ties, which counts full of
        # zeros are full of: p is worked out above from the kept simulations instead.
        keep_simulations=bool(permutations),
        alternative="greater",
        n_jobs=1,  # the batch shares a small machine; processes cost more than they save here
    )


def two_sided_p(z: np.ndarray) -> np.ndarray:
    return 2 * stats.norm.sf(np.abs(z))


def gi_bins(*, z: np.ndarray, p: np.ndarray, fdr: bool = True) -> np.ndarray:
    """ArcGIS's Gi_Bin: ±3, ±2, ±1 for a hot (+) or cold (−) spot at 99, 95 or 90% confidence,
    0 otherwise; with `fdr`, each level's p cut-off is the false discovery rate's."""
    bins = np.zeros(len(z), dtype=int)
    if len(z) == 0:  # nothing was tested (esda.fdr divides by the number of tests)
        return bins
    for level, confidence in CONFIDENCE_LEVELS:
        alpha = 1 - confidence
        cut = esda.fdr(p, alpha) if fdr else alpha
        significant = p <= cut
        bins[significant] = level * np.sign(z[significant]).astype(int)
    return bins
