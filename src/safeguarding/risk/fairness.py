"""Fairness of a ranking between groups: who is flagged, who is flagged wrongly, who is missed.

Every measure is over person-dates (a young person as of one evaluation date), pooled over the
dates, so a small group still has enough cases. Groups are the ONS 2021 high-level ethnic
groups (White, Mixed, Asian, Black, Other) and sex. Two kinds of flag:

- `top`: among the `top` highest scores on the date (what a panel reads first);
- `flagged`: graded medium or high.

A ratio is the highest group's rate over the lowest's, among groups large enough to compare:
those where at least `MIN_EXPECTED` cases would be flagged at the rate over everyone (the usual
rule for a count test; a group of 100 in a top-100 false-positive rate of 2% expects 2, and its
rate is mostly chance). Its interval comes from a parametric bootstrap of each group's counts
(binomial draws at the observed rates), so it shows how far chance alone could move it.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

ATTRIBUTES = ("ethnicity", "sex")
ONS_GROUPS = ("White", "Mixed", "Asian", "Black", "Other")
MIN_EXPECTED = 5
DRAWS = 500
UNBOUNDED = 1e9


@dataclass(frozen=True)
class Ratio:
    attribute: str
    measure: str  # fpr_top, flag_rate, ...
    ratio: float
    high: str  # the group with the highest rate
    low: str  # and the lowest
    interval: tuple[float, float]  # 5th and 95th percentiles of the bootstrap

    def describe(self) -> str:
        low, high = self.interval
        return f"{self.ratio:.2f} ({self.high} / {self.low}; 90% interval {low:.2f} to {high:.2f})"


def group_rates(frame: pd.DataFrame, attribute: str) -> pd.DataFrame:
    """Per group: person-dates, positives, and the rates. `frame` has one row per person-date
    with `positive`, `flagged` and `top` (booleans) and the attribute."""
    negative = ~frame["positive"]
    grouped = frame.assign(
        negative=negative,
        false_top=frame["top"] & negative,
        false_flag=frame["flagged"] & negative,
        true_top=frame["top"] & frame["positive"],
        true_flag=frame["flagged"] & frame["positive"],
    ).groupby(attribute)
    counts = grouped[
        [
            "positive",
            "negative",
            "top",
            "flagged",
            "false_top",
            "false_flag",
            "true_top",
            "true_flag",
        ]
    ].sum()
    counts["people"] = grouped.size()
    rates = pd.DataFrame(
        {
            "people": counts["people"],
            "positives": counts["positive"],
            "negatives": counts["negative"],
            "false_top": counts["false_top"],
            "false_flag": counts["false_flag"],
            "flag_rate": counts["flagged"] / counts["people"],
            "top_rate": counts["top"] / counts["people"],
            "fpr_top": counts["false_top"] / counts["negative"],
            "fpr_flag": counts["false_flag"] / counts["negative"],
            "recall_top": counts["true_top"] / counts["positive"].replace(0, np.nan),
            "recall_flag": counts["true_flag"] / counts["positive"].replace(0, np.nan),
        }
    )
    if attribute == "ethnicity":
        rates = rates.reindex([g for g in ONS_GROUPS if g in rates.index])
    return rates


def worst_ratio(
    rates: pd.DataFrame, attribute: str, measure: str, *, seed: int = 0
) -> Ratio | None:
    """The largest ratio of `measure` between two groups large enough to compare."""
    # The denominators of each rate: person-dates not exploited for false-positive rates,
    # everyone for flag rates.
    base = "negatives" if measure.startswith("fpr") else "people"
    overall = (rates[measure] * rates[base]).sum() / max(rates[base].sum(), 1)
    usable = rates[rates[base] * overall >= MIN_EXPECTED]
    values = usable[measure].dropna()
    if len(values) < 2:
        return None
    high, low = values.idxmax(), values.idxmin()
    ratio = _ratio(values[high], values[low])
    rng = np.random.default_rng(seed)
    draws = {
        group: rng.binomial(int(usable.loc[group, base]), float(values[group]), DRAWS)
        / max(int(usable.loc[group, base]), 1)
        for group in values.index
    }
    # The worst pair can change from draw to draw: take the largest ratio in each draw.
    stacked = np.vstack(list(draws.values()))
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = stacked.max(axis=0) / stacked.min(axis=0)
    # 0/0 is no difference; x/0 is unbounded (kept finite for the percentiles, then restored).
    spread = np.where(np.isnan(spread), 1.0, np.minimum(spread, UNBOUNDED))
    low_end, high_end = (float(np.percentile(spread, q)) for q in (5, 95))
    return Ratio(
        attribute=attribute,
        measure=measure,
        ratio=ratio,
        high=str(high),
        low=str(low),
        interval=(_bounded(low_end), _bounded(high_end)),
    )


def _bounded(value: float) -> float:
    return value if value < UNBOUNDED else float("inf")


def _ratio(high: float, low: float) -> float:
    if low == 0:
        return float("inf") if high > 0 else 1.0
    return float(high / low)


def fairness_ratios(frame: pd.DataFrame, measures=("fpr_top", "flag_rate")) -> list[Ratio]:
    """The worst ratio for each attribute and measure (those that can be computed)."""
    found = []
    for attribute in ATTRIBUTES:
        rates = group_rates(frame, attribute)
        for measure in measures:
            ratio = worst_ratio(rates, attribute, measure)
            if ratio is not None:
                found.append(ratio)
    return found
