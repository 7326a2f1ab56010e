"""The one date parser, the one day-and-month swap, the frame helpers."""

import datetime

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from safeguarding.common.dates import (
    DateField,
    parse_date,
    swapped_day_and_month,
    swapped_days_and_months,
)
from safeguarding.common.frames import each_distinct, most_common


def test_dates_are_read_as_people_write_them_and_as_browsers_send_them():
    expected = datetime.date(2008, 6, 5)
    for text in ("05/06/2008", "2008-06-05", "05-06-2008", "05.06.2008", " 5/6/2008 "):
        assert parse_date(text) == expected
    assert parse_date("31/02/2008") is None
    assert parse_date("June 2008") is None


def test_a_form_date_takes_both_forms():
    field = DateField(required=False)
    assert field.clean("31/10/2026") == field.clean("2026-10-31") == datetime.date(2026, 10, 31)


def test_one_swap_rule_for_a_date_and_for_a_column():
    dates = [datetime.date(2008, 6, 5), datetime.date(2008, 5, 13), datetime.date(2008, 7, 7)]
    assert [swapped_day_and_month(d) for d in dates] == [datetime.date(2008, 5, 6), None, None]
    column = swapped_days_and_months(pd.to_datetime(pd.Series([*dates, None])))
    assert column.iloc[0] == pd.Timestamp(2008, 5, 6)
    assert column.iloc[1:].isna().all()


def test_most_common_per_person_skips_missing_and_optionally_blank_values():
    frame = pd.DataFrame(
        {
            "person_id": [1, 1, 1, 2, 2, 2],
            "sex": ["", "", "female", None, "male", "male"],
        }
    )
    assert most_common(frame, "sex").to_dict() == {1: "", 2: "male"}
    assert most_common(frame, "sex", skip_blank=True).to_dict() == {1: "female", 2: "male"}


@given(st.lists(st.one_of(st.none(), st.sampled_from(["", "ann", "Ann-Marie", "zoë"]), st.text())))
def test_each_distinct_gives_what_mapping_each_value_gives(values):
    column = pd.Series(values, index=range(10, 10 + len(values)), dtype=object)

    def parts(value):
        return None if value is None else value.lower().split("-")

    assert each_distinct(column, parts).tolist() == column.map(parts).tolist()
    assert each_distinct(column, parts).index.equals(column.index)
    flags = each_distinct(column, lambda value: bool(value))
    assert flags.tolist() == [bool(value) for value in values]
    if values:
        assert flags.dtype == bool


def test_each_distinct_works_each_value_out_once():
    seen = []
    column = pd.Series(["ann", None, "ann", "bo", None, "bo"])
    result = each_distinct(column, lambda value: seen.append(value) or (value or "").upper())
    assert result.tolist() == ["ANN", "", "ANN", "BO", "", "BO"]
    assert len(seen) == 3
    assert set(map(str, seen)) == {"None", "ann", "bo"}
