"""Source records made comparable for Splink: one row per record, names split into
alternatives, identifiers kept only when they check."""

import pandas as pd

from safeguarding.common.dates import swapped_days_and_months
from safeguarding.common.identifiers import (
    nhs_number_is_valid,
    postcode_district,
    postcode_sector,
    upn_is_valid,
)
from safeguarding.common.names import first_name_alternatives, name_parts, plain


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
            "date_of_birth": _iso(dob),
            "date_of_birth_swapped": _iso(swapped_days_and_months(dob)),
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


def _iso(dates: pd.Series) -> pd.Series:
    """YYYY-MM-DD text, None where there is no date."""
    return dates.dt.strftime("%Y-%m-%d").where(dates.notna(), None)
