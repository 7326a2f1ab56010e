"""Values a row gives beyond its columns, and the checks that span columns or rows.

After each column is validated on its own: ids built from several columns (or the row's
number), an address from several columns, coordinates from the British National Grid, rules
between two columns of a row (an end before its start), and ids given twice in one file.
"""

import functools
import operator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from safeguarding.sources.feeds import Feed
from safeguarding.sources.readers import ROW

if TYPE_CHECKING:
    from pyproj import Transformer

OPERATORS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


@functools.cache
def _grid_to_wgs84() -> "Transformer":
    # OSGB36 / British National Grid to WGS84 latitude and longitude, x (easting) first.
    # pyproj is loaded only for a feed with grid coordinates: every import starts faster.
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def grid_to_latitude_longitude(
    eastings: pd.Series, northings: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Eastings and northings (metres) as latitude and longitude, a whole column at once."""
    east = pd.to_numeric(eastings, errors="coerce").to_numpy(dtype=float)
    north = pd.to_numeric(northings, errors="coerce").to_numpy(dtype=float)
    longitude, latitude = _grid_to_wgs84().transform(east, north)
    known = ~(np.isnan(east) | np.isnan(north))
    return (
        pd.Series(np.where(known, latitude, np.nan), index=eastings.index),
        pd.Series(np.where(known, longitude, np.nan), index=eastings.index),
    )


def combine(values: pd.DataFrame, rows: pd.DataFrame, *, feed: Feed, file_name: str) -> None:
    """Add the values the feed builds from several columns (or from the row) to values."""
    for name, built in feed.combined.items():
        if not built.columns:
            values[name] = file_name + ":" + values[ROW].astype(str)
            continue
        texts = [_text(values, rows, column) for column in built.columns]
        if name.endswith("_id"):
            # An id keeps every part, blank or not, so that ("A", "") and ("", "A") differ.
            joined = texts[0].str.cat(texts[1:], sep=built.separator)
            values[name] = joined.where(~pd.concat(texts, axis=1).eq("").all(axis=1), None)
        else:
            # Blank parts are left out: joined with a mark no text holds, marks then collapsed.
            joined = texts[0].str.cat(texts[1:], sep="\x1f")
            joined = joined.str.replace("\x1f+", "\x1f", regex=True).str.strip("\x1f")
            values[name] = joined.str.replace("\x1f", built.separator, regex=False).where(
                joined.ne(""), None
            )
    if feed.grid:
        east, north = (values[column] for column in feed.grid[:2])
        latitude, longitude = grid_to_latitude_longitude(east, north)
        if len(feed.grid) == 4:
            given = pd.to_numeric(values[feed.grid[2]], errors="coerce")
            given_longitude = pd.to_numeric(values[feed.grid[3]], errors="coerce")
            latitude = given.where(given.notna(), latitude)
            longitude = given_longitude.where(given_longitude.notna(), longitude)
        values["@latitude"], values["@longitude"] = latitude, longitude


def _text(values: pd.DataFrame, rows: pd.DataFrame, column: str) -> pd.Series:
    """A column as text for building a value: the cell as the file gave it, trimmed (so a
    composite id is the same however a date in it would be typed)."""
    source = rows[column] if column in rows else values[column]
    return source.fillna("").astype(str).str.strip()


def cross_field_problems(values: pd.DataFrame, *, feed: Feed) -> list[tuple[int, str, str]]:
    """(row, column, reason) for each row that breaks one of the feed's checks."""
    problems = []
    for check in feed.checks:
        left, right = values[check.left], values[check.right]
        if pd.api.types.is_object_dtype(left) or pd.api.types.is_object_dtype(right):
            left, right = (
                pd.to_datetime(left, errors="coerce"),
                pd.to_datetime(right, errors="coerce"),
            )
        both = left.notna() & right.notna()
        broken = both & ~OPERATORS[check.operator](left, right).fillna(False).astype(bool)
        for row, l_value, r_value in zip(
            values.loc[broken, ROW], left[broken], right[broken], strict=True
        ):
            problems.append(
                (
                    int(row),
                    check.left,
                    f"{check.message} ({check.left} {_show(l_value)}, "
                    f"{check.right} {_show(r_value)})",
                )
            )
    return problems


def _show(value) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d/%m/%Y") if value == value.normalize() else str(value)
    return str(value)


class SeenIds:
    """The ids of a file's earlier chunks, as 64-bit hashes with their row numbers, sorted:
    8 + 8 bytes a row, looked up a chunk at a time with numpy rather than a dict of strings."""

    def __init__(self) -> None:
        self.hashes = np.empty(0, dtype=np.uint64)
        self.rows = np.empty(0, dtype=np.int64)

    def earlier_rows(self, hashes: np.ndarray) -> np.ndarray:
        """The row each hash was first given on, or 0 where it is new."""
        if not len(self.hashes):
            return np.zeros(len(hashes), dtype=np.int64)
        positions = np.searchsorted(self.hashes, hashes).clip(max=len(self.hashes) - 1)
        found = self.hashes[positions] == hashes
        return np.where(found, self.rows[positions], 0)

    def add(self, hashes: np.ndarray, rows: np.ndarray) -> None:
        every = np.concatenate([self.hashes, hashes])
        order = np.argsort(every, kind="stable")
        self.hashes, self.rows = every[order], np.concatenate([self.rows, rows])[order]


def duplicate_problems(
    values: pd.DataFrame, *, feed: Feed, seen: SeenIds
) -> list[tuple[int, str, str]]:
    """(row, column, reason) for every row whose id another row of the file also gives:
    each such row is quarantined and names the others, rather than the last silently
    replacing the first. `seen` carries the ids of earlier chunks (already imported: only
    the later row can still be held back) and is extended with this chunk's."""
    key = feed.row_key
    if key is None or key not in values:
        return []
    ids = values[key]
    present = (ids.notna() & ids.astype(str).ne("")).to_numpy()
    texts = ids[present].astype(str)
    rows = values[ROW].to_numpy()[present].astype(np.int64)
    hashes = pd.util.hash_pandas_object(texts, index=False).to_numpy()
    problems = []
    shown = _label(key)
    repeated = pd.Series(hashes).duplicated(keep=False).to_numpy()
    if repeated.any():
        frame = pd.DataFrame({"id": texts.to_numpy()[repeated], "row": rows[repeated]})
        for agency_id, group in frame.groupby("id", sort=False):
            numbers = [int(r) for r in group["row"]]
            for row in numbers:
                others = [str(n) for n in numbers if n != row]
                problems.append(
                    (
                        row,
                        shown,
                        f"{shown} '{agency_id}' is given on rows {row} and {', '.join(others)} "
                        "of this file: neither is imported until the file says which is right",
                    )
                )
    earlier = seen.earlier_rows(hashes)
    again = earlier > 0
    for agency_id, row, first in zip(
        texts.to_numpy()[again], rows[again], earlier[again], strict=True
    ):
        problems.append(
            (
                int(row),
                shown,
                f"{shown} '{agency_id}' is also given on row {int(first)} of this file, "
                "which was imported: correct the file and import it again",
            )
        )
    seen.add(hashes, rows)
    return problems


def _label(key: str) -> str:
    return "the row's id" if key.startswith("@") else key
