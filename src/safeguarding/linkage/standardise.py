"""Source records made comparable for Splink: one row per record, names split into
alternatives, identifiers kept only when they check."""

import pandas as pd

from safeguarding.common.dates import swapped_days_and_months
from safeguarding.common.frames import each_distinct
from safeguarding.common.identifiers import (
    nhs_number_is_valid,
    normalise_postcode,
    postcode_district,
    postcode_sector,
    upn_is_valid,
)
from safeguarding.common.names import first_name_alternatives, name_parts, plain


def standardise(
    records: pd.DataFrame, *, identifier_kinds: list[str] | None = None
) -> pd.DataFrame:
    """Columns Splink compares, one row per source record (`unique_id`).

    `identifier_kinds`: the identifier columns `records` carries (valid values only), one per
    kind; by default the NHS number and UPN."""
    given, surname = _one_cell_names(
        each_distinct(records["given_names"].fillna(""), plain),
        each_distinct(records["family_name"].fillna(""), plain),
    )
    first = given.str.split().str[0].fillna("")
    alias_surnames = records["aliases"].map(
        lambda aliases: [plain(a).split()[-1] for a in aliases or [] if plain(a)]
    )
    dob = pd.to_datetime(records["date_of_birth"], errors="coerce")
    postcode = records["postcode"].fillna("")
    uk = each_distinct(postcode, lambda code: normalise_postcode(code) or "")
    address, house, street = _address_parts(
        records["address"] if "address" in records else pd.Series("", index=records.index)
    )
    frame = pd.DataFrame(
        {
            "unique_id": records["id"].astype("int64"),
            "source": records["feed"],
            "first_name": first.replace("", None),
            "first_name_alternatives": each_distinct(
                first, lambda name: list(first_name_alternatives(name)) or None
            ),
            # The alternatives long enough that one letter different is still the same name
            # (model.py's "a nickname one letter different").
            "first_name_long_alternatives": each_distinct(first, _long_alternatives),
            # Whether the nickname table knows the name: a misspelt one it does not.
            "first_name_known": each_distinct(
                first, lambda name: len(first_name_alternatives(name)) > 1
            ),
            "surname": surname.replace("", None),
            # The whole name both ways round, for a given name and surname swapped: a level of
            # its own columns, so that a training session blocked on one name still trains
            # the other name's comparison (Splink leaves out every comparison that reads a
            # column the session blocks on).
            "full_name": _whole(first, surname),
            "full_name_swapped": _whole(surname, first),
            "surname_alternatives": [
                (parts + alias) or None
                for parts, alias in zip(
                    each_distinct(surname, name_parts), alias_surnames, strict=True
                )
            ],
            "date_of_birth": _iso(dob),
            "date_of_birth_swapped": _iso(swapped_days_and_months(dob)),
            "year_of_birth": dob.dt.year.astype("Int64").astype(str).where(dob.notna(), None),
            "sex": records["sex"].where(records["sex"].isin(["male", "female"]), None),
            "postcode": postcode.replace("", None),
            "postcodes": [
                sorted({code, *earlier} - {""}) or None
                for code, earlier in zip(postcode, _earlier_postcodes(records), strict=True)
            ],
            # Sector and district only for UK postcodes (an Australian 2615 has neither).
            "postcode_sector": each_distinct(
                uk, lambda code: postcode_sector(code) if code else None
            ),
            "postcode_district": each_distinct(
                uk, lambda code: postcode_district(code) if code else None
            ),
            "latitude": records.get("latitude"),
            "longitude": records.get("longitude"),
            "house_number": house.replace("", None),
            "street_words": [words or None for words in street],
            "address": address.replace("", None),
        }
    )
    for kind in identifier_kinds if identifier_kinds is not None else ["nhs_number", "upn"]:
        check = CHECKS.get(kind)
        values = records[kind] if kind in records else pd.Series(None, index=records.index)
        passing = _passing(values, check) if check else values.where(values.notna(), None)
        # Text even where no record holds one: records are standardised a chunk at a time
        # (pipeline.py), and a chunk without any must not turn the whole column to objects.
        frame[kind] = pd.Series(passing.to_numpy(), index=frame.index, dtype="str")
    return frame


# The columns standardise makes besides one per identifier kind.
STANDARD_COLUMNS = {
    "unique_id",
    "source",
    "first_name",
    "first_name_alternatives",
    "first_name_long_alternatives",
    "first_name_known",
    "surname",
    "surname_alternatives",
    "full_name",
    "full_name_swapped",
    "date_of_birth",
    "date_of_birth_swapped",
    "year_of_birth",
    "sex",
    "postcode",
    "postcodes",
    "postcode_sector",
    "postcode_district",
    "latitude",
    "longitude",
    "house_number",
    "street_words",
    "address",
}
# Identifiers with a check of their own; the importer has already marked the rest valid or not.
CHECKS = {"nhs_number": nhs_number_is_valid, "upn": upn_is_valid}


# A name or nickname of fewer letters is one letter away from too many others: Em and Ev,
# Al and Hal, Mel and Meg are brothers' and sisters' names as often as one name mistyped.
LETTERS_FOR_A_TYPO = 4


def _long_alternatives(first_name: str) -> list[str] | None:
    """The first name's alternatives of at least `LETTERS_FOR_A_TYPO` letters."""
    alternatives = first_name_alternatives(first_name)
    return [name for name in alternatives if len(name) >= LETTERS_FOR_A_TYPO] or None


def _one_cell_names(given: pd.Series, surname: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A whole name that came in one cell ("jade example" as the given name, or as the family
    name with no given name) split into a first name and a surname."""
    given_only = (surname == "") & given.str.contains(" ")
    family_only = (given == "") & surname.str.contains(" ")
    given, surname = given.copy(), surname.copy()
    surname[given_only] = given[given_only].str.rsplit(n=1).str[-1]
    given[given_only] = given[given_only].str.rsplit(n=1).str[0]
    given[family_only] = surname[family_only].str.split(n=1).str[0]
    surname[family_only] = surname[family_only].str.split(n=1).str[-1]
    return given, surname


def _whole(first: pd.Series, second: pd.Series) -> pd.Series:
    """The two names as one, None unless both are held."""
    # A bar, which no plain name holds, so that "ann marie" + "lee" is not "ann" + "marie lee".
    return (first + "|" + second).where((first != "") & (second != ""), None)


def _address_parts(addresses: pd.Series) -> tuple[pd.Series, pd.Series, list[list[str]]]:
    """The plain address, its house number (the first word with a digit) and its other words
    of three letters or more (the street, the place)."""
    text = each_distinct(addresses.fillna(""), plain)
    house = each_distinct(text, lambda t: next((w for w in t.split() if _has_digit(w)), ""))
    street = each_distinct(
        text, lambda t: sorted({w for w in t.split() if len(w) >= 3 and not _has_digit(w)})
    )
    return text, house, street.tolist()


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def _passing(identifiers: pd.Series, check) -> pd.Series:
    """The identifiers that pass their check; None for the rest and for those not held."""
    passes = each_distinct(identifiers, lambda value: isinstance(value, str) and check(value))
    return identifiers.astype(object).where(passes, None)


def _earlier_postcodes(records: pd.DataFrame) -> list[set[str]]:
    """The postcodes a record held before later extracts changed it."""
    return [
        {entry.get("postcode") or "" for entry in history or []} for history in records["history"]
    ]


def _iso(dates: pd.Series) -> pd.Series:
    """YYYY-MM-DD text, None where there is no date."""
    return dates.dt.strftime("%Y-%m-%d").where(dates.notna(), None)
