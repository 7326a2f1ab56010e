"""Writing a batch stage (an import, a link, a scoring run) so that it never stalls the pages, yet
lands whole or not at all.

SQLite has one writer at a time. An import written in one transaction held the write lock for
as long as the import ran (minutes for a large file), and every page that writes (the audit
record of each read of personal data, the session) waited for it and then failed with
"database is locked"; so did linking (two minutes after a large import) and scoring (seconds).
So on SQLite a stage computes outside any transaction and commits what it writes a chunk of
rows at a time, each chunk a short transaction, and the promise of a batch is kept by an undo
journal (UndoEntry, committed with each chunk) of what it did to the tables it writes
(STAGE_APPS): the range of ids each chunk added to each table, and, written by temporary
triggers on the stage's connection, every row it changed or removed as it was before (a column
kept in step with another table's is set again from it instead: DERIVED). If the
stage fails, the journal is played backwards and the database is as it was. If the process
dies, the next batch stage to take its turn (common/batch_turns.py), or the worker at start-up,
plays it backwards. A batch is complete when the journal's first entry goes, in the same
transaction as its last chunk (an import's: the one saving its status); only then is the rest
of its journal thrown away.

Why a journal and not rows hidden until complete, or scratch tables swapped in: an import does
not only add rows. It updates records and events a later extract changed, marks rows seen,
adds identifiers and details to other feeds' rows, releases quarantined rows and places
locations; hiding or staging each of those would touch every loader and every page that reads
them. The journal sees them all, by the triggers, in one place.

While a batch is written on SQLite, pages can see the chunks written so far: a new event of
someone already linked (new records are linked to nobody until the next link run); during a
link, a person some of whose records have moved and some not yet; a scoring run is hidden from
the pages until its last chunk (risk/services.py). The batch stages take turns (batch_turns).

PostgreSQL readers and writers do not block each other, so there a batch stays one
transaction: the same code, with each chunk's transaction a no-op.
"""

import json
import logging
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from typing import cast

from django.apps import apps
from django.db import connection, transaction
from django.db.models import ForeignKey, Model

from safeguarding.common.batch_turns import batch_turn
from safeguarding.common.sqlite.base import checkpoint_if_grown
from safeguarding.people.models import Involvement
from safeguarding.sources.models import ImportBatch, ImportStatus, UndoEntry

logger = logging.getLogger(__name__)

IMPORT, LINK, SCORE = "import", "link", "score"
# The apps whose tables each stage writes. An import: people's records, identifiers, events,
# locations ..., and sources' quarantined rows. A link: its pairs and models, who each record
# is, and what a person who goes takes with them or hands on (risk's assessments and overrides,
# contexts' members, the panel's items). Scoring: its runs. The import's batch row is not
# journaled: its status is the record.
STAGE_APPS = {
    IMPORT: ("people", "sources"),
    LINK: ("linkage", "people", "risk", "contexts", "panel"),
    SCORE: ("risk",),
}
WHAT = {IMPORT: "this file", LINK: "this link run", SCORE: "this scoring run"}
NOT_JOURNALED = {ImportBatch, UndoEntry}
# Columns kept in step with another table's: an involvement names its source record's person.
# A change to them alone is not journaled; undoing a batch sets them again from where they come
# from. A first link points every involvement at its record's new person: journaled row by row,
# that was 928,048 entries on a county of 125,970 records.
DERIVED = {Involvement: ("person", "source_record")}
UNDO_CHUNK = 5_000  # journal entries played back per transaction
FORGET_CHUNK = 10_000  # journal entries thrown away per transaction

# A chunk holds the write lock for about this long: as many rows as the last chunk wrote in
# that time (the machine's speed and load vary, a fixed number of rows would not). A page that
# writes waits for at most the chunk under way (the write turn, common/sqlite/base.py), so this
# bounds a page's wait.
TARGET_SECONDS = 0.5
FIRST_ROWS, FEWEST_ROWS, MOST_ROWS = 1_000, 10, 100_000
# An import's first chunk is 1,000 rows: started at 100, the default county's import took about
# a tenth more CPU (more, smaller chunks), though a first chunk of 1,000 rows that each change a
# record held the lock 8 to 13 s on a loaded machine (docs/operator-guide.md). In a link or
# scoring run each kind of write starts at this many rows (Chunks.each): their rows differ in
# cost far more (a person handed on costs a hundred pairs stored).
FIRST_ROWS_OF_A_WRITE = 100
# After each chunk the lock is left free a moment for the pages waiting for their turn (they
# try every 2 ms). The pause is a tenth of the chunk's own time, at most 100 ms: the lock is
# free a tenth of the time, and the import is no more than a tenth slower for it.
PAUSE_SECONDS, PAUSE_SHARE = 0.1, 0.1
SLOW_SECONDS = 2 * TARGET_SECONDS  # a chunk that held the lock longer is logged


@dataclass(frozen=True)
class Journal:
    """Whose undo entries these are: an import's (its batch's id), or the link or scoring
    run under way (0: the batch turn lets one run at a time)."""

    stage: str
    batch_id: int = 0

    def entries(self):
        return UndoEntry.objects.filter(stage=self.stage, batch_id=self.batch_id)


class Chunks:
    """What each chunk of a batch is written inside (`with chunks(rows):`), and how many rows
    the next chunk should hold (`chunks.rows`; None: all, on PostgreSQL)."""

    def __init__(self, journal: Journal | None = None):
        self.journal = journal  # None: PostgreSQL, or a caller's transaction; no chunks
        self.rows: int | None = FIRST_ROWS if journal is not None else None
        self.completed = journal is None

    @contextmanager
    def __call__(self, rows: int = 0, *, last: bool = False) -> Iterator[None]:
        """One chunk's transaction; `last`: the batch is complete when it commits."""
        if self.journal is None:
            yield  # PostgreSQL: inside the batch's one transaction
            return
        started = time.perf_counter()
        with transaction.atomic():
            opened = _open_ranges(self.journal)
            yield
            _close_ranges(opened)
            if last:
                self.journal.entries().filter(table="").delete()
        self.completed = self.completed or last
        seconds = time.perf_counter() - started
        if seconds > SLOW_SECONDS:
            # Which write held the lock (pages waited for it): the lines that opened the chunk.
            where = " < ".join(
                f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
                for frame in reversed(traceback.extract_stack(limit=5)[1:3])
            )
            logger.info(
                "A chunk of the %s held the write lock %.1f s (%s rows, %s)",
                self.journal.stage,
                seconds,
                rows,
                where,
            )
        if rows:
            # At most twice the rows of the last chunk: a chunk of rows that changed nothing is
            # quick, and the next may change every row (a trigger journaling each).
            pace = int(rows * TARGET_SECONDS / max(seconds, 0.001))
            self.rows = min(max(pace, FEWEST_ROWS), 2 * max(rows, FEWEST_ROWS), MOST_ROWS)
        checkpoint_if_grown(connection)  # outside the turn (common/sqlite/base.py)
        time.sleep(min(PAUSE_SECONDS, PAUSE_SHARE * seconds))

    def each(self, total: int, write: Callable[[slice], object]) -> None:
        """write(part) for consecutive parts of range(total), each in a chunk of its own
        (`self.rows` rows, asked again for each part); one call on PostgreSQL. A new kind of
        write starts small: the pace of the one before says nothing of its rows (a link stored
        pairs at 14,000 rows a second, then handed on 1,244 people in one chunk of 18 s)."""
        if self.rows is not None:
            self.rows = min(self.rows, FIRST_ROWS_OF_A_WRITE)
        start = 0
        while start < total:
            part = slice(start, min(total, start + (self.rows or total)))
            with self(part.stop - part.start):
                write(part)
            start = part.stop


@cache  # the models do not change while the process runs; read for every chunk
def journaled_tables(stage: str | None = None) -> dict[str, tuple[str, list[str], set[str]]]:
    """Table → (primary key column, columns, columns of floating-point numbers) for every table
    the stage (or any stage) writes."""
    labels = STAGE_APPS[stage] if stage else sorted({a for s in STAGE_APPS.values() for a in s})
    tables = {}
    for label in labels:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            if model in NOT_JOURNALED or not meta.managed or meta.proxy:
                continue
            columns = [str(field.column) for field in meta.concrete_fields]
            floats = {
                str(field.column)
                for field in meta.concrete_fields
                if field.get_internal_type() == "FloatField"
            }
            tables[meta.db_table] = (str(meta.pk.column), columns, floats)
    return tables


@contextmanager
def chunked_batch(batch: ImportBatch) -> Iterator[Chunks]:
    """Write an import's batch in chunks: yields what each chunk's writes run inside. The
    block must end by saving the batch's final status inside a last chunk (`last=True`); if
    it raises, nothing it wrote remains (and on SQLite the batch row, saved as running,
    remains for the caller to mark)."""
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
            _begin(Journal(IMPORT, batch.pk))
        with _journaled(Journal(IMPORT, batch.pk)) as chunks:
            yield chunks


@contextmanager
def chunked_stage(stage: str) -> Iterator[Chunks]:
    """Write a link or a scoring run in chunks: yields what each chunk's writes run inside;
    the run is complete when the block ends (or at a chunk marked `last`). If it raises,
    nothing it wrote remains. Compute outside the chunks: only writes hold the write lock."""
    if connection.vendor != "sqlite":
        with transaction.atomic():
            yield Chunks()
        return
    with batch_stage_turn():
        with transaction.atomic():
            _begin(Journal(stage))
        with _journaled(Journal(stage)) as chunks:
            yield chunks
            if not chunks.completed:
                with chunks(last=True):
                    pass


def _begin(journal: Journal) -> None:
    # A first entry marks the batch unfinished until its last chunk removes it, even if it
    # stops before its first row.
    UndoEntry.objects.create(stage=journal.stage, batch_id=journal.batch_id, table="", row_id=0)


@contextmanager
def _journaled(journal: Journal) -> Iterator[Chunks]:
    _install_triggers(journal)
    try:
        yield Chunks(journal)
    except BaseException:
        _drop_triggers()
        _abandon(
            journal, f"The {journal.stage} failed; nothing from {WHAT[journal.stage]} was stored."
        )
        raise
    _drop_triggers()
    forget(journal)
    checkpoint_if_grown(connection, 0)  # the pages do not inherit what the batch wrote


@contextmanager
def batch_stage_turn() -> Iterator[None]:
    """The turn of a batch stage (import, link, score) on SQLite, taken after undoing any batch
    a stopped process left unfinished: a stage never reads a half batch. Nothing on PostgreSQL."""
    with batch_turn():
        undo_interrupted()
        yield


def undo_interrupted() -> list[Journal]:
    """Undo every batch a stopped stage left unfinished (an import's is marked failed); throw
    away the journal of batches that completed. Call only while holding the batch turn."""
    if connection.vendor != "sqlite":
        return []  # PostgreSQL undid them with their transactions
    journals = [
        Journal(stage, batch_id)
        for stage, batch_id in UndoEntry.objects.values_list("stage", "batch_id").distinct()
    ]
    undone = []
    for journal in journals:
        if not journal.entries().filter(table="").exists():
            forget(journal)  # completed: its last chunk removed the first entry
        else:
            _abandon(
                journal,
                f"The {journal.stage} was interrupted; nothing from {WHAT[journal.stage]} was "
                "stored. Run it again.",
            )
            undone.append(journal)
    return undone


def _abandon(journal: Journal, error: str) -> None:
    """Undo the batch, then (an import) mark it failed as its journal's last entry goes (one
    transaction: a batch with no journal left is never one still to undo)."""
    undo(journal)
    with transaction.atomic():
        _derive_again()
        if journal.stage == IMPORT:
            ImportBatch.objects.filter(pk=journal.batch_id).exclude(
                status=ImportStatus.FAILED
            ).update(status=ImportStatus.FAILED, error=error)
        else:
            logger.warning("%s: what it had written is undone", error)
        journal.entries().delete()


def undo(journal: Journal) -> None:
    """Play the batch's journal backwards, a chunk of entries per transaction (each chunk's
    entries go with it, so an undo that is itself interrupted carries on where it stopped)."""
    tables = journaled_tables()
    while True:
        with transaction.atomic():
            entries = list(
                journal.entries()
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


def forget(journal: Journal) -> None:
    """Throw the batch's journal away: at once when it is the only one, otherwise in short
    transactions."""
    with transaction.atomic():
        if not UndoEntry.objects.exclude(stage=journal.stage, batch_id=journal.batch_id).exists():
            # A DELETE without a WHERE frees the table's pages whole (SQLite's truncate
            # optimisation) in milliseconds. Row by row, the 188,000 entries of a first link of
            # the default county took a fifth of its writing time.
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(UndoEntry._meta.db_table)}")  # noqa: S608
            return
    while True:
        with transaction.atomic():
            ids = list(journal.entries().order_by("id").values_list("id", flat=True)[:FORGET_CHUNK])
            if not ids:
                return
            journal.entries().filter(id__lte=ids[-1]).delete()


def _play_back(cursor, table: str, shape: tuple, entries: list, *, added: bool):
    quote = connection.ops.quote_name
    primary_key, columns, _ = shape
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


@cache
def _derived() -> dict[str, tuple[str, str, str, str, str]]:
    """Table → (derived column, column naming the row it comes from, that row's table, its
    primary key, the column it comes from), for each of DERIVED."""
    found = {}
    for model, (field_name, through_name) in DERIVED.items():
        through = cast(ForeignKey, model._meta.get_field(through_name))
        source = cast(type[Model], through.related_model)
        found[model._meta.db_table] = (
            cast(ForeignKey, model._meta.get_field(field_name)).column,
            through.column,
            source._meta.db_table,
            str(source._meta.pk.column),
            cast(ForeignKey, source._meta.get_field(field_name)).column,
        )
    return found


def _derive_again() -> None:
    """Set every derived column (DERIVED) from where it comes from, where it differs."""
    quote = connection.ops.quote_name
    for table, (column, through, source, key, origin) in _derived().items():
        value = (
            f"(SELECT {quote(origin)} FROM {quote(source)} "  # noqa: S608 (names from model meta)
            f"WHERE {quote(source)}.{quote(key)} = {quote(table)}.{quote(through)})"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(table)} SET {quote(column)} = {value} "  # noqa: S608
                f"WHERE {quote(column)} IS NOT {value}"
            )


def _open_ranges(journal: Journal) -> list[UndoEntry]:
    """At a chunk's start, the highest id of each table. Rows a chunk adds need no trigger:
    while its transaction holds the write lock nobody else adds rows, and ids only grow
    (AUTOINCREMENT), so the rows it added are those above these ids when it ends. The entries
    are written first, so that undoing plays them after the chunk's changes to the same rows."""
    tables = list(journaled_tables(journal.stage))
    entries = [
        UndoEntry(stage=journal.stage, batch_id=journal.batch_id, table=table, row_id=highest)
        for table, highest in zip(tables, _highest_ids(tables), strict=True)
    ]
    return UndoEntry.objects.bulk_create(entries)


def _highest_ids(tables: list[str]) -> list[int]:
    """Each table's highest id (0 if empty), in one query: a chunk asks twice."""
    quote = connection.ops.quote_name
    shapes = journaled_tables()
    columns = ", ".join(
        f"(SELECT coalesce(max({quote(shapes[table][0])}), 0) FROM {quote(table)})"  # noqa: S608
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return list(cursor.fetchone())


def _close_ranges(opened: list[UndoEntry]) -> None:
    """At a chunk's end: each table's range of added rows, or no entry if it added none."""
    added: list[UndoEntry] = []
    unused: list[UndoEntry] = []
    for entry, highest in zip(opened, _highest_ids([e.table for e in opened]), strict=True):
        entry.last_row_id = highest
        (added if entry.last_row_id > entry.row_id else unused).append(entry)
    UndoEntry.objects.bulk_update(added, ["last_row_id"])
    UndoEntry.objects.filter(pk__in=[entry.pk for entry in unused]).delete()


def _trigger_names(table: str) -> list[str]:
    return [f"undo_{table}_{event}" for event in ("update", "delete")]


def _install_triggers(journal: Journal) -> None:
    """TEMP triggers fire only for this connection: the pages' own writes are not journaled.
    Rows added are journaled by range (_open_ranges), rows changed or removed one by one."""
    entries = connection.ops.quote_name(UndoEntry._meta.db_table)
    derived = {table: shape[0] for table, shape in _derived().items()}
    with connection.cursor() as cursor:
        for table, (primary_key, columns, floats) in journaled_tables(journal.stage).items():
            old = "json_object(" + ", ".join(f"'{c}', {_exact(c, floats)}" for c in columns) + ")"
            record = f'INSERT INTO {entries} (stage, batch_id, "table", row_id, old_values) VALUES'
            # An update that changes only a derived column is not journaled (DERIVED).
            kept = [c for c in columns if c != derived.get(table)]
            when = {
                "UPDATE": f"WHEN NOT ({' AND '.join(f'OLD."{c}" IS NEW."{c}"' for c in kept)}) "
                if table in derived
                else "",
                "DELETE": "",
            }
            for name, event in zip(_trigger_names(table), ("UPDATE", "DELETE"), strict=True):
                cursor.execute(
                    f'CREATE TEMP TRIGGER IF NOT EXISTS "{name}" BEFORE {event} '
                    f'ON main."{table}" {when[event]}BEGIN {record} '
                    f"('{journal.stage}', {journal.batch_id}, '{table}', "
                    f'OLD."{primary_key}", {old}); END'
                )


def _exact(column: str, floats: set[str]) -> str:
    """The old value as the trigger journals it. JSON keeps 15 significant digits of a
    floating-point number (SQLite 3.40), so one is kept as text of 17, which gives back the
    same number when it is put back into its column."""
    if column not in floats:
        return f'OLD."{column}"'
    return f"""iif(OLD."{column}" IS NULL, NULL, printf('%!.17g', OLD."{column}"))"""


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        for table in journaled_tables():
            for name in [*_trigger_names(table), f"undo_{table}_insert"]:
                cursor.execute(f'DROP TRIGGER IF EXISTS temp."{name}"')
