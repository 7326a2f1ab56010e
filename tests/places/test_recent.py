""" "Recent places" (places/recent.py) on a hand-made grid: the weights, the half-life, the
other sets' fifth, ties, and how many cells make 5% of the area."""

import numpy as np
import pandas as pd
import pytest

from safeguarding.places.recent import (
    flagged_count,
    ranks,
    recency_weighted,
    recent_places,
)
from tests.places.conftest import point_in

CUT = pd.Period("2026-06", freq="M")


def _events(*where_when: tuple[int, str, int]) -> pd.DataFrame:
    """(column, month, row) of each event, at its cell's centre."""
    rows = []
    for column, month, row in where_when:
        latitude, longitude = point_in(column, row)
        rows.append(
            {
                "latitude": latitude,
                "longitude": longitude,
                "occurred_at": pd.Timestamp(f"{month}-15 18:00"),
            }
        )
    return pd.DataFrame(rows, columns=["latitude", "longitude", "occurred_at"])


def test_each_event_weighs_half_as_much_every_three_months(cells):
    events = _events(
        (400, "2026-06", 300),  # the cut's month: 1
        (401, "2026-03", 300),  # 3 months before: 1/2
        (401, "2025-12", 300),  # 6 months before: 1/4
        (402, "2026-05", 300),  # 1 month before: 2 ** -(1/3)
        (402, "2026-07", 300),  # after the cut: not counted
        (403, "2026-06", 310),  # outside the region: not counted
    )
    weighted = recency_weighted(cells, events, cut=CUT)
    assert weighted == pytest.approx([1.0, 0.75, 2 ** (-1 / 3), 0.0])
    # Another half-life: 6 months halves an event of 6 months ago.
    assert recency_weighted(cells, events, cut=CUT, half_life=6)[1] == pytest.approx(0.5 + 0.5**0.5)
    assert recency_weighted(cells, events.iloc[0:0], cut=CUT).tolist() == [0.0] * 4


def test_the_other_event_sets_add_a_fifth_of_their_weighted_events(cells):
    every_set = {
        "missing_found": _events((400, "2026-06", 300), (401, "2026-03", 300)),
        "stop_and_search": _events((401, "2026-06", 300), (402, "2026-06", 300)),
        "partner_concerns": _events((402, "2026-03", 300)),
        "exploitation": _events(),
    }
    score = recent_places(cells, event_set="missing_found", every_set=every_set, cut=CUT)
    assert score == pytest.approx([1.0, 0.5 + 0.2, 0.2 * (1 + 0.5), 0.0])
    stops = recent_places(cells, event_set="stop_and_search", every_set=every_set, cut=CUT)
    assert stops == pytest.approx([0.2, 1 + 0.2 * 0.5, 1 + 0.2 * 0.5, 0.0])
    # Ranked: 1 is the highest; equal scores keep the cells' order.
    assert ranks(score).tolist() == [1, 2, 3, 4]
    assert ranks(stops).tolist() == [3, 1, 2, 4]


def test_ties_are_ranked_in_the_cells_order_and_five_percent_is_at_least_one_cell():
    assert ranks(np.array([0.5, 2.0, 0.5, 2.0, 0.0])).tolist() == [3, 1, 4, 2, 5]
    assert flagged_count(100) == 5
    assert flagged_count(1234) == 62
    assert flagged_count(3) == 1
