"""Writing validated rows as events, their places and who was involved, in bulk.

Events are keyed on the agency's own event id (unique per feed): re-importing changes nothing,
a later extract updates the event. New events, the bulk of any import, are built a column at a
time, their details as JSON text; only events that already exist are compared one by one.
"""

import datetime
import json

import numpy as np
import pandas as pd

from safeguarding.people.models import Event, Involvement, Location, SourceRecord
from safeguarding.sources.bulk import (
    BATCH_SIZE,
    db_datetimes,
    db_texts,
    db_values,
    insert_rows,
    json_objects,
    matching_ids,
)
from safeguarding.sources.feeds import Feed
from safeguarding.sources.feeds import Involvement as InvolvementSpec
from safeguarding.sources.loading import chunked, existing_ids, mapped, written_ids
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
    keys = pd.Series(list(zip(names, postcodes, strict=True)), index=frame.index)
    return db_values(keys.map(found).astype("Int64"))


def upsert_events(
    values: pd.DataFrame, *, feed: Feed, feed_row: FeedRow, batch: ImportBatch
) -> tuple[dict[str, int], set[int]]:
    """Create or update the chunk's events; return agency id → pk, and the pks created."""
    frame = mapped(values, feed.event).drop_duplicates("source_event_id", keep="last")
    if feed.event_type in feed.columns:
        frame["event_type"] = values.loc[frame.index, feed.event_type]
    else:
        frame["event_type"] = feed.event_type
    frame["details"] = json_objects(
        {name: values.loc[frame.index, column] for name, column in feed.event_details.items()},
        len(frame),
    )
    known = existing_ids(
        Event, feed_id=feed_row.pk, id_field="source_event_id", agency_ids=frame["source_event_id"]
    )
    is_new = ~frame["source_event_id"].isin(list(known))
    columns = _event_columns(frame, locations=location_ids(frame))
    new = is_new.to_numpy()
    insert_rows(
        Event,
        {
            "feed": [feed_row.pk] * int(new.sum()),
            "import_batch": [batch.pk] * int(new.sum()),
            "row_number": frame.loc[new, ROW].tolist(),
            "source_event_id": frame.loc[new, "source_event_id"].tolist(),
            **{name: _select(values, new) for name, values in columns.items()},
        },
    )
    changed = _changed_events(
        frame[~new],
        {name: _select(values, ~new) for name, values in columns.items()},
        known=known,
        batch=batch,
    )
    Event.objects.bulk_update(
        changed, [*EVENT_FIELDS, "import_batch", "row_number"], batch_size=BATCH_SIZE
    )
    written = written_ids(Event, "source_event_id", batch=batch, rows=frame[ROW])
    created = {pk for agency_id, pk in written.items() if agency_id not in known}
    return {**known, **written}, created


def _event_columns(frame: pd.DataFrame, *, locations: list) -> dict[str, list]:
    length = len(frame)
    return {
        "event_type": frame["event_type"].tolist(),
        "occurred_at": db_datetimes(frame["occurred_at"], length),
        "ended_at": db_datetimes(frame.get("ended_at"), length),
        "description": db_texts(frame.get("description"), length),
        "details": frame["details"].tolist(),
        "location": locations,
    }


def _select(values: list, mask: np.ndarray) -> list:
    return [value for value, keep in zip(values, mask, strict=True) if keep]


def _changed_events(frame: pd.DataFrame, columns: dict[str, list], *, known, batch) -> list:
    """The existing events whose values this extract changes."""
    if frame.empty:
        return []
    existing = {
        event.source_event_id: event
        for part in chunked([known[agency_id] for agency_id in frame["source_event_id"]])
        for event in Event.objects.filter(pk__in=part)
    }
    changed = []
    for position, (agency_id, row) in enumerate(
        zip(frame["source_event_id"], frame[ROW], strict=True)
    ):
        event = existing[agency_id]
        fields = {
            "event_type": columns["event_type"][position],
            "occurred_at": _utc(columns["occurred_at"][position]),
            "ended_at": _utc(columns["ended_at"][position]),
            "description": columns["description"][position],
            "details": json.loads(columns["details"][position]),
            "location_id": columns["location"][position],
        }
        if all(getattr(event, name) == value for name, value in fields.items()):
            continue
        for name, value in fields.items():
            setattr(event, name, value)
        event.import_batch, event.row_number = batch, int(row)
        changed.append(event)
    return changed


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
    for spec in feed.involvements:
        for reference, model, id_field in (
            (spec.person, SourceRecord, "source_record_id"),
            (spec.event, Event, "source_event_id"),
        ):
            if reference is None:
                continue
            target = feed_rows.get(reference.feed)
            ids = values[reference.column].astype(str)
            known = (
                {}
                if target is None
                else matching_ids(model, feed_id=target.pk, id_field=id_field, agency_ids=ids)
            )
            resolved[(reference.feed, reference.column)] = known
            unmatched = ~ids.isin(list(known))
            for row, agency_id in zip(values.loc[unmatched, ROW], ids[unmatched], strict=True):
                missing.append(
                    (
                        int(row),
                        reference.column,
                        f"{reference.column} '{agency_id}' matches no record from "
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
    parts = []
    for spec in feed.involvements:
        parts.append(
            pd.DataFrame(
                {
                    "event": _ids_for(values, spec, "event", references, own_events, feed),
                    "record": _ids_for(values, spec, "person", references, own_records, feed),
                    "role": values[spec.role_column] if spec.role_column else spec.role,
                    "row": values[ROW],
                }
            )
        )
    rows = pd.concat(parts, ignore_index=True)
    # Events this chunk created can have no involvements yet: then duplicates can only come
    # from the chunk itself, and the rows go straight in rather than through a conflict check.
    only_new_events = bool(rows["event"].isin(list(new_events)).all())
    if only_new_events:
        rows = rows.drop_duplicates(["event", "record", "role"], keep="first")
    insert_rows(
        Involvement,
        {
            "event": rows["event"].tolist(),
            "source_record": rows["record"].tolist(),
            "person": _linked_people(rows["record"], feed),
            "role": rows["role"].tolist(),
            "feed": [feed_row.pk] * len(rows),
            "import_batch": [batch.pk] * len(rows),
            "row_number": rows["row"].tolist(),
        },
        ignore_conflicts=not only_new_events,
    )


def _linked_people(records: pd.Series, feed: Feed) -> list:
    """The linked person of each record, when linkage has already placed it."""
    person_feeds = {spec.person.feed if spec.person else feed.name for spec in feed.involvements}
    linked = SourceRecord.objects.filter(feed__name__in=person_feeds, person__isnull=False)
    if not linked.exists():
        return [None] * len(records)
    person_of = dict(linked.values_list("pk", "person_id"))
    return db_values(records.map(person_of).astype("Int64"))


def _ids_for(
    values: pd.DataFrame,
    spec: InvolvementSpec,
    which: str,
    references: dict,
    own: dict[str, int],
    feed: Feed,
) -> pd.Series:
    reference = getattr(spec, which)
    if reference is None:
        own_column = (
            feed.source_record["source_record_id"]
            if which == "person"
            else feed.event["source_event_id"]
        )
        return values[own_column].astype(str).map(own)
    return values[reference.column].astype(str).map(references[(reference.feed, reference.column)])
