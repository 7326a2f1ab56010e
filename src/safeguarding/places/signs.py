"""What "places of concern" (places/concern.py) reads: each young person's signs of exploitation
in the records, and where each young person was seen.

The signs are those of the Home Office's county lines guidance (2023) and the children in need
census that our records carry: a sign is a fact about a young person anywhere in the records,
not about the place.
"""

import pandas as pd

from safeguarding.places.events import (
    EXPLOITATION_FACTORS,
    SET_TYPES,
    YOUNG_PERSON_BELOW,
    event_points,
    factor_codes,
    home_postcodes,
    load_events,
    load_involvements,
    missing_episodes,
    postcode_places,
)
from safeguarding.places.models import EventSet

SIGNS = {
    "exploitation_factor": "a children in need factor of exploitation (11A, 12A, 13A or 24A)",
    "nrm_referral": "referred to the National Referral Mechanism",
    "intelligence": "named in an intelligence report",
    "partner_concern": "the subject of a partner's concern",
    "found_with": "found in the company of others when missing or in a police incident",
    "search_finds": "cash, phones, drugs or a weapon found in a stop and search",
    "found_out_of_area": "found out of the area when missing",
}
# What a stop and search finds that the county lines guidance names (cannabis alone is not).
SEARCH_FINDS = {"cash", "phones", "phone", "drugs", "knife", "weapon"}
SIGN_EVENT_TYPES = (
    "referral",
    "assessment",
    "nrm_referral",
    "intelligence",
    "concern_report",
    "incident",
    "missing_episode",
    "stop_and_search",
)
# The roles in which a young person is "seen" at an event's place (not a reporter or witness).
SEEN_ROLES = {"subject", "victim", "suspect", "missing_person", "found_with"}
SIGHTING_COLUMNS = [
    "person_id",
    "occurred_at",
    "latitude",
    "longitude",
    "home_latitude",
    "home_longitude",
]


def people_with_signs(*, episodes: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per young person, sign and when it was recorded: person_id, sign (a key of
    SIGNS), occurred_at."""
    events = load_events(SIGN_EVENT_TYPES)
    involved = load_involvements(SIGN_EVENT_TYPES).merge(
        events[["event_id", "event_type", "details", "occurred_at"]], on="event_id"
    )
    factors = involved["details"].map(factor_codes)
    finds = involved["details"].map(
        lambda details: {str(f).strip().lower() for f in details.get("found") or []}
    )
    kind = involved["event_type"]
    rules = {
        "exploitation_factor": kind.isin(["referral", "assessment"])
        & factors.map(lambda codes: bool(codes & EXPLOITATION_FACTORS)),
        "nrm_referral": kind == "nrm_referral",
        "intelligence": kind == "intelligence",
        "partner_concern": kind == "concern_report",
        "found_with": involved["role"] == "found_with",
        "search_finds": (kind == "stop_and_search") & finds.map(lambda f: bool(f & SEARCH_FINDS)),
    }
    frames = [
        pd.DataFrame(
            {
                "person_id": involved.loc[matched, "person_id"],
                "sign": sign,
                "occurred_at": involved.loc[matched, "occurred_at"],
            }
        )
        for sign, matched in rules.items()
    ]
    episodes = missing_episodes() if episodes is None else episodes
    away = episodes[(episodes["found_postcode"] != "") & (episodes["found_in_area"] == False)]  # noqa: E712
    frames.append(
        pd.DataFrame(
            {
                "person_id": away["person_id"],
                "sign": "found_out_of_area",
                "occurred_at": away["started_at"],
            }
        )
    )
    signs = pd.concat(frames, ignore_index=True).dropna(subset=["person_id"])
    signs["person_id"] = signs["person_id"].astype(int)
    return signs.drop_duplicates().reset_index(drop=True)


def sightings(*, episodes: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per young person (under 18 then, or of unknown age) and placed event of any
    event set inside the area: where a missing child was found, where a young person was
    stopped, in an incident or the subject of a concern; with their home (SIGHTING_COLUMNS)."""
    episodes = missing_episodes() if episodes is None else episodes
    placed = episodes.dropna(subset=["found_latitude"])
    placed = placed[placed["found_in_area"].astype(bool)]
    frames = [
        pd.DataFrame(
            {
                "person_id": placed["person_id"],
                "occurred_at": placed["started_at"],
                "latitude": placed["found_latitude"],
                "longitude": placed["found_longitude"],
                "date_of_birth": placed["date_of_birth"],
            }
        )
    ]
    for event_set in EventSet.values:
        if event_set == EventSet.MISSING_FOUND:
            continue
        points = event_points(event_set=event_set)
        points = points[points["in_area"]]
        if points.empty:
            continue
        people = load_involvements(SET_TYPES[EventSet(event_set)])
        people = people[people["role"].isin(SEEN_ROLES)].merge(points, on="event_id")
        frames.append(
            people[["person_id", "occurred_at", "latitude", "longitude", "date_of_birth"]]
        )
    seen = pd.concat(frames, ignore_index=True).dropna(subset=["person_id"])
    # An event set with no events concatenates as plain objects: times made times again.
    seen["occurred_at"] = pd.to_datetime(seen["occurred_at"])
    age = (seen["occurred_at"] - pd.to_datetime(seen["date_of_birth"])).dt.days / 365.25
    seen = seen[~(age >= YOUNG_PERSON_BELOW)]
    homes = postcode_places().reindex(seen["person_id"].map(home_postcodes()))
    seen = seen.assign(
        home_latitude=homes["latitude"].to_numpy(), home_longitude=homes["longitude"].to_numpy()
    )
    return seen[SIGHTING_COLUMNS].reset_index(drop=True)
