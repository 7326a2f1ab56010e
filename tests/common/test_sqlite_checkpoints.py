"""Checkpoints on SQLite (common/sqlite/base.py): a commit leaves the write-ahead log alone until
it is large, and a batch copies it back into the database itself, outside any transaction."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

from safeguarding.common.sqlite.base import checkpoint_if_grown
from safeguarding.settings.environment import SQLITE_ENGINE, SQLITE_OPTIONS

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="SQLite's log (PostgreSQL checkpoints itself)"
    ),
    pytest.mark.django_db,  # pytest-django lets no connection open without it, ours included
]
MEGABYTE = 1024 * 1024


@pytest.fixture
def site_database(tmp_path):
    """A connection to a new SQLite file, opened as the site opens its own."""
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": SQLITE_ENGINE,
                "NAME": str(tmp_path / "hub.sqlite3"),
                "OPTIONS": dict(SQLITE_OPTIONS),
            }
        }
    )
    database = handler["default"]
    yield database
    database.close()


def written_to_the_file(path: Path) -> int:
    """Rows of the table in the database file itself, not counting what is still in the log."""
    with closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as database:
        tables = database.execute("SELECT count(*) FROM sqlite_master WHERE name = 't'")
        if not tables.fetchone()[0]:
            return 0
        return database.execute("SELECT count(*) FROM t").fetchone()[0]


def write_megabytes(database, megabytes: int) -> None:
    """One transaction (on a connection of its own, so not through transaction.atomic)."""
    with database.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS t (data BLOB)")
    database.set_autocommit(False)
    with database.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s) "
            "INSERT INTO t SELECT randomblob(1024) FROM n",
            [megabytes * 1024],
        )
    database.commit()
    database.set_autocommit(True)


def test_a_commit_leaves_the_log_until_a_checkpoint_copies_it_back(site_database):
    path = Path(site_database.settings_dict["NAME"])
    # 8 MB: SQLite's own threshold (1,000 pages, 4 MB) would have checkpointed it at the commit.
    write_megabytes(site_database, 8)
    assert written_to_the_file(path) == 0

    checkpoint_if_grown(site_database)  # 8 MB is under the batch's threshold too
    assert written_to_the_file(path) == 0

    checkpoint_if_grown(site_database, 4 * MEGABYTE)
    assert written_to_the_file(path) == 8 * 1024


def test_no_checkpoint_is_tried_inside_a_transaction(site_database):
    path = Path(site_database.settings_dict["NAME"])
    write_megabytes(site_database, 2)
    site_database.set_autocommit(False)
    with site_database.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (NULL)")
    checkpoint_if_grown(site_database, 0)  # SQLite would refuse: "database table is locked"
    site_database.commit()
    site_database.set_autocommit(True)
    assert written_to_the_file(path) == 0
    checkpoint_if_grown(site_database, 0)
    assert written_to_the_file(path) == 2 * 1024 + 1


def test_a_database_with_no_log_is_left_alone():
    handler = ConnectionHandler(
        {"default": {"ENGINE": SQLITE_ENGINE, "NAME": ":memory:", "OPTIONS": {}}}
    )
    checkpoint_if_grown(handler["default"], 0)  # no file beside it, nothing to do, no error
