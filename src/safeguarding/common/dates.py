"""One reading of the dates people type, for every form and for search.

Professionals in England write dd/mm/yyyy; browsers and the command line send YYYY-MM-DD. Both
are read everywhere (and dd-mm-yyyy, dd.mm.yyyy), so a date that one page takes another takes too.
A day and month exchanged is the commonest slip in a date of birth: one rule for it, used by
search, by linkage and by the synthetic county that imitates the slip.
"""

import datetime

import pandas as pd
from django import forms

INPUT_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(text: str) -> datetime.date | None:
    """The date written in any of INPUT_FORMATS, or None."""
    for pattern in INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


class DateField(forms.DateField):
    """A form's date: the formats search takes, whatever the locale's."""

    input_formats = INPUT_FORMATS


def swapped_day_and_month(date: datetime.date) -> datetime.date | None:
    """Day and month exchanged, where that makes another real date."""
    if date.day > 12 or date.day == date.month:
        return None
    return date.replace(month=date.day, day=date.month)


def swapped_days_and_months(dates: pd.Series) -> pd.Series:
    """swapped_day_and_month over a column of datetimes: NaT where there is no other date."""
    swapped = pd.to_datetime(
        {"year": dates.dt.year, "month": dates.dt.day, "day": dates.dt.month}, errors="coerce"
    )
    return swapped.where(swapped.notna() & (swapped != dates))
