"""Writing an extract in its agency's format, with its deliberately bad rows.

Bad rows are listed in the truth with their row number: 1 is the first row after the header
(for JSON, the first record).
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell


@dataclass(frozen=True)
class Extract:
    path: str  # relative to the extracts folder, e.g. "police/police_nominals.csv"
    frame: pd.DataFrame
    required: str  # a column the feed requires (blanked in one bad row)
    date_column: str
    impossible_date: str  # an impossible date in this file's own format
    formula_column: str  # free text where a formula-looking value is planted (imported as text)


def _bad_rows(extract: Extract, count: int, rng: np.random.Generator) -> list[tuple[str, dict]]:
    template = extract.frame.iloc[0].to_dict() if len(extract.frame) else {}
    kinds = ["blank_required"] + (["impossible_date"] if extract.date_column else [])
    if extract.path.endswith(".csv"):
        kinds += ["wrong_column_count", "bad_encoding"]
    bad = []
    for number in range(count):
        kind = kinds[number % len(kinds)]
        row = {column: value for column, value in template.items()}
        first = extract.frame.columns[0]
        row[first] = f"BAD{number:03d}"
        if kind == "blank_required":
            row[extract.required] = ""
        elif kind == "impossible_date":
            row[extract.date_column] = extract.impossible_date
        bad.append((kind, row))
    return bad


def write_extract(
    extract: Extract,
    folder: Path,
    *,
    bad_count: int,
    exported_on: datetime.date,
    rng: np.random.Generator,
) -> tuple[int, list[dict]]:
    """Write the file; return its number of data rows and its bad rows for the truth."""
    frame = extract.frame.copy()
    truth = []
    if len(frame) and extract.formula_column:
        target = int(rng.integers(len(frame)))
        frame.iloc[target, frame.columns.get_loc(extract.formula_column)] = (
            '=HYPERLINK("http://example.invalid","click")'
        )
        formula_row = target
    else:
        formula_row = None
    rows: list = [("good", r) for r in frame.to_dict("records")]
    bad = _bad_rows(extract, bad_count, rng) if len(frame) else []
    positions = sorted(rng.choice(len(rows) + len(bad), len(bad), replace=False).tolist())
    for position, item in zip(positions, bad, strict=True):
        rows.insert(position, item)
    for number, (kind, row) in enumerate(rows, start=1):
        if kind != "good":
            column = {
                "blank_required": extract.required,
                "impossible_date": extract.date_column,
                "wrong_column_count": "",
                "bad_encoding": "",
            }[kind]
            truth.append(
                {
                    "file": extract.path,
                    "row": number,
                    "column": column,
                    "defect": kind,
                    "expected": "quarantine",
                }
            )
        elif formula_row is not None and row.get(extract.formula_column, "").startswith("=HYPER"):
            truth.append(
                {
                    "file": extract.path,
                    "row": number,
                    "column": extract.formula_column,
                    "defect": "formula_text",
                    "expected": "imported as text",
                }
            )
    path = folder / extract.path
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = list(frame.columns)
    if path.suffix == ".csv":
        _write_csv(path, columns, rows)
    elif path.suffix == ".xlsx":
        _write_xlsx(path, columns, [row for _, row in rows])
    else:
        path.write_text(
            json.dumps(
                {"exported": exported_on.isoformat(), "records": [row for _, row in rows]},
                indent=1,
                default=str,
            ),
            encoding="utf-8",
        )
    return len(rows), truth


def _csv_line(values: list) -> str:
    return ",".join(_quote(str(value)) for value in values)


def _quote(text: str) -> str:
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_csv(path: Path, columns: list[str], rows: list) -> None:
    with path.open("wb") as handle:
        handle.write((_csv_line(columns) + "\n").encode("utf-8"))
        for kind, row in rows:
            values = [row[column] for column in columns]
            if kind == "wrong_column_count":
                values = values[:-2]
            line = _csv_line(values)
            if kind == "bad_encoding":
                # A name typed on a machine set to Windows-1252: not valid UTF-8.
                handle.write(line.replace("BAD", "Zo\u00eb-BAD", 1).encode("cp1252") + b"\n")
            else:
                handle.write(line.encode("utf-8") + b"\n")


def _write_xlsx(path: Path, columns: list[str], rows: list[dict]) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(path.stem.replace("_", " ").title()[:31])
    sheet.append(columns)
    for row in rows:
        cells = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value="" if row[column] is None else str(row[column]))
            cell.data_type = "s"  # text, even when it looks like a formula
            cells.append(cell)
        sheet.append(cells)
    workbook.save(path)
