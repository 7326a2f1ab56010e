"""Recording a stage's run: start, end, counts, status, and who or what started it."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils import timezone

from safeguarding.common.bulk import refresh_planner_statistics
from safeguarding.runs.models import StageRun, StageStatus

RECENT = 30


@dataclass
class Outcome:
    """What a stage fills in while it runs: its counts, or that it had nothing to do."""

    run: StageRun
    counts: dict[str, int] = field(default_factory=dict)
    skipped: bool = False


@contextmanager
def recorded(*, stage: str, started_by: str, user=None) -> Iterator[Outcome]:
    """Record the stage's run around the block. The row is written before the stage starts
    and in autocommit (outside the stage's own transaction), so a failed stage is still on
    record, with what went wrong. A stage that ran refreshes the database's statistics after
    it, so the pages' queries are planned for the rows it wrote."""
    run = StageRun.objects.create(
        stage=stage, started_at=timezone.now(), started_by=started_by[:200], user=user
    )
    outcome = Outcome(run=run)
    try:
        yield outcome
    except BaseException as error:
        # The kind of error only: a message may quote a row (personal data); the stage's own
        # record (an import batch, the log) holds the detail for those allowed to see it.
        run.status, run.error = StageStatus.FAILED, type(error).__name__
        raise
    else:
        run.status = StageStatus.SKIPPED if outcome.skipped else StageStatus.SUCCEEDED
        if not outcome.skipped:
            refresh_planner_statistics()
    finally:
        run.finished_at, run.counts = timezone.now(), outcome.counts
        run.save()


def recent_runs(*, limit: int = RECENT) -> list[StageRun]:
    return list(StageRun.objects.select_related("user").order_by("-started_at", "-pk")[:limit])
