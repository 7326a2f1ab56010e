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

import duckdb
import pandas as pd

ROW = "_row"
CHUNK_ROWS = 50_000


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
        yield from _chunked(_read_xlsx(path, file_format), chunk_rows)
    elif file_format.kind == "json":
        yield from _chunked(_read_json(path, file_format), chunk_rows)
    else:
        raise ValueError(f"Unknown file format {file_format.kind!r}: use csv, xlsx or json")


def _read_csv(path: Path, file_format: FileFormat, *, chunk_rows: int) -> Iterator[Chunk]:
    connection = duckdb.connect()
    try:
        encoding = file_format.encoding.lower().replace("_", "-")
        relation = connection.sql(
            "SELECT * FROM read_csv($path, all_varchar = true, header = true, delim = $delimiter,"
            " encoding = $encoding, quote = '\"', escape = '\"', strict_mode = true,"
            " store_rejects = true, rejects_table = 'rejected_rows', rejects_scan = 'reject_scan',"
            " null_padding = false, auto_detect = false, columns = $columns)",
            params={
                "path": str(path),
                "delimiter": file_format.delimiter,
                "encoding": "utf-8" if encoding in {"utf-8", "utf8"} else encoding,
                "columns": {name: "VARCHAR" for name in _csv_header(path, file_format)},
            },
        )
        frame = relation.df()
        rejected = connection.sql(
            "SELECT line, column_name, error_type, csv_line FROM rejected_rows ORDER BY line"
        ).fetchall()
    finally:
        connection.close()
    # DuckDB may report one row several times (one per missing column): keep the first.
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
    rejections = list(first_by_row.values())
    rejected_rows = set(first_by_row)
    total_rows = len(frame) + len(rejected_rows)
    # One line per row is the norm in agency extracts; the row numbers of the good rows are
    # those the rejected ones do not take. A quoted line break would make lines and rows differ,
    # so then the rows are numbered by pandas' parser, which knows records, not lines.
    if rejected_rows and max(rejected_rows) > total_rows:
        raise ValueError(
            "Rows with line breaks inside values cannot be numbered alongside "
            "rejected rows: fix the rejected rows or remove the line breaks"
        )
    frame = frame.fillna("")
    frame.insert(0, ROW, [row for row in range(1, total_rows + 1) if row not in rejected_rows])
    for start in range(0, max(len(frame), 1), chunk_rows):
        chunk_frame = frame.iloc[start : start + chunk_rows].reset_index(drop=True)
        yield Chunk(rows=chunk_frame, rejections=rejections if start == 0 else [])


def _csv_header(path: Path, file_format: FileFormat) -> list[str]:
    with path.open(encoding=file_format.encoding, errors="replace", newline="") as handle:
        first_line = handle.readline().rstrip("\r\n").lstrip("\ufeff")
    import csv

    return next(csv.reader([first_line], delimiter=file_format.delimiter))


def _read_xlsx(path: Path, file_format: FileFormat) -> pd.DataFrame:
    frame = pd.read_excel(
        path, sheet_name=file_format.sheet or 0, dtype=str, engine="openpyxl", keep_default_na=False
    )
    return frame


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
