"""The part of an import that needs no database: read, validate, put values in the database's
form. It runs a chunk ahead, in a thread, while the previous chunk is written.

Writing is mostly waiting for the database (PostgreSQL checks every foreign key of every row it
is given), and a thread waiting on the database lets another run, so reading ahead hides most
of the reading and validating. At most one chunk waits ready, so memory stays flat.
"""

import queue
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from safeguarding.sources.derived import prepare_derived_events
from safeguarding.sources.event_loading import prepare_events
from safeguarding.sources.feeds import Feed
from safeguarding.sources.loading import prepare_records
from safeguarding.sources.readers import CHUNK_ROWS, ROW, Chunk, read_chunks
from safeguarding.sources.validation import Issue, validate_chunk


@dataclass
class PreparedChunk:
    chunk: Chunk
    issues: list[Issue]  # the reader's rejections and validation's errors and warnings
    values: pd.DataFrame  # typed values of the rows that passed validation
    invalid: dict[str, pd.Series]  # column → mask of flagged values, indexed like values
    records: pd.DataFrame | None = None  # source record fields, database form, like values
    events: pd.DataFrame | None = None
    derived_events: pd.DataFrame | None = None  # the further events rows imply, like values
    rows_read: int = field(init=False)

    def __post_init__(self):
        self.rows_read = len(self.chunk.rows) + len(self.chunk.rejections)


def prepare_chunks(
    path: Path, *, feed: Feed, today: date, vendor: str, chunk_rows: int = CHUNK_ROWS
) -> Iterator[PreparedChunk]:
    seen_ids: dict[str, int] = {}  # the file's ids so far, to find one given twice
    for chunk in read_chunks(path, feed.file_format, chunk_rows=chunk_rows):
        validated = validate_chunk(
            chunk.rows, feed, today=today, file_name=path.name, seen_ids=seen_ids
        )
        issues = [Issue(r.row, r.column, r.reason) for r in chunk.rejections] + validated.issues
        passed = ~validated.values[ROW].isin(validated.error_rows)
        values = validated.values[passed]
        yield PreparedChunk(
            chunk=chunk,
            issues=issues,
            values=values,
            invalid={name: mask[passed] for name, mask in validated.invalid.items()},
            records=prepare_records(values, feed=feed) if feed.source_record else None,
            events=prepare_events(values, feed=feed, vendor=vendor) if feed.event else None,
            derived_events=prepare_derived_events(values, feed=feed, vendor=vendor)
            if feed.derived_events
            else None,
        )


_DONE = object()


def read_ahead[T](items: Iterator[T]) -> Generator[T, None, None]:
    """The items, produced by a thread one item ahead of the caller. An exception raised while
    producing is raised here; stopping early stops the thread."""
    ready: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if not _offer(ready, (item, None), stop):
                    return
            _offer(ready, (_DONE, None), stop)
        except BaseException as error:  # handed to the caller, raised there
            _offer(ready, (_DONE, error), stop)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # a generator's clean-up (e.g. the CSV reader's) runs in its thread

    thread = threading.Thread(target=produce, name="import-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = ready.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        thread.join()


def _offer(ready: queue.Queue, entry: tuple, stop: threading.Event) -> bool:
    """Put entry on the queue unless the caller has stopped; False when it has."""
    while not stop.is_set():
        try:
            ready.put(entry, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False
