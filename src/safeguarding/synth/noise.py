"""How each agency's view of a person goes wrong: typos, nicknames, swapped dates, old addresses."""

import string

import numpy as np
import pandas as pd

from safeguarding.common.dates import swapped_days_and_months
from safeguarding.common.names import NICKNAMES
from safeguarding.synth.parameters import Noise

INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def typo(text: str, choice: float, position: float) -> str:
    if len(text) < 3:
        return text
    i = 1 + int(position * (len(text) - 2))
    if choice < 0.25:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :] if i + 1 < len(text) else text
    if choice < 0.5:
        return text[:i] + text[i + 1 :]
    if choice < 0.75:
        return text[:i] + text[i] + text[i:]
    letter = string.ascii_lowercase[int(position * 26) % 26]
    return text[:i] + letter + text[i + 1 :]


def nickname(name: str, pick: float) -> str:
    options = sorted(NICKNAMES.nicknames_of(name.lower()))
    if not options:
        return name
    return options[int(pick * len(options))].capitalize()


def postcode_typo(postcode: str, pick: float) -> str:
    outward, inward = postcode.split(" ")
    if pick < 0.5:
        return f"{outward} {(int(inward[0]) + 1) % 10}{inward[1:]}"
    letter = INWARD_LETTERS[(INWARD_LETTERS.index(inward[2]) + 1) % len(INWARD_LETTERS)]
    return f"{outward} {inward[:2]}{letter}"


def apply_noise(
    records: pd.DataFrame, noise: Noise, rng: np.random.Generator, surnames: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Corrupt an agency's records in place of the truth; return them and a log of what changed."""
    records = records.copy()
    n = len(records)
    log = []

    def mark(mask: np.ndarray, kind: str) -> np.ndarray:
        log.append(
            pd.DataFrame({"source_record_id": records["source_record_id"][mask], "noise": kind})
        )
        return mask

    draws = rng.random((n, 3))
    nick = mark(rng.random(n) < noise.nickname, "nickname")
    records.loc[nick, "given_name"] = [
        nickname(name, p)
        for name, p in zip(records.loc[nick, "given_name"], draws[nick, 0], strict=True)
    ]
    typos = mark(rng.random(n) < noise.name_typo, "name_typo")
    on_family = draws[:, 2] < 0.5
    for column, which in (("family_name", typos & on_family), ("given_name", typos & ~on_family)):
        records.loc[which, column] = [
            typo(text, a, b).capitalize() if "-" not in text and "'" not in text else text
            for text, a, b in zip(
                records.loc[which, column], draws[which, 0], draws[which, 1], strict=True
            )
        ]
    changed = mark(rng.random(n) < noise.surname_change, "surname_change")
    records.loc[changed, "family_name"] = rng.choice(surnames, int(changed.sum()))
    double = records["family_name"].str.contains("-", regex=False).to_numpy() & (
        rng.random(n) < 0.5
    )
    mark(double, "double_barrelled_part")
    parts = records.loc[double, "family_name"].str.split("-")
    records.loc[double, "family_name"] = [
        p[int(d * 2) % 2] for p, d in zip(parts, draws[double, 1], strict=True)
    ]

    dob = records["date_of_birth"]
    swapped = swapped_days_and_months(dob)
    swap = mark(
        ((rng.random(n) < noise.day_month_swap) & swapped.notna()).to_numpy(), "day_month_swap"
    )
    records.loc[swap, "date_of_birth"] = swapped[swap]
    slip = mark(rng.random(n) < noise.date_of_birth_typo, "date_of_birth_typo")
    records.loc[slip, "date_of_birth"] = dob[slip] + pd.to_timedelta(
        rng.choice([-1, 1, 10, -10], int(slip.sum())), unit="D"
    )
    gone = mark(rng.random(n) < noise.missing_date_of_birth, "missing_date_of_birth")
    records.loc[gone, "date_of_birth"] = pd.NaT

    old = mark(
        ((records["previous_postcode"] != "") & (rng.random(n) < noise.old_address)).to_numpy(),
        "old_address",
    )
    records.loc[old, "postcode"] = records.loc[old, "previous_postcode"]
    slipped = mark(rng.random(n) < noise.postcode_typo, "postcode_typo")
    records.loc[slipped, "postcode"] = [
        postcode_typo(p, d)
        for p, d in zip(records.loc[slipped, "postcode"], draws[slipped, 2], strict=True)
    ]
    return records, pd.concat(log, ignore_index=True)


def with_duplicates(records: pd.DataFrame, rate: float, rng: np.random.Generator) -> pd.DataFrame:
    """Some people are recorded twice by the same agency, under two ids."""
    twice = records[rng.random(len(records)) < rate]
    return pd.concat([records, twice], ignore_index=True)
