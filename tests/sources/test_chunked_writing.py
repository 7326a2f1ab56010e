"""A batch written in chunks (SQLite) still lands whole or not at all, and never stalls a page."""

import functools
import sqlite3
import threading
import time
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, transaction

from safeguarding.common.sqlite.base import checkpoint_if_grown
from safeguarding.people.models import Event, Identifier, Involvement, Object, SourceRecord
from safeguarding.sources import chunked_writing, importing, loading
from safeguarding.sources.chunked_writing import batch_stage_turn
from safeguarding.sources.feeds import load_feeds
from safeguarding.sources.importing import import_file
from safeguarding.sources.models import ImportBatch, ImportStatus, QuarantinedRow, UndoEntry
from safeguarding.sources.preparing import prepare_chunks

FEEDS_DIR = Path(__file__).parent / "feeds"
HEADER = "NominalID,Forenames,Surname,Aliases,DOB,Sex,NHS,Mobile\n"
FIRST = (
    HEADER + "WP1,Jayden,Smith,JJ,03/04/2009,M,9434765919,07700900001\n"
    "WP2,Amelia,Jones,,31/02/2010,F,,\n"
    "WP3,Leah,Brown,,05/06/2010,F,9434765918,07700900002\n"
)
NEW = 5_000
# WP1 changes, WP3 comes again unchanged, WP2 is corrected, and new people follow: three chunks.
SECOND = (
    HEADER
    + "WP1,Jayden,Smith-Ali,JJ,03/04/2009,M,9434765919,07700900009\n"
    + "WP3,Leah,Brown,,05/06/2010,F,9434765918,07700900002\n"
    + "WP2,Amelia,Jones,,28/02/2010,F,,\n"
    + "".join(f"WP{100 + n},Child{n},Green,,01/01/2011,M,,0770091{n:04d}\n" for n in range(NEW))
)
TODAY = date(2026, 11, 23)


@pytest.fixture
def feeds(agencies):
    return load_feeds(FEEDS_DIR)


@pytest.fixture
def small_chunks(monkeypatch):
    """The smallest chunks the reader makes (2,048 rows), so a small batch commits several."""
    monkeypatch.setattr(
        importing, "prepare_chunks", functools.partial(prepare_chunks, chunk_rows=2_048)
    )


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def everything() -> dict:
    """Every row an import writes, as it is stored."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (SourceRecord, Identifier, Object, Event, Involvement, QuarantinedRow)
    }


def crash_on_call(number: int, real):
    calls = []

    def step(*args, **kwargs):
        calls.append(1)
        if len(calls) == number:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    return step


@pytest.mark.django_db
def test_a_crash_after_chunks_were_committed_leaves_the_database_as_it_was(
    feeds, tmp_path, monkeypatch, small_chunks
):
    feed = feeds["test-nominals"]
    import_file(feed=feed, path=write(tmp_path, "first.csv", FIRST), today=TODAY)
    before = everything()
    # The second chunk's objects fail: the first chunk (WP1 changed, WP3 seen again, new
    # people) and the second chunk's records were written by then.
    add_objects = loading.add_objects
    monkeypatch.setattr(loading, "add_objects", crash_on_call(2, add_objects))
    with pytest.raises(RuntimeError):
        import_file(feed=feed, path=write(tmp_path, "second.csv", SECOND), today=TODAY)

    assert everything() == before  # values, history, last seen and all
    assert not UndoEntry.objects.exists()
    failed = ImportBatch.objects.get(file_name="second.csv")
    assert failed.status == ImportStatus.FAILED
    assert "nothing from this file was stored" in failed.error

    monkeypatch.setattr(loading, "add_objects", add_objects)
    import_file(feed=feed, path=write(tmp_path, "second.csv", SECOND), today=TODAY)
    assert SourceRecord.objects.get(source_record_id="WP1").family_name == "Smith-Ali"
    assert SourceRecord.objects.count() == 3 + NEW
    assert not UndoEntry.objects.exists()


@pytest.mark.django_db
def test_an_import_whose_process_died_is_undone_by_the_next_batch_stage(
    feeds, tmp_path, monkeypatch, small_chunks
):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL undoes a batch with its one transaction")
    feed = feeds["test-nominals"]
    import_file(feed=feed, path=write(tmp_path, "first.csv", FIRST), today=TODAY)
    before = everything()
    # A process killed mid-batch runs no clean-up: its committed chunks stay until the next
    # import, link, score or worker start takes the turn.
    monkeypatch.setattr(chunked_writing, "_abandon", lambda batch_id, error: None)
    monkeypatch.setattr(importing, "_record_failure", lambda batch, message: None)
    monkeypatch.setattr(loading, "add_objects", crash_on_call(3, loading.add_objects))
    with pytest.raises(RuntimeError):
        import_file(feed=feed, path=write(tmp_path, "second.csv", SECOND), today=TODAY)
    assert SourceRecord.objects.get(source_record_id="WP1").family_name == "Smith-Ali"
    assert ImportBatch.objects.get(file_name="second.csv").status == ImportStatus.RUNNING
    monkeypatch.undo()

    with batch_stage_turn():
        pass

    assert everything() == before
    assert not UndoEntry.objects.exists()
    interrupted = ImportBatch.objects.get(file_name="second.csv")
    assert interrupted.status == ImportStatus.FAILED
    assert "interrupted" in interrupted.error


@pytest.mark.django_db
def test_a_successful_import_leaves_no_journal(feeds, tmp_path, small_chunks):
    batch = import_file(
        feed=feeds["test-nominals"], path=write(tmp_path, "second.csv", SECOND), today=TODAY
    ).batch
    assert batch.status == ImportStatus.SUCCEEDED
    assert batch.rows_imported == 3 + NEW
    assert SourceRecord.objects.count() == 3 + NEW
    assert not UndoEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_page_that_writes_during_an_import_waits_for_one_chunk_not_the_batch(
    feeds, tmp_path, monkeypatch
):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL writers do not wait for an import")
    rows = 40_000
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for n in range(rows):
            handle.write(f"WP{n},Child{n},Smith{n % 97},,01/01/2010,F,,0770090{n:04d}\n")
    monkeypatch.setattr(
        importing, "prepare_chunks", functools.partial(prepare_chunks, chunk_rows=2_048)
    )
    waits: list[float] = []
    importing_now = threading.Event()
    done = threading.Event()

    def page():
        # As a page writes its audit record: a transaction through the site's own database
        # backend (this thread's connection), which takes its turn at the write lock first
        # (common/sqlite), then lets it go.
        importing_now.wait()
        try:
            while not done.is_set():
                started = time.perf_counter()
                with transaction.atomic():
                    waits.append(time.perf_counter() - started)
                time.sleep(0.02)
        finally:
            connection.close()

    reader = threading.Thread(target=page)
    reader.start()
    started = time.perf_counter()
    try:
        import_file(
            feed=feeds["test-nominals"],
            path=path,
            today=TODAY,
            progress=lambda read: importing_now.set(),
        )
    finally:
        importing_now.set()
        done.set()
        reader.join()
    seconds = time.perf_counter() - started

    assert SourceRecord.objects.count() == rows
    assert len(waits) >= 5, f"the page wrote only {len(waits)} times in {seconds:.1f} s"
    # A chunk holds the lock about 0.5 s (chunked_writing.TARGET_SECONDS) on a machine with
    # time to spare; the bound leaves room for a shared, loaded one. An import in one
    # transaction would have held it for the whole file (tens of seconds here).
    assert max(waits) < 2.0, f"a page waited {max(waits):.2f} s for the import"


@pytest.mark.django_db(transaction=True)
def test_a_batch_copies_its_log_back_into_the_database_between_chunks_and_at_its_end(
    feeds, tmp_path, monkeypatch, small_chunks
):
    """Between chunks (here after every one: the threshold is set to nothing) and when it ends,
    outside the write lock, so that no page's commit inherits the checkpoint."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL checkpoints itself")
    database = connection.settings_dict["NAME"]

    def records_in_the_file() -> int:
        # Immutable: the database file alone, not what is still in the write-ahead log.
        with closing(sqlite3.connect(f"file:{database}?immutable=1", uri=True)) as file:
            return file.execute("SELECT count(*) FROM people_sourcerecord").fetchone()[0]

    seen: list[int] = []

    def checkpoint(connection, limit=None):
        checkpoint_if_grown(connection, 0 if limit is None else limit)
        seen.append(records_in_the_file())

    monkeypatch.setattr(chunked_writing, "checkpoint_if_grown", checkpoint)
    import_file(
        feed=feeds["test-nominals"], path=write(tmp_path, "second.csv", SECOND), today=TODAY
    )

    assert seen[-1] == records_in_the_file() == 3 + NEW
    # The first chunks were in the file before the batch ended.
    assert 0 < seen[0] < 3 + NEW
