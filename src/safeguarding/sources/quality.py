"""The data-quality report of one import batch."""

from collections import Counter, defaultdict

import numpy as np
import pandas as pd

from safeguarding.sources.feeds import Feed
from safeguarding.sources.validation import ERROR, Issue


class QualityTally:
    """Accumulates counts over chunks; `report()` gives the figures shown to the analyst."""

    def __init__(self, feed: Feed):
        self.feed = feed
        self.rows_read = 0
        self.filled: Counter[str] = Counter()
        self.problems: dict[str, Counter[str]] = defaultdict(Counter)
        # Rows whose non-blank value in a column had any problem, counted once each: one value
        # may carry several issues (a NUL character and a failed check digit, an error and a
        # warning), and validity is a share of values, so it must never count a value twice.
        self.flawed: dict[str, set[int]] = defaultdict(set)
        # 64-bit hashes of the ids, not the ids: 8 bytes a row, to count duplicates at the end.
        self.id_hashes: list[np.ndarray] = []

    def add_chunk(self, rows: pd.DataFrame, issues: list[Issue], rejected: int) -> None:
        self.rows_read += len(rows) + rejected
        for name in self.feed.columns:
            if name in rows.columns:
                self.filled[name] += int(rows[name].astype(str).str.strip().ne("").sum())
        for issue in issues:
            kind = "blank" if issue.blank else issue.severity
            self.problems[issue.column or "(whole row)"][kind] += 1
            if not issue.blank:
                self.flawed[issue.column or "(whole row)"].add(issue.row)
        id_column = (self.feed.source_record or self.feed.event).get(
            "source_record_id" if self.feed.source_record else "source_event_id"
        )
        if id_column and id_column in rows.columns:
            ids = rows[id_column].astype(str)
            self.id_hashes.append(pd.util.hash_pandas_object(ids, index=False).to_numpy())

    def report(self, *, rows_imported: int, rows_quarantined: int) -> dict:
        columns = {}
        for name in self.feed.columns:
            filled = self.filled[name]
            blank = self.problems[name]["blank"]
            errors = self.problems[name][ERROR]
            warnings = self.problems[name]["warning"]
            # A problem can be raised on a value the reader saw as blank (a reference that
            # resolves to nothing): capped, so validity stays a share between 0 and 1.
            flawed = min(len(self.flawed[name]), filled)
            columns[name] = {
                "completeness": round(filled / self.rows_read, 4) if self.rows_read else None,
                "validity": round(1 - flawed / filled, 4) if filled else None,
                "errors": errors + blank,
                "warnings": warnings,
            }
        return {
            "rows_read": self.rows_read,
            "rows_imported": rows_imported,
            "rows_quarantined": rows_quarantined,
            "duplicate_ids_in_batch": _duplicates(self.id_hashes),
            "unreadable_rows": self.problems["(whole row)"][ERROR],
            "columns": columns,
        }


def _duplicates(hashes: list[np.ndarray]) -> int:
    if not hashes:
        return 0
    every = np.concatenate(hashes)
    return int(len(every) - len(np.unique(every)))
