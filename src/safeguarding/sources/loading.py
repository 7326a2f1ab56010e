"""Writing validated rows as our records, in bulk, a chunk at a time.

Upserts are keyed on the agency's own ids (unique per feed), so re-importing changes nothing and
a later extract updates a record, keeping its earlier values in `history`.
"""

import datetime
import itertools
from collections.abc import Iterable

import numpy as np
import pandas as pd
from django.utils import timezone

from safeguarding.people.models import (
    Event,
    Identifier,
    Involvement,
    Location,
    Object,
    ObjectLink,
    SourceRecord,
)
from safeguarding.sources.bulk import BATCH_SIZE, insert_rows
from safeguarding.sources.feeds import SOURCE_RECORD_FIELDS, Feed
from safeguarding.sources.feeds import Involvement as InvolvementSpec
from safeguarding.sources.models import Feed as FeedRow
from safeguarding.sources.models import ImportBatch
from safeguarding.sources.readers import ROW

LOOKUP_SIZE = 5000
RECORD_FIELDS = sorted(SOURCE_RECORD_FIELDS - {"source_record_id"})
EVENT_FIELDS = ["event_type", "occurred_at", "ended_at", "description", "details", "location_id"]


def _chunks(values: list, size: int = LOOKUP_SIZE) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def existing_ids(model, *, feed_id: int, id_field: str, agency_ids: list[str]) -> dict[str, int]:
    """The primary keys of the records this feed already holds under these agency ids."""
    found: dict[str, int] = {}
    if not model.objects.filter(feed_id=feed_id).exists():
        return found  # a first import: nothing to look up
    for part in _chunks(sorted(set(agency_ids))):
        found.update(
            model.objects.filter(feed_id=feed_id, **{f"{id_field}__in": part}).values_list(
                id_field, "pk"
            )
        )
    return found


def written_ids(model, id_field: str, *, batch: ImportBatch, rows: pd.Series) -> dict[str, int]:
    """Agency id → primary key of what this chunk created or changed (by its row range, so the
    query carries no long list of ids)."""
    return dict(
        model.objects.filter(
            import_batch=batch, row_number__gte=int(rows.min()), row_number__lte=int(rows.max())
        ).values_list(id_field, "pk")
    )


def db_times(values: pd.Series | None) -> list:
    """Local (UK) times from an extract, as the database stores them: UTC.

    In the autumn hour that occurs twice the earlier (summer-time) reading is taken; a time
    skipped in spring moves forward to the first real minute.
    """
    if values is None:
        return itertools.repeat(None)  # type: ignore[return-value]
    times = pd.to_datetime(values)
    local = times.dt.tz_localize(
        timezone.get_default_timezone_name(),
        ambiguous=np.ones(len(times), dtype=bool),
        nonexistent="shift_forward",
    )
    return [None if pd.isna(t) else t.to_pydatetime() for t in local.dt.tz_convert("UTC")]


def _texts(values: pd.Series | None):
    if values is None:
        return itertools.repeat("")
    return values.fillna("").astype(str).tolist()


def _clean(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _aware(value):
    if value is None:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    # Agency extracts give local (UK) times; in the autumn hour that occurs twice, the earlier
    # reading is taken (zoneinfo's fold=0).
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def mapped(values: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Our field names over the validated values of the columns the feed maps to them."""
    frame = pd.DataFrame({ROW: values[ROW]})
    for ours, theirs in mapping.items():
        frame[ours] = values[theirs]
    return frame


def upsert_source_records(
    values: pd.DataFrame, *, feed: Feed, feed_row: FeedRow, batch: ImportBatch
) -> tuple[dict[str, int], int, int]:
    """Create or update the chunk's source records; return agency id → pk, created, updated."""
    frame = mapped(values, feed.source_record).drop_duplicates("source_record_id", keep="last")
    for name in RECORD_FIELDS:
        if name not in frame:
            frame[name] = None
    known = existing_ids(
        SourceRecord,
        feed_id=feed_row.pk,
        id_field="source_record_id",
        agency_ids=frame["source_record_id"].tolist(),
    )
    new_records, changed = [], []
    existing = {
        record.source_record_id: record
        for part in _chunks(list(known.values()))
        for record in SourceRecord.objects.filter(pk__in=part)
    }
    for row in frame.to_dict("records"):
        fields = {name: _text_or_value(name, _clean(row[name])) for name in RECORD_FIELDS}
        record = existing.get(row["source_record_id"])
        if record is None:
            new_records.append(
                (feed_row.pk, batch.pk, row[ROW], row["source_record_id"], *fields.values(), "", [])
            )
            continue
        before = {name: getattr(record, name) for name in RECORD_FIELDS}
        if before != fields:
            record.history = [
                *record.history,
                {
                    "import_batch": record.import_batch_id,
                    "row_number": record.row_number,
                    **{k: _json(v) for k, v in before.items()},
                },
            ]
            for name, value in fields.items():
                setattr(record, name, value)
            record.import_batch, record.row_number = batch, row[ROW]
            changed.append(record)
    insert_rows(
        SourceRecord,
        [
            "feed",
            "import_batch",
            "row_number",
            "source_record_id",
            *RECORD_FIELDS,
            "link_model_version",
            "history",
        ],
        new_records,
    )
    SourceRecord.objects.bulk_update(
        changed, [*RECORD_FIELDS, "history", "import_batch", "row_number"], batch_size=BATCH_SIZE
    )
    ids = {**known, **written_ids(SourceRecord, "source_record_id", batch=batch, rows=frame[ROW])}
    return ids, len(new_records), len(changed)


def _text_or_value(name: str, value):
    if name == "aliases":
        return (
            list(value) if isinstance(value, list | tuple) else ([] if value is None else [value])
        )
    if name in {"date_of_birth"}:
        return value
    if name == "sex":
        return value or "unknown"
    return "" if value is None else value


def _json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def add_identifiers(
    values: pd.DataFrame, *, feed: Feed, record_ids: dict[str, int], invalid: dict[str, pd.Series]
) -> None:
    id_column = feed.source_record["source_record_id"]
    identifiers = []
    for kind, column in feed.identifiers.items():
        flagged = invalid.get(column, pd.Series(False, index=values.index))
        for agency_id, value, is_flagged in zip(
            values[id_column], values[column], flagged, strict=True
        ):
            if _clean(value) not in (None, ""):
                identifiers.append((record_ids[agency_id], kind, str(value), not bool(is_flagged)))
    insert_rows(
        Identifier, ["source_record", "kind", "value", "valid"], identifiers, ignore_conflicts=True
    )


def add_objects(
    values: pd.DataFrame,
    *,
    feed: Feed,
    record_ids: dict[str, int],
    batch: ImportBatch,
    feed_row: FeedRow,
) -> None:
    id_column = feed.source_record["source_record_id"]
    for kind, column in feed.objects.items():
        present = values[values[column].map(lambda v: _clean(v) not in (None, ""))]
        if present.empty:
            continue
        texts = sorted(set(present[column].astype(str)))
        Object.objects.bulk_create(
            [Object(kind=kind, value=v) for v in texts],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        object_ids = {}
        for part in _chunks(texts):
            object_ids.update(
                Object.objects.filter(kind=kind, value__in=part).values_list("value", "pk")
            )
        insert_rows(
            ObjectLink,
            ["object", "source_record", "feed", "import_batch", "row_number"],
            (
                (object_ids[str(value)], record_ids[agency_id], feed_row.pk, batch.pk, row)
                for agency_id, value, row in zip(
                    present[id_column], present[column], present[ROW], strict=True
                )
            ),
        )


def location_ids(frame: pd.DataFrame) -> list[int | None]:
    """Find or create the location of each event row (by name and postcode)."""
    names = frame.get("location_name", pd.Series("", index=frame.index)).fillna("").astype(str)
    postcodes = frame.get("postcode", pd.Series("", index=frame.index)).fillna("").astype(str)
    latitudes = frame.get("latitude", pd.Series(np.nan, index=frame.index))
    longitudes = frame.get("longitude", pd.Series(np.nan, index=frame.index))
    keys = list(zip(names, postcodes, strict=True))
    wanted = {}
    for (name, postcode), latitude, longitude in zip(keys, latitudes, longitudes, strict=True):
        if name or postcode:
            wanted[(name, postcode)] = (_clean(latitude), _clean(longitude))
    Location.objects.bulk_create(
        [
            Location(name=name, postcode=postcode, latitude=lat, longitude=lon)
            for (name, postcode), (lat, lon) in wanted.items()
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    found = {}
    for part in _chunks(sorted({postcode for _, postcode in wanted})):
        for pk, name, postcode in Location.objects.filter(
            kind="place", postcode__in=part
        ).values_list("pk", "name", "postcode"):
            found[(name, postcode)] = pk
    return [found.get(key) for key in keys]


def upsert_events(
    values: pd.DataFrame, *, feed: Feed, feed_row: FeedRow, batch: ImportBatch
) -> dict[str, int]:
    frame = mapped(values, feed.event).drop_duplicates("source_event_id", keep="last")
    if feed.event_type in feed.columns:
        frame["event_type"] = values.loc[frame.index, feed.event_type]
    else:
        frame["event_type"] = feed.event_type
    details = pd.DataFrame(
        {name: values.loc[frame.index, column] for name, column in feed.event_details.items()},
        index=frame.index,
    )
    frame["details"] = (
        [
            {k: _json(_clean(v)) for k, v in row.items() if _clean(v) is not None}
            for row in details.to_dict("records")
        ]
        if len(details.columns)
        else [{} for _ in range(len(frame))]
    )
    frame["location_id"] = pd.Series(location_ids(frame), index=frame.index, dtype=object)
    known = existing_ids(
        Event,
        feed_id=feed_row.pk,
        id_field="source_event_id",
        agency_ids=frame["source_event_id"].tolist(),
    )
    existing = {
        event.source_event_id: event
        for part in _chunks(list(known.values()))
        for event in Event.objects.filter(pk__in=part)
    }
    is_new = ~frame["source_event_id"].isin(list(existing))
    new = frame[is_new]
    # New events, the bulk of any import, are built a column at a time.
    insert_rows(
        Event,
        [
            "feed",
            "import_batch",
            "row_number",
            "source_event_id",
            "event_type",
            "occurred_at",
            "ended_at",
            "description",
            "details",
            "location",
        ],
        zip(
            itertools.repeat(feed_row.pk),
            itertools.repeat(batch.pk),
            new[ROW].tolist(),
            new["source_event_id"].tolist(),
            new["event_type"].tolist(),
            db_times(new["occurred_at"]),
            db_times(new.get("ended_at")),
            _texts(new.get("description")),
            new["details"].tolist(),
            [_clean(value) for value in new["location_id"]],
            strict=False,
        ),
    )
    changed = []
    for row in frame[~is_new].to_dict("records"):
        fields = {
            "event_type": row["event_type"],
            "occurred_at": _aware(_clean(row["occurred_at"])),
            "ended_at": _aware(_clean(row.get("ended_at"))),
            "description": _clean(row.get("description")) or "",
            "details": row["details"],
            "location_id": _clean(row["location_id"]),
        }
        event = existing[row["source_event_id"]]
        if any(getattr(event, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(event, name, value)
            event.import_batch, event.row_number = batch, row[ROW]
            changed.append(event)
    Event.objects.bulk_update(
        changed, [*EVENT_FIELDS, "import_batch", "row_number"], batch_size=BATCH_SIZE
    )
    written = written_ids(Event, "source_event_id", batch=batch, rows=frame[ROW])
    created = {pk for agency_id, pk in written.items() if agency_id not in known}
    return {**known, **written}, created


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
            # The referenced feed's whole id map in one query: cheaper than long id lists.
            known = (
                {}
                if target is None
                else dict(model.objects.filter(feed_id=target.pk).values_list(id_field, "pk"))
            )
            resolved[(reference.feed, reference.column)] = known
            for row, agency_id in zip(values[ROW], ids, strict=True):
                if agency_id not in known:
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
    involvements = []
    for spec in feed.involvements:
        record_ids = _ids_for(values, spec, "person", references, own_records, feed)
        event_ids = _ids_for(values, spec, "event", references, own_events, feed)
        roles = (
            values[spec.role_column]
            if spec.role_column
            else pd.Series(spec.role, index=values.index)
        )
        involvements += zip(event_ids, record_ids, roles, values[ROW], strict=True)
    # The linked person, when linkage has already placed the record.
    person_feeds = {spec.person.feed if spec.person else feed.name for spec in feed.involvements}
    person_of = dict(
        SourceRecord.objects.filter(feed__name__in=person_feeds).values_list("pk", "person_id")
    )
    # Events this chunk created can have no involvements yet: then duplicates can only come
    # from the chunk itself, and the rows go straight in rather than through a conflict check.
    only_new_events = all(event_id in new_events for event_id, _, _, _ in involvements)
    if only_new_events:
        involvements = list(
            {(e, r, role): (e, r, role, row) for e, r, role, row in reversed(involvements)}.values()
        )
    insert_rows(
        Involvement,
        ["event", "source_record", "person", "role", "feed", "import_batch", "row_number"],
        (
            (event_id, record_id, person_of[record_id], role, feed_row.pk, batch.pk, row)
            for event_id, record_id, role, row in involvements
        ),
        ignore_conflicts=not only_new_events,
    )


def _ids_for(
    values: pd.DataFrame,
    spec: InvolvementSpec,
    which: str,
    references: dict,
    own: dict[str, int],
    feed: Feed,
) -> list[int]:
    reference = getattr(spec, which)
    if reference is None:
        own_column = (
            feed.source_record["source_record_id"]
            if which == "person"
            else feed.event["source_event_id"]
        )
        return [own[str(value)] for value in values[own_column]]
    known = references[(reference.feed, reference.column)]
    return [known[str(value)] for value in values[reference.column]]
