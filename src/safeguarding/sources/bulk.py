"""Inserting many rows with one prepared statement.

Django's bulk_create spends most of its time building model instances and compiling SQL for
each one; an import writes hundreds of thousands of rows, so rows go in as plain tuples with
`executemany`. Values must already be in the database's form: `db_value` does that for the
types our loaders write.
"""

import datetime
import itertools
import json
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models.constants import OnConflict

BATCH_SIZE = 2000
PLAIN_TYPES = {str, int, float, bool}


def db_value(value):
    if value is None or type(value) in PLAIN_TYPES:
        return value
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def insert_rows(
    model, fields: Sequence[str], rows: Iterable[Sequence], *, ignore_conflicts: bool = False
) -> None:
    """Insert rows (one value per field, in order) into model's table."""
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)
    prepared = (tuple(db_value(value) for value in row) for row in rows)
    if connection.vendor == "postgresql":
        _copy_rows(table, columns, prepared, ignore_conflicts=ignore_conflicts)
        return
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    statement = (
        f"{connection.ops.insert_statement(on_conflict=on_conflict)} {table} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"{connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None)}"
    )
    with connection.cursor() as cursor:
        for batch in itertools.batched(prepared, BATCH_SIZE):
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
