"""Reading agency extracts into chunks of text columns, keeping every row's number.

Every value is read as text: types are decided by validation against the feed, never guessed
by the reader. Rows the reader cannot even split into columns (wrong column count, bad
encoding) come back as rejections with the row and reason, so they are quarantined, not lost.

A row's number is its position among the data rows: 1 is the first row after the header
(spreadsheet row 2 when the header is on row 1), whatever the format. A value in quotes may
hold line breaks; rows are still numbered as records, not as lines of text.
"""

import csv
import json
import re
import tempfile
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
SHEET = "_sheet"
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
    sheet: str | None = None  # XLSX: the sheet to read (none: the first), or
    sheets: tuple[str, ...] = ()  # the sheets to read, in order, each with the same header
    records_path: str | None = None  # JSON: the key holding the list of records, if not top level
    header_row: int = 1  # the row (line, or spreadsheet row) holding the header
    column_names: tuple[str, ...] = ()  # the columns in order, for a file with no header row
    skip_rows: dict[str, str] = field(default_factory=dict)  # column → pattern of rows to skip

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return self.sheets or ((self.sheet,) if self.sheet else ())


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
        chunks = _read_csv(path, file_format, chunk_rows=chunk_rows)
    elif file_format.kind == "xlsx":
        chunks = _read_xlsx(path, file_format, chunk_rows=chunk_rows)
    elif file_format.kind == "json":
        chunks = _chunked(_read_json(path, file_format), chunk_rows)
    else:
        raise ValueError(f"Unknown file format {file_format.kind!r}: use csv, xlsx or json")
    if not file_format.skip_rows:
        yield from chunks
        return
    for chunk in chunks:
        yield _without_skipped(chunk, file_format.skip_rows)


def _without_skipped(chunk: Chunk, skip_rows: dict[str, str]) -> Chunk:
    """The chunk without the rows the feed says are not data (a total, a footnote): they are
    neither imported nor quarantined. A row the reader could not split is skipped when its
    line matches a pattern."""
    skipped = pd.Series(False, index=chunk.rows.index)
    for column, pattern in skip_rows.items():
        if column in chunk.rows:
            found = chunk.rows[column].astype(str).str.strip().map(re.compile(pattern).search)
            skipped |= found.notna()
    patterns = [re.compile(pattern) for pattern in skip_rows.values()]
    rejections = [
        rejection
        for rejection in chunk.rejections
        if not any(pattern.search(rejection.raw.strip()) for pattern in patterns)
    ]
    return Chunk(rows=chunk.rows[~skipped].reset_index(drop=True), rejections=rejections)


CSV_QUERY = (
    "SELECT * FROM read_csv($path, all_varchar = true, header = $header, delim = $delimiter,"
    " encoding = $encoding, quote = '\"', escape = '\"', strict_mode = true, skip = $skip,"
    " store_rejects = true, rejects_table = 'rejected_rows', rejects_scan = 'reject_scan',"
    " null_padding = false, auto_detect = false, columns = $columns)"
)


def _read_csv(path: Path, file_format: FileFormat, *, chunk_rows: int) -> Iterator[Chunk]:
    if not _needs_line_endings_evened(path):
        yield from _read_even_csv(path, file_format, chunk_rows=chunk_rows)
        return
    with tempfile.TemporaryDirectory(prefix="import-") as folder:
        even = Path(folder) / path.name
        _even_line_endings(path, even)
        yield from _read_even_csv(even, file_format, chunk_rows=chunk_rows)


# A line ending that is not the file's own: a CR alone, or an LF without its CR.
_MIXED_ENDINGS = re.compile(rb"\r(?!\n)|(?<!\r)\n")


def _needs_line_endings_evened(path: Path) -> bool:
    """Whether the file ends its lines with CR alone (older Mac exports), or mixes CRLF rows
    with line breaks of another kind inside quoted values: DuckDB's reader guesses one line
    ending from the file's start, and then misreads such files."""
    with path.open("rb") as handle:
        start = handle.read(1 << 16)
    if b"\r" not in start:
        return False
    if b"\r\n" not in start:
        return True
    with path.open("rb") as handle:
        return any(
            _MIXED_ENDINGS.search(block.rstrip(b"\r"))
            for block in iter(lambda: handle.read(1 << 24), b"")
        )


def _even_line_endings(source: Path, target: Path) -> None:
    """Copy the file with every line ending between rows as LF, leaving the line breaks
    inside quoted values as they are, a block at a time (so memory stays flat)."""
    inside_quotes = False
    carried = b""
    with source.open("rb") as reading, target.open("wb") as writing:
        for block in iter(lambda: reading.read(1 << 22), b""):
            block = carried + block
            carried = b""
            parts = block.split(b'"')
            for index, part in enumerate(parts):
                outside = inside_quotes == (index % 2 == 1)
                if outside:
                    if index == len(parts) - 1 and part.endswith(b"\r"):
                        # A CR at the block's end may be the first half of a CRLF.
                        part, carried = part[:-1], b"\r"
                    parts[index] = part.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            inside_quotes = inside_quotes != (len(parts) % 2 == 0)
            writing.write(b'"'.join(parts))
        writing.write(carried.replace(b"\r", b"\n"))


def _read_even_csv(path: Path, file_format: FileFormat, *, chunk_rows: int) -> Iterator[Chunk]:
    """Two passes with DuckDB: one to find the rows it rejects, one to stream the rest.

    Memory stays flat in the file's size: only one chunk of rows is held at a time.
    """
    encoding = file_format.encoding.lower().replace("_", "-")
    names = list(file_format.column_names) or _csv_header(path, file_format)
    duplicated = sorted({name for name in names if name and names.count(name) > 1})
    if duplicated:
        raise UnreadableFile(
            f"The header names {', '.join(duplicated)} more than once: rename the columns"
        )
    has_header = not file_format.column_names
    # DuckDB numbers its rejected rows as records (a value with line breaks inside counts
    # once), counting the header and the lines skipped above it.
    lines_before = file_format.header_row - 1 + has_header
    params = {
        "path": str(path),
        "delimiter": file_format.delimiter,
        "encoding": "utf-8" if encoding in {"utf-8", "utf8"} else encoding,
        "columns": {name: "VARCHAR" for name in names},
        "header": has_header,
        "skip": file_format.header_row - 1,
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
        rejections = _first_rejection_per_row(rejected, file_format, lines_before=lines_before)
        rejected_rows = {rejection.row for rejection in rejections}
        total_rows = good_count + len(rejected_rows)
        if any(row < 1 or row > total_rows for row in rejected_rows):
            # Never seen: a guard that the numbering below (good rows fill the gaps between
            # rejected ones) still holds for this file.
            raise UnreadableFile(
                "This file's rows cannot be numbered reliably: fix the unreadable rows "
                "and import again"
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


def _first_rejection_per_row(
    rejected: list, file_format: FileFormat, *, lines_before: int
) -> list[Rejection]:
    """DuckDB may report one row several times (once per missing column): keep the first."""
    first_by_row: dict[int, Rejection] = {}
    for line, column, error, csv_line in rejected:
        first_by_row.setdefault(
            int(line) - lines_before,
            Rejection(
                row=int(line) - lines_before,
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
    """The header's names, without the spaces around them (`rec_id, given_name` names
    `given_name`). Any line ending is read as one: CR-only files come from older Macs."""
    with path.open(encoding=file_format.encoding, errors="replace", newline="") as handle:
        line = ""
        for _ in range(file_format.header_row):
            line = handle.readline()
    header_line = line.rstrip("\r\n").lstrip("\ufeff")
    return [
        name.strip()
        for name in next(csv.reader([header_line], delimiter=file_format.delimiter), [])
    ]


def _read_xlsx(path: Path, file_format: FileFormat, *, chunk_rows: int) -> Iterator[Chunk]:
    """Each sheet the feed names (or the first) streamed a chunk at a time, its header on
    `header_row` (a title and notes above it are passed over) or else the first row holding a
    value. Rows of later sheets are numbered on from the last row of the one before."""
    sheets: list[str | None] = list(file_format.sheet_names) or [None]
    offset = 0
    for sheet in sheets:
        try:
            workbook = Workbook(path, sheet=sheet)
        except NotAWorkbook as error:
            raise UnreadableFile(str(error)) from error
        try:
            rows = workbook.rows()
            if file_format.header_row > 1:
                rows = (item for item in rows if item[0] >= file_format.header_row)
            last = offset
            for chunk in _xlsx_chunks(
                rows,
                chunk_rows=chunk_rows,
                offset=offset,
                sheet=sheet if len(sheets) > 1 else None,
                column_names=file_format.column_names,
            ):
                if len(chunk.rows):
                    last = max(last, int(chunk.rows[ROW].max()))
                if chunk.rejections:
                    last = max(last, *(r.row for r in chunk.rejections))
                yield chunk
            offset = last
        except (NotAWorkbook, ParseError) as error:
            raise UnreadableFile(f"The workbook cannot be read: {error}") from error
        finally:
            workbook.close()


def _xlsx_chunks(
    rows: Iterator[tuple[int, list[str]]],
    *,
    chunk_rows: int,
    offset: int = 0,
    sheet: str | None = None,
    column_names: tuple[str, ...] = (),
) -> Iterator[Chunk]:
    if column_names:
        header_row, header = 0, list(column_names)
    else:
        header_row, header = next(rows, (0, []))
        header = [name.strip() for name in header]
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
        row = row_number - header_row + offset
        stray = [p for p, text in enumerate(cells) if text and (p >= width or not header[p])]
        if stray:
            where = f" of sheet {sheet!r}" if sheet else ""
            rejections.append(
                Rejection(
                    row=row,
                    column=get_column_letter(stray[0] + 1),
                    reason=(
                        f"The row has a value in column {get_column_letter(stray[0] + 1)}{where}, "
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
            yield _xlsx_chunk(columns, numbers, values, rejections, sheet)
            numbers, values, rejections = [], [], []
    yield _xlsx_chunk(columns, numbers, values, rejections, sheet)


def _xlsx_chunk(columns, numbers, values, rejections, sheet) -> Chunk:
    frame = pd.DataFrame(values, columns=columns, dtype=str)
    frame.insert(0, ROW, numbers)
    if sheet is not None:
        frame[SHEET] = sheet  # kept with a quarantined row, so it can be found in its sheet
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
