"""Writing an import batch so that it never stalls the pages, yet lands whole or not at all.

SQLite has one writer at a time. An import written in one transaction held the write lock for
as long as the import ran (minutes for a large file), and every page that writes (the audit
record of each read of personal data, the session) waited for it and then failed with
"database is locked". So on SQLite a batch is committed a chunk of rows at a time, each chunk a
short transaction, and the promise of a batch is kept by an undo journal (UndoEntry, committed
with each chunk) of what it did to the tables of people and sources: the range of ids each chunk
added to each table, and, written by temporary triggers on the importing connection, every row
it changed or removed as it was before. If the import
fails, the journal is played backwards and the database is as it was. If the process dies, the
next batch stage to take its turn (common/batch_turns.py), or the worker at start-up, plays it
backwards. A batch is complete when its status says so, in the same transaction as its last
chunk; only then is its journal thrown away.

Why a journal and not rows hidden until complete, or scratch tables swapped in: an import does
not only add rows. It updates records and events a later extract changed, marks rows seen,
adds identifiers and details to other feeds' rows, releases quarantined rows and places
locations; hiding or staging each of those would touch every loader and every page that reads
them. The journal sees them all, by the triggers, in one place.

While a batch is written on SQLite, pages can see the chunks written so far (new records are
not linked to anyone until the next link run, so they appear on nobody's page; a new event of
someone already linked can). Linking and scoring wait for the batch (batch_turns).

PostgreSQL readers and writers do not block each other, so there a batch stays one
transaction: the same code, with each chunk's transaction a no-op.
"""

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import groupby

from django.apps import apps
from django.db import connection, transaction

from safeguarding.common.batch_turns import batch_turn
from safeguarding.sources.models import ImportBatch, ImportStatus, UndoEntry

# The apps whose tables an import writes (people: records, identifiers, events, locations ...;
# sources: quarantined rows). The batch row itself is not journaled: its status is the record.
JOURNALED_APPS = ("people", "sources")
NOT_JOURNALED = {ImportBatch, UndoEntry}
UNDO_CHUNK = 5_000  # journal entries played back per transaction
FORGET_CHUNK = 10_000  # journal entries thrown away per transaction

# A chunk holds the write lock for about this long: as many rows as the last chunk wrote in
# that time (the machine's speed and load vary, a fixed number of rows would not).
TARGET_SECONDS = 1.0
FIRST_ROWS, FEWEST_ROWS, MOST_ROWS = 1_000, 100, 100_000
# After each chunk the lock is left free a moment: a page waiting for it sleeps up to 100 ms
# between tries (SQLite's busy handler), and would otherwise find it taken again each time.
# The pause is a tenth of the chunk's own time, at most 100 ms: the lock is free a tenth of
# the time, and the import is no more than a tenth slower for it.
PAUSE_SECONDS, PAUSE_SHARE = 0.1, 0.1


class Chunks:
    """What each chunk of a batch is written inside (`with chunks(rows):`), and how many rows
    the next chunk should hold (`chunks.rows`; None: all, on PostgreSQL)."""

    def __init__(self, *, batch_id: int | None = None):
        self.batch_id = batch_id  # None: PostgreSQL, one transaction
        self.rows: int | None = FIRST_ROWS if batch_id is not None else None

    @contextmanager
    def __call__(self, rows: int = 0) -> Iterator[None]:
        if self.batch_id is None:
            yield  # PostgreSQL: inside the batch's one transaction
            return
        started = time.perf_counter()
        with transaction.atomic():
            opened = _open_ranges(self.batch_id)
            yield
            _close_ranges(opened)
        seconds = time.perf_counter() - started
        if rows:
            # At most twice the rows of the last chunk: a chunk of rows that changed nothing is
            # quick, and the next may change every row (a trigger journaling each).
            pace = int(rows * TARGET_SECONDS / max(seconds, 0.001))
            self.rows = min(max(pace, FEWEST_ROWS), 2 * max(rows, FEWEST_ROWS), MOST_ROWS)
        time.sleep(min(PAUSE_SECONDS, PAUSE_SHARE * seconds))


def journaled_tables() -> dict[str, tuple[str, list[str]]]:
    """Table → (primary key column, columns) for every table an import may write."""
    tables = {}
    for label in JOURNALED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            if model in NOT_JOURNALED or not meta.managed or meta.proxy:
                continue
            columns = [str(field.column) for field in meta.concrete_fields]
            tables[meta.db_table] = (str(meta.pk.column), columns)
    return tables


@contextmanager
def chunked_batch(batch: ImportBatch) -> Iterator[Chunks]:
    """Write batch in chunks: yields what each chunk's writes run inside. The block must end
    by saving the batch's final status inside a last chunk; if it raises, nothing it wrote
    remains (and on SQLite the batch row, saved as running, remains for the caller to mark)."""
    if connection.vendor != "sqlite":
        with transaction.atomic():
            batch.status = ImportStatus.RUNNING
            batch.save()
            yield Chunks()
        return
    with batch_stage_turn():
        with transaction.atomic():
            batch.status = ImportStatus.RUNNING
            batch.save()
            # A first entry marks the batch unfinished even if it stops before its first row.
            UndoEntry.objects.create(batch_id=batch.pk, table="", row_id=0)
        _install_triggers(batch.pk)
        try:
            yield Chunks(batch_id=batch.pk)
        except BaseException:
            _drop_triggers()
            _abandon(batch.pk, "The import failed; nothing from this file was stored.")
            raise
        _drop_triggers()
        forget(batch.pk)


@contextmanager
def batch_stage_turn() -> Iterator[None]:
    """The turn of a batch stage (import, link, score) on SQLite, taken after undoing any import
    a stopped process left unfinished: a stage never reads a half batch. Nothing on PostgreSQL."""
    with batch_turn():
        undo_interrupted()
        yield


def undo_interrupted() -> list[int]:
    """Undo every batch a stopped import left unfinished, and mark it failed; throw away the
    journal of batches that completed. Call only while holding the batch turn."""
    if connection.vendor != "sqlite":
        return []  # PostgreSQL undid them with their transactions
    batch_ids = list(UndoEntry.objects.values_list("batch_id", flat=True).distinct())
    completed = set(
        ImportBatch.objects.filter(pk__in=batch_ids, status=ImportStatus.SUCCEEDED).values_list(
            "pk", flat=True
        )
    )
    undone = []
    for batch_id in batch_ids:
        if batch_id in completed:
            forget(batch_id)
        else:
            _abandon(
                batch_id,
                "The import was interrupted; nothing from this file was stored. Import it again.",
            )
            undone.append(batch_id)
    return undone


def _abandon(batch_id: int, error: str) -> None:
    """Undo the batch, then mark it failed as its journal's last entry goes (one transaction:
    a batch with no journal left is never one still to undo)."""
    undo(batch_id)
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch_id).exclude(status=ImportStatus.FAILED).update(
            status=ImportStatus.FAILED, error=error
        )
        UndoEntry.objects.filter(batch_id=batch_id).delete()


def undo(batch_id: int) -> None:
    """Play the batch's journal backwards, a chunk of entries per transaction (each chunk's
    entries go with it, so an undo that is itself interrupted carries on where it stopped)."""
    tables = journaled_tables()
    while True:
        with transaction.atomic():
            entries = list(
                UndoEntry.objects.filter(batch_id=batch_id)
                .exclude(table="")
                .order_by("-id")
                .values_list("id", "table", "row_id", "last_row_id", "old_values")[:UNDO_CHUNK]
            )
            if not entries:
                return
            with connection.cursor() as cursor:
                for (table, added), run in groupby(entries, key=lambda e: (e[1], e[4] is None)):
                    _play_back(cursor, table, tables[table], list(run), added=added)
            UndoEntry.objects.filter(pk__in=[entry[0] for entry in entries]).delete()


def forget(batch_id: int) -> None:
    """Throw the batch's journal away, in short transactions."""
    while True:
        with transaction.atomic():
            ids = list(
                UndoEntry.objects.filter(batch_id=batch_id)
                .order_by("id")
                .values_list("id", flat=True)[:FORGET_CHUNK]
            )
            if not ids:
                return
            UndoEntry.objects.filter(batch_id=batch_id, id__lte=ids[-1]).delete()


def _play_back(cursor, table: str, shape: tuple[str, list[str]], entries: list, *, added: bool):
    quote = connection.ops.quote_name
    primary_key, columns = shape
    if added:
        for _, _, after, last, _ in entries:
            if last is not None:  # None: the chunk that opened the range never committed
                cursor.execute(
                    f"DELETE FROM {quote(table)} "  # noqa: S608 (names from model meta)
                    f"WHERE {quote(primary_key)} > %s AND {quote(primary_key)} <= %s",
                    [after, last],
                )
        return
    # A changed or removed row is put back as it was, whole (INSERT OR REPLACE: a removed row
    # comes back, a changed one is overwritten). Only columns the journal holds are restored.
    for _, _, _, _, old_values in entries:
        old = json.loads(old_values)
        names = [column for column in columns if column in old]
        cursor.execute(
            f"INSERT OR REPLACE INTO {quote(table)} "  # noqa: S608 (names from model meta)
            f"({', '.join(quote(c) for c in names)}) VALUES ({', '.join(['%s'] * len(names))})",
            [old[column] for column in names],
        )


def _open_ranges(batch_id: int) -> list[UndoEntry]:
    """At a chunk's start, the highest id of each table. Rows a chunk adds need no trigger:
    while its transaction holds the write lock nobody else adds rows, and ids only grow
    (AUTOINCREMENT), so the rows it added are those above these ids when it ends. The entries
    are written first, so that undoing plays them after the chunk's changes to the same rows."""
    quote = connection.ops.quote_name
    entries = []
    with connection.cursor() as cursor:
        for table, (primary_key, _) in journaled_tables().items():
            cursor.execute(
                f"SELECT coalesce(max({quote(primary_key)}), 0) FROM {quote(table)}"  # noqa: S608
            )
            entries.append(UndoEntry(batch_id=batch_id, table=table, row_id=cursor.fetchone()[0]))
    return UndoEntry.objects.bulk_create(entries)


def _close_ranges(opened: list[UndoEntry]) -> None:
    """At a chunk's end: each table's range of added rows, or no entry if it added none."""
    quote = connection.ops.quote_name
    tables = journaled_tables()
    added: list[UndoEntry] = []
    unused: list[UndoEntry] = []
    with connection.cursor() as cursor:
        for entry in opened:
            primary_key = quote(tables[entry.table][0])
            cursor.execute(
                f"SELECT coalesce(max({primary_key}), 0) FROM {quote(entry.table)}"  # noqa: S608
            )
            entry.last_row_id = cursor.fetchone()[0]
            (added if entry.last_row_id > entry.row_id else unused).append(entry)
    UndoEntry.objects.bulk_update(added, ["last_row_id"])
    UndoEntry.objects.filter(pk__in=[entry.pk for entry in unused]).delete()


def _trigger_names(table: str) -> list[str]:
    return [f"undo_{table}_{event}" for event in ("update", "delete")]


def _install_triggers(batch_id: int) -> None:
    """TEMP triggers fire only for this connection: the pages' own writes are not journaled.
    Rows added are journaled by range (_open_ranges), rows changed or removed one by one."""
    journal = connection.ops.quote_name(UndoEntry._meta.db_table)
    with connection.cursor() as cursor:
        for table, (primary_key, columns) in journaled_tables().items():
            old = "json_object(" + ", ".join(f"'{c}', OLD.\"{c}\"" for c in columns) + ")"
            record = f'INSERT INTO {journal} (batch_id, "table", row_id, old_values) VALUES'
            for name, event in zip(_trigger_names(table), ("UPDATE", "DELETE"), strict=True):
                cursor.execute(
                    f'CREATE TEMP TRIGGER IF NOT EXISTS "{name}" BEFORE {event} '
                    f'ON main."{table}" BEGIN {record} '
                    f"({batch_id}, '{table}', OLD.\"{primary_key}\", {old}); END"
                )


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        for table in journaled_tables():
            for name in [*_trigger_names(table), f"undo_{table}_insert"]:
                cursor.execute(f'DROP TRIGGER IF EXISTS temp."{name}"')
