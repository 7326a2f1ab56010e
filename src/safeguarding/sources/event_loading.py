"""Writing validated rows as events, their places and who was involved, in bulk.

Events are keyed on the agency's own event id (unique per feed): re-importing changes nothing,
a later extract updates the event. New events, the bulk of any import, are built a column at a
time, their details as JSON text; events that already exist are compared one by one and the
changed ones written back in one statement (loading.upsert_rows).
"""

import datetime
import json

import numpy as np
import pandas as pd

from safeguarding.common.bulk import (
    BATCH_SIZE,
    as_column,
    db_datetimes,
    db_texts,
    db_values,
    found_in,
    insert_rows,
    json_objects,
    looked_up,
    matching_ids,
)
from safeguarding.people.models import Event, Involvement, Location, SourceRecord
from safeguarding.sources.feeds import Feed
from safeguarding.sources.feeds import Involvement as InvolvementSpec
from safeguarding.sources.loading import (
    chunked,
    existing_values,
    mapped,
    upsert_rows,
)
from safeguarding.sources.models import Feed as FeedRow
from safeguarding.sources.models import ImportBatch
from safeguarding.sources.readers import ROW

EVENT_FIELDS = ["event_type", "occurred_at", "ended_at", "description", "details", "location"]


def location_ids(frame: pd.DataFrame) -> list[int | None]:
    """Find or create the location of each event row (by name and postcode)."""
    blank = pd.Series("", index=frame.index)
    names = frame.get("location_name", blank).fillna("").astype(str)
    postcodes = frame.get("postcode", blank).fillna("").astype(str)
    places = pd.DataFrame(
        {
            "name": names,
            "postcode": postcodes,
            "latitude": frame.get("latitude", pd.Series(np.nan, index=frame.index)),
            "longitude": frame.get("longitude", pd.Series(np.nan, index=frame.index)),
        }
    )
    places = places[places["name"].ne("") | places["postcode"].ne("")]
    if places.empty:
        return [None] * len(frame)
    wanted = places.drop_duplicates(["name", "postcode"], keep="last")
    Location.objects.bulk_create(
        [
            Location(name=name, postcode=postcode, latitude=latitude, longitude=longitude)
            for name, postcode, latitude, longitude in zip(
                wanted["name"],
                wanted["postcode"],
                db_values(wanted["latitude"]),
                db_values(wanted["longitude"]),
                strict=True,
            )
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    found = {}
    for part in chunked(sorted(set(wanted["postcode"]))):
        for pk, name, postcode in Location.objects.filter(
            kind="place", postcode__in=part
        ).values_list("pk", "name", "postcode"):
            found[(name, postcode)] = pk
    return [found.get(key) for key in zip(names.tolist(), postcodes.tolist(), strict=True)]


def prepare_events(values: pd.DataFrame, *, feed: Feed, vendor: str) -> pd.DataFrame:
    """The chunk's events with their fields in the database's form (no database needed, so
    this runs ahead while the previous chunk is written)."""
    frame = mapped(values, feed.event)
    length, index = len(frame), frame.index
    frame["source_event_id"] = as_column(db_texts(frame["source_event_id"], length), index)
    frame["event_type"] = as_column(
        values[feed.event_type].tolist()
        if feed.event_type in feed.columns
        else [feed.event_type] * length,
        index,
    )
    frame["details"] = as_column(
        json_objects({name: values[column] for name, column in feed.event_details.items()}, length),
        index,
    )
    for name in ("occurred_at", "ended_at"):
        frame[name] = as_column(db_datetimes(frame.get(name), length, vendor=vendor), index)
    frame["description"] = as_column(db_texts(frame.get("description"), length), index)
    return frame


def upsert_events(
    events: pd.DataFrame, *, feed_row: FeedRow, batch: ImportBatch
) -> tuple[dict[str, int], set[int]]:
    """Create or update the events prepared from a chunk; return agency id → pk, and the pks
    created."""
    frame = events.drop_duplicates("source_event_id", keep="last").copy()
    frame["location"] = pd.Series(location_ids(frame), index=frame.index, dtype=object)
    ids, created, _ = upsert_rows(
        Event,
        frame,
        id_field="source_event_id",
        fields=EVENT_FIELDS,
        constants={},
        changed_rows=_changed_events,
        feed_row=feed_row,
        batch=batch,
    )
    return ids, created


def _changed_events(frame: pd.DataFrame, *, known, batch) -> dict:
    """The existing events whose values this extract changes, as columns of their new values
    in the database's form."""
    fields = [*EVENT_FIELDS, "import_batch", "row_number"]
    columns: dict[str, list] = {"pk": [], **{name: [] for name in fields}}
    if frame.empty:
        return columns
    existing = existing_values(
        Event, "source_event_id", known=known, agency_ids=frame["source_event_id"], fields=fields
    )
    for values in frame.to_dict("records"):
        event = existing[values["source_event_id"]]
        details = {**added_details(event["details"]), **json.loads(values["details"])}
        if (
            event["event_type"] == values["event_type"]
            and event["occurred_at"] == _utc(values["occurred_at"])
            and event["ended_at"] == _utc(values["ended_at"])
            and event["description"] == values["description"]
            and event["details"] == details
            and event["location"] == values["location"]
        ):
            continue
        columns["pk"].append(event["pk"])
        for name in ("event_type", "occurred_at", "ended_at", "description", "location"):
            columns[name].append(values[name])  # already in the database's form
        columns["details"].append(json.dumps(details))
        columns["import_batch"].append(batch.pk)
        columns["row_number"].append(int(values[ROW]))
    return columns


ADDED_FROM = "added_from"  # detail name → the feed, batch and row that added it


def added_details(details: dict) -> dict:
    """The details other feeds added to an event (the factors of an assessment): an update
    of the event from its own feed keeps them."""
    added = details.get(ADDED_FROM)
    if not isinstance(added, dict):
        return {}
    return {ADDED_FROM: added, **{name: details[name] for name in added if name in details}}


def _utc(text: str | None) -> datetime.datetime | None:
    """A time as db_datetimes wrote it, back as an aware datetime (SQLite's form has no zone)."""
    if text is None:
        return None
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def resolve_references(
    values: pd.DataFrame, *, feed: Feed, feed_rows: dict[str, FeedRow]
) -> tuple[dict, list[tuple[int, str, str]]]:
    """Look up the records and events other feeds imported; list the rows that point nowhere."""
    resolved: dict[tuple[str, str], dict[str, int]] = {}
    missing = []
    wanted: list[tuple] = [
        (spec.person, SourceRecord, "source_record_id") for spec in feed.involvements
    ]
    wanted += [(spec.event, Event, "source_event_id") for spec in feed.involvements]
    wanted += [
        (reference, SourceRecord, "source_record_id")
        for reference in feed.references
        if not any(reference in (i.person, i.event) for i in feed.involvements)
    ]
    if feed.adds_details:
        wanted.append((feed.adds_details.event, Event, "source_event_id"))
    for reference, model, id_field in wanted:
        if reference is None or (reference.feed, reference.column) in resolved:
            continue
        target = feed_rows.get(reference.feed)
        ids = values[reference.column].astype(str)
        known = (
            {}
            if target is None
            else matching_ids(model, feed_id=target.pk, id_field=id_field, agency_ids=ids)
        )
        resolved[(reference.feed, reference.column)] = known
        unmatched = ~found_in(ids, known)
        for row, agency_id in zip(values.loc[unmatched, ROW], ids[unmatched], strict=True):
            missing.append(
                (
                    int(row),
                    reference.column,
                    f"{reference.column} '{agency_id}' matches no "
                    f"{'event' if model is Event else 'record'} from "
                    f"{reference.feed}: import that feed's file first",
                )
            )
    return resolved, missing


def add_involvements(
    values: pd.DataFrame,
    *,
    feed: Feed,
    feed_row: FeedRow,
    batch: ImportBatch,
    references: dict,
    own_records: dict[str, int],
    own_events: dict[str, int],
    new_events: set[int],
):
    rows: dict[tuple[int, int, str], int] = {}  # (event, record, role) → the first row
    for spec in feed.involvements:
        roles = values[spec.role_column].tolist() if spec.role_column else [spec.role] * len(values)
        for involvement, row in zip(
            zip(
                _ids_for(values, spec, "event", references, own_events, feed),
                _ids_for(values, spec, "person", references, own_records, feed),
                roles,
                strict=True,
            ),
            values[ROW].tolist(),
            strict=True,
        ):
            rows.setdefault(involvement, row)
    # Events this chunk created can have no involvements yet: then no row can conflict with
    # one already stored, and the rows go straight in rather than through a conflict check.
    only_new_events = {event for event, _, _ in rows} <= new_events
    records = [record for _, record, _ in rows]
    insert_rows(
        Involvement,
        {
            "event": [event for event, _, _ in rows],
            "source_record": records,
            "person": _linked_people(records, feed),
            "role": [role for _, _, role in rows],
            "feed": [feed_row.pk] * len(rows),
            "import_batch": [batch.pk] * len(rows),
            "row_number": list(rows.values()),
        },
        ignore_conflicts=not only_new_events,
    )


def _linked_people(records: list[int], feed: Feed) -> list:
    """The linked person of each record, when linkage has already placed it."""
    person_feeds = {spec.person.feed if spec.person else feed.name for spec in feed.involvements}
    linked = SourceRecord.objects.filter(feed__name__in=person_feeds, person__isnull=False)
    if not linked.exists():
        return [None] * len(records)
    person_of = dict(linked.values_list("pk", "person_id"))
    return [person_of.get(record) for record in records]


def _ids_for(
    values: pd.DataFrame,
    spec: InvolvementSpec,
    which: str,
    references: dict,
    own: dict[str, int],
    feed: Feed,
) -> list:
    reference = getattr(spec, which)
    if reference is None:
        own_column = (
            feed.source_record["source_record_id"]
            if which == "person"
            else feed.event["source_event_id"]
        )
        return looked_up(values[own_column].astype(str), own)
    return looked_up(
        values[reference.column].astype(str), references[(reference.feed, reference.column)]
    )


def add_derived_involvements(
    derived: pd.DataFrame,
    *,
    events: dict[str, int],
    people: dict[str, int],
    person_key: str,
    feed_row: FeedRow,
    batch: ImportBatch,
) -> None:
    """The row's person in each event the row implies, in the role its rule gives."""
    rows = pd.DataFrame(
        {
            "event": looked_up(derived["source_event_id"], events),
            "record": looked_up(derived[person_key], people),
            "role": derived["role"].tolist(),
            "row": derived[ROW].tolist(),
        }
    ).dropna(subset=["event", "record"])
    rows = rows.drop_duplicates(["event", "record", "role"])
    records = rows["record"].astype(int).tolist()
    person_of = dict(
        SourceRecord.objects.filter(pk__in=records, person__isnull=False).values_list(
            "pk", "person_id"
        )
    )
    insert_rows(
        Involvement,
        {
            "event": rows["event"].astype(int).tolist(),
            "source_record": records,
            "person": [person_of.get(record) for record in records],
            "role": rows["role"].tolist(),
            "feed": [feed_row.pk] * len(rows),
            "import_batch": [batch.pk] * len(rows),
            "row_number": rows["row"].tolist(),
        },
        ignore_conflicts=True,
    )
