"""The batch stages (import, link, score) take turns on an SQLite database.

An import on SQLite commits in chunks (sources/chunked_writing.py), so between its chunks the
database holds part of a batch. Linking or scoring that read it then would build on rows an
import might still undo, so on SQLite each of them holds the turn while it runs. The turn is an
operating-system lock on a file beside the database: it ends with its process, so an import
that crashed never keeps the turn. PostgreSQL imports in one transaction; there is no turn.
"""

import fcntl
import hashlib
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

_held = threading.local()


def lock_file_for(database_name: str, suffix: str) -> Path:
    """A lock file beside an SQLite database (the batch turn, common/sqlite's write turn), or in
    the temporary folder for a database in memory."""
    if database_name.startswith("file:") or ":memory:" in database_name:
        digest = hashlib.sha256(database_name.encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"safeguarding-{digest}.{suffix}"
    return Path(f"{database_name}.{suffix}")


def turn_file() -> Path:
    """The file whose lock is the turn."""
    return lock_file_for(str(connection.settings_dict["NAME"]), "batch-turn")


@contextmanager
def batch_turn() -> Iterator[None]:
    """Wait until no other import, link or score is writing this SQLite database, then hold
    the turn until the block ends (a block inside one that holds it already just runs)."""
    if connection.vendor != "sqlite":
        yield
        return
    path = turn_file()
    held = getattr(_held, "paths", None)
    if held is None:
        held = _held.paths = set()
    if path in held:
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        held.add(path)
        try:
            yield
        finally:
            held.discard(path)
            fcntl.flock(handle, fcntl.LOCK_UN)
