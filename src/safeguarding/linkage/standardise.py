"""Source records made comparable: case, accents and punctuation gone, names split into
alternatives, nicknames and formal names alternatives of each other, identifiers kept only
when they check."""

import unicodedata
from functools import cache

import pandas as pd
from nicknames import NickNamer

from safeguarding.people.identifiers import (
    nhs_number_is_valid,
    postcode_district,
    postcode_sector,
    upn_is_valid,
)

_NICKNAMES = NickNamer()


def plain(text: str | None) -> str:
    """`Zoë O'Brien-Smith ` → `zoe obrien-smith`."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    kept = "".join(ch for ch in folded.lower() if ch.isalnum() or ch in " -")
    return " ".join(kept.split())


def name_parts(text: str) -> list[str]:
    """Every part of a double-barrelled or multi-word name, and the whole."""
    parts = [part for part in text.replace("-", " ").split() if part]
    return sorted({text.replace(" ", "").replace("-", ""), *parts} - {""})


@cache
def first_name_alternatives(first_name: str) -> tuple[str, ...]:
    """A first name with the formal names it may be short for (`jay` → `james`, `jason`...)
    and its own short forms (`casey` → `kc`), so a nickname meets its name either way."""
    if not first_name:
        return ()
    short_forms = {plain(nickname) for nickname in _NICKNAMES.nicknames_of(first_name)}
    return tuple(sorted({first_name, *_NICKNAMES.canonicals_of(first_name), *short_forms} - {""}))


def standardise(records: pd.DataFrame) -> pd.DataFrame:
    """Columns Splink compares, one row per source record (`unique_id`)."""
    given = records["given_names"].map(plain)
    first = given.str.split().str[0].fillna("")
    surname = records["family_name"].map(plain)
    alias_surnames = records["aliases"].map(
        lambda aliases: [plain(a).split()[-1] for a in aliases or [] if plain(a)]
    )
    dob = pd.to_datetime(records["date_of_birth"], errors="coerce")
    postcode = records["postcode"].fillna("")
    frame = pd.DataFrame(
        {
            "unique_id": records["id"].astype("int64"),
            "source": records["feed"],
            "first_name": first.replace("", None),
            "first_name_alternatives": first.map(
                lambda name: list(first_name_alternatives(name)) or None
            ),
            "surname": surname.replace("", None),
            "surname_alternatives": [
                (name_parts(name) + alias) or None
                for name, alias in zip(surname, alias_surnames, strict=True)
            ],
            "date_of_birth": dob.dt.strftime("%Y-%m-%d").where(dob.notna(), None),
            "date_of_birth_swapped": _swapped(dob),
            "year_of_birth": dob.dt.year.astype("Int64").astype(str).where(dob.notna(), None),
            "sex": records["sex"].where(records["sex"].isin(["male", "female"]), None),
            "postcode": postcode.replace("", None),
            "postcodes": [
                sorted({code, *earlier} - {""}) or None
                for code, earlier in zip(postcode, _earlier_postcodes(records), strict=True)
            ],
            "postcode_sector": postcode.map(lambda code: postcode_sector(code) if code else None),
            "postcode_district": postcode.map(
                lambda code: postcode_district(code) if code else None
            ),
            "latitude": records["latitude"],
            "longitude": records["longitude"],
            "nhs_number": _passing(records["nhs_number"], nhs_number_is_valid),
            "upn": _passing(records["upn"], upn_is_valid),
        }
    )
    return frame


def _passing(identifiers: pd.Series, check) -> pd.Series:
    """The identifiers that pass their check; None for the rest and for those not held."""
    passes = [isinstance(value, str) and check(value) for value in identifiers.tolist()]
    return identifiers.astype(object).where(passes, None)


def _earlier_postcodes(records: pd.DataFrame) -> list[set[str]]:
    """The postcodes a record held before later extracts changed it."""
    return [
        {entry.get("postcode") or "" for entry in history or []} for history in records["history"]
    ]


def _swapped(dob: pd.Series) -> pd.Series:
    """The date with day and month exchanged, where that is a real date."""
    swapped = pd.to_datetime(
        {"year": dob.dt.year, "month": dob.dt.day, "day": dob.dt.month}, errors="coerce"
    )
    return swapped.dt.strftime("%Y-%m-%d").where(swapped.notna() & (swapped != dob), None)
