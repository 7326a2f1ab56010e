"""What an import keeps of an extract past its feed's retention: quarantined rows (the row as it
was read) and the raw file. The records themselves are erased by `people.retention`, which calls
this for each feed in the same transaction."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from safeguarding.sources.models import Feed as FeedRow
from safeguarding.sources.models import ImportBatch, QuarantinedRow


@dataclass(frozen=True)
class BatchContents:
    quarantined_rows: int
    raw_files: int


def erase_old_batch_contents(
    *, feed_row: FeedRow, cutoff: datetime.datetime, dry_run: bool = False
) -> BatchContents:
    """Erase the quarantined rows and raw files of this feed's batches started before the
    cutoff. The batch rows stay (file name, checksum, counts: no personal data), so the imports
    page and the audit trail still account for every file received."""
    old_batches = ImportBatch.objects.filter(feed=feed_row, started_at__lt=cutoff)
    quarantined = QuarantinedRow.objects.filter(import_batch__in=old_batches)
    # Raw files are stored by checksum: a file a recent batch also uses (the same bytes sent
    # again) is still within retention.
    recent_paths = set(
        ImportBatch.objects.filter(started_at__gte=cutoff)
        .exclude(raw_path="")
        .values_list("raw_path", flat=True)
    )
    old_paths = set(old_batches.exclude(raw_path="").values_list("raw_path", flat=True))
    expired_paths = sorted(old_paths - recent_paths)
    if dry_run:
        return BatchContents(
            quarantined_rows=quarantined.count(),
            raw_files=sum(Path(path).exists() for path in expired_paths),
        )
    removed_rows, _ = quarantined.delete()
    files = [Path(path) for path in expired_paths if Path(path).exists()]
    old_batches.exclude(raw_path="").update(raw_path="")
    # The files go when the erasure commits: undone, it leaves them where the batches point.
    transaction.on_commit(lambda: _unlink(files))
    return BatchContents(quarantined_rows=removed_rows, raw_files=len(files))


def _unlink(files: list[Path]) -> None:
    for file in files:
        file.unlink(missing_ok=True)
