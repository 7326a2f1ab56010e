"""Reading agency extracts into chunks of text columns, keeping every row's number.

Every value is read as text: types are decided by validation against the feed, never guessed
by the reader. Rows the reader cannot even split into columns (wrong column count, bad
encoding) come back as rejections with the row and reason, so they are quarantined, not lost.

A row's number is its position among the data rows: 1 is the first row after the header
(spreadsheet row 2), whatever the format.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

import duckdb
import numpy as np
import pandas as pd
from openpyxl.utils.cell import get_column_letter

from safeguarding.sources.xlsx import NotAWorkbook, Workbook

ROW = "_row"
CHUNK_ROWS = 50_000


class UnreadableFile(ValueError):
    """The file as a whole cannot be read reliably; the message says what to fix."""


@dataclass(frozen=True)
class Rejection:
    row: int
    column: str
    reason: str
    raw: str = ""


@dataclass
class Chunk:
    rows: pd.DataFrame  # text columns named as in the file, plus ROW
    rejections: list[Rejection] = field(default_factory=list)


@dataclass(frozen=True)
class FileFormat:
    kind: str = "csv"  # csv | xlsx | json
    delimiter: str = ","
    encoding: str = "utf-8"
    sheet: str | None = None
    records_path: str | None = None  # JSON: the key holding the list of records, if not top level


READER_REASONS = {
    "MISSING COLUMNS": "The row has fewer columns than the header: check for a missing delimiter",
    "TOO MANY COLUMNS": "The row has more columns than the header: check for an unquoted delimiter",
    "INVALID ENCODING": (
        "The row has characters that are not valid {encoding}: re-export as {encoding}"
    ),
    "UNQUOTED VALUE": "A quoted value is not closed properly",
    "LINE SIZE OVER MAXIMUM": "The row is too long to read",
}


def read_chunks(
    path: Path, file_format: FileFormat, *, chunk_rows: int = CHUNK_ROWS
) -> Iterator[Chunk]:
    if file_format.kind == "csv":
        yield from _read_csv(path, file_format, chunk_rows=chunk_rows)
    elif file_format.kind == "xlsx":
        yield from _read_xlsx(path, file_format, chunk_rows=chunk_rows)
    elif file_format.kind == "json":
        yield from _chunked(_read_json(path, file_format), chunk_rows)
    else:
        raise ValueError(f"Unknown file format {file_format.kind!r}: use csv, xlsx or json")


CSV_QUERY = (
    "SELECT * FROM read_csv($path, all_varchar = true, header = true, delim = $delimiter,"
    " encoding = $encoding, quote = '\"', escape = '\"', strict_mode = true,"
    " store_rejects = true, rejects_table = 'rejected_rows', rejects_scan = 'reject_scan',"
    " null_padding = false, auto_detect = false, columns = $columns)"
)


def _read_csv(path: Path, file_format: FileFormat, *, chunk_rows: int) -> Iterator[Chunk]:
    """Two passes with DuckDB: one to find the rows it rejects, one to stream the rest.

    Memory stays flat in the file's size: only one chunk of rows is held at a time.
    """
    encoding = file_format.encoding.lower().replace("_", "-")
    params = {
        "path": str(path),
        "delimiter": file_format.delimiter,
        "encoding": "utf-8" if encoding in {"utf-8", "utf8"} else encoding,
        "columns": {name: "VARCHAR" for name in _csv_header(path, file_format)},
    }
    connection = duckdb.connect()
    try:
        # Touch every column, so that DuckDB parses (and rejects) every row, not just counts them.
        good_count = connection.execute(
            f"SELECT count(concat_ws(',', COLUMNS(*))) FROM ({CSV_QUERY})",  # noqa: S608
            params,
        ).fetchall()[0][0]  # fetchall: the rejects table exists once the query completes
        rejected = connection.execute(
            "SELECT line, column_name, error_type, csv_line FROM rejected_rows ORDER BY line"
        ).fetchall()
        rejections = _first_rejection_per_row(rejected, file_format)
        rejected_rows = {rejection.row for rejection in rejections}
        total_rows = good_count + len(rejected_rows)
        if rejected_rows and count_lines(path) - 1 != total_rows:
            # DuckDB numbers rejected rows by line; a line break inside a quoted value makes
            # lines and rows differ, and then no row number could be trusted.
            raise UnreadableFile(
                "This file has line breaks inside values as well as rows that cannot be read, "
                "so its rows cannot be numbered reliably: fix the unreadable rows and import again"
            )
        row_numbers = np.setdiff1d(
            np.arange(1, total_rows + 1), np.fromiter(rejected_rows, int, len(rejected_rows))
        )
        cursor = connection.execute(CSV_QUERY, params)
        first = True
        taken = 0
        while True:
            frame = cursor.fetch_df_chunk(max(1, chunk_rows // 2048))
            if frame.empty and not first:
                break
            frame = frame.fillna("")
            frame.insert(0, ROW, row_numbers[taken : taken + len(frame)])
            taken += len(frame)
            yield Chunk(rows=frame, rejections=rejections if first else [])
            first = False
            if frame.empty:
                break
    finally:
        connection.close()


def _first_rejection_per_row(rejected: list, file_format: FileFormat) -> list[Rejection]:
    """DuckDB may report one row several times (once per missing column): keep the first."""
    first_by_row: dict[int, Rejection] = {}
    for line, column, error, csv_line in rejected:
        first_by_row.setdefault(
            int(line) - 1,
            Rejection(
                row=int(line) - 1,
                column="" if column is None or column != column else str(column),
                reason=READER_REASONS.get(error, error).format(encoding=file_format.encoding),
                raw=csv_line or "",
            ),
        )
    return list(first_by_row.values())


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        count = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    with path.open("rb") as handle:
        handle.seek(0, 2)
        if handle.tell():
            handle.seek(-1, 2)
            count += handle.read(1) != b"\n"
    return count


def _csv_header(path: Path, file_format: FileFormat) -> list[str]:
    with path.open(encoding=file_format.encoding, errors="replace", newline="") as handle:
        first_line = handle.readline().rstrip("\r\n").lstrip("\ufeff")
    import csv

    return next(csv.reader([first_line], delimiter=file_format.delimiter))


def _read_xlsx(path: Path, file_format: FileFormat, *, chunk_rows: int) -> Iterator[Chunk]:
    """The sheet streamed a chunk at a time; its first row holding a value is the header."""
    try:
        workbook = Workbook(path, sheet=file_format.sheet)
    except NotAWorkbook as error:
        raise UnreadableFile(str(error)) from error
    try:
        yield from _xlsx_chunks(workbook.rows(), chunk_rows=chunk_rows)
    except (NotAWorkbook, ParseError) as error:
        raise UnreadableFile(f"The workbook cannot be read: {error}") from error
    finally:
        workbook.close()


def _xlsx_chunks(rows: Iterator[tuple[int, list[str]]], *, chunk_rows: int) -> Iterator[Chunk]:
    header_row, header = next(rows, (0, []))
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        raise UnreadableFile(
            f"The header names {', '.join(duplicated)} more than once: rename the columns"
        )
    width = len(header)
    columns = [name for name in header if name]
    keep = [position for position, name in enumerate(header) if name]
    numbers: list[int] = []
    values: list[list[str]] = []
    rejections: list[Rejection] = []
    for row_number, cells in rows:
        row = row_number - header_row
        stray = [p for p, text in enumerate(cells) if text and (p >= width or not header[p])]
        if stray:
            rejections.append(
                Rejection(
                    row=row,
                    column=get_column_letter(stray[0] + 1),
                    reason=(
                        f"The row has a value in column {get_column_letter(stray[0] + 1)}, "
                        "which has no header: check for a shifted row"
                    ),
                    raw=",".join(cells),
                )
            )
        else:
            cells.extend([""] * (width - len(cells)))
            numbers.append(row)
            values.append([cells[p] for p in keep])
        if len(values) + len(rejections) >= chunk_rows:
            yield _xlsx_chunk(columns, numbers, values, rejections)
            numbers, values, rejections = [], [], []
    yield _xlsx_chunk(columns, numbers, values, rejections)


def _xlsx_chunk(columns, numbers, values, rejections) -> Chunk:
    frame = pd.DataFrame(values, columns=columns, dtype=str)
    frame.insert(0, ROW, numbers)
    return Chunk(rows=frame, rejections=rejections)


def _read_json(path: Path, file_format: FileFormat) -> pd.DataFrame:
    with path.open(encoding=file_format.encoding) as handle:
        document = json.load(handle)
    records = document[file_format.records_path] if file_format.records_path else document
    frame = pd.DataFrame.from_records(records)
    return frame.map(lambda value: "" if value is None else str(value)).astype(str)


def _chunked(frame: pd.DataFrame, chunk_rows: int) -> Iterator[Chunk]:
    frame = frame.fillna("").astype(str)
    frame.insert(0, ROW, range(1, len(frame) + 1))
    for start in range(0, max(len(frame), 1), chunk_rows):
        yield Chunk(rows=frame.iloc[start : start + chunk_rows].reset_index(drop=True))
