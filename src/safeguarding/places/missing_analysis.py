"""The missing-episode analysis, after the Standard Safeguarding Dataset's missing episodes and
what the police record: how many children go missing and how often, for how long, when, how far
from home they are found, return home interviews, and children missing together.

It reads the episodes that places.events.missing_episodes builds by the one rule, so its counts
are the person page's and the indicators'. Everything is counted, never listed by name.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from safeguarding.places.grid import TO_GRID

# Two children missing together: found at the same postcode, their episodes starting this close.
TOGETHER_WITHIN = pd.Timedelta(hours=12)
DURATION_BANDS = [0, 6, 24, 72, np.inf]
DURATION_LABELS = ["under 6 hours", "6 to 24 hours", "1 to 3 days", "over 3 days"]
DISTANCE_BANDS = [0, 1, 5, 20, np.inf]
DISTANCE_LABELS = ["under 1 km", "1 to 5 km", "5 to 20 km", "over 20 km"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class MissingAnalysis:
    episodes: int
    children: int
    repeat_children: int  # children with 3 or more episodes
    share_of_episodes_by_top_fifth: float  # of children, by episodes; 0..1
    episodes_per_child: pd.Series  # episodes → children
    durations: pd.Series  # band → episodes (episodes with an end)
    median_hours: float | None
    by_hour: pd.Series  # 0..23 → episodes started
    by_day: pd.Series  # Monday.. → episodes started
    found_in_area: int
    found_out_of_area: int
    found_unknown: int
    distances: pd.Series  # band → episodes (home and found place both known)
    median_distance_km: float | None
    interviews_offered: int
    interviews_accepted: int
    interviews_within_72_hours: int
    children_missing_together: int  # children in at least one episode with another child
    pairs_missing_together: int


def analyse_missing(*, episodes: pd.DataFrame) -> MissingAnalysis:
    """The analysis of these episodes (one row per episode, as missing_episodes gives)."""
    per_child = episodes.groupby("person_id").size()
    ordered = per_child.sort_values(ascending=False)
    top = max(1, int(np.ceil(len(ordered) / 5))) if len(ordered) else 0
    hours = episodes["hours"].dropna()
    started = pd.to_datetime(episodes["started_at"])
    distance = distance_km(episodes)
    together = missing_together(episodes)
    found = episodes["found_in_area"]
    return MissingAnalysis(
        episodes=len(episodes),
        children=len(per_child),
        repeat_children=int((per_child >= 3).sum()),
        share_of_episodes_by_top_fifth=(
            float(ordered.iloc[:top].sum() / len(episodes)) if len(episodes) else 0.0
        ),
        episodes_per_child=per_child.value_counts().sort_index(),
        durations=pd.cut(hours, DURATION_BANDS, labels=DURATION_LABELS, right=False)
        .value_counts()
        .reindex(DURATION_LABELS, fill_value=0),
        median_hours=float(hours.median()) if len(hours) else None,
        by_hour=started.dt.hour.value_counts().reindex(range(24), fill_value=0),
        by_day=started.dt.day_name().value_counts().reindex(DAYS, fill_value=0),
        found_in_area=int((found == True).sum()),  # noqa: E712 -- unknown is neither
        found_out_of_area=int((found == False).sum()),  # noqa: E712
        found_unknown=int(found.isna().sum()),
        distances=pd.cut(distance.dropna(), DISTANCE_BANDS, labels=DISTANCE_LABELS, right=False)
        .value_counts()
        .reindex(DISTANCE_LABELS, fill_value=0),
        median_distance_km=float(distance.median()) if distance.notna().any() else None,
        interviews_offered=int((episodes["interview_offered"] == "yes").sum()),
        interviews_accepted=int((episodes["interview_accepted"] == "yes").sum()),
        interviews_within_72_hours=int((episodes["interview_within_72_hours"] == "yes").sum()),
        children_missing_together=len(set(together["person_id"]) | set(together["other_id"])),
        pairs_missing_together=len(together[["person_id", "other_id"]].drop_duplicates()),
    )


def distance_km(episodes: pd.DataFrame) -> pd.Series:
    """Straight-line distance from home to where found, in kilometres (British National Grid)."""
    known = episodes[["home_latitude", "home_longitude", "found_latitude", "found_longitude"]]
    known = known.astype(float).dropna()
    home_x, home_y = TO_GRID.transform(known["home_longitude"], known["home_latitude"])
    found_x, found_y = TO_GRID.transform(known["found_longitude"], known["found_latitude"])
    distance = np.hypot(np.asarray(home_x) - found_x, np.asarray(home_y) - found_y) / 1000
    return pd.Series(distance, index=known.index).reindex(episodes.index)


def missing_together(episodes: pd.DataFrame) -> pd.DataFrame:
    """Pairs of episodes of two children found at the same postcode, starting close together:
    person_id, other_id, found_postcode, started_at."""
    found = episodes[episodes["found_postcode"] != ""][
        ["person_id", "found_postcode", "started_at"]
    ]
    pairs = found.merge(found, on="found_postcode", suffixes=("", "_other"))
    pairs = pairs[
        (pairs["person_id"] < pairs["person_id_other"])
        & ((pairs["started_at"] - pairs["started_at_other"]).abs() <= TOGETHER_WITHIN)
    ]
    return pairs.rename(columns={"person_id_other": "other_id"})[
        ["person_id", "other_id", "found_postcode", "started_at"]
    ].reset_index(drop=True)
