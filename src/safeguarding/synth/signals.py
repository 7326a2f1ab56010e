"""What each agency sees: events for exploited young people after onset, and the confounders.

Counts are Poisson over each person's exposure; times are uniform within it. Everything is a
column operation over all people at once.
"""

import numpy as np
import pandas as pd

from safeguarding.synth.parameters import ONS_GROUPS, Parameters

DAY = pd.Timedelta(days=1)


def poisson_events(
    person_ids: pd.Series,
    starts: pd.Series,
    ends: pd.Series,
    rate_per_year: float | np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Events at rate_per_year (one rate, or one per person) for each person between their
    start and end."""
    days = ((ends - starts) / DAY).clip(lower=0).to_numpy(dtype=float)
    counts = rng.poisson(rate_per_year * days / 365.25)
    index = np.repeat(np.arange(len(person_ids)), counts)
    offsets = rng.random(len(index)) * days[index]
    occurred = starts.to_numpy()[index] + pd.to_timedelta(offsets * 86_400, unit="s").to_numpy()
    return pd.DataFrame(
        {
            "person_id": person_ids.to_numpy()[index],
            "occurred_at": pd.to_datetime(occurred).floor("min"),
        }
    )


def build_signals(
    people: pd.DataFrame,
    exploitation: dict[str, pd.DataFrame],
    params: Parameters,
    geography,
    *,
    window_start: pd.Timestamp,
    window_end: pd.Timestamp,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One row per event: person, signal, time, place, details; `exploited` marks true signals."""
    young = people[people["kind"] == "young_person"]
    victims = exploitation["victims"].merge(
        young[["person_id", "postcode", "ethnicity"]], on="person_id"
    )
    exposure_end = (victims["crisis_date"].fillna(window_end) + pd.Timedelta(days=60)).clip(
        upper=window_end
    )
    trap = exploitation["trap_houses"].groupby("group_id")["trap_postcode"].apply(list).to_dict()
    groups = exploitation["groups"].set_index("group_id")
    away = geography.postcodes[~geography.postcodes["in_county"]]
    away_by_city = away.groupby("town")["postcode"].apply(np.array).to_dict()

    frames = []

    def add(frame: pd.DataFrame, signal: str, exploited: bool) -> pd.DataFrame:
        frame["signal"] = signal
        frame["exploited"] = exploited
        frames.append(frame)
        return frame

    def victim_events(rate: float, signal: str, subset=None, ratio=None) -> pd.DataFrame:
        chosen = victims if subset is None else victims[subset]
        end = exposure_end if subset is None else exposure_end[subset]
        if params.agency_visibility < 1:
            # Each agency that could record this sign for a victim does so only sometimes.
            seen = rng.random(len(chosen)) < params.agency_visibility
            chosen, end = chosen[seen], end[seen]
        rates = rate if ratio is None else rate * recording_ratio(chosen["ethnicity"], ratio)
        frame = poisson_events(chosen["person_id"], chosen["signals_from"], end, rates, rng)
        frame = frame.merge(
            chosen[["person_id", "group_id", "type", "postcode", "cse_perpetrator"]],
            on="person_id",
            how="left",
        )
        return add(frame, signal, True)

    def near_trap_or_away(frame: pd.DataFrame, away_share: float) -> np.ndarray:
        """Where an exploited young person is found or stopped: trap houses or out of county."""
        places = []
        pick = rng.random(len(frame))
        for group_id, home, p in zip(frame["group_id"], frame["postcode"], pick, strict=True):
            if p < away_share:
                city = groups.loc[group_id, "origin"]
                city = "Bristol" if city == "local" else city
                places.append(rng.choice(away_by_city[city]))
            elif p < 0.85:
                places.append(rng.choice(trap[group_id]))
            else:
                places.append(home)
        return np.array(places, dtype=object)

    missing = victim_events(params.exploited_missing_per_year, "missing")
    missing["found_postcode"] = near_trap_or_away(missing, away_share=0.3)
    stop = victim_events(
        params.exploited_stop_search_per_year,
        "stop_and_search",
        victims["type"] != "CSE",
        ratio=params.stop_search_ratio,
    )
    stop["event_postcode"] = near_trap_or_away(stop, away_share=0.15)
    found = victim_events(params.exploited_found_with_per_year, "found_with")
    found["event_postcode"] = near_trap_or_away(found, away_share=0.2)
    arrest = victim_events(
        params.exploited_arrest_out_of_area_per_year, "arrest_out_of_area", victims["type"] != "CSE"
    )
    arrest["event_postcode"] = near_trap_or_away(arrest, away_share=1.0)
    victim_events(params.exploited_exclusion_per_year, "exclusion")
    victim_events(params.exploited_ed_per_year, "ed_attendance")
    victim_events(
        params.exploited_sexual_health_per_year, "sexual_health", victims["type"] != "CCE"
    )
    victim_events(params.exploited_referral_per_year, "referral")
    concern = victim_events(params.exploited_concern_per_year, "concern")
    concern["event_postcode"] = near_trap_or_away(concern, away_share=0.0)
    victim_events(
        params.exploited_youth_justice_per_year,
        "youth_justice",
        victims["type"] != "CSE",
        ratio=params.arrest_ratio,
    )
    crisis = victims[victims["crisis_date"].notna()]
    crisis_frame = pd.DataFrame(
        {
            "person_id": crisis["person_id"],
            "occurred_at": crisis["crisis_date"] + pd.Timedelta(hours=21),
            "group_id": crisis["group_id"],
            "type": crisis["type"],
            "postcode": crisis["postcode"],
            "cse_perpetrator": crisis["cse_perpetrator"],
            "crisis": crisis["crisis"],
        }
    )
    crisis_frame["event_postcode"] = [rng.choice(trap[g]) for g in crisis_frame["group_id"]]
    add(crisis_frame, "crisis", True)

    # Confounders: the same signals for young people who are not exploited, at lower rates,
    # and far more missing episodes from looked-after children's placements.
    age_start = (window_start - young["date_of_birth"]) / DAY / 365.25
    teen_from = (young["date_of_birth"] + pd.DateOffset(years=10)).clip(lower=window_start)
    teen_to = (young["date_of_birth"] + pd.DateOffset(years=18)).clip(upper=window_end)
    teen = teen_to > teen_from
    base = young[teen]
    starts, ends = teen_from[teen], teen_to[teen]
    looked_after = base["looked_after"].to_numpy()
    # Vulnerable young people come to agencies' notice more often, exploited or not.
    more = (
        np.where(base["vulnerable"], params.vulnerable_background_multiplier, 1.0)
        if "vulnerable" in base
        else 1.0
    )
    stop_ratio = recording_ratio(base["ethnicity"], params.stop_search_ratio)
    arrest_ratio = recording_ratio(base["ethnicity"], params.arrest_ratio)
    for signal, rate in (
        ("missing", params.background_missing_per_year * more),
        ("exclusion", params.background_exclusion_per_year * more),
        ("ed_attendance", params.background_ed_per_year),
        ("referral", params.background_referral_per_year * more),
        ("stop_and_search", params.background_stop_search_per_year * stop_ratio),
        ("youth_justice", params.background_youth_justice_per_year * arrest_ratio),
        ("sexual_health", params.background_sexual_health_per_year),
    ):
        frame = poisson_events(base["person_id"], starts, ends, rate, rng)
        frame["postcode"] = frame["person_id"].map(
            dict(zip(young["person_id"], young["postcode"], strict=True))
        )
        if signal == "stop_and_search" and params.background_stop_town_centre_share > 0:
            frame["event_postcode"] = _town_centre_stops(
                frame, young, geography, params.background_stop_town_centre_share, rng
            )
        add(frame, signal, False)
    care = poisson_events(
        base["person_id"][looked_after],
        starts[looked_after],
        ends[looked_after],
        params.looked_after_missing_per_year,
        rng,
    )
    care["postcode"] = care["person_id"].map(
        dict(zip(young["person_id"], young["postcode"], strict=True))
    )
    care["from_care"] = True
    add(care, "missing", False)
    del age_start

    events = pd.concat(frames, ignore_index=True)
    for column in ("found_postcode", "event_postcode"):
        events[column] = events[column].fillna(events["postcode"])
    events["from_care"] = events["from_care"].fillna(False).astype(bool)
    events["crisis"] = events["crisis"].fillna("")
    events["group_id"] = events["group_id"].fillna("")
    events["cse_perpetrator"] = events["cse_perpetrator"].fillna("")
    events = events.sort_values(["occurred_at", "person_id"], kind="stable").reset_index(drop=True)
    events.insert(0, "event_id", np.arange(len(events)))
    return events


def recording_ratio(ethnicity: pd.Series, ratios: dict[str, float], strength: float = 1.0):
    """Each person's recording rate relative to a White young person's (ONS group of the code)."""
    group = ethnicity.str[0].map(ONS_GROUPS)
    return group.map(ratios).fillna(1.0).to_numpy(dtype=float) ** strength


def _town_centre_stops(frame, young, geography, share, rng) -> np.ndarray:
    """Where background stops happen: a share in one of a few town-centre postcodes of the
    young person's own town, the rest at home."""
    postcodes = geography.postcodes[geography.postcodes["in_county"]]
    # The first three postcodes of each town (in the gazetteer's order) stand for its centre.
    centres = postcodes.groupby("town")["postcode"].apply(lambda p: p.to_numpy()[:3]).to_dict()
    town_of = dict(zip(postcodes["postcode"], postcodes["town"], strict=True))
    place = frame["postcode"].to_numpy(dtype=object).copy()
    central = rng.random(len(frame)) < share
    picks = rng.random(len(frame))
    for i in np.flatnonzero(central):
        options = centres.get(town_of.get(place[i]))
        if options is not None and len(options):
            place[i] = options[int(picks[i] * len(options))]
    return place
