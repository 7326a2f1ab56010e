import pytest
from django.core.cache import cache

# The person page's fixtures, for the page's Places section (test_person_map.py).
from tests.people.conftest import feeds, person  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_cache():
    """The map's short cache of missing episodes is keyed on the data's state, which a rolled
    back test database can repeat: each test starts without it."""
    cache.clear()
