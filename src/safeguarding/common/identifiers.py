"""Checks and normal forms for the identifiers agencies share: NHS number, UPN, postcode.

One implementation, used by the importer's validation, by linkage and by the synthetic county.
"""

import re

# The NHS Data Dictionary: ten digits, the tenth a modulus-11 check digit over the first nine
# weighted 10 down to 2; a remainder giving 10 means the number was never issued.
NHS_NUMBER_WEIGHTS = range(10, 1, -1)


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no valid number starts with them."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, NHS_NUMBER_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_is_valid(value: str) -> bool:
    digits = normalise_nhs_number(value)
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


# DfE Common Basic Data Set: a UPN is a check letter then twelve characters (LA code, school,
# year, serial); the check letter is the weighted sum of the rest, modulo 23, as a letter.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_PATTERN = re.compile(r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$")


def upn_check_letter(last_twelve: str) -> str:
    total = 0
    for weight, character in enumerate(last_twelve, start=2):
        # A temporary UPN ends in a letter, which counts as its position in UPN_LETTERS.
        value = int(character) if character.isdigit() else UPN_LETTERS.index(character)
        total += value * weight
    return UPN_LETTERS[total % 23]


def normalise_upn(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def upn_is_valid(value: str) -> bool:
    upn = normalise_upn(value)
    return bool(UPN_PATTERN.match(upn)) and upn_check_letter(upn[1:]) == upn[0]


POSTCODE_PATTERN = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def normalise_postcode(value: str) -> str | None:
    """`sn15 1aa` → `SN15 1AA`; None when it is not in the form of a UK postcode."""
    compact = re.sub(r"\s", "", value or "").upper()
    match = POSTCODE_PATTERN.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


def postcode_sector(postcode: str) -> str:
    return postcode[:-2]


def postcode_district(postcode: str) -> str:
    return postcode.split(" ")[0]


def postcode_area(postcode: str) -> str:
    return re.match(r"^[A-Z]+", postcode).group(0)  # type: ignore[union-attr]
