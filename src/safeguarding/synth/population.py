"""The people of the county: young people in households, their adults, where they live and learn."""

from importlib import resources

import numpy as np
import pandas as pd

from safeguarding.synth.geography import Geography

# ONS 2021 ethnic group codes, weighted roughly as in a rural English county.
ETHNICITY_CODES = [
    "W1",
    "W2",
    "W3",
    "W4",
    "M1",
    "M2",
    "M3",
    "M4",
    "A1",
    "A2",
    "A3",
    "A4",
    "A5",
    "B1",
    "B2",
    "B3",
    "O1",
    "O2",
]
ETHNICITY_WEIGHTS = np.array(
    [86.0, 0.6, 0.3, 3.5, 0.8, 0.3, 0.6, 0.6, 1.4, 0.7, 0.3, 0.6, 0.6, 0.5, 0.6, 0.2, 0.3, 0.4]
)
SOUTH_ASIAN = {"A1", "A2", "A3"}


def names(kind: str) -> np.ndarray:
    text = resources.files("safeguarding.synth").joinpath(f"data/{kind}.txt").read_text()
    return np.array(text.split())


def build_young_people(
    count: int,
    geography: Geography,
    *,
    window_end: pd.Timestamp,
    rng: np.random.Generator,
    ethnicity_multipliers: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Young people aged 8 to 25 at the end of the window, in households of one to four.

    ethnicity_multipliers scale the rural mix by ONS group initial (e.g. {"B": 6}).
    """
    household_sizes = rng.choice([1, 2, 3, 4], size=count, p=[0.45, 0.35, 0.15, 0.05])
    household_of = np.repeat(np.arange(count), household_sizes)[:count]
    households = household_of.max() + 1

    in_county = geography.postcodes[geography.postcodes["in_county"]].reset_index(drop=True)
    home = rng.integers(0, len(in_county), households)
    surnames = names("surnames")
    family_name = rng.choice(surnames, households)
    weights = ETHNICITY_WEIGHTS * np.array(
        [(ethnicity_multipliers or {}).get(code[0], 1.0) for code in ETHNICITY_CODES]
    )
    ethnicity = rng.choice(ETHNICITY_CODES, households, p=weights / weights.sum())

    sex = np.where(rng.random(count) < 0.5, "female", "male")
    female, male = names("first_names_female"), names("first_names_male")
    given = np.where(sex == "female", rng.choice(female, count), rng.choice(male, count))
    # Parents rarely give two children the same first name: redraw any repeat in a household.
    for _ in range(5):
        repeat = pd.DataFrame({"household": household_of, "name": given}).duplicated().to_numpy()
        if not repeat.any():
            break
        given[repeat] = np.where(
            sex[repeat] == "female",
            rng.choice(female, int(repeat.sum())),
            rng.choice(male, int(repeat.sum())),
        )
    age_days = rng.integers(8 * 365, 26 * 365 - 1, count)
    date_of_birth = window_end - pd.to_timedelta(age_days, unit="D")

    people = pd.DataFrame(
        {
            "person_id": [f"P{i:07d}" for i in range(count)],
            "kind": "young_person",
            "household": household_of,
            "given_name": given,
            "family_name": family_name[household_of],
            "sex": sex,
            "date_of_birth": date_of_birth.normalize(),
            "ethnicity": ethnicity[household_of],
            "postcode": in_county.loc[home[household_of], "postcode"].to_numpy(),
            "community_area": in_county.loc[home[household_of], "community_area"].to_numpy(),
        }
    )
    # Some families move within the county during the window: the old address lingers in
    # some agencies' records.
    moved = rng.random(households) < 0.15
    new_home = rng.integers(0, len(in_county), households)
    people["previous_postcode"] = np.where(moved[household_of], people["postcode"], "")
    people.loc[moved[household_of], "postcode"] = in_county.loc[
        new_home[household_of][moved[household_of]], "postcode"
    ].to_numpy()
    area_of = dict(zip(in_county["postcode"], in_county["community_area"], strict=True))
    people["community_area"] = people["postcode"].map(area_of)
    # A few have double-barrelled surnames that agencies record in part.
    double = rng.random(count) < 0.03
    people.loc[double, "family_name"] = (
        people.loc[double, "family_name"] + "-" + rng.choice(surnames, int(double.sum()))
    )
    people["school_urn"] = _schools_for(people, geography, window_end=window_end, rng=rng)
    return people


def _schools_for(people: pd.DataFrame, geography: Geography, *, window_end, rng) -> np.ndarray:
    """Each young person of school age attends a school in (or near) their community area."""
    age = (window_end - people["date_of_birth"]).dt.days / 365.25
    urns = np.zeros(len(people), dtype=np.int64)
    for phase, low, high in (("primary", 4, 11), ("secondary", 11, 16.9)):
        phase_schools = geography.schools[geography.schools["phase"] == phase]
        by_town = phase_schools.groupby("town")["urn"].apply(np.array).to_dict()
        pupils = ((age >= low) & (age < high)).to_numpy()
        for town, group in people[pupils].groupby("community_area"):
            choices = by_town.get(town)
            if choices is None:
                choices = phase_schools["urn"].to_numpy()
            urns[group.index] = rng.choice(choices, len(group))
    return urns


def build_adults(
    count: int,
    geography: Geography,
    *,
    window_end: pd.Timestamp,
    rng: np.random.Generator,
    prefix: str,
    out_of_county_share: float = 0.0,
) -> pd.DataFrame:
    """Adults of concern: group leaders, perpetrators, vulnerable adults whose homes are taken."""
    postcodes = geography.postcodes
    local = postcodes[postcodes["in_county"]]
    away = postcodes[~postcodes["in_county"]]
    out_of_county = rng.random(count) < out_of_county_share
    chosen = np.where(
        out_of_county, rng.choice(away["postcode"], count), rng.choice(local["postcode"], count)
    )
    sex = np.where(rng.random(count) < 0.8, "male", "female")
    given = np.where(
        sex == "female",
        rng.choice(names("first_names_female"), count),
        rng.choice(names("first_names_male"), count),
    )
    ages = rng.integers(19 * 365, 45 * 365, count)
    return pd.DataFrame(
        {
            "person_id": [f"{prefix}{i:06d}" for i in range(count)],
            "kind": "adult",
            "household": -1,
            "given_name": given,
            "family_name": rng.choice(names("surnames"), count),
            "sex": sex,
            "date_of_birth": (window_end - pd.to_timedelta(ages, unit="D")).normalize(),
            "ethnicity": rng.choice(
                ETHNICITY_CODES, count, p=ETHNICITY_WEIGHTS / ETHNICITY_WEIGHTS.sum()
            ),
            "postcode": chosen,
            "community_area": "",
            "previous_postcode": "",
            "school_urn": 0,
            "out_of_county": out_of_county,
        }
    )
