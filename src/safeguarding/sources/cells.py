"""Cells that hold several fields: a whole name, a whole address, a school term, a JSON list.

Each is split a column at a time (pandas string methods, no loop over rows) into named parts,
which the feed maps as `Column.part` (`Name.family`, `Address.postcode`).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from safeguarding.common.identifiers import normalise_postcode

# A full UK postcode at the end of an address, with or without its space.
POSTCODE_AT_END = r"(?P<postcode>[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2})\s*$"
HOUSE_NUMBER = r"^\s*(?P<number>\d+[A-Za-z]?(?:\s*-\s*\d+[A-Za-z]?)?)\b[\s,]*"


@dataclass
class Cells:
    value: pd.Series  # what the column itself holds once read
    parts: dict[str, pd.Series] = field(default_factory=dict)
    problems: list[tuple[pd.Series, Callable[[str], str]]] = field(default_factory=list)


def split_name(text: pd.Series, blank: pd.Series, *, form: str, name: str) -> Cells:
    """ "SMITH, Jayden Lee", "Jayden Lee SMITH" or "SMITH Jayden Lee" into given and family
    names; initials ("J.L.", "J L") are kept as given names, one letter a word."""
    if form == "family, given":
        pieces = text.str.split(",", n=1, expand=True).reindex(columns=[0, 1])
        family, given = pieces[0].str.strip(), pieces[1].fillna("").str.strip()
        no_comma = ~blank & ~text.str.contains(",", regex=False)
        problems = [
            (
                no_comma,
                lambda raw: (
                    f"{name} '{raw}' is not in the form SURNAME, Forenames: it has no comma"
                ),
            )
        ]
    else:
        words = text.str.split()
        if form == "given family":
            family, given = words.str[-1], words.str[:-1].str.join(" ")
        else:
            family, given = words.str[0], words.str[1:].str.join(" ")
        problems = []
    # "J.L." or "J. L." as given names are initials: one letter a word, no dots.
    given = given.fillna("").str.replace(r"\.\s*", " ", regex=True).str.strip()
    initials = given.str.split().map(
        lambda names: "".join(n[0] for n in names).upper() if isinstance(names, list) else ""
    )
    return Cells(
        value=text.where(~blank),
        parts={
            "given": given.where(~blank & given.ne("")),
            "family": family.fillna("").where(~blank),
            "initials": initials.where(~blank & initials.ne("")),
        },
        problems=problems,
    )


def split_address(text: pd.Series, blank: pd.Series) -> Cells:
    """ "12a High Street, Chippenham, SN15 1AA" into house number, street, town and postcode;
    a part the address does not give is left blank."""
    postcode_text = text.str.extract(POSTCODE_AT_END)["postcode"]
    postcode = postcode_text.fillna("").map(normalise_postcode)
    rest = text.str.replace(POSTCODE_AT_END, "", regex=True).str.strip(" ,")
    number = rest.str.extract(HOUSE_NUMBER)["number"]
    rest = rest.str.replace(HOUSE_NUMBER, "", regex=True)
    pieces = rest.str.split(",").map(
        lambda parts: [p.strip() for p in parts if p.strip()] if isinstance(parts, list) else []
    )
    street = pieces.map(lambda parts: parts[0] if parts else None)
    town = pieces.map(lambda parts: parts[-1] if len(parts) > 1 else None)
    return Cells(
        value=text.where(~blank),
        parts={
            "house_number": number.where(~blank),
            "street": street.where(~blank),
            "town": town.where(~blank),
            "postcode": postcode.where(~blank),
        },
    )


def term_dates(
    text: pd.Series, blank: pd.Series, years: pd.Series, *, terms: dict[str, str], name: str
) -> Cells:
    """A term ("Autumn") and an academic year ("2024/25", or 2024) as the date the term
    starts: terms starting September to December fall in the year's first calendar year, the
    others in its second."""
    start_year = pd.to_numeric(years.astype(str).str.extract(r"^\s*(\d{4})")[0], errors="coerce")
    lookup = {term.strip().lower(): month_day for term, month_day in terms.items()}
    month_day = text.str.lower().map(lookup)
    month = pd.to_numeric(month_day.str[:2], errors="coerce")
    year = start_year + (month < 9).astype(int)
    dates = pd.to_datetime(
        year.astype("Int64").astype(str) + "-" + month_day.fillna(""),
        format="%Y-%m-%d",
        errors="coerce",
    )
    unknown_term = ~blank & month_day.isna()
    no_year = ~blank & month_day.notna() & start_year.isna()
    listed = ", ".join(terms)
    return Cells(
        value=dates.where(~blank).dt.date,
        problems=[
            (unknown_term, lambda raw: f"{name} '{raw}' is not one of the terms ({listed})"),
            (no_year, lambda raw: f"{name} '{raw}' has no year it can be placed in"),
        ],
    )


# In a JSON object of codes ({"1A": "Yes", "2B": "No"}) the values that say a code holds, and
# those that say it does not; any other value is quarantined rather than guessed.
JSON_YES = {"yes", "y", "true", "1"}
JSON_NO = {"no", "n", "false", "0", ""}


def _json_codes(raw: str) -> list[str] | str:
    """The codes a cell lists, as ["1A", "2B"] or {"1A": "Yes", "2B": "No"}; or why not."""
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as error:
        return f"is not valid JSON ({error.msg} at character {error.pos + 1})"
    if isinstance(parsed, list):
        items = parsed
    elif isinstance(parsed, dict):
        unclear = [
            f"{key}: {value!r}"
            for key, value in parsed.items()
            if value is not None and str(value).strip().lower() not in JSON_YES | JSON_NO
        ]
        if unclear:
            return f"says neither yes nor no for {', '.join(unclear)}"
        items = [key for key, value in parsed.items() if str(value).strip().lower() in JSON_YES]
    else:
        return 'is JSON but neither a list ["1A", "2B"] nor an object {"1A": "Yes"}'
    if not all(isinstance(item, str | int) and not isinstance(item, bool) for item in items):
        return "lists something other than codes (text or whole numbers)"
    return [str(item).strip() for item in items if str(item).strip()]


def json_lists(text: pd.Series, blank: pd.Series, *, codes: dict[str, str], name: str) -> Cells:
    """A JSON array of codes, or an object of code to yes/no, as the list of codes that hold,
    each mapped through `codes` when the feed lists them (matched whatever their case)."""
    parsed = text.where(~blank).map(_json_codes, na_action="ignore")
    broken = parsed.map(lambda value: isinstance(value, str)).astype(bool) & ~blank
    lookup = {code.strip().upper(): ours for code, ours in codes.items()}

    def strays(value) -> list[str]:
        if not lookup or not isinstance(value, list):
            return []
        return [item for item in value if item.upper() not in lookup]

    unknown = parsed.map(lambda value: bool(strays(value))).astype(bool) & ~blank
    if lookup:
        parsed = parsed.map(
            lambda value: (
                list(dict.fromkeys(lookup.get(item.upper(), item) for item in value))
                if isinstance(value, list)
                else value
            )
        )
    listed = ", ".join(codes)
    return Cells(
        value=parsed.where(~blank & ~broken & ~unknown, None).astype(object),
        problems=[
            (broken, lambda raw: f"{name} '{raw}' {_json_codes(raw)}"),
            (
                unknown,
                lambda raw: (
                    f"{name} '{raw}' lists {', '.join(strays(_json_codes(raw)))}, which is not "
                    f"one of the codes this feed knows ({listed}): add it to the feed's codes "
                    "if it is new"
                ),
            ),
        ],
    )
