"""Django's SQLite backend, with every write transaction taking a turn at a file lock first.

SQLite lets one writer in at a time. A writer that finds the lock taken waits in SQLite's busy
handler, which sleeps between tries, its sleeps growing to 100 ms. A batch stage on SQLite
(sources/chunked_writing.py) frees the lock only briefly between its chunks, so a page that
writes (its audit record, the session) could sleep through gap after gap and wait for several
chunks: starvation, measured by benchmarks/lock_starvation.py. Here every transaction (this
project's are all BEGIN IMMEDIATE: they take the write lock at once) first takes an exclusive
operating-system lock on a file beside the database, trying every 2 ms: a waiting writer
finds the lock free within milliseconds of a chunk's end, so a page waits for at most the chunk
under way. It gives up after the database's timeout (20 s), as SQLite would, with the same
error. The file lock ends with its process, so a crash never keeps the turn.

Statements run outside a transaction (autocommit) do not take the turn: they hold SQLite's lock
only for the statement, and never wait for the turn, so the two locks cannot deadlock.

Checkpoints (copying the write-ahead log back into the database) are a batch's to make
(`checkpoint_if_grown`, after each chunk): SQLite's own, at the commit that takes the log past
1,000 pages, ran inside the committing connection's turn, so a batch held the lock through a
checkpoint after nearly every chunk, and wrote the same pages back again and again: a first link
of 125,970 records wrote 13 GB to disk for a database of 385 MB (4.1 GB since, docs/linkage.md).
"""

import fcntl
import os
import time
from typing import IO

from django.db import OperationalError
from django.db.backends.sqlite3 import base

from safeguarding.common.batch_turns import lock_file_for

TRY_EVERY_SECONDS = 0.002
# A batch checkpoints once the log has grown past this. The connections' own threshold
# (environment.SQLITE_OPTIONS, 256 MB) is above it by more than a chunk writes, and the log
# stays small enough for readers, who look up each page they read in it.
CHECKPOINT_BYTES = 64 * 1024 * 1024


class DatabaseWrapper(base.DatabaseWrapper):
    _write_turn: IO[str] | None = None  # the lock file, open while this connection holds it

    def _start_transaction_under_autocommit(self) -> None:
        self._take_write_turn()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # not in django-stubs
        except BaseException:
            self._give_write_turn()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._give_write_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._give_write_turn()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._give_write_turn()

    def _take_write_turn(self) -> None:
        if self._write_turn is not None:
            return
        # Kept open for as long as the transaction: closing the file gives the turn back.
        handle = open(lock_file_for(str(self.settings_dict["NAME"]), "write-turn"), "a")  # noqa: SIM115
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        try:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise OperationalError("database is locked") from None
                    time.sleep(TRY_EVERY_SECONDS)
        except BaseException:
            handle.close()
            raise
        self._write_turn = handle

    def _give_write_turn(self) -> None:
        handle, self._write_turn = self._write_turn, None
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


def checkpoint_if_grown(connection, limit: int | None = None) -> None:
    """Copy an SQLite database's log back into it if the log has grown past `limit` bytes
    (CHECKPOINT_BYTES unless given). A passive checkpoint waits for no one, and pages write
    meanwhile; inside a transaction (a caller's, or a test's) SQLite cannot make one."""
    if not connection.get_autocommit():
        return
    try:
        size = os.path.getsize(f"{connection.settings_dict['NAME']}-wal")
    except OSError:
        return  # a database in memory, or one not yet written: no log
    if size > (CHECKPOINT_BYTES if limit is None else limit):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
