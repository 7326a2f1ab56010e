"""Minutes within two working days: weekends and England and Wales bank holidays skipped, the
bank holidays read from a data file that is checked strictly."""

import datetime

import pytest
from dateutil.easter import easter

from safeguarding.panel.models import Meeting
from safeguarding.panel.services import minutes_due_by
from safeguarding.panel.working_days import (
    BankHolidayError,
    bank_holidays,
    load_bank_holidays,
    working_days_after,
)

D = datetime.date


def due(held_on: datetime.date) -> datetime.date:
    return minutes_due_by(Meeting(held_on=held_on))


@pytest.mark.parametrize(
    ("held_on", "expected"),
    [
        # Christmas 2026: Fri 25 and Mon 28 (Boxing Day's substitute) are holidays.
        (D(2026, 12, 23), D(2026, 12, 29)),  # Wed -> Thu 24, (Fri, Sat, Sun, Mon) Tue 29
        (D(2026, 12, 24), D(2026, 12, 30)),
        # New Year 2027 on a Friday.
        (D(2026, 12, 31), D(2027, 1, 5)),  # Thu -> (Fri 1) Mon 4, Tue 5
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        (D(2027, 3, 25), D(2027, 3, 31)),  # Thu -> (Fri, Sat, Sun, Mon) Tue 30, Wed 31
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        (D(2026, 4, 2), D(2026, 4, 8)),
        # Christmas 2027 falls at a weekend: Mon 27 and Tue 28 are the substitute days.
        (D(2027, 12, 24), D(2027, 12, 30)),
        # An ordinary week: Friday to Tuesday.
        (D(2026, 11, 27), D(2026, 12, 1)),
    ],
)
def test_minutes_are_due_two_working_days_later(held_on, expected):
    assert due(held_on) == expected


def test_the_file_holds_eight_weekdays_a_year_with_easter_where_easter_is():
    holidays = bank_holidays()
    assert (holidays.first_year, holidays.last_year) == (2025, 2028)
    for year in range(2025, 2029):
        days = {d: n for d, n in holidays.days.items() if d.year == year}
        assert len(days) == 8 and all(d.weekday() < 5 for d in days)
        sunday = easter(year)
        assert days[sunday - datetime.timedelta(days=2)] == "Good Friday"
        assert days[sunday + datetime.timedelta(days=1)] == "Easter Monday"


def test_beyond_the_years_covered_only_weekends_are_skipped():
    # 25 December 2029 is a Tuesday: not in the file, so it counts as a working day.
    assert working_days_after(D(2029, 12, 24), 2) == D(2029, 12, 26)


def write(tmp_path, text: str):
    path = tmp_path / "bank_holidays.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_YEAR = """
division = "england-and-wales"
first_year = 2026
last_year = 2026
[years.2026]
"2026-01-01" = "New Year's Day"
"2026-04-03" = "Good Friday"
"2026-04-06" = "Easter Monday"
"2026-05-04" = "Early May bank holiday"
"2026-05-25" = "Spring bank holiday"
"2026-08-31" = "Summer bank holiday"
"2026-12-25" = "Christmas Day"
"2026-12-28" = "Boxing Day (substitute day)"
"""


def test_a_good_file_loads(tmp_path):
    holidays = load_bank_holidays(write(tmp_path, GOOD_YEAR))
    assert not holidays.is_working_day(D(2026, 12, 28))
    assert holidays.is_working_day(D(2026, 12, 29))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("first_year = 2026", "first_year = 2025"), "every year from 2025 to 2026"),
        (('"2026-12-28" = "Boxing', '"2026-12-26" = "Boxing'), "is a weekend"),
        (('"2026-12-28"', '"2027-12-28"'), "is not in 2026"),
        (('"2026-12-28"', '"2026-13-28"'), "is not a date"),
        (("Summer bank holiday", "Summer holiday"), "unknown name"),
        (('division = "england-and-wales"', 'division = "scotland"'), "division"),
        (('"2026-12-28" = "Boxing Day (substitute day)"', ""), "has 7 bank holidays"),
        (("last_year = 2026", "last_year = 2026\nyear = 2026"), "unknown keys"),
    ],
)
def test_a_wrong_file_is_refused_with_what_to_fix(tmp_path, change, message):
    with pytest.raises(BankHolidayError, match=message) as refused:
        load_bank_holidays(write(tmp_path, GOOD_YEAR.replace(*change)))
    assert "bank_holidays.toml" in str(refused.value)
