"""Imports from the Imports page run in the background: the upload is kept and queued, the
worker (`safeguarding worker`) imports it, and the batch page follows its progress.

Progress goes through a small file beside the raw files rather than the database: the import
is one transaction, so nothing it writes can be seen until it ends, and SQLite lets no other
connection write meanwhile.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from safeguarding.sources.chunked_writing import batch_stage_turn
from safeguarding.sources.feeds import Feed, load_feeds
from safeguarding.sources.importing import (
    ImportFailed,
    ImportResult,
    already_imported,
    register_feed,
    run_batch,
)
from safeguarding.sources.models import ImportBatch, ImportStatus
from safeguarding.sources.raw_files import keep_raw_file, sha256_of
from safeguarding.sources.readers import count_lines


def queue_upload(*, feed: Feed, path: Path, user) -> ImportResult:
    """Keep the uploaded file and queue its import; a file already imported is not queued."""
    checksum = sha256_of(path)
    done = already_imported(feed=feed, checksum=checksum)
    if done is not None:
        return ImportResult(batch=done, already_imported=True)
    feed_row = register_feed(feed)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            feed=feed_row,
            file_name=path.name,
            checksum=checksum,
            raw_path=str(keep_raw_file(path, checksum=checksum)),
            feed_version=feed.version,
            status=ImportStatus.QUEUED,
            started_at=timezone.now(),
            imported_by=user,
        )
        # The task is queued in the same database and transaction: the batch and its task are
        # stored together or not at all. It is the pipeline's import stage for one upload
        # (settings.UPLOAD_TASK), which sits above sources and so is named, not imported.
        import_string(settings.UPLOAD_TASK).enqueue(batch.pk)
    return ImportResult(batch=batch)


def import_queued_batch(batch_id: int) -> str:
    """The worker's side of an upload (the pipeline's import stage runs it): import the kept
    file into its queued batch."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "not queued"
    batch = ImportBatch.objects.select_related("feed", "imported_by").get(pk=batch_id)
    feed = load_feeds(settings.FEEDS_DIR).get(batch.feed.name)
    done = None if feed is None else already_imported(feed=feed, checksum=batch.checksum)
    if feed is None or done is not None:
        batch.status, batch.finished_at = ImportStatus.FAILED, timezone.now()
        batch.error = (
            f"This file was already imported (batch {done.pk}); nothing changed."
            if done is not None
            else f"The feed {batch.feed.name} is no longer defined."
        )
        batch.save()
        return batch.status
    path = Path(batch.raw_path)
    progress = ProgressFile(batch.pk, rows_expected=_rows_expected(path, feed))
    try:
        run_batch(batch=batch, feed=feed, path=path, progress=progress)
    except ImportFailed:
        pass  # recorded on the batch, with the reason, for the batch page
    finally:
        progress.remove()
    return batch.status


def abandon_interrupted_imports() -> int:
    """Imports a stopped worker left running are failed, with their tasks (one worker per
    site). On PostgreSQL each import was one transaction, undone when its worker stopped; on
    SQLite what its committed chunks wrote is undone here (chunked_writing.py), after any
    import still running from the command line has ended (the batch turn)."""
    with batch_stage_turn():
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="safeguarding.sources.background.Interrupted",
            traceback="The worker stopped while this task was running.",
        )
        return ImportBatch.objects.filter(status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            error="The import was interrupted (its worker stopped); nothing from this file was "
            "stored. Upload it again.",
        )


def _rows_expected(path: Path, feed: Feed) -> int | None:
    # A CSV's lines are counted quickly; a line break inside a value makes this an estimate.
    return max(count_lines(path) - 1, 0) if feed.file_format.kind == "csv" else None


class ProgressFile:
    """Rows read so far, written where the batch page can read it while the import runs."""

    def __init__(self, batch_id: int, *, rows_expected: int | None):
        self.path = progress_path(batch_id)
        self.rows_read, self.rows_expected = 0, rows_expected
        self._write()

    def __call__(self, rows: int) -> None:
        self.rows_read += rows
        self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        partial.write_text(
            json.dumps({"rows_read": self.rows_read, "rows_expected": self.rows_expected})
        )
        partial.replace(self.path)  # atomic: the page never reads half a file

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def progress_path(batch_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "progress" / f"batch-{int(batch_id)}.json"


def read_progress(batch_id: int) -> dict | None:
    """How far a running import has got: rows read, rows expected (None when not known)."""
    try:
        return json.loads(progress_path(batch_id).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
