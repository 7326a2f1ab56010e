"""Fairness of a ranking between groups: who is flagged, who is flagged wrongly, who is missed.

Every measure is over person-dates (a young person as of one evaluation date), pooled over the
dates, so a small group still has enough cases. Groups are the ONS 2021 high-level ethnic
groups (White, Mixed, Asian, Black, Other) and sex. Two kinds of flag:

- `top`: among the `top` highest scores on the date (what a panel reads first);
- `flagged`: graded medium or high.

A ratio is the highest group's rate over the lowest's, among groups large enough to compare:
those where at least `MIN_EXPECTED` cases would be flagged at the rate over everyone (the usual
rule for a count test; a group of 100 in a top-100 false-positive rate of 2% expects 2, and its
rate is mostly chance). Its interval comes from a bootstrap **by person** (a cluster bootstrap):
the young people, not the person-dates, are drawn again with replacement, each bringing all of
their dates. One young person in the top 100 on ten dates is one case, not ten: a bootstrap of
person-dates (or binomial draws of each group's counts, used when the frame does not say who is
who) treats them as ten and gives intervals far too narrow.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

ATTRIBUTES = ("ethnicity", "sex")
ONS_GROUPS = ("White", "Mixed", "Asian", "Black", "Other")
MIN_EXPECTED = 5
DRAWS = 500
CHANCE_DRAWS = 200
UNBOUNDED = 1e9


@dataclass(frozen=True)
class Ratio:
    attribute: str
    measure: str  # fpr_top, flag_rate, ...
    ratio: float
    high: str  # the group with the highest rate
    low: str  # and the lowest
    interval: tuple[float, float]  # 5th and 95th percentiles of the bootstrap
    # The median worst ratio with the attribute shuffled between the young people: what chance
    # alone gives with these group sizes for a ranking that treats every group alike.
    chance: float | None = None
    # The share of those shuffles whose worst ratio is at least this one (a permutation test's
    # p-value): small when the ratio is beyond what chance gives.
    chance_share: float | None = None

    def describe(self) -> str:
        low, high = self.interval
        chance = "" if self.chance is None else f"; chance alone about {self.chance:.2f}"
        return (
            f"{self.ratio:.2f} ({self.high} / {self.low}; 90% interval {low:.2f} to {high:.2f}"
            f"{chance})"
        )


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


def _base(measure: str) -> str:
    # The denominators of each rate: person-dates not exploited for false-positive rates,
    # everyone for flag rates.
    return "negatives" if measure.startswith("fpr") else "people"


# Each measure's numerator and denominator, as columns of the frame of person-dates.
_COUNTS = {
    "fpr_top": ("false_top", "negative"),
    "fpr_flag": ("false_flag", "negative"),
    "flag_rate": ("flagged", "one"),
    "top_rate": ("top", "one"),
}


def _persons(
    frame: pd.DataFrame, attribute: str, measure: str, groups: list[str], within: str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per young person (`true_id`) in `groups`: their group's code, the numerator and
    denominator of `measure` summed over their person-dates, and the code of their stratum
    (the `within` column, e.g. the county; all 0 without)."""
    numerator, denominator = _COUNTS[measure]
    negative = ~frame["positive"].astype(bool)
    cases = pd.DataFrame(
        {
            "person": frame["true_id"].to_numpy(),
            "group": frame[attribute].to_numpy(),
            "stratum": frame[within].to_numpy() if within else 0,
            "false_top": (frame["top"].astype(bool) & negative).to_numpy(),
            "false_flag": (frame["flagged"].astype(bool) & negative).to_numpy(),
            "flagged": frame["flagged"].astype(bool).to_numpy(),
            "top": frame["top"].astype(bool).to_numpy(),
            "negative": negative.to_numpy(),
            "one": 1,
        }
    )
    cases = cases[cases["group"].isin(groups)]
    # A young person's group is as first recorded (it does not change between dates here).
    persons = cases.groupby("person", sort=False).agg(
        group=("group", "first"),
        stratum=("stratum", "first"),
        top=(numerator, "sum"),
        bottom=(denominator, "sum"),
    )
    code = pd.Categorical(persons["group"], categories=groups).codes
    stratum = pd.factorize(persons["stratum"])[0]
    return code, persons["top"].to_numpy(float), persons["bottom"].to_numpy(float), stratum


def _members(stratum: np.ndarray) -> list[np.ndarray]:
    """The positions of each stratum's young people."""
    return [np.flatnonzero(stratum == s) for s in np.unique(stratum)]


def _rates(code, top, bottom, groups: int, weight=None) -> np.ndarray:
    """Each group's rate, each young person counted `weight` times (NaN for a group with no
    one in it)."""
    counted = np.ones_like(top) if weight is None else weight
    above = np.bincount(code, weights=counted * top, minlength=groups)
    below = np.bincount(code, weights=counted * bottom, minlength=groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        return above / below


def _worst(code, top, bottom, groups: int, weight=None) -> float:
    """The highest group's rate over the lowest's, each young person counted `weight` times."""
    rates = _rates(code, top, bottom, groups, weight)
    rates = rates[~np.isnan(rates)]  # a group drawn with no one in it says nothing
    return _ratio(rates.max(), rates.min()) if len(rates) >= 2 else 1.0


def _bootstrap(frame, attribute, measure, groups, *, draws, seed, within, statistic):
    """`statistic(code, top, bottom, weight)` in each of `draws` resamples of the young people,
    each stratum's (`within`) drawn from its own, capped at UNBOUNDED."""
    code, top, bottom, stratum = _persons(frame, attribute, measure, groups, within)
    rng = np.random.default_rng(seed)
    members = _members(stratum)
    spread = np.empty(draws)
    for draw in range(draws):
        spread[draw] = statistic(code, top, bottom, _resampled(members, len(code), rng))
    return np.minimum(spread, UNBOUNDED)


def person_bootstrap(
    frame: pd.DataFrame,
    attribute: str,
    measure: str,
    groups: list[str],
    *,
    draws: int = DRAWS,
    seed: int = 0,
    within: str | None = None,
) -> np.ndarray:
    """The worst ratio of `measure` between `groups` in each of `draws` resamples of the young
    people (`true_id`), each bringing all of their person-dates. With `within` (a column such
    as the county), each stratum's young people are drawn from that stratum only, so every
    stratum keeps its size, as a design of several counties of a fixed size does."""
    return _bootstrap(
        frame,
        attribute,
        measure,
        groups,
        draws=draws,
        seed=seed,
        within=within,
        statistic=lambda code, top, bottom, weight: _worst(code, top, bottom, len(groups), weight),
    )


def pair_interval(
    frame: pd.DataFrame,
    attribute: str,
    measure: str,
    group: str,
    reference: str,
    *,
    draws: int = DRAWS,
    seed: int = 0,
    within: str | None = None,
) -> tuple[float, float]:
    """The 90% interval of one group's rate of `measure` over a reference group's (Black over
    White, say: below 1 when the group's rate is lower), from the same bootstrap by young
    person as person_bootstrap."""

    def group_over_reference(code, top, bottom, weight) -> float:
        group_rate, reference_rate = _rates(code, top, bottom, 2, weight)
        # A draw with no one of either group says nothing about them: no difference.
        if np.isnan(group_rate) or np.isnan(reference_rate):
            return 1.0
        return _ratio(group_rate, reference_rate)

    return interval_of(
        _bootstrap(
            frame,
            attribute,
            measure,
            [group, reference],
            draws=draws,
            seed=seed,
            within=within,
            statistic=group_over_reference,
        )
    )


def _resampled(members: list[np.ndarray], count: int, rng: np.random.Generator) -> np.ndarray:
    """How many times each of `count` young people is drawn, each stratum's from its own."""
    drawn = [m[rng.integers(0, len(m), len(m))] for m in members]
    return np.bincount(np.concatenate(drawn or [np.empty(0, int)]), minlength=count)


def chance_ratio(
    frame: pd.DataFrame,
    attribute: str,
    measure: str,
    groups: list[str],
    *,
    draws: int = CHANCE_DRAWS,
    seed: int = 0,
    within: str | None = None,
) -> float:
    """The median worst ratio of `measure` between `groups` with the attribute shuffled between
    the young people, each keeping all their person-dates (a permutation test's null): every
    group then has the same rate in truth, so whatever ratio remains is chance. The worst of
    several small groups' rates over the best is large by chance alone, so a ratio is evidence
    of unfairness only when it is well above this."""
    found = shuffled_ratios(
        frame, attribute, measure, groups, draws=draws, seed=seed, within=within
    )
    return _bounded(float(np.median(found)))


def shuffled_ratios(
    frame: pd.DataFrame,
    attribute: str,
    measure: str,
    groups: list[str],
    *,
    draws: int = CHANCE_DRAWS,
    seed: int = 0,
    within: str | None = None,
) -> np.ndarray:
    """The worst ratio in each of `draws` shuffles of the attribute between the young people
    (chance_ratio's draws; unbounded ones kept as UNBOUNDED). With `within` (e.g. the county),
    the attribute is shuffled only between young people of the same stratum, so each keeps
    its own mix of groups and its own rates."""
    code, top, bottom, stratum = _persons(frame, attribute, measure, groups, within)
    rng = np.random.default_rng(seed)
    members = _members(stratum)
    found = np.empty(draws)
    for draw in range(draws):
        shuffled = code.copy()
        for m in members:
            shuffled[m] = rng.permutation(code[m])
        found[draw] = _worst(shuffled, top, bottom, len(groups))
    return np.minimum(found, UNBOUNDED)


def worst_ratio(
    rates: pd.DataFrame,
    attribute: str,
    measure: str,
    *,
    seed: int = 0,
    frame: pd.DataFrame | None = None,
    within: str | None = None,
) -> Ratio | None:
    """The largest ratio of `measure` between two groups large enough to compare.

    With `frame` (person-dates with `true_id`), the interval is from the bootstrap by person
    and the chance ratio from shuffling the attribute between people (each inside its `within`
    stratum, if given); without, from binomial draws of each group's counts (person-dates taken
    as independent)."""
    base = _base(measure)
    overall = (rates[measure] * rates[base]).sum() / max(rates[base].sum(), 1)
    usable = rates[rates[base] * overall >= MIN_EXPECTED]
    values = usable[measure].dropna()
    if len(values) < 2:
        return None
    high, low = values.idxmax(), values.idxmin()
    ratio = _ratio(values[high], values[low])
    chance = chance_share = None
    if frame is not None and "true_id" in frame:
        groups = list(values.index)
        spread = person_bootstrap(frame, attribute, measure, groups, seed=seed, within=within)
        shuffles = shuffled_ratios(frame, attribute, measure, groups, seed=seed, within=within)
        chance = _bounded(float(np.median(shuffles)))
        # The tolerance keeps a shuffle equal to the ratio but for rounding counted as large.
        chance_share = float((shuffles >= min(ratio, UNBOUNDED) * (1 - 1e-9)).mean())
    else:
        spread = _binomial_bootstrap(usable, values, base, seed=seed)
    return Ratio(
        attribute=attribute,
        measure=measure,
        ratio=ratio,
        high=str(high),
        low=str(low),
        interval=interval_of(spread),
        chance=chance,
        chance_share=chance_share,
    )


def interval_of(spread: np.ndarray) -> tuple[float, float]:
    """The 5th and 95th percentiles of the draws, each one of the draws: interpolating between
    a finite draw and an unbounded one (kept as UNBOUNDED) would give a large finite number
    that means nothing."""
    low, high = (float(np.percentile(spread, q, method="nearest")) for q in (5, 95))
    return _bounded(low), _bounded(high)


def _binomial_bootstrap(
    usable: pd.DataFrame, values: pd.Series, base: str, *, seed: int
) -> np.ndarray:
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
    return np.where(np.isnan(spread), 1.0, np.minimum(spread, UNBOUNDED))


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
            ratio = worst_ratio(rates, attribute, measure, frame=frame)
            if ratio is not None:
                found.append(ratio)
    return found
