"""Writing and matching many rows at once, a column at a time.

Django's bulk_create builds a model instance per row and compiles SQL for each batch; an
import writes hundreds of thousands of rows, so rows go in as plain values: COPY on
PostgreSQL, one prepared statement (`executemany`) on SQLite. Values are put in the
database's form a column at a time (`db_*` below), never a value at a time.
"""

import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from json.encoder import encode_basestring_ascii

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models.constants import OnConflict
from django.utils import timezone

BATCH_SIZE = 2000
STAGED_IDS = "import_staged_ids"


def insert_rows(model, columns: Mapping[str, Sequence], *, ignore_conflicts: bool = False) -> None:
    """Insert rows given as columns (field name → values already in the database's form)."""
    if not columns or not len(next(iter(columns.values()))):
        return
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in columns)
    rows = zip(*columns.values(), strict=True)
    if connection.vendor == "postgresql":
        _copy_rows(table, names, rows, ignore_conflicts=ignore_conflicts)
        return
    _insert_rows_sqlite(table, names, rows, len(columns), ignore_conflicts=ignore_conflicts)


def update_rows(model, columns: Mapping[str, Sequence], *, key: str = "pk") -> None:
    """Set fields of many rows at once: `columns` holds the values of the `key` field (the
    primary key unless said) and each field's new values (in the database's form); every row
    whose key matches is set. The values go into a scratch table shaped like the model's own,
    and one UPDATE … FROM (PostgreSQL, SQLite 3.33+) applies them."""
    if not len(columns[key]):
        return
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    fields = [meta.pk if key == "pk" else meta.get_field(key)]
    fields += [meta.get_field(name) for name in columns if name != key]
    matched, *changed = (quote(field.column) for field in fields)
    names = ", ".join([matched, *changed])
    scratch = "bulk_update_scratch"
    rows = zip(columns[key], *(v for name, v in columns.items() if name != key), strict=True)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {scratch} AS SELECT {names} FROM {table} WHERE 1 = 0"  # noqa: S608 (names from model meta)
        )
    if connection.vendor == "postgresql":
        _copy_rows(scratch, names, rows, ignore_conflicts=False)
    else:
        _insert_rows_sqlite(scratch, names, rows, len(fields), ignore_conflicts=False)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(f'{name} = s.{name}' for name in changed)} "  # noqa: S608
            f"FROM {scratch} AS s WHERE {table}.{matched} = s.{matched}"
        )
        cursor.execute(f"DROP TABLE {scratch}")


def refresh_planner_statistics() -> None:
    """After a batch stage has written many rows, PostgreSQL's statistics of every table, from
    which it plans the pages' queries. Autovacuum refreshes them only some time later (never
    where an operator has turned it off), and until then a table it has never sampled is
    planned as if it were another size: the demo county's search read every event of a type
    (100 to 150 ms a search) where it now reads the found people's. ANALYZE samples a fixed
    number of rows per table, about 2 s for the demo county. SQLite plans without statistics
    it has not been asked to keep: nothing to do there."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _insert_rows_sqlite(
    table: str, names: str, rows: Iterable[tuple], width: int, *, ignore_conflicts: bool
) -> None:
    """One prepared INSERT run over the rows a batch at a time."""
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    statement = (
        f"{connection.ops.insert_statement(on_conflict=on_conflict)} {table} ({names}) "
        f"VALUES ({', '.join(['%s'] * width)}) "
        f"{connection.ops.on_conflict_suffix_sql([], on_conflict, None, None)}"
    )
    with connection.cursor() as cursor:
        for batch in itertools.batched(rows, BATCH_SIZE):
            cursor.executemany(statement, batch)


def _copy_rows(table: str, columns: str, rows: Iterable[tuple], *, ignore_conflicts: bool) -> None:
    """PostgreSQL's COPY: many times faster than INSERT for large batches."""
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for its COPY support
        target = table
        if ignore_conflicts:
            # COPY cannot skip duplicates: load a scratch table, then insert what is new.
            target = "import_scratch"
            cursor.execute(
                f"CREATE TEMPORARY TABLE {target} ON COMMIT DROP AS "  # noqa: S608 (names from model meta)
                f"SELECT {columns} FROM {table} WITH NO DATA"
            )
        with cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if ignore_conflicts:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {target} "  # noqa: S608
                "ON CONFLICT DO NOTHING"
            )
            cursor.execute(f"DROP TABLE {target}")


def matching_ids(
    model, *, feed_id: int, id_field: str, agency_ids: Iterable[str]
) -> dict[str, int]:
    """Agency id → primary key, for the ids this feed already holds.

    The ids go into a temporary table and are joined on the (feed, agency id) index: one
    statement whatever their number, rather than long `IN (...)` lists.
    """
    wanted = sorted(set(agency_ids))
    if not wanted:
        return {}
    meta = model._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGED_IDS} (agency_id text) ON COMMIT DROP"
            )
            cursor.execute(f"TRUNCATE {STAGED_IDS}")
            with cursor.cursor.copy(f"COPY {STAGED_IDS} (agency_id) FROM STDIN") as copy:
                for agency_id in wanted:
                    copy.write_row((agency_id,))
        else:
            cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGED_IDS} (agency_id text)")
            cursor.execute(f"DELETE FROM {STAGED_IDS}")  # noqa: S608
            for batch in itertools.batched(wanted, BATCH_SIZE):
                cursor.executemany(
                    f"INSERT INTO {STAGED_IDS} (agency_id) VALUES (%s)",  # noqa: S608
                    [(agency_id,) for agency_id in batch],
                )
        cursor.execute(
            f"SELECT t.{quote(meta.get_field(id_field).column)}, t.{quote(meta.pk.column)} "  # noqa: S608
            f"FROM {STAGED_IDS} s JOIN {quote(meta.db_table)} t "
            f"ON t.{quote(meta.get_field('feed').column)} = %s "
            f"AND t.{quote(meta.get_field(id_field).column)} = s.agency_id",
            [feed_id],
        )
        return dict(cursor.fetchall())


# pandas keeps text in Arrow arrays, where `isin` and `map` with a Python dict convert every
# value; looking texts up in a dict from a plain list is many times faster.


def found_in(values: pd.Series, mapping) -> np.ndarray:
    """Whether each value is a key of mapping (or a member of a set)."""
    return np.fromiter((value in mapping for value in values.tolist()), bool, len(values))


def looked_up(values: pd.Series, mapping: Mapping) -> list:
    """mapping[value] for each value, None where it has none."""
    return [mapping.get(value) for value in values.tolist()]


def as_column(values: list, index: pd.Index) -> pd.Series:
    """Values already in the database's form, kept as Python objects (not Arrow text)."""
    return pd.Series(values, index=index, dtype=object)


def db_values(values: pd.Series) -> list:
    """Plain values, with None for what is missing."""
    return values.astype(object).where(values.notna().to_numpy(), None).tolist()


def db_texts(values: pd.Series | None, length: int) -> list[str]:
    """Text for a column that holds "" rather than NULL when empty."""
    if values is None:
        return [""] * length
    return values.astype(object).where(values.notna(), "").astype(str).tolist()


def db_datetimes(values: pd.Series | None, length: int, *, vendor: str) -> list:
    """Local (UK) times from an extract, as the database stores them: in UTC.

    In the autumn hour that occurs twice the earlier (summer-time) reading is taken; a time
    skipped in spring moves forward to the first real minute.
    """
    if values is None:
        return [None] * length
    times = pd.to_datetime(values)
    utc = times.dt.tz_localize(
        timezone.get_default_timezone_name(),
        ambiguous=np.ones(len(times), dtype=bool),
        nonexistent="shift_forward",
    ).dt.tz_convert("UTC")
    present = utc.notna().to_numpy()
    naive = utc.dt.tz_localize(None).to_numpy()
    if (utc.dt.microsecond.fillna(0) == 0).all():
        # numpy formats a whole column at once, many times faster than pandas' astype(str).
        text = np.datetime_as_string(naive.astype("datetime64[s]"), unit="s").tolist()
    else:
        text = [str(moment) for moment in naive.astype("datetime64[us]").tolist()]
    # 2026-10-14T21:15:00+00 for PostgreSQL; 2026-10-14 21:15:00, as Django writes it, for SQLite
    if vendor == "postgresql":
        return [t + "+00" if keep else None for t, keep in zip(text, present, strict=True)]
    return [t.replace("T", " ") if keep else None for t, keep in zip(text, present, strict=True)]


def db_dates(values: pd.Series) -> list:
    return [None if value is None or pd.isna(value) else value.isoformat() for value in values]


def json_objects(columns: Mapping[str, pd.Series], length: int) -> list[str]:
    """A JSON object per row holding that row's non-blank values, built a column at a time."""
    if not columns:
        return ["{}"] * length
    fragments = [_json_fragments(name, values) for name, values in columns.items()]
    return ["{" + ", ".join(filter(None, row)) + "}" for row in zip(*fragments, strict=True)]


def _json_fragments(name: str, values: pd.Series) -> list[str]:
    """`"name": value` for each row, or "" where the value is missing."""
    key = f"{encode_basestring_ascii(name)}: "
    present = values.notna().to_numpy()
    if pd.api.types.is_integer_dtype(values.dtype):
        encoded = values.astype(str)
    elif pd.api.types.is_float_dtype(values.dtype):
        encoded = values.map(lambda value: json.dumps(float(value)))
    elif pd.api.types.is_datetime64_any_dtype(values.dtype):
        encoded = values.map(
            lambda value: (
                encode_basestring_ascii(value.to_pydatetime().isoformat())
                if pd.notna(value)
                else None
            )
        )
    else:
        # Text goes straight to the json module's C encoder: Series.map and _json_value's
        # checks took a fifth of the details' time (150,000 attendance rows).
        texts: list = [
            encode_basestring_ascii(value) if type(value) is str else _json_value(value)
            for value in values.tolist()
        ]
        return [key + text if keep else "" for text, keep in zip(texts, present, strict=True)]
    return [
        key + text if keep else "" for text, keep in zip(encoded.tolist(), present, strict=True)
    ]


def _json_value(value) -> str | None:
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return encode_basestring_ascii(value.isoformat())
    return json.dumps(value.item() if isinstance(value, np.generic) else value)
