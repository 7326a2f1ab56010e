"""A django.tasks backend that keeps its queue in the site's own database.

Django's tasks framework ships only an immediate and a dummy backend, and the database backend
of django-tasks is a separate package we do not have; this one needs nothing but the database
(SQLite for the demo, PostgreSQL in production) and one worker process, `safeguarding worker`.

    TASKS = {"default": {"BACKEND": "safeguarding.sources.task_backend.DatabaseBackend"}}
"""

import logging
import threading
import time
from traceback import format_exception

from django.db import close_old_connections, connection, transaction
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskError, TaskResult, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

from safeguarding.sources.models import QueuedTask

logger = logging.getLogger(__name__)


class DatabaseBackend(BaseTaskBackend):
    supports_get_result = True

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        row = QueuedTask.objects.create(
            task_path=task.module_path,
            queue_name=task.queue_name,
            arguments={"args": normalize_json(list(args)), "kwargs": normalize_json(kwargs)},
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
        )
        return self._result(row, task=task)

    def get_result(self, result_id):
        row = QueuedTask.objects.filter(pk=result_id).first()
        if row is None:
            raise TaskResultDoesNotExist(result_id)
        return self._result(row)

    def _result(self, row: QueuedTask, task=None) -> TaskResult:
        result = TaskResult(
            task=task or import_string(row.task_path),
            id=str(row.pk),
            status=TaskResultStatus(row.status),
            enqueued_at=row.enqueued_at,
            started_at=row.started_at,
            last_attempted_at=row.started_at,
            finished_at=row.finished_at,
            args=row.arguments["args"],
            kwargs=row.arguments["kwargs"],
            backend=self.alias,
            errors=(
                [TaskError(exception_class_path=row.error_class, traceback=row.traceback)]
                if row.error_class
                else []
            ),
            worker_ids=[row.worker_id] if row.worker_id else [],
        )
        object.__setattr__(result, "_return_value", row.return_value)
        return result


def abandon_interrupted_tasks() -> int:
    """Tasks left running by a worker that stopped are marked failed (one worker per site)."""
    return QueuedTask.objects.filter(status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        error_class="safeguarding.sources.task_backend.Interrupted",
        traceback="The worker stopped while this task was running.",
    )


def run_next_task(*, worker_id: str) -> bool:
    """Take the oldest waiting task and run it; False when none is waiting."""
    with transaction.atomic():
        waiting = QueuedTask.objects.filter(status=TaskResultStatus.READY).order_by(
            "enqueued_at", "pk"
        )
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True)
        row = waiting.first()
        if row is None:
            return False
        row.status, row.started_at, row.worker_id = (
            TaskResultStatus.RUNNING,
            timezone.now(),
            worker_id,
        )
        row.save(update_fields=["status", "started_at", "worker_id"])
    try:
        task = import_string(row.task_path)
        value = task.call(*row.arguments["args"], **row.arguments["kwargs"])
    except Exception as error:
        logger.exception("Task %s (%s) failed", row.pk, row.task_path)
        row.status = TaskResultStatus.FAILED
        row.error_class = f"{type(error).__module__}.{type(error).__qualname__}"
        row.traceback = "".join(format_exception(error))
    else:
        row.status, row.return_value = TaskResultStatus.SUCCESSFUL, normalize_json(value)
    row.finished_at = timezone.now()
    row.save()
    return True


def work(
    *, stop: threading.Event | None = None, burst: bool = False, poll_seconds: float = 1.0
) -> int:
    """Run tasks as they arrive until stopped (or, with burst, until none is waiting)."""
    worker_id = get_random_string(32)
    stop = stop or threading.Event()
    ran = 0
    while not stop.is_set():
        if not connection.in_atomic_block:
            close_old_connections()  # as a request would: drop a broken or stale connection
        if run_next_task(worker_id=worker_id):
            ran += 1
        elif burst:
            break
        else:
            time.sleep(poll_seconds)
    return ran
