from hypothesis import given
from hypothesis import strategies as st

from safeguarding.common.identifiers import (
    nhs_check_digit,
    nhs_number_is_valid,
    normalise_postcode,
    postcode_area,
    postcode_district,
    postcode_sector,
    upn_check_letter,
    upn_is_valid,
)


def test_known_nhs_numbers():
    # The NHS Data Dictionary's worked example: 943 476 5919 is valid.
    assert nhs_number_is_valid("943 476 5919")
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("943476591")
    assert not nhs_number_is_valid("0000000000")
    assert not nhs_number_is_valid("")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_a_generated_check_digit_always_validates_and_any_other_digit_does_not(first_nine):
    check = nhs_check_digit(first_nine)
    if check is None or len(set(first_nine + str(check))) == 1:
        return
    assert nhs_number_is_valid(first_nine + str(check))
    for wrong in set(range(10)) - {check}:
        assert not nhs_number_is_valid(first_nine + str(wrong))


def test_a_upn_with_the_wrong_check_letter_or_a_forbidden_letter_is_invalid():
    body = "801200100001"
    assert upn_is_valid(upn_check_letter(body) + body)
    wrong = "B" if upn_check_letter(body) != "B" else "C"
    assert not upn_is_valid(wrong + body)
    assert not upn_is_valid("I801200100001")  # I, O and S are never used


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_single_digit_change_in_a_upn_is_caught(body):
    upn = upn_check_letter(body) + body
    assert upn_is_valid(upn)
    changed = body[:5] + str((int(body[5]) + 1) % 10) + body[6:]
    assert not upn_is_valid(upn[0] + changed)


def test_postcodes_are_normalised_and_broken_into_their_parts():
    assert normalise_postcode(" sn15  1aa ") == "SN15 1AA"
    assert normalise_postcode("SP47DE") == "SP4 7DE"
    assert normalise_postcode("EC1A1BB") == "EC1A 1BB"
    assert normalise_postcode("SN15 1A") is None
    assert normalise_postcode("not a postcode") is None
    assert postcode_sector("SN15 1AA") == "SN15 1"
    assert postcode_district("SN15 1AA") == "SN15"
    assert postcode_area("SN15 1AA") == "SN"


@given(st.text(max_size=20))
def test_postcode_normalisation_never_crashes_and_is_idempotent(text):
    normalised = normalise_postcode(text)
    if normalised is not None:
        assert normalise_postcode(normalised) == normalised
