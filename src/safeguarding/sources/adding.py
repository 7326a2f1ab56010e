"""Writing files whose rows add to what another feed imported: an identifier to a person's
record (SSD ssd_linked_identifiers), details to an event (SSD ssd_assessment_factors).

The record or event stays its own feed's; what is added says where it came from: an added
detail is listed under the event's `added_from` detail with the feed, batch, row and the row's
id, so an update of the event from its own feed keeps it, and it can be traced to its row.
"""

import json

import pandas as pd

from safeguarding.common.bulk import insert_rows, json_objects, looked_up, update_rows
from safeguarding.people.models import Event, Identifier
from safeguarding.sources.event_loading import ADDED_FROM
from safeguarding.sources.feeds import Feed
from safeguarding.sources.loading import chunked
from safeguarding.sources.models import Feed as FeedRow
from safeguarding.sources.models import ImportBatch
from safeguarding.sources.readers import ROW


def add_identifiers_to_records(
    values: pd.DataFrame,
    *,
    feed: Feed,
    references: dict,
    invalid: dict[str, pd.Series],
    batch: ImportBatch,
    feed_row: FeedRow,
) -> None:
    """Each row's identifier, of the kind it names, on the record it points at, under this
    feed, batch and row; one the record already holds (from its own feed, or an earlier
    extract) is left as it is, with the row that first added it."""
    spec = feed.adds_identifier
    assert spec is not None
    present = values[values[spec.value].notna() & values[spec.value].astype(str).ne("")]
    if present.empty:
        return
    kinds = present[spec.kind_column] if spec.kind_column else spec.kind
    flagged = invalid.get(spec.value, pd.Series(False, index=values.index))
    rows = pd.DataFrame(
        {
            "source_record": looked_up(
                present[spec.person.column].astype(str),
                references[(spec.person.feed, spec.person.column)],
            ),
            "kind": kinds,
            "value": present[spec.value].astype(str),
            "valid": ~flagged.reindex(present.index, fill_value=False).astype(bool),
            "row_number": present[ROW],
        },
        index=present.index,
    ).drop_duplicates(["source_record", "kind", "value"])
    insert_rows(
        Identifier,
        {
            **{
                name: rows[name].tolist()
                for name in ("source_record", "kind", "value", "valid", "row_number")
            },
            "feed": [feed_row.pk] * len(rows),
            "import_batch": [batch.pk] * len(rows),
        },
        ignore_conflicts=True,
    )


def add_details_to_events(
    values: pd.DataFrame, *, feed: Feed, references: dict, batch: ImportBatch
) -> None:
    """Each row's details on the event it points at. Rows of one file for the same event are
    combined (lists joined); a later file replaces what an earlier one added."""
    spec = feed.adds_details
    assert spec is not None
    event_ids = looked_up(
        values[spec.event.column].astype(str), references[(spec.event.feed, spec.event.column)]
    )
    adding: dict[int, dict] = {}
    sources: dict[int, dict] = {}
    own_ids = values[spec.id].astype(str).tolist() if spec.id else [None] * len(values)
    for event_id, row, own_id, *cells in zip(
        event_ids,
        values[ROW].tolist(),
        own_ids,
        *(values[column].tolist() for column in spec.details.values()),
        strict=True,
    ):
        details = adding.setdefault(event_id, {})
        for name, value in zip(spec.details, cells, strict=True):
            if value is None or (not isinstance(value, list) and pd.isna(value)):
                continue
            details[name] = _joined(details.get(name), _plain(value))
            sources.setdefault(event_id, {})[name] = {
                "feed": feed.name,
                "import_batch": batch.pk,
                "row_number": int(row),
                **({"id": own_id} if own_id is not None else {}),
            }
    changed: dict[str, list] = {"pk": [], "details": []}
    for part in chunked(sorted(adding)):
        for pk, stored in Event.objects.filter(pk__in=part).values_list("pk", "details"):
            added_before = stored.get(ADDED_FROM) or {}
            details = dict(stored)
            for name, value in adding[pk].items():
                # Rows of this same batch in an earlier chunk are joined, not replaced.
                same_batch = (added_before.get(name) or {}).get("import_batch") == batch.pk
                details[name] = _joined(details.get(name), value) if same_batch else value
            details[ADDED_FROM] = {**added_before, **sources.get(pk, {})}
            if details != stored:
                changed["pk"].append(pk)
                changed["details"].append(json.dumps(details))
    # One statement, not Django's bulk_update (a CASE of every row: loading.py says why).
    update_rows(Event, changed)


def _plain(value):
    """A typed value as JSON holds it, as an event's own details are written (common.bulk)."""
    if isinstance(value, list):
        return value
    return json.loads(json_objects({"v": pd.Series([value], dtype=object)}, 1)[0])["v"]


def _joined(before, value):
    """Two rows' values for one detail: lists joined without repeats, otherwise the later."""
    if isinstance(before, list) and isinstance(value, list):
        return list(dict.fromkeys([*before, *value]))
    return value
