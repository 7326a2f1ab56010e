""" "Places of concern": where young people with signs of exploitation are seen away from home
(docs/places.md).

Counting events finds where young people are many: town centres, and the homes (children's
homes among them) that a missing child is found back at. A place where children are exploited
looks different in what agencies record: the *young people* seen there, away from their own
homes, are few, and most of them show signs of exploitation elsewhere in their records. So a
cell is scored by people, not events: how many distinct young people with a sign of
exploitation were seen there more than `away_from_home` metres from their home, and what share
they are of all the young people seen there away from home. A cell with at least
`minimum_people` such young people making at least `minimum_share` of them is a place of
concern. One function, used by `analyse` and scored by benchmarks/places_benchmark.py.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from safeguarding.places.grid import TO_GRID, Cells

PLACE_OF_CONCERN = "place_of_concern"  # the category `analyse` stores for a flagged cell
AWAY_FROM_HOME_M = 200
MINIMUM_PEOPLE = 2
MINIMUM_SHARE = 0.25
MONTHS = 12
# A place is an address: a 1 km square around a town's trap house holds the town centre too.
CELL_SIZE_M = 500


@dataclass(frozen=True)
class ConcernRule:
    """What makes a place of concern; stored with the run."""

    away_from_home: int = AWAY_FROM_HOME_M  # metres
    minimum_people: int = MINIMUM_PEOPLE
    minimum_share: float = MINIMUM_SHARE
    months: int = MONTHS  # the sightings of the last months counted (0: all)
    cell_size: int = CELL_SIZE_M  # metres, its own grid whatever the hot spots' cell size


def away_from_home(sightings: pd.DataFrame, *, within: int) -> pd.Series:
    """Per sighting: True when it is `within` metres or more from the young person's home, or
    the home is not known (a young person from out of the area has none on our records)."""
    home_x, home_y = TO_GRID.transform(
        sightings["home_longitude"].astype(float).to_numpy(),
        sightings["home_latitude"].astype(float).to_numpy(),
    )
    x, y = TO_GRID.transform(
        sightings["longitude"].astype(float).to_numpy(),
        sightings["latitude"].astype(float).to_numpy(),
    )
    distance = np.hypot(np.asarray(x) - home_x, np.asarray(y) - home_y)
    return pd.Series(~(distance < within), index=sightings.index)


def places_of_concern(
    cells: Cells, sightings: pd.DataFrame, *, signs: set, rule: ConcernRule = ConcernRule()
) -> pd.DataFrame:
    """Per cell (in `cells.frame`'s order): `seen`, the distinct young people seen there away
    from home; `with_signs`, those of them in `signs` (person ids with a sign of exploitation);
    `share` (with_signs ÷ seen, 0 where none); `flagged`; `rank` (1: the most young people with
    signs, then the highest share, then the grid's order).

    `sightings`: one row per young person in a placed event: person_id, occurred_at, latitude,
    longitude, home_latitude, home_longitude (empty when not known)."""
    seen = np.zeros(len(cells.frame), dtype=np.int64)
    with_signs = np.zeros(len(cells.frame), dtype=np.int64)
    kept = sightings
    if rule.months and not kept.empty:
        since = kept["occurred_at"].max().to_period("M") - rule.months + 1
        kept = kept[kept["occurred_at"].dt.to_period("M") >= since]
    if not kept.empty:
        kept = kept[away_from_home(kept, within=rule.away_from_home)]
    if not kept.empty:
        position = cells.index_of(
            latitude=kept["latitude"].astype(float).to_numpy(),
            longitude=kept["longitude"].astype(float).to_numpy(),
        )
        people = pd.DataFrame({"cell": position, "person_id": kept["person_id"].to_numpy()})
        people = people[people["cell"] >= 0].drop_duplicates()
        marked = people["person_id"].isin(signs).to_numpy()
        seen = np.bincount(people["cell"], minlength=len(cells.frame))
        with_signs = np.bincount(people.loc[marked, "cell"], minlength=len(cells.frame))
    share = np.divide(with_signs, seen, out=np.zeros(len(seen)), where=seen > 0)
    flagged = (with_signs >= rule.minimum_people) & (share >= rule.minimum_share)
    order = np.lexsort((np.arange(len(seen)), -share, -with_signs))
    rank = np.empty(len(seen), dtype=np.int64)
    rank[order] = np.arange(1, len(seen) + 1)
    return pd.DataFrame(
        {"seen": seen, "with_signs": with_signs, "share": share, "flagged": flagged, "rank": rank}
    )
