"""Working days in England and Wales: weekends and bank holidays skipped. The bank holidays are
data (bank_holidays.toml, from GOV.UK), validated strictly once when first needed."""

import datetime
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

BANK_HOLIDAYS_FILE = Path(__file__).with_name("bank_holidays.toml")
NAMES = (
    "New Year's Day",
    "Good Friday",
    "Easter Monday",
    "Early May bank holiday",
    "Spring bank holiday",
    "Summer bank holiday",
    "Christmas Day",
    "Boxing Day",
)
USUAL_PER_YEAR = len(NAMES)


class BankHolidayError(ValueError):
    """The bank holidays file is wrong: the message names the file and what to fix."""


@dataclass(frozen=True)
class BankHolidays:
    first_year: int
    last_year: int
    days: dict[datetime.date, str]

    def covers(self, day: datetime.date) -> bool:
        return self.first_year <= day.year <= self.last_year

    def is_working_day(self, day: datetime.date) -> bool:
        return day.weekday() < 5 and day not in self.days


def load_bank_holidays(path: Path = BANK_HOLIDAYS_FILE) -> BankHolidays:
    """Read and check the file; any unknown key, wrong date or missing year is refused."""

    def fail(message: str) -> BankHolidayError:
        return BankHolidayError(f"{path}: {message}")

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise fail(f"cannot be read ({error})") from error
    unknown = set(data) - {"division", "first_year", "last_year", "years", "extra"}
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)}")
    if data.get("division") != "england-and-wales":
        raise fail('division must be "england-and-wales"')
    first, last = data.get("first_year"), data.get("last_year")
    if not isinstance(first, int) or not isinstance(last, int) or first > last:
        raise fail("first_year and last_year must be years, the first not after the last")
    years = data.get("years", {})
    extra = data.get("extra", {})  # e.g. a coronation: {"2023" = "why"}
    if not isinstance(years, dict) or set(years) != {str(y) for y in range(first, last + 1)}:
        raise fail(f"years must hold every year from {first} to {last}, and no other")
    days: dict[datetime.date, str] = {}
    for year, entries in years.items():
        if not isinstance(entries, dict):
            raise fail(f"years.{year} must be a table of dates and names")
        for text, name in entries.items():
            try:
                day = datetime.date.fromisoformat(text)
            except ValueError as error:
                raise fail(f"years.{year}: {text!r} is not a date (YYYY-MM-DD)") from error
            if str(day.year) != year:
                raise fail(f"years.{year}: {text} is not in {year}")
            if day.weekday() >= 5:
                raise fail(f"years.{year}: {text} is a weekend: list the substitute day")
            known = isinstance(name, str) and name.removesuffix(" (substitute day)") in NAMES
            if not known and year not in extra:
                raise fail(f"years.{year}: {text} has an unknown name {name!r}")
            days[day] = name
        if len(entries) != USUAL_PER_YEAR and year not in extra:
            raise fail(
                f"years.{year} has {len(entries)} bank holidays, not {USUAL_PER_YEAR}: "
                f'say why under [extra] ("{year}" = "...")'
            )
    return BankHolidays(first_year=first, last_year=last, days=days)


@cache
def bank_holidays() -> BankHolidays:
    return load_bank_holidays()


def working_days_after(
    day: datetime.date, count: int, *, holidays: BankHolidays | None = None
) -> datetime.date:
    """The date `count` working days after `day` (weekends and bank holidays skipped). Beyond
    the years the file covers only weekends are skipped (docs/panel.md: add each year ahead)."""
    holidays = holidays or bank_holidays()
    left = count
    while left:
        day += datetime.timedelta(days=1)
        if holidays.is_working_day(day):
            left -= 1
    return day
