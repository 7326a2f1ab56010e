"""What scoring reads: every linked person's events and the people themselves, as frames.

The SQL for the risk stage lives here, in one place. Everything after this is pandas.
"""

import json
from dataclasses import dataclass

import pandas as pd
from django.db import connection

from safeguarding.common.frames import most_common
from safeguarding.people.involvement_rows import read_involvements
from safeguarding.people.missing import number_missing_episodes

EVENT_COLUMNS = [
    "person_id",
    "event_id",
    "event_type",
    "role",
    "occurred_at",
    "ended_at",
    "agency",
    "description",
    "details",
    "postcode",
    "in_area",
]
# The columns an item's match keeps of an event (risk/scoring.py, risk/related_exploited.py).
MATCH_COLUMNS = ["person_id", "event_id", "occurred_at", "unit"]
ADULT_AGE = 18  # on the day of the event
PEOPLE_SQL = "SELECT id, display_name, date_of_birth, sex FROM people_person"
RECORDS_SQL = """
SELECT r.person_id, r.ethnicity, r.postcode, a.code
FROM people_sourcerecord r
JOIN sources_feed f ON f.id = r.feed_id
JOIN access_agency a ON a.id = f.agency_id
WHERE r.person_id IS NOT NULL
"""
POSTCODES_SQL = "SELECT postcode, community_area, in_area FROM places_postcode"


@dataclass
class Facts:
    events: pd.DataFrame  # one row per person per event they are in (EVENT_COLUMNS and more)
    people: pd.DataFrame  # person_id, name, date_of_birth, sex, ethnicity, community_area,
    # home_postcode, agencies


def _fetch(sql: str, columns: list[str]) -> pd.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return pd.DataFrame(cursor.fetchall(), columns=columns)


def _utc(values: pd.Series) -> pd.Series:
    """Stored times as naive UTC, whichever database gave them."""
    return pd.to_datetime(values, utc=True, format="ISO8601").dt.tz_localize(None)


def _details(value) -> dict:
    if isinstance(value, dict):
        return value
    return json.loads(value) if value else {}


def number_episodes(events: pd.DataFrame) -> pd.Series:
    """A counting unit per row: one per missing episode (across agencies), else one per event."""
    unit = "e" + events["event_id"].astype(str)
    # Two agencies often report one missing episode: the one rule (people.missing) says which.
    missing = events[events["event_type"] == "missing_episode"]
    reports = missing.drop_duplicates(["person_id", "event_id"])
    numbered = pd.Series(
        number_missing_episodes(reports).to_numpy(),
        index=pd.MultiIndex.from_frame(reports[["person_id", "event_id"]]),
    )
    episode = pd.Series(
        numbered.reindex(pd.MultiIndex.from_frame(missing[["person_id", "event_id"]])).to_numpy(),
        index=missing.index,
    )
    unit.loc[missing.index] = "m" + missing["person_id"].astype(str) + "-" + episode.astype(str)
    return unit


def load_facts() -> Facts:
    events = read_involvements().rename(columns={"agency_code": "agency"})[EVENT_COLUMNS]
    events["occurred_at"] = _utc(events["occurred_at"])
    events["ended_at"] = _utc(events["ended_at"])
    events["details"] = [_details(value) for value in events["details"]]
    events["description"] = events["description"].fillna("")
    events["postcode"] = events["postcode"].fillna("")
    postcodes = _fetch(POSTCODES_SQL, ["postcode", "community_area", "in_area"])
    in_area = dict(zip(postcodes["postcode"], postcodes["in_area"].astype(bool), strict=True))
    events["in_area"] = events["postcode"].map(in_area)
    found = [details.get("found_postcode") or "" for details in events["details"]]
    events["found_postcode"] = found
    events["found_in_area"] = pd.Series(found, index=events.index).map(in_area)
    events["hours"] = (events["ended_at"] - events["occurred_at"]) / pd.Timedelta(hours=1)
    events["unit"] = number_episodes(events)
    events["school_urn"] = [str(details.get("school_urn") or "") for details in events["details"]]

    people = _fetch(PEOPLE_SQL, ["person_id", "name", "date_of_birth", "sex"])
    people["date_of_birth"] = pd.to_datetime(people["date_of_birth"])
    birth = events["person_id"].map(people.set_index("person_id")["date_of_birth"])
    events["age"] = ages_between(birth, events["occurred_at"])
    events = events.sort_values(["occurred_at", "event_id"], kind="stable").reset_index(drop=True)
    records = _fetch(RECORDS_SQL, ["person_id", "ethnicity", "postcode", "agency"])
    records = records.fillna("")
    area_of = dict(zip(postcodes["postcode"], postcodes["community_area"], strict=True))
    # As text even when no postcode is known (a column of nothing but gaps would be float).
    records["community_area"] = records["postcode"].map(area_of).astype(object).fillna("")
    people = people.set_index("person_id")
    people["ethnicity"] = most_common(records, "ethnicity", skip_blank=True)
    people["community_area"] = most_common(records, "community_area", skip_blank=True)
    people["home_postcode"] = most_common(records, "postcode", skip_blank=True)
    agencies: dict[int, set] = {}
    for person, agency in zip(records["person_id"], records["agency"], strict=True):
        agencies.setdefault(person, set()).add(agency)
    people["agencies"] = pd.Series({p: tuple(sorted(a)) for p, a in agencies.items()})
    text = ["ethnicity", "community_area", "home_postcode"]
    people[text] = people[text].fillna("")
    people["agencies"] = people["agencies"].map(lambda v: v if isinstance(v, tuple) else ())
    return Facts(events=events, people=people.reset_index())


def ages_between(births: pd.Series, days: pd.Series) -> pd.Series:
    """Whole years of age on each day (missing where the date of birth is not known)."""
    years = days.dt.year - births.dt.year
    before_birthday = (births.dt.month > days.dt.month) | (
        (births.dt.month == days.dt.month) & (births.dt.day > days.dt.day)
    )
    return (years - before_birthday.astype(int)).where(births.notna())


def ages_on(births: pd.Series, day: pd.Timestamp) -> pd.Series:
    return ages_between(births, pd.Series(day, index=births.index))
