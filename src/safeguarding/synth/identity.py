"""True identifiers for every young person, valid by construction."""

import numpy as np

from safeguarding.common.identifiers import nhs_check_digit, upn_check_letter


def nhs_numbers(count: int, rng: np.random.Generator) -> np.ndarray:
    numbers: dict[str, None] = {}
    while len(numbers) < count:
        first_nine = str(int(rng.integers(400_000_000, 999_999_999)))
        check = nhs_check_digit(first_nine)
        if check is not None:
            numbers[first_nine + str(check)] = None
    return np.array(list(numbers))


def upns(count: int, rng: np.random.Generator, *, local_authority: str = "865") -> np.ndarray:
    """Wiltshire's LA code is 865; then a school number, year and serial."""
    order = rng.permutation(count)
    bodies = [
        f"{local_authority}{2000 + index // 1000 % 5000:04d}{10 + index // 5_000_000:02d}"
        f"{index % 1000:03d}"
        for index in order
    ]
    return np.array([upn_check_letter(body) + body for body in bodies])


def corrupt_digit(number: str, rng: np.random.Generator) -> str:
    position = int(rng.integers(0, len(number) - 1))
    digit = (int(number[position]) + 1 + int(rng.integers(0, 8))) % 10
    return number[:position] + str(digit) + number[position + 1 :]
