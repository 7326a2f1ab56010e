import pandas as pd
import pytest
from django.core.cache import cache

from safeguarding.places.grid import FROM_GRID, Cells

# The person page's fixtures, for the page's Places section (test_person_map.py).
from tests.people.conftest import feeds, person  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_cache():
    """The map's short cache of missing episodes is keyed on the data's state, which a rolled
    back test database can repeat: each test starts without it."""
    cache.clear()


# A row of four 1 km squares of the National Grid, for the rules scored on hand-made cells.
SIZE = 1000
COLUMNS = (400, 401, 402, 403)


def point_in(column: int, row: int = 300, *, east: float = 500, north: float = 500):
    """Latitude and longitude of a point `east` and `north` metres into a cell (its centre)."""
    longitude, latitude = FROM_GRID.transform(column * SIZE + east, row * SIZE + north)
    return latitude, longitude


@pytest.fixture
def cells() -> Cells:
    centres = [point_in(c) for c in COLUMNS]
    return Cells(
        frame=pd.DataFrame(
            {
                "cell": [f"{SIZE}m-{c}-300" for c in COLUMNS],
                "column": list(COLUMNS),
                "row": [300] * len(COLUMNS),
                "latitude": [lat for lat, _ in centres],
                "longitude": [lon for _, lon in centres],
            }
        ),
        size=SIZE,
    )
