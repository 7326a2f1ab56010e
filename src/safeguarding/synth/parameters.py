"""Every rate and size of the synthetic county, in one place, so tests can check them."""

import datetime
import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

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


# How much more often the police record a stop and search, and an arrest, of a young person of
# each ONS ethnic group than of a White young person doing the same things. Defaults from the
# Home Office's "Police powers and procedures: stop and search and arrests, England and Wales,
# year ending 31 March 2023" (rates per 1,000 people relative to White people, rounded):
# stop and search Black 4.1, Mixed 1.9, Other 1.6, Asian 1.5; arrests Black 2.4, Mixed 1.6,
# Other 1.5, Asian 1.2. They apply to every young person, exploited or not, so recording bias
# reaches the tracker through the records exactly as in a real partnership.
STOP_SEARCH_RATIO = {"White": 1.0, "Mixed": 1.9, "Asian": 1.5, "Black": 4.1, "Other": 1.6}
ARREST_RATIO = {"White": 1.0, "Mixed": 1.6, "Asian": 1.2, "Black": 2.4, "Other": 1.5}
ONS_GROUPS = {"W": "White", "M": "Mixed", "A": "Asian", "B": "Black", "O": "Other"}


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
    # Recording bias: 1 applies the ratios above, 0 records every group alike.
    recording_bias: float = 1.0
    stop_search_ratio: dict[str, float] = field(default_factory=lambda: dict(STOP_SEARCH_RATIO))
    arrest_ratio: dict[str, float] = field(default_factory=lambda: dict(ARREST_RATIO))
    # What a search of a young person who is not exploited finds, drawn evenly ("" is nothing).
    background_stop_finds: tuple[str, ...] = ("", "", "cannabis")
    # Of background stops, the share made in a town centre (where several young people are
    # stopped, so the place itself can look like a place of concern).
    background_stop_town_centre_share: float = 0.0
    # Exploited young people who leave no trace in any agency's records before their crisis.
    silent_share: float = 0.0
    # The chance that each agency records a given kind of sign at all for an exploited young
    # person (1: every agency that could, does; lower spreads the signs thinly).
    agency_visibility: float = 1.0
    # Vulnerability that comes before exploitation, as the reviews found (most exploited
    # children were known to social care, excluded or absent first): a share of young people
    # whose background referrals, missing episodes, exclusions and absence are more frequent
    # (by the multiplier), and whose odds of being targeted are higher. 0 turns it off.
    vulnerable_share: float = 0.0
    vulnerable_background_multiplier: float = 1.0
    vulnerable_victim_odds: float = 1.0
    # Group sizes: multipliers of the rural county's ethnic mix, by ONS group initial.
    ethnicity_multipliers: dict[str, float] = field(default_factory=dict)


# Named counties for `synth --profile`: the demo county, and two harder ones for validating the
# tracker on data that looks more like a real partnership's (docs/risk.md): a third of exploited
# young people silent until their crisis, fewer and thinner signs spread across agencies, more
# confounding events, and stops that find things and cluster in town centres.
HARD = {
    "silent_share": 0.33,
    "agency_visibility": 0.6,
    "exploited_missing_per_year": 3.0,
    "exploited_stop_search_per_year": 0.8,
    "exploited_found_with_per_year": 0.6,
    "exploited_concern_per_year": 0.3,
    "background_missing_per_year": 0.06,
    "background_exclusion_per_year": 0.08,
    "background_ed_per_year": 0.12,
    "background_referral_per_year": 0.08,
    "background_stop_search_per_year": 0.05,
    "background_youth_justice_per_year": 0.03,
    "background_stop_finds": ("", "", "", "", "cannabis", "drugs", "cash", "phones", "knife"),
    "background_stop_town_centre_share": 0.5,
    "vulnerable_share": 0.15,
    "vulnerable_background_multiplier": 3.0,
    "vulnerable_victim_odds": 3.0,
}
PROFILES: dict[str, dict] = {
    "default": {},
    "hard": HARD,
    # A second hard county with other rates and group sizes: more diverse, more exploitation,
    # crises sooner, noisier records.
    "hard-urban": {
        **HARD,
        "silent_share": 0.3,
        "agency_visibility": 0.5,
        "exploited_rate": 0.03,
        "crisis_mean_days": 180.0,
        "groups_per_10k": 4.0,
        "looked_after_rate": 0.015,
        "background_stop_search_per_year": 0.08,
        "ethnicity_multipliers": {"M": 3.0, "A": 4.0, "B": 6.0, "O": 3.0},
        "noise": NOISE_PROFILES["messy"],
    },
}


def parameters_from(base: Parameters, *, profile: str = "default", file: Path | None = None):
    """The parameters of a named profile, then any overrides in a JSON file, on top of base.

    Unknown names are refused, so a misspelt rate never passes silently.
    """
    if profile not in PROFILES:
        raise ValueError(f"Unknown profile {profile!r}: use {', '.join(PROFILES)}")
    overrides = dict(PROFILES[profile])
    if file is not None:
        overrides.update(json.loads(Path(file).read_text()))
    known = {f.name for f in fields(Parameters)} - {"young_people", "window_start", "window_end"}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"Unknown parameter {', '.join(sorted(unknown))}")
    if isinstance(overrides.get("noise"), dict):
        overrides["noise"] = Noise(**overrides["noise"])
    if isinstance(overrides.get("background_stop_finds"), list):
        overrides["background_stop_finds"] = tuple(overrides["background_stop_finds"])
    return replace(base, **overrides)


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
