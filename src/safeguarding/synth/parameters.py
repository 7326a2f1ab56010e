"""Every rate and size of the synthetic county, in one place, so tests can check them."""

import datetime
from dataclasses import dataclass

SCALES = {"small": 1_000, "default": 25_000, "large": 140_000}


@dataclass(frozen=True)
class Noise:
    """How imperfectly an agency records a person (each a probability per record)."""

    name_typo: float = 0.04
    nickname: float = 0.08
    surname_change: float = 0.03
    day_month_swap: float = 0.02
    missing_date_of_birth: float = 0.03
    date_of_birth_typo: float = 0.02
    old_address: float = 0.5  # of records about a young person who has moved
    postcode_typo: float = 0.02
    duplicate_record: float = 0.015
    police_alias: float = 0.1
    nhs_number_present: float = 0.92  # health
    nhs_number_present_social_care: float = 0.45
    nhs_number_invalid: float = 0.01


# Named noise levels for `synth --noise`: a second county for measuring linkage on records
# messier than the default (more typos, missing dates of birth, nicknames; fewer NHS numbers),
# and one with no NHS numbers at all.
NOISE_PROFILES = {
    "default": Noise(),
    "messy": Noise(
        name_typo=0.08,
        nickname=0.15,
        surname_change=0.05,
        day_month_swap=0.04,
        missing_date_of_birth=0.08,
        date_of_birth_typo=0.04,
        postcode_typo=0.04,
        nhs_number_present=0.6,
        nhs_number_present_social_care=0.25,
    ),
    "no-nhs-numbers": Noise(nhs_number_present=0.0, nhs_number_present_social_care=0.0),
}


# The county covers a little under four years up to the day it ends: 1 January 2023 to
# 31 October 2026 when first built. The figures in docs and tests were measured on that window,
# so tests pin REFERENCE_END; a county built without an end date ends on the day it is built,
# so "as of today" always falls at the end of its data.
REFERENCE_END = datetime.date(2026, 10, 31)
WINDOW_DAYS = 1399


@dataclass(frozen=True)
class Parameters:
    young_people: int
    window_start: str = (REFERENCE_END - datetime.timedelta(days=WINDOW_DAYS)).isoformat()
    window_end: str = REFERENCE_END.isoformat()
    exploited_rate: float = 0.02  # of young people aged 11 to 17 during the window
    cse_share: float = 0.25
    both_share: float = 0.15
    looked_after_rate: float = 0.012
    groups_per_10k: float = 3.0
    crisis_mean_days: float = 240.0
    # Signals after onset: expected count over a year, by agency signal.
    exploited_missing_per_year: float = 4.0
    exploited_stop_search_per_year: float = 1.2
    exploited_found_with_per_year: float = 1.0
    exploited_arrest_out_of_area_per_year: float = 0.5
    exploited_exclusion_per_year: float = 0.8
    exploited_ed_per_year: float = 0.7
    exploited_sexual_health_per_year: float = 1.0  # CSE
    exploited_referral_per_year: float = 0.8
    exploited_concern_per_year: float = 0.5
    exploited_youth_justice_per_year: float = 0.6
    # Confounders: the same kinds of events for young people who are not exploited.
    background_missing_per_year: float = 0.03
    looked_after_missing_per_year: float = 6.0
    background_exclusion_per_year: float = 0.04
    background_ed_per_year: float = 0.08
    background_referral_per_year: float = 0.05
    background_stop_search_per_year: float = 0.01
    background_youth_justice_per_year: float = 0.01
    background_sexual_health_per_year: float = 0.02
    noise: Noise = Noise()
    bad_rows_per_file: int = 5


def parameters_for(scale: str | int, *, window_end: datetime.date | None = None) -> Parameters:
    """The county's parameters at a scale, its window ending on window_end (default today)."""
    if isinstance(scale, str) and scale.isdigit():
        scale = int(scale)
    if isinstance(scale, int):
        young_people = scale
    elif scale in SCALES:
        young_people = SCALES[scale]
    else:
        raise ValueError(f"Unknown scale {scale!r}: use {', '.join(SCALES)} or a number")
    end = window_end or datetime.date.today()
    return Parameters(
        young_people=young_people,
        window_start=(end - datetime.timedelta(days=WINDOW_DAYS)).isoformat(),
        window_end=end.isoformat(),
    )
