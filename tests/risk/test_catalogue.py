"""The indicator catalogue file: the shipped one loads, and mistakes are reported clearly."""

from pathlib import Path

import pytest
from django.conf import settings

from safeguarding.risk.catalogue import CatalogueError, load_catalogue, parse_catalogue

SHIPPED = Path(settings.INDICATOR_CATALOGUE).read_text()
INDICATOR = """
[[indicator]]
id = "x"
name = "X"
domain = "police"
types = ["cce"]
weight = 1
source = "test"
kind = "events"
"""
HEAD = """
[catalogue]
version = "t1"
[levels]
medium = 4
high = 8
"""


def test_the_shipped_catalogue_loads_with_every_indicator_sourced():
    catalogue = load_catalogue()
    assert len(catalogue.indicators) >= 25
    assert all(indicator.source and indicator.weight > 0 for indicator in catalogue.indicators)
    assert (catalogue.current_days, catalogue.previous_days) == (90, 180)
    assert catalogue.level_for(0) == "none"
    assert catalogue.level_for(1) == "low"
    assert catalogue.level_for(catalogue.medium) == "medium"
    assert catalogue.level_for(catalogue.high) == "high"


def test_every_indicator_is_documented_in_docs_risk():
    text = (settings.PROJECT_ROOT / "docs" / "risk.md").read_text()
    missing = [i.id for i in load_catalogue().indicators if f"`{i.id}`" not in text]
    assert missing == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('kind = "events"', 'kind = "events"\nevent_types = ["party"]'), "no event type party"),
        (('domain = "police"', 'domain = "astrology"'), "domain must be one of"),
        (('types = ["cce"]', 'types = ["gangs"]'), "types must be some of"),
        (("weight = 1\n", "weight = -2\n"), "weight must be a number above zero"),
        (('kind = "events"', 'kind = "events"\nroles = ["bystander"]'), "no role bystander"),
        (('kind = "events"', 'kind = "events"\nlocation = "nearby"'), "location can only be"),
        (('kind = "events"', 'kind = "events"\ncolour = "red"'), "unknown field colour"),
        (('source = "test"\n', ""), "needs a source"),
        (('kind = "events"', 'kind = "attendance"'), "needs below"),
        (('kind = "events"', 'kind = "events"\nfalls_by = 0.15'), "falls_by is for an attendance"),
        (('kind = "events"', 'kind = "attendance"\nbelow = 0.9\nfalls_by = 15'), "between 0 and 1"),
    ],
)
def test_a_mistake_in_an_indicator_names_the_indicator_and_the_fix(change, message):
    old, new = change
    with pytest.raises(CatalogueError, match=message) as error:
        parse_catalogue(HEAD + INDICATOR.replace(old, new))
    assert "indicator x" in str(error.value)


def test_levels_must_be_in_order():
    with pytest.raises(CatalogueError, match="0 < medium < high"):
        parse_catalogue(HEAD.replace("high = 8", "high = 2") + INDICATOR)


def test_an_indicator_id_may_be_used_once():
    with pytest.raises(CatalogueError, match="x is used twice"):
        parse_catalogue(HEAD + INDICATOR + INDICATOR)


def test_a_catalogue_needs_a_version():
    with pytest.raises(CatalogueError, match="needs a version"):
        parse_catalogue(HEAD.replace('version = "t1"', "") + INDICATOR)


def test_text_that_is_not_toml_is_refused():
    with pytest.raises(CatalogueError, match="not valid TOML"):
        parse_catalogue(SHIPPED + "\n[[indicator]\n")
