"""How far chance could move the ranking's accuracy: a bootstrap by young person.

The evaluation scores the same young people on many dates, so person-dates are not independent:
a child ranked high on ten dates is one child. The interval for ROC AUC resamples the young
people with replacement (each bringing every date they were in), recomputes each date's AUC with
their multiplicities as weights and takes the mean over the dates, as the point figure does.
"""

import numpy as np
import pandas as pd

DRAWS = 200


def weighted_roc_auc(scores: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> float:
    """Mann–Whitney AUC with case weights; tied scores count a half."""
    values, inverse = np.unique(scores, return_inverse=True)
    return _auc_from_codes(inverse, len(values), labels, weights)


def _auc_from_codes(codes: np.ndarray, levels: int, labels: np.ndarray, weights: np.ndarray):
    positive = np.bincount(codes, weights=weights * labels, minlength=levels)
    negative = np.bincount(codes, weights=weights * ~labels, minlength=levels)
    total_positive, total_negative = positive.sum(), negative.sum()
    if not total_positive or not total_negative:
        return float("nan")
    below = np.cumsum(negative) - negative  # negatives with a strictly lower score
    return float((positive * (below + 0.5 * negative)).sum() / (total_positive * total_negative))


def auc_interval(
    frames: list[pd.DataFrame], *, draws: int = DRAWS, seed: int = 0
) -> tuple[float, float]:
    """The 5th and 95th percentiles of the mean AUC over the dates, resampling young people.

    Each frame is one date's population: true_id, score, positive."""
    people = pd.Index(pd.unique(pd.concat([f["true_id"] for f in frames], ignore_index=True)))
    prepared = []
    for frame in frames:
        values, codes = np.unique(frame["score"].to_numpy(float), return_inverse=True)
        prepared.append(
            (
                people.get_indexer(frame["true_id"]),
                codes,
                len(values),
                frame["positive"].to_numpy(bool),
            )
        )
    rng = np.random.default_rng(seed)
    means = np.empty(draws)
    for draw in range(draws):
        weight = np.bincount(rng.integers(0, len(people), len(people)), minlength=len(people))
        aucs = [
            _auc_from_codes(codes, levels, labels, weight[person].astype(float))
            for person, codes, levels, labels in prepared
        ]
        means[draw] = np.nanmean(aucs) if not np.all(np.isnan(aucs)) else np.nan
    means = means[~np.isnan(means)]
    if not len(means):
        return float("nan"), float("nan")
    return float(np.percentile(means, 5)), float(np.percentile(means, 95))
