"""The people and the scored county other test folders build, for the pages' tests here."""

from tests.people.conftest import feeds, person  # noqa: F401 (fixtures)
from tests.risk.conftest import county  # noqa: F401 (a fixture)
