import datetime

import pandas as pd

from safeguarding.common.names import first_name_alternatives, name_parts, plain
from safeguarding.linkage.standardise import standardise


def test_plain_text_loses_case_accents_and_punctuation():
    assert plain("  Zoë O'Brien-Smith ") == "zoe obrien-smith"
    assert plain(None) == ""


def test_double_barrelled_names_become_alternatives():
    assert name_parts("smith-jones") == ["jones", "smith", "smithjones"]


def test_a_nickname_and_its_formal_name_are_alternatives_of_each_other():
    assert "anthony" in first_name_alternatives("ant")
    assert "elizabeth" in first_name_alternatives("liz")
    # The list gives "k.c." as a short form of Casey but not Casey as KC's formal name.
    assert "kc" in first_name_alternatives("casey")
    assert first_name_alternatives("") == ()


def records(**overrides) -> pd.DataFrame:
    row = {
        "id": 1,
        "feed": "police-nominals",
        "given_names": "Jay",
        "family_name": "Smith-Jones",
        "aliases": ["Jay Smyth"],
        "date_of_birth": datetime.date(2009, 4, 3),
        "sex": "male",
        "postcode": "SN15 1AA",
        "nhs_number": "9434765919",
        "upn": None,
        "history": [{"postcode": "SN14 6QQ", "family_name": "Smith"}],
        "latitude": 51.46,
        "longitude": -2.12,
    }
    row.update(overrides)
    return pd.DataFrame([row])


def test_standardised_record_holds_alternatives_swapped_date_and_valid_identifiers_only():
    row = standardise(records()).iloc[0]
    assert row["first_name"] == "jay"
    assert "jacob" in row["first_name_alternatives"]
    assert set(row["surname_alternatives"]) == {"smith", "jones", "smithjones", "smyth"}
    assert row["date_of_birth"] == "2009-04-03"
    assert row["date_of_birth_swapped"] == "2009-03-04"
    assert row["nhs_number"] == "9434765919"


def test_only_alternatives_of_four_letters_or_more_may_differ_by_a_letter():
    liz, al, kat = (
        standardise(records(given_names=name)).iloc[0]["first_name_long_alternatives"]
        for name in ("Liz", "Al", "Kat")
    )
    assert sorted(liz) == ["elizabeth", "lisa", "lizzie"]
    assert "albert" in al and "al" not in al
    assert kat is None  # a name of three letters the nickname table does not know


def test_a_name_the_nickname_table_does_not_know_is_marked():
    known = [
        standardise(records(given_names=name)).iloc[0]["first_name_known"]
        for name in ("Robert", "Rgbby")
    ]
    assert known == [True, False]


def test_an_nhs_number_that_fails_its_check_digit_is_not_compared():
    assert pd.isna(standardise(records(nhs_number="9434765918")).iloc[0]["nhs_number"])


def test_a_date_that_cannot_be_swapped_has_no_swapped_form():
    row = standardise(records(date_of_birth=datetime.date(2009, 4, 23))).iloc[0]
    assert pd.isna(row["date_of_birth_swapped"])


def test_a_postcode_is_compared_whole_by_sector_by_district_and_with_earlier_addresses():
    row = standardise(records()).iloc[0]
    assert row["postcode"] == "SN15 1AA"
    assert row["postcode_sector"] == "SN15 1"
    assert row["postcode_district"] == "SN15"
    assert row["postcodes"] == ["SN14 6QQ", "SN15 1AA"]
    assert (row["latitude"], row["longitude"]) == (51.46, -2.12)


def test_a_record_without_a_postcode_has_none_to_compare():
    row = standardise(records(postcode="", history=[])).iloc[0]
    assert pd.isna(row["postcode"]) and pd.isna(row["postcode_sector"])
    assert row["postcodes"] is None
