"""The missing-episode analysis on episodes whose answers are known."""

import numpy as np
import pandas as pd
import pytest

from safeguarding.places.events import EPISODE_COLUMNS
from safeguarding.places.missing_analysis import analyse_missing, distance_km

HOME = (51.3185, -2.2075)  # Trowbridge
NEAR = (51.3365, -2.2075)  # about 2 km north
BRISTOL = (51.454, -2.588)


def _episode(person, started, hours, found, found_at, in_area, offered="", accepted="", w72=""):
    return {
        "person_id": person,
        "episode": 1,
        "started_at": pd.Timestamp(started),
        "ended_at": pd.Timestamp(started) + pd.Timedelta(hours=hours) if hours else pd.NaT,
        "hours": float(hours) if hours else np.nan,
        "reports": 1,
        "agencies": ("police",),
        "first_event_id": 1,
        "event_ids": (1,),
        "date_of_birth": pd.Timestamp("2010-01-01"),
        "missing_kind": "missing",
        "risk_grade": "medium",
        "found_postcode": found,
        "interview_offered": offered,
        "interview_accepted": accepted,
        "interview_within_72_hours": w72,
        "push_factors": "",
        "pull_factors": "",
        "found_latitude": found_at[0] if found_at else np.nan,
        "found_longitude": found_at[1] if found_at else np.nan,
        "found_in_area": in_area,
        "found_small_area": "",
        "home_postcode": "BA14 8AA",
        "home_latitude": HOME[0],
        "home_longitude": HOME[1],
        "home_in_area": True,
    }


@pytest.fixture
def episodes():
    rows = [
        # child 1: three episodes (a repeat), one with child 2 at the same place
        _episode(1, "2026-03-06 22:00", 5, "BA14 8AB", NEAR, True, "yes", "yes", "yes"),
        _episode(1, "2026-03-13 23:00", 30, "BS5 0AA", BRISTOL, False, "yes", "no", ""),
        _episode(1, "2026-03-20 21:00", None, "", None, None),
        _episode(2, "2026-03-06 23:30", 4, "BA14 8AB", NEAR, True, "yes", "yes", "no"),
        _episode(3, "2026-03-07 15:00", 80, "BA14 8AB", NEAR, True),  # same place, next day
    ]
    frame = pd.DataFrame(rows)
    assert list(frame.columns) == EPISODE_COLUMNS
    return frame


def test_counts_repeats_durations_and_times(episodes):
    result = analyse_missing(episodes=episodes)
    assert (result.episodes, result.children, result.repeat_children) == (5, 3, 1)
    assert result.share_of_episodes_by_top_fifth == pytest.approx(3 / 5)
    assert result.episodes_per_child.to_dict() == {1: 2, 3: 1}
    assert result.durations.to_dict() == {
        "under 6 hours": 2,
        "6 to 24 hours": 0,
        "1 to 3 days": 1,
        "over 3 days": 1,
    }
    assert result.median_hours == pytest.approx(17.5)
    assert result.by_day["Friday"] == 4 and result.by_day["Saturday"] == 1
    assert result.by_hour[22] == 1 and result.by_hour[23] == 2


def test_where_found_and_how_far_from_home(episodes):
    result = analyse_missing(episodes=episodes)
    assert (result.found_in_area, result.found_out_of_area, result.found_unknown) == (3, 1, 1)
    distances = distance_km(episodes)
    assert distances[0] == pytest.approx(2.0, abs=0.05)
    assert 28 < distances[1] < 33  # Trowbridge to Bristol, as the crow flies
    assert np.isnan(distances[2])
    assert (
        result.distances.to_dict()
        == {
            "under 1 km": 0,
            "1 to 5 km": 3,
            "5 to 20 km": 0,
            "over 20 km": 1,
        }
        or result.distances["under 1 km"] + result.distances["1 to 5 km"] == 3
    )


def test_return_interviews_and_children_missing_together(episodes):
    result = analyse_missing(episodes=episodes)
    assert (result.interviews_offered, result.interviews_accepted) == (3, 2)
    assert result.interviews_within_72_hours == 1
    # children 1 and 2 found at one place 90 minutes apart; child 3 there the next afternoon
    assert (result.children_missing_together, result.pairs_missing_together) == (2, 1)
