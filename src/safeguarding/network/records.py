"""What the association graph is built from: people's tables read in bulk, as frames.

The SQL for the network stage lives here, in one place, but for the involvements, which it
shares with the risk stage (`people.involvement_rows`). Contexts come after network in the
flow, so their memberships are passed in by the pipeline (a frame with person_id, group,
name, source, reliability), never read here.
"""

from dataclasses import dataclass, field

import pandas as pd
from django.db import connection

from safeguarding.people.involvement_rows import read_involvements

INVOLVEMENT_COLUMNS = [
    "person_id",
    "event_id",
    "role",
    "event_type",
    "occurred_at",
    "reference",
    "feed",
    "batch",
    "row",
    "agency",
    "postcode",
    "details",
]
PEOPLE_SQL = "SELECT id, display_name, CAST(date_of_birth AS TEXT) FROM people_person"
RECORDS_SQL = """
SELECT r.person_id, r.postcode, r.address, r.source_record_id, r.feed_id, r.import_batch_id,
       r.row_number, a.name
FROM people_sourcerecord r
JOIN sources_feed f ON f.id = r.feed_id
JOIN access_agency a ON a.id = f.agency_id
WHERE r.person_id IS NOT NULL AND r.postcode <> ''
"""
RECORD_COLUMNS = [
    "person_id",
    "postcode",
    "address",
    "reference",
    "feed",
    "batch",
    "row",
    "agency",
]
OBJECT_LINKS_SQL = """
SELECT r.person_id, o.id, o.kind, o.value, r.source_record_id, k.feed_id, k.import_batch_id,
       k.row_number, a.name
FROM people_objectlink k
JOIN people_object o ON o.id = k.object_id
JOIN people_sourcerecord r ON r.id = k.source_record_id
JOIN sources_feed f ON f.id = k.feed_id
JOIN access_agency a ON a.id = f.agency_id
WHERE r.person_id IS NOT NULL
"""
OBJECT_LINK_COLUMNS = [
    "person_id",
    "object_id",
    "kind",
    "value",
    "reference",
    "feed",
    "batch",
    "row",
    "agency",
]
RELATIONSHIPS_SQL = """
SELECT a_r.person_id, b_r.person_id, x.kind, CAST(x.started_at AS TEXT), x.feed_id,
       x.import_batch_id, x.row_number, a.name
FROM people_relationship x
JOIN people_sourcerecord a_r ON a_r.id = x.from_record_id
JOIN people_sourcerecord b_r ON b_r.id = x.to_record_id
JOIN sources_feed f ON f.id = x.feed_id
JOIN access_agency a ON a.id = f.agency_id
WHERE a_r.person_id IS NOT NULL AND b_r.person_id IS NOT NULL
"""
RELATIONSHIP_COLUMNS = [
    "from_person",
    "to_person",
    "kind",
    "date",
    "feed",
    "batch",
    "row",
    "agency",
]
CONTACTS_SQL = """
SELECT c.from_object_id, fo.kind, fo.value, c.to_object_id, t.kind, t.value, c.kind,
       CAST(c.occurred_at AS TEXT), c.source_contact_id, c.feed_id, c.import_batch_id,
       c.row_number, a.name
FROM people_objectcontact c
JOIN people_object fo ON fo.id = c.from_object_id
JOIN people_object t ON t.id = c.to_object_id
JOIN sources_feed f ON f.id = c.feed_id
JOIN access_agency a ON a.id = f.agency_id
"""
CONTACT_COLUMNS = [
    "from_object",
    "from_kind",
    "from_value",
    "to_object",
    "to_kind",
    "to_value",
    "kind",
    "date",
    "reference",
    "feed",
    "batch",
    "row",
    "agency",
]
MEMBERSHIP_COLUMNS = ["person_id", "group", "name", "source", "reliability"]


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


@dataclass
class Records:
    """Everything the graph is built from, one frame per kind of record."""

    people: pd.DataFrame  # person_id, name, date_of_birth
    involvements: pd.DataFrame  # INVOLVEMENT_COLUMNS (details parsed to found_postcode)
    records: pd.DataFrame = field(default_factory=lambda: _empty(RECORD_COLUMNS))
    object_links: pd.DataFrame = field(default_factory=lambda: _empty(OBJECT_LINK_COLUMNS))
    relationships: pd.DataFrame = field(default_factory=lambda: _empty(RELATIONSHIP_COLUMNS))
    contacts: pd.DataFrame = field(default_factory=lambda: _empty(CONTACT_COLUMNS))
    memberships: pd.DataFrame = field(default_factory=lambda: _empty(MEMBERSHIP_COLUMNS))


def _fetch(sql: str, columns: list[str]) -> pd.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return pd.DataFrame(cursor.fetchall(), columns=columns)


def _days(values: pd.Series) -> pd.Series:
    """Stored times and dates as naive UTC days."""
    parsed = pd.to_datetime(values, utc=True, format="ISO8601", errors="coerce")
    return parsed.dt.tz_localize(None).dt.normalize()


def _found_postcode(details: pd.Series) -> pd.Series:
    # The JSON text holds the key only for missing episodes: read it without parsing every row.
    found = details.fillna("").str.extract(r'"found_postcode":\s*"([^"]*)"', expand=False)
    return found.fillna("")


def load_records(*, memberships: pd.DataFrame | None = None) -> Records:
    """Every linked person's involvements, addresses, objects, relationships and contacts."""
    people = _fetch(PEOPLE_SQL, ["person_id", "name", "date_of_birth"])
    people["date_of_birth"] = pd.to_datetime(people["date_of_birth"], errors="coerce")
    involvements = read_involvements().rename(columns={"agency_name": "agency"})
    involvements = involvements[INVOLVEMENT_COLUMNS].copy()
    involvements["occurred_at"] = _days(involvements["occurred_at"])
    involvements["postcode"] = involvements["postcode"].fillna("")
    involvements["found_postcode"] = _found_postcode(involvements.pop("details"))
    relationships = _fetch(RELATIONSHIPS_SQL, RELATIONSHIP_COLUMNS)
    relationships["date"] = _days(relationships["date"])
    contacts = _fetch(CONTACTS_SQL, CONTACT_COLUMNS)
    contacts["date"] = _days(contacts["date"])
    records = _fetch(RECORDS_SQL, RECORD_COLUMNS)
    records["address"] = records["address"].fillna("")
    return Records(
        people=people,
        involvements=involvements,
        records=records,
        object_links=_fetch(OBJECT_LINKS_SQL, OBJECT_LINK_COLUMNS),
        relationships=relationships,
        contacts=contacts,
        memberships=memberships if memberships is not None else _empty(MEMBERSHIP_COLUMNS),
    )
