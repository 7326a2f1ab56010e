""" "Recent places": where to look next, by recency-weighted counts (docs/places.md).

Each cell's score is its events up to the month `cut`, each weighted by one half for every
`half_life` months it is older than `cut`, plus `other_weight` times the same weighted count of
the other event sets' events in the cell. The cells of the top `area_share` of the area by score
are flagged as places to look next. The benchmark (benchmarks/places_benchmark.py) scores this
rule on the following quarter against Gi*, last period's counts and kernel density; `analyse`
stores it. One function, used by both.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from safeguarding.places.grid import Cells

HALF_LIFE_MONTHS = 3
OTHER_SETS_WEIGHT = 0.2
AREA_SHARE = 0.05
LOOK_NEXT = "look_next"  # the category `analyse` stores for a flagged cell


def recency_weighted(
    cells: Cells, points: pd.DataFrame, *, cut: pd.Period, half_life: float = HALF_LIFE_MONTHS
) -> np.ndarray:
    """Per cell (in `cells.frame`'s order): its events (latitude, longitude, occurred_at) up to
    the month `cut`, each weighted 0.5 ** (months before `cut` / half_life)."""
    if points.empty:
        return np.zeros(len(cells.frame))
    month = points["occurred_at"].dt.to_period("M")
    kept = (month <= cut).to_numpy()
    age = cut.ordinal - month[kept].astype("int64").to_numpy()
    position = cells.index_of(
        latitude=points["latitude"].to_numpy()[kept],
        longitude=points["longitude"].to_numpy()[kept],
    )
    inside = position >= 0
    return np.bincount(
        position[inside],
        weights=0.5 ** (age[inside] / half_life),
        minlength=len(cells.frame),
    )


def recent_places(
    cells: Cells,
    *,
    event_set: str,
    every_set: Mapping[str, pd.DataFrame],
    cut: pd.Period,
    half_life: float = HALF_LIFE_MONTHS,
    other_weight: float = OTHER_SETS_WEIGHT,
) -> np.ndarray:
    """Each cell's score for `event_set`: its own recency-weighted events plus `other_weight`
    times those of every other set in `every_set` (event set → its points)."""
    own = recency_weighted(cells, every_set[event_set], cut=cut, half_life=half_life)
    others = sum(
        (
            recency_weighted(cells, points, cut=cut, half_life=half_life)
            for name, points in every_set.items()
            if name != event_set
        ),
        start=np.zeros(len(cells.frame)),
    )
    return own + other_weight * others


def flagged_count(cells: int, *, area_share: float = AREA_SHARE) -> int:
    """How many cells make `area_share` of the area (at least one)."""
    return max(1, round(area_share * cells))


def ranks(score: np.ndarray) -> np.ndarray:
    """1 for the highest score; equal scores in the cells' order (stable), so a rank is one
    cell's and the top k are those the benchmark flags."""
    order = np.argsort(-score, kind="stable")
    rank = np.empty(len(score), dtype=np.int64)
    rank[order] = np.arange(1, len(score) + 1)
    return rank
