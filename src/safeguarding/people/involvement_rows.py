"""Every linked person's involvements in events, read in bulk: the one query the stages that
read them (risk's facts, the network's graph, the places' sightings) share, each taking the
columns it needs.

Times and details come as text: parsing them in bulk is far faster than building a Python
datetime and dict per row, as PostgreSQL's driver would.
"""

import pandas as pd
from django.db import connection

INVOLVEMENTS_SQL = """
SELECT i.person_id, e.id, e.event_type, i.role, CAST(e.occurred_at AS TEXT),
       CAST(e.ended_at AS TEXT), a.code, a.name, e.description, CAST(e.details AS TEXT),
       l.postcode, l.in_area, e.source_event_id, e.feed_id, e.import_batch_id, e.row_number,
       CAST(p.date_of_birth AS TEXT)
FROM people_involvement i
JOIN people_person p ON p.id = i.person_id
JOIN people_event e ON e.id = i.event_id
JOIN sources_feed f ON f.id = e.feed_id
JOIN access_agency a ON a.id = f.agency_id
LEFT JOIN people_location l ON l.id = e.location_id
"""
INVOLVEMENT_COLUMNS = [
    "person_id",
    "event_id",
    "event_type",
    "role",
    "occurred_at",
    "ended_at",
    "agency_code",
    "agency_name",
    "description",
    "details",
    "postcode",
    "in_area",
    "reference",  # the agency's own id of the event
    "feed",
    "batch",
    "row",
    "date_of_birth",
]


def read_involvements(event_types: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per linked person in an event (INVOLVEMENT_COLUMNS), times, details and dates of
    birth as text; only events of `event_types` when given."""
    sql, parameters = INVOLVEMENTS_SQL, list(event_types)
    if event_types:
        sql += f"WHERE e.event_type IN ({', '.join(['%s'] * len(event_types))})"
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return pd.DataFrame(cursor.fetchall(), columns=INVOLVEMENT_COLUMNS)
