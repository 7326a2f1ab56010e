import pytest

from tests.factories import PersonFactory


@pytest.fixture
def people():
    return {name: PersonFactory(display_name=name) for name in ("Amy", "Ben", "Cal", "Dee")}
