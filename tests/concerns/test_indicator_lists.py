from pathlib import Path

import pytest

from safeguarding.concerns.indicators import IndicatorListError, indicator_lists, load

GOOD = """
[lists]
version = "1"
title = "Lists"
[priorities]
immediate_hours = 1
high_hours = 24
routine_hours = 120
[[sector]]
id = "hotel"
name = "Hotel"
source = "Guidance"
indicators = [{ id = "hotel-cash", text = "Paid in cash", urgent = false }]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "concerns.toml"
    path.write_text(text)
    return path


def test_the_shipped_lists_load_with_a_source_for_every_sector():
    lists = indicator_lists()
    assert lists.version
    ids = [sector.id for sector in lists.sectors]
    for sector in ("taxi", "hotel", "landlord", "bus", "rail", "security", "public", "other"):
        assert sector in ids
    assert all(sector.source and sector.indicators for sector in lists.sectors)
    hotel = lists.sector("hotel")
    assert "hotel-young-with-older-adults" in {i.id for i in hotel.indicators}
    assert "hotel-young-with-older-adults" in lists.urgent()
    assert lists.hours == {"immediate": 1, "high": 24, "routine": 120}


def test_good_lists_load(tmp_path):
    lists = load(write(tmp_path, GOOD))
    assert lists.sector("hotel").indicators[0].text == "Paid in cash"


@pytest.mark.parametrize(
    "change,message",
    [
        (('source = "Guidance"', 'sauce = "Guidance"'), "unknown key(s) ['sauce']"),
        (('source = "Guidance"\n', ""), "missing ['source']"),
        (("urgent = false", "urgent = 1"), "urgent is true or false"),
        (("high_hours = 24", "high_hours = 0"), "high_hours must be a whole number"),
        (("routine_hours = 120", "routine_hours = 12"), "must not fall as urgency falls"),
        (('text = "Paid in cash"', 'text = ""'), "text must be text, not empty"),
        (("[lists]", "[list]"), "unknown key(s) ['list']"),
    ],
)
def test_a_mistake_is_refused_with_the_file_and_the_place(tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(IndicatorListError) as error:
        load(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_an_indicator_id_used_twice_is_refused(tmp_path):
    twice = GOOD + GOOD[GOOD.index("[[sector]]") :].replace('id = "hotel"', 'id = "taxi"')
    with pytest.raises(IndicatorListError, match="hotel-cash used twice"):
        load(write(tmp_path, twice))


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    with pytest.raises(IndicatorListError, match="not valid TOML"):
        load(write(tmp_path, "[lists\n"))
    with pytest.raises(IndicatorListError, match="no such file"):
        load(tmp_path / "missing.toml")
