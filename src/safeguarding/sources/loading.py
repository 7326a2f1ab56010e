"""Writing validated rows as source records, with their identifiers and objects, in bulk.

Upserts are keyed on the agency's own ids (unique per feed), so re-importing changes nothing and
a later extract updates a record, keeping its earlier values in `history`. New records, the bulk
of any import, are built a column at a time; records that already exist are read as plain
values and compared one by one, and the changed ones written back in one statement per chunk
(common.bulk.update_rows). Django's bulk_update built a CASE of every row for every field: a
second county's import into a database that held the first spent most of its time there (on
PostgreSQL 2,000 changed records took about 6 s, 475,000 changed events over 20 minutes).
"""

import datetime
import json

import pandas as pd
from django.db import connection
from django.db.models import Max

from safeguarding.common.bulk import (
    BATCH_SIZE,
    as_column,
    db_dates,
    db_texts,
    found_in,
    insert_rows,
    looked_up,
    matching_ids,
    update_rows,
)
from safeguarding.people.models import Identifier, Object, ObjectLink, SourceRecord
from safeguarding.sources.feeds import SOURCE_RECORD_FIELDS, Feed
from safeguarding.sources.models import Feed as FeedRow
from safeguarding.sources.models import ImportBatch
from safeguarding.sources.readers import ROW

LOOKUP_SIZE = 5000
RECORD_FIELDS = sorted(SOURCE_RECORD_FIELDS - {"source_record_id"})


def chunked(values: list, size: int = LOOKUP_SIZE):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def mapped(values: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Our field names over the validated values of the columns the feed maps to them."""
    frame = pd.DataFrame({ROW: values[ROW]})
    for ours, theirs in mapping.items():
        frame[ours] = values[theirs]
    return frame


def seen_at(batch: ImportBatch):
    """The batch's time in the database's form, for rows it delivers."""
    return connection.ops.adapt_datetimefield_value(batch.started_at)


def mark_seen(model, *, pks: list[int], batch: ImportBatch) -> None:
    """Rows an extract delivers again, changed or not, were seen by this batch: retention runs
    from the last extract that held a row (people/retention.py), not from its first."""
    for part in chunked(pks):
        model.objects.filter(pk__in=part).update(last_seen_at=batch.started_at)


def existing_ids(model, *, feed_id: int, id_field: str, agency_ids: pd.Series) -> dict[str, int]:
    """The primary keys of the records this feed already holds under these agency ids."""
    if not model.objects.filter(feed_id=feed_id).exists():
        return {}  # a first import: nothing to look up
    return matching_ids(model, feed_id=feed_id, id_field=id_field, agency_ids=agency_ids)


def highest_id(model) -> int:
    return model.objects.aggregate(highest=Max("pk"))["highest"] or 0


def added_ids(model, id_field: str, *, after: int, batch: ImportBatch) -> dict[str, int]:
    """Agency id → pk of the rows just added: the batch's rows above the highest pk before
    (ids only grow), read through the primary key's index. Found by batch alone, the events
    table (no index on its batch) was read whole for every chunk."""
    return dict(model.objects.filter(pk__gt=after, import_batch=batch).values_list(id_field, "pk"))


def prepare_records(values: pd.DataFrame, *, feed: Feed) -> pd.DataFrame:
    """The chunk's source records with their fields in the database's form (no database
    needed, so this runs ahead while the previous chunk is written)."""
    frame = mapped(values, feed.source_record)
    for name in RECORD_FIELDS:
        if name not in frame:
            frame[name] = None
    length, index = len(frame), frame.index
    frame["source_record_id"] = as_column(db_texts(frame["source_record_id"], length), index)
    frame["aliases"] = as_column([json.dumps(_aliases(value)) for value in frame["aliases"]], index)
    frame["date_of_birth"] = as_column(db_dates(frame["date_of_birth"]), index)
    sex = frame["sex"]
    frame["sex"] = as_column(db_texts(sex.where(sex.notna(), "unknown"), length), index)
    for name in RECORD_FIELDS:
        if name not in {"aliases", "date_of_birth", "sex"}:
            frame[name] = as_column(db_texts(frame[name], length), index)
    return frame


def existing_values(model, id_field: str, *, known: dict[str, int], agency_ids, fields) -> dict:
    """The stored values of fields (and the pk) for agency ids known to exist, keyed by agency
    id: plain values, as an existing row is compared with what the extract brings."""
    return {
        row[id_field]: row
        for part in chunked([known[agency_id] for agency_id in agency_ids])
        for row in model.objects.filter(pk__in=part).values("pk", id_field, *fields)
    }


def upsert_rows(
    model,
    frame: pd.DataFrame,
    *,
    id_field: str,
    fields: list[str],
    constants: dict[str, object],
    changed_rows,
    feed_row: FeedRow,
    batch: ImportBatch,
) -> tuple[dict[str, int], set[int], int]:
    """Insert the rows of frame this feed does not hold yet (by the agency's own id) and update
    those it holds that changed (`changed_rows` gives their new values as columns, the pk's
    first, in the database's form); return agency id → pk, the pks created, and how many
    existing rows changed. Records and events are upserted alike."""
    known = existing_ids(model, feed_id=feed_row.pk, id_field=id_field, agency_ids=frame[id_field])
    is_new = ~found_in(frame[id_field], known)
    new = frame[is_new]
    before = highest_id(model) if len(new) else 0
    insert_rows(
        model,
        {
            "feed": [feed_row.pk] * len(new),
            "import_batch": [batch.pk] * len(new),
            "row_number": new[ROW].tolist(),
            id_field: new[id_field].tolist(),
            **{name: new[name].tolist() for name in fields},
            **{name: [value] * len(new) for name, value in constants.items()},
            "last_seen_at": [seen_at(batch)] * len(new),
        },
    )
    changed = changed_rows(frame[~is_new], known=known, batch=batch)
    update_rows(model, changed)
    mark_seen(model, pks=list(known.values()), batch=batch)
    created = added_ids(model, id_field, after=before, batch=batch) if len(new) else {}
    return {**known, **created}, set(created.values()), len(changed["pk"])


def upsert_source_records(
    records: pd.DataFrame, *, feed_row: FeedRow, batch: ImportBatch
) -> tuple[dict[str, int], set[int], int]:
    """Create or update the source records prepared from a chunk; return agency id → pk, the
    pks created, and how many existing records changed."""
    return upsert_rows(
        SourceRecord,
        records.drop_duplicates("source_record_id", keep="last"),
        id_field="source_record_id",
        fields=RECORD_FIELDS,
        constants={"link_model_version": "", "history": "[]"},
        changed_rows=_changed_records,
        feed_row=feed_row,
        batch=batch,
    )


def _aliases(value) -> list:
    if isinstance(value, list | tuple):
        return list(value)
    return [] if value is None or pd.isna(value) else [value]


def _changed_records(frame: pd.DataFrame, *, known: dict[str, int], batch: ImportBatch) -> dict:
    """The existing records whose values this extract changes, as columns of their new values
    (the database's form) with their history extended."""
    fields = [*RECORD_FIELDS, "history", "import_batch", "row_number"]
    columns: dict[str, list] = {"pk": [], **{name: [] for name in fields}}
    if frame.empty:
        return columns
    existing = existing_values(
        SourceRecord,
        "source_record_id",
        known=known,
        agency_ids=frame["source_record_id"],
        fields=[*RECORD_FIELDS, "history", "import_batch", "row_number"],
    )
    for values in frame.to_dict("records"):
        record = existing[values["source_record_id"]]
        before = {name: record[name] for name in RECORD_FIELDS}
        if before == {name: _python(name, values[name]) for name in RECORD_FIELDS}:
            continue
        history = [
            *record["history"],
            {
                "import_batch": record["import_batch"],
                "row_number": record["row_number"],
                **{
                    k: v.isoformat() if isinstance(v, datetime.date) else v
                    for k, v in before.items()
                },
            },
        ]
        columns["pk"].append(record["pk"])
        for name in RECORD_FIELDS:
            columns[name].append(values[name])  # already in the database's form
        columns["history"].append(json.dumps(history))
        columns["import_batch"].append(batch.pk)
        columns["row_number"].append(int(values[ROW]))
    return columns


def _python(name: str, value):
    """A database-form value back as the model field holds it, to compare with a record."""
    if name == "aliases":
        return json.loads(value)
    if name == "date_of_birth" and value is not None:
        return datetime.date.fromisoformat(value)
    return value


def add_identifiers(
    values: pd.DataFrame,
    *,
    feed: Feed,
    record_ids: dict[str, int],
    created: set[int],
    invalid: dict[str, pd.Series],
    batch: ImportBatch,
    feed_row: FeedRow,
) -> None:
    """The identifiers of each row's record, with the row that added them; a value the record
    already holds keeps the row that first added it."""
    id_column = feed.source_record["source_record_id"]
    records, kinds, texts, valid, row_numbers = [], [], [], [], []
    for kind, column in feed.identifiers.items():
        present = values[column].notna() & values[column].astype(str).ne("")
        flagged = invalid.get(column, pd.Series(False, index=values.index))
        records += looked_up(values.loc[present, id_column], record_ids)
        kinds += [kind] * int(present.sum())
        texts += values.loc[present, column].astype(str).tolist()
        valid += (~flagged[present].astype(bool)).tolist()
        row_numbers += values.loc[present, ROW].tolist()
    rows = pd.DataFrame(
        {"record": records, "kind": kinds, "value": texts, "valid": valid, "row": row_numbers}
    )
    rows = rows.drop_duplicates(["record", "kind", "value"], keep="first")
    insert_rows(
        Identifier,
        {
            "source_record": rows["record"].tolist(),
            "kind": rows["kind"].tolist(),
            "value": rows["value"].tolist(),
            "valid": rows["valid"].tolist(),
            "feed": [feed_row.pk] * len(rows),
            "import_batch": [batch.pk] * len(rows),
            "row_number": rows["row"].tolist(),
        },
        # Records this chunk created have no identifiers yet: nothing to conflict with.
        ignore_conflicts=not set(records) <= created,
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
        present = values[values[column].notna() & values[column].astype(str).ne("")]
        if present.empty:
            continue
        texts = present[column].astype(str)
        distinct = sorted(set(texts))
        Object.objects.bulk_create(
            [Object(kind=kind, value=v) for v in distinct],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        object_ids: dict[str, int] = {}
        for part in chunked(distinct):
            object_ids.update(
                Object.objects.filter(kind=kind, value__in=part).values_list("value", "pk")
            )
        insert_rows(
            ObjectLink,
            {
                "object": looked_up(texts, object_ids),
                "source_record": looked_up(present[id_column], record_ids),
                "feed": [feed_row.pk] * len(present),
                "import_batch": [batch.pk] * len(present),
                "row_number": present[ROW].tolist(),
            },
        )
