"""Further facts one row implies, declared in the feed's [[derived_events]].

A referral row with `NRM = Y` is also an NRM referral; a search whose outcome mentions cash or
a knife is also a finding. Each derived event is keyed on the row's own id and the rule's name
(`OCC1/nrm`), so re-importing changes nothing, and its details name the rule, the column and
what matched, so every derived fact can be traced to its row and its rule.
"""

import re

import pandas as pd

from safeguarding.common.bulk import as_column, db_datetimes, db_texts, json_objects
from safeguarding.sources.feeds import DerivedEvent, Feed
from safeguarding.sources.readers import ROW

PERSON_KEY = "@person"


def _matches(values: pd.DataFrame, rule: DerivedEvent) -> tuple[pd.Series, pd.Series]:
    """Which rows the rule holds for, and what in each matched."""
    text = values[rule.column].astype(object).where(values[rule.column].notna(), "").astype(str)
    if rule.equals:
        wanted = {value.strip().upper() for value in rule.equals}
        holds = text.str.strip().str.upper().isin(wanted)
        return holds, text.str.strip().where(holds)
    # Whole words, so "cash" does not match "cashew"; a keyword may be a phrase.
    pattern = r"\b(" + "|".join(re.escape(word) for word in rule.contains_any) + r")\b"
    found = text.str.lower().str.findall(pattern)
    holds = found.str.len().gt(0)
    return holds, found.map(lambda words: ", ".join(dict.fromkeys(words)) if words else None)


def prepare_derived_events(values: pd.DataFrame, *, feed: Feed, vendor: str) -> pd.DataFrame:
    """Every derived event of the chunk's rows, in the database's form, with the agency id
    of the row's person (PERSON_KEY) and the role they play in it."""
    own_id = feed.event.get("source_event_id") or feed.source_record["source_record_id"]
    person_column = _person_column(feed)
    frames = []
    for rule in feed.derived_events:
        holds, matched = _matches(values, rule)
        occurred_column = rule.occurred_at or feed.event["occurred_at"]
        holds &= values[occurred_column].notna()  # a fact with no time is not derived
        rows = values[holds]
        if rows.empty:
            continue
        length, index = len(rows), rows.index
        occurred = rows[occurred_column]
        frame = pd.DataFrame(
            {
                ROW: rows[ROW],
                "source_event_id": rows[own_id].astype(str) + "/" + rule.name,
                "event_type": rule.type,
                PERSON_KEY: rows[person_column].astype(str) if person_column else None,
                "role": rule.role,
            },
            index=index,
        )
        frame["occurred_at"] = as_column(db_datetimes(occurred, length, vendor=vendor), index)
        frame["ended_at"] = as_column([None] * length, index)
        frame["description"] = as_column(
            db_texts(rows[rule.description] if rule.description else None, length), index
        )
        frame["details"] = as_column(
            json_objects(
                {
                    "derived_by": pd.Series(rule.name, index=index),
                    "derived_from_column": pd.Series(rule.column, index=index),
                    "matched": matched[holds],
                },
                length,
            ),
            index,
        )
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[ROW, "source_event_id", "event_type", PERSON_KEY, "role"])
    return pd.concat(frames)


def _person_column(feed: Feed) -> str | None:
    """The column naming the row's person: its own record, or the first person it points at."""
    if feed.source_record:
        return feed.source_record["source_record_id"]
    for involvement in feed.involvements:
        if involvement.person is not None:
            return involvement.person.column
    return None
