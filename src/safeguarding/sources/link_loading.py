"""Writing what relationship and contact files say: person to person (a parent, a sibling,
an associate), object to object (a call between two phones) and person to object (a vehicle
several people use), each with the feed, batch and row it came from. The people's records
come from other feeds, imported first, and are found by their agency ids."""

import pandas as pd

from safeguarding.common.bulk import db_datetimes, insert_rows, looked_up
from safeguarding.people.models import ObjectLink
from safeguarding.people.services import add_object_contacts, add_relationships, object_ids
from safeguarding.sources.feeds import Feed
from safeguarding.sources.models import Feed as FeedRow
from safeguarding.sources.models import ImportBatch
from safeguarding.sources.readers import ROW


def _date_text(values: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series(None, index=values.index, dtype=object)
    dates = pd.to_datetime(values[column], errors="coerce")
    return dates.dt.strftime("%Y-%m-%d").astype(object).where(dates.notna(), None)


def add_links(
    values: pd.DataFrame,
    *,
    feed: Feed,
    feed_row: FeedRow,
    batch: ImportBatch,
    references: dict,
    vendor: str,
) -> None:
    """Write the chunk's good rows as the relationships, contacts and object links the feed
    declares."""
    spec = feed.relationship
    if spec is not None:
        from_records = looked_up(
            values[spec.person_from.column].astype(str),
            references[(spec.person_from.feed, spec.person_from.column)],
        )
        to_records = looked_up(
            values[spec.person_to.column].astype(str),
            references[(spec.person_to.feed, spec.person_to.column)],
        )
        kinds = values[spec.kind_column] if spec.kind_column else spec.kind
        add_relationships(
            relationships=pd.DataFrame(
                {
                    "from_record": from_records,
                    "to_record": to_records,
                    "kind": kinds,
                    "started_at": _date_text(values, spec.started_at),
                    "ended_at": _date_text(values, spec.ended_at),
                    "row_number": values[ROW],
                },
                index=values.index,
            ),
            feed_id=feed_row.pk,
            batch_id=batch.pk,
        )
    contact = feed.object_contact
    if contact is not None:
        both = values[contact.from_column].notna() & values[contact.to_column].notna()
        rows = values[both]
        from_values = rows[contact.from_column].astype(str)
        to_values = rows[contact.to_column].astype(str)
        from_ids = object_ids(kind=contact.from_kind, values=from_values.tolist())
        to_ids = object_ids(kind=contact.to_kind, values=to_values.tolist())
        contact_ids = (
            rows[contact.source_contact_id].astype(str)
            if contact.source_contact_id
            else batch.file_name + ":" + rows[ROW].astype(str)
        )
        occurred = rows[contact.occurred_at] if contact.occurred_at else None
        add_object_contacts(
            contacts=pd.DataFrame(
                {
                    "source_contact_id": contact_ids,
                    "from_object": looked_up(from_values, from_ids),
                    "to_object": looked_up(to_values, to_ids),
                    "kind": contact.kind,
                    "occurred_at": db_datetimes(occurred, len(rows), vendor=vendor),
                    "row_number": rows[ROW],
                },
                index=rows.index,
            ),
            feed_id=feed_row.pk,
            batch_id=batch.pk,
        )
    for link in feed.object_links:
        present = values[values[link.column].notna() & values[link.column].astype(str).ne("")]
        if present.empty:
            continue
        texts = present[link.column].astype(str)
        found = object_ids(kind=link.kind, values=texts.tolist())
        insert_rows(
            ObjectLink,
            {
                "object": looked_up(texts, found),
                "source_record": looked_up(
                    present[link.person.column].astype(str),
                    references[(link.person.feed, link.person.column)],
                ),
                "feed": [feed_row.pk] * len(present),
                "import_batch": [batch.pk] * len(present),
                "row_number": present[ROW].tolist(),
            },
        )
