"""What followed an import: when its records were linked into people and the tracker scored.

An upload runs the link and score stages after its import (pipeline.import_upload); a command
line import leaves them to the next `safeguarding pipeline` run. Either way the first run of
each stage that started after the batch ended is the one that took its records in.
"""

from dataclasses import dataclass

from safeguarding.runs.models import StageRun, StageStatus
from safeguarding.sources.models import ImportBatch, ImportStatus

DONE = {StageStatus.SUCCEEDED, StageStatus.SKIPPED}


@dataclass(frozen=True)
class FollowUp:
    people: StageRun | None  # the link run that took the batch's records in
    tracker: StageRun | None  # the score run after it

    @property
    def waiting(self) -> bool:
        """Still to come, on its way: nothing has failed and a stage has not finished."""
        runs = [self.people, self.tracker]
        if any(run is not None and run.status == StageStatus.FAILED for run in runs):
            return False
        return any(run is None or run.status not in DONE for run in runs)


def follow_up(*, batch: ImportBatch) -> FollowUp | None:
    """None when the batch imported nothing that could be linked (failed, or still running)."""
    if (
        batch.status != ImportStatus.SUCCEEDED
        or batch.finished_at is None
        or not batch.rows_imported
    ):
        return None
    after = StageRun.objects.filter(started_at__gte=batch.finished_at).order_by("started_at", "pk")
    return FollowUp(
        people=after.filter(stage="link").first(),
        tracker=after.filter(stage="score").first(),
    )
