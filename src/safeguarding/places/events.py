"""What the place analyses count: the events of each set, and missing episodes, as frames.

The SQL for the places stage lives here. Missing episodes are built by the one rule in
people.missing (reports from two agencies about one absence are one episode), so the map, the
person page and the risk indicators count the same episodes.
"""

import hashlib
import json

import numpy as np
import pandas as pd
from django.core.cache import cache
from django.db import connection
from django.db.models import Max

from safeguarding.common.frames import most_common
from safeguarding.linkage.models import LinkDecision, LinkModelVersion
from safeguarding.people.involvement_rows import read_involvements
from safeguarding.people.missing import number_missing_episodes
from safeguarding.people.models import Event, Involvement, Person
from safeguarding.places.grid import TO_GRID
from safeguarding.places.models import EventSet, Postcode

EVENTS_SQL = """
SELECT e.id, e.event_type, CAST(e.occurred_at AS TEXT), CAST(e.ended_at AS TEXT), a.kind,
       a.code, CAST(e.details AS TEXT), l.latitude, l.longitude, l.in_area, l.area_code
FROM people_event e
JOIN sources_feed f ON f.id = e.feed_id
JOIN access_agency a ON a.id = f.agency_id
LEFT JOIN people_location l ON l.id = e.location_id
WHERE e.event_type IN ({types})
"""
EVENT_COLUMNS = [
    "event_id",
    "event_type",
    "occurred_at",
    "ended_at",
    "agency_kind",
    "agency",
    "details",
    "latitude",
    "longitude",
    "in_area",
    "small_area",
]
HOMES_SQL = "SELECT person_id, postcode FROM people_sourcerecord WHERE person_id IS NOT NULL"

# Children in need census factors naming exploitation (the catalogue's factor indicators):
# 11A sexual exploitation, 12A trafficking, 13A gangs, 24A criminal exploitation.
EXPLOITATION_FACTORS = {"11a", "12a", "13a", "24a"}
YOUNG_PERSON_BELOW = 18
SET_TYPES = {
    EventSet.MISSING_FOUND: ("missing_episode",),
    EventSet.STOP_AND_SEARCH: ("stop_and_search",),
    EventSet.POLICE_INCIDENTS: ("incident",),
    EventSet.EXPLOITATION: ("nrm_referral", "assessment", "referral", "intelligence"),
    EventSet.PARTNER_CONCERNS: ("concern_report",),
}
POINT_COLUMNS = ["event_id", "occurred_at", "latitude", "longitude", "in_area", "small_area"]


def _fetch(sql: str, columns: list[str], types: tuple[str, ...]) -> pd.DataFrame:
    placeholders = ", ".join(["%s"] * len(types))
    with connection.cursor() as cursor:
        cursor.execute(sql.format(types=placeholders), list(types))
        return pd.DataFrame(cursor.fetchall(), columns=columns)


def _utc(values: pd.Series) -> pd.Series:
    """Stored times as naive UTC, whichever database gave them."""
    return pd.to_datetime(values, utc=True, format="ISO8601").dt.tz_localize(None)


def _details(value) -> dict:
    if isinstance(value, dict):
        return value
    return json.loads(value) if value else {}


def load_events(types: tuple[str, ...]) -> pd.DataFrame:
    events = _fetch(EVENTS_SQL, EVENT_COLUMNS, types)
    events["occurred_at"] = _utc(events["occurred_at"])
    events["ended_at"] = _utc(events["ended_at"])
    events["details"] = [_details(value) for value in events["details"]]
    events["small_area"] = events["small_area"].fillna("")
    return events


def load_involvements(types: tuple[str, ...]) -> pd.DataFrame:
    frame = read_involvements(types)[["event_id", "person_id", "role", "date_of_birth"]]
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"], errors="coerce")
    return frame


def postcode_places() -> pd.DataFrame:
    """postcode → latitude, longitude, in_area, small_area, community_area."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT postcode, latitude, longitude, in_area, small_area, community_area "
            "FROM places_postcode"
        )
        rows = cursor.fetchall()
    return pd.DataFrame(
        rows,
        columns=["postcode", "latitude", "longitude", "in_area", "small_area", "community_area"],
    ).set_index("postcode")


def event_points(*, event_set: str, away_from_home: int = 0) -> pd.DataFrame:
    """One row per event (per episode for missing) of the set that has a place: event_id,
    occurred_at, latitude, longitude, in_area, small_area.

    With `away_from_home` (metres), events that happened within that distance of the home of a
    young person in them are left out: a child found at home, or stopped outside it, says
    nothing about a place (docs/places.md, "Away from home")."""
    episodes = missing_episodes() if event_set == EventSet.MISSING_FOUND else None
    points = _event_points(event_set=event_set, episodes=episodes)
    if away_from_home <= 0 or points.empty:
        return points
    at_home = _at_home(event_set=event_set, points=points, within=away_from_home, episodes=episodes)
    return points[~points["event_id"].isin(at_home)].reset_index(drop=True)


def _at_home(
    *, event_set: str, points: pd.DataFrame, within: int, episodes: pd.DataFrame | None
) -> set[int]:
    """The events (first report's id for an episode) within `within` metres of the home of a
    young person in them."""
    if episodes is not None:
        people = episodes.rename(columns={"first_event_id": "event_id"})
        people = people[["event_id", "home_latitude", "home_longitude"]]
    else:
        people = load_involvements(SET_TYPES[EventSet(event_set)])[["event_id", "person_id"]]
        homes = postcode_places().reindex(people["person_id"].map(home_postcodes()))
        people = people.assign(
            home_latitude=homes["latitude"].to_numpy(), home_longitude=homes["longitude"].to_numpy()
        )
    people = people.merge(points[["event_id", "latitude", "longitude"]], on="event_id")
    people = people.dropna(subset=["home_latitude", "home_longitude"])
    if people.empty:
        return set()
    home_x, home_y = TO_GRID.transform(
        people["home_longitude"].astype(float).to_numpy(),
        people["home_latitude"].astype(float).to_numpy(),
    )
    x, y = TO_GRID.transform(
        people["longitude"].astype(float).to_numpy(), people["latitude"].astype(float).to_numpy()
    )
    near = np.hypot(np.asarray(x) - home_x, np.asarray(y) - home_y) < within
    return set(people.loc[near, "event_id"].tolist())


def _event_points(*, event_set: str, episodes: pd.DataFrame | None) -> pd.DataFrame:
    if episodes is not None:
        placed = episodes.dropna(subset=["found_latitude"])
        return pd.DataFrame(
            {
                "event_id": placed["first_event_id"],
                "occurred_at": placed["started_at"],
                "latitude": placed["found_latitude"],
                "longitude": placed["found_longitude"],
                "in_area": placed["found_in_area"].astype(bool),
                "small_area": placed["found_small_area"],
            }
        ).reset_index(drop=True)
    types = SET_TYPES[EventSet(event_set)]
    events = load_events(types)
    if event_set == EventSet.POLICE_INCIDENTS:
        involvements = load_involvements(types)
        young = involvements.merge(events[["event_id", "occurred_at"]], on="event_id")
        age = (young["occurred_at"] - young["date_of_birth"]).dt.days / 365.25
        events = events[
            (events["agency_kind"] == "police")
            & events["event_id"].isin(young.loc[age < YOUNG_PERSON_BELOW, "event_id"])
        ]
    elif event_set == EventSet.EXPLOITATION:
        factors = events["details"].map(factor_codes)
        exploitation = factors.map(lambda codes: bool(codes & EXPLOITATION_FACTORS))
        events = events[events["event_type"].isin(["nrm_referral", "intelligence"]) | exploitation]
    events = events.dropna(subset=["latitude", "longitude"])
    events = events.assign(in_area=events["in_area"].fillna(False).astype(bool))
    return events[POINT_COLUMNS].reset_index(drop=True)


def factor_codes(details: dict) -> set[str]:
    value = details.get("factor_codes")
    values = value if isinstance(value, list) else str(value or "").replace(";", ",").split(",")
    return {str(v).strip().lower() for v in values if str(v).strip()}


def cached_missing_episodes() -> pd.DataFrame:
    """missing_episodes(), kept for ten minutes in this process while no event, link, person or
    postcode has been added or changed: the map asks for them on every layer it draws."""
    state = (
        Event.objects.aggregate(n=Max("pk"))["n"],
        Involvement.objects.filter(person__isnull=False).count(),
        Person.objects.aggregate(n=Max("pk"), changed=Max("updated_at")),
        LinkDecision.objects.aggregate(n=Max("pk"))["n"],
        LinkModelVersion.objects.aggregate(n=Max("pk"))["n"],
        Postcode.objects.aggregate(n=Max("pk"))["n"],
    )
    key = "places:missing-episodes:" + hashlib.sha256(repr(state).encode()).hexdigest()
    episodes = cache.get(key)
    if episodes is None:
        episodes = missing_episodes()
        cache.set(key, episodes, timeout=600)
    return episodes.copy()


def missing_episodes() -> pd.DataFrame:
    """One row per missing episode of a linked young person, by the one rule, with its facts:
    person_id, episode, started_at, ended_at, hours, reports, agencies, first_event_id,
    event_ids, missing_kind, risk_grade, found_postcode (and found_latitude, found_longitude,
    found_in_area, found_small_area), home_postcode (and home_latitude, home_longitude,
    home_in_area), interview_offered, interview_accepted, interview_within_72_hours,
    push_factors, pull_factors."""
    types = ("missing_episode",)
    events = load_events(types)
    involvements = load_involvements(types)
    reports = involvements[involvements["role"] == "missing_person"].merge(events, on="event_id")
    reports = reports.drop_duplicates(["person_id", "event_id"]).reset_index(drop=True)
    if reports.empty:
        return pd.DataFrame(columns=EPISODE_COLUMNS)
    reports["episode"] = number_missing_episodes(reports)
    for name, key in REPORT_FACTS.items():
        reports[name] = [str(d.get(key) or "") for d in reports["details"]]
    reports = reports.sort_values(["person_id", "episode", "occurred_at"], kind="stable")
    grouped = reports.groupby(["person_id", "episode"], sort=False)
    episodes = grouped.agg(
        started_at=("occurred_at", "min"),
        ended_at=("ended_at", "min"),
        reports=("event_id", "size"),
        first_event_id=("event_id", "first"),
        event_ids=("event_id", lambda ids: tuple(ids)),
        agencies=("agency", lambda codes: tuple(sorted(set(codes)))),
        date_of_birth=("date_of_birth", "first"),
    )
    # Each fact from the first report that records it (the page's rule: the first non-blank).
    for name in REPORT_FACTS:
        given = reports[reports[name] != ""]
        episodes[name] = given.groupby(["person_id", "episode"])[name].first()
    episodes = episodes.reset_index()
    episodes[list(REPORT_FACTS)] = episodes[list(REPORT_FACTS)].fillna("")
    episodes["hours"] = (episodes["ended_at"] - episodes["started_at"]) / pd.Timedelta(hours=1)
    places = postcode_places()
    found = places.reindex(episodes["found_postcode"])
    episodes["found_latitude"] = found["latitude"].to_numpy()
    episodes["found_longitude"] = found["longitude"].to_numpy()
    episodes["found_in_area"] = found["in_area"].to_numpy()
    episodes["found_small_area"] = found["small_area"].fillna("").to_numpy()
    homes = home_postcodes()
    episodes["home_postcode"] = episodes["person_id"].map(homes).astype(object).fillna("")
    home = places.reindex(episodes["home_postcode"])
    episodes["home_latitude"] = home["latitude"].to_numpy()
    episodes["home_longitude"] = home["longitude"].to_numpy()
    episodes["home_in_area"] = home["in_area"].to_numpy()
    return episodes[EPISODE_COLUMNS]


REPORT_FACTS = {
    "missing_kind": "missing_kind",
    "risk_grade": "risk_grade",
    "found_postcode": "found_postcode",
    "interview_offered": "return_interview_offered",
    "interview_accepted": "return_interview_accepted",
    "interview_within_72_hours": "within_72_hours",
    "push_factors": "push_factors",
    "pull_factors": "pull_factors",
}
EPISODE_COLUMNS = [
    "person_id",
    "episode",
    "started_at",
    "ended_at",
    "hours",
    "reports",
    "agencies",
    "first_event_id",
    "event_ids",
    "date_of_birth",
    *REPORT_FACTS,
    "found_latitude",
    "found_longitude",
    "found_in_area",
    "found_small_area",
    "home_postcode",
    "home_latitude",
    "home_longitude",
    "home_in_area",
]


def home_postcodes() -> pd.Series:
    with connection.cursor() as cursor:
        cursor.execute(HOMES_SQL)
        records = pd.DataFrame(cursor.fetchall(), columns=["person_id", "postcode"])
    return most_common(records.fillna(""), "postcode", skip_blank=True)
