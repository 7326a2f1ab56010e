import datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from safeguarding.sources.readers import ROW, FileFormat, UnreadableFile, read_chunks


def read_all(path: Path, sheet: str | None = None, chunk_rows: int = 50_000):
    chunks = list(read_chunks(path, FileFormat(kind="xlsx", sheet=sheet), chunk_rows=chunk_rows))
    rows = pd.concat([chunk.rows for chunk in chunks], ignore_index=True)
    return rows, [rejection for chunk in chunks for rejection in chunk.rejections], chunks


def save(tmp_path: Path, rows: list[list], *, title: str = "Returns", date1904: bool = False):
    workbook = Workbook()
    workbook.active.title = title
    workbook.epoch = datetime.datetime(1904, 1, 1) if date1904 else workbook.epoch
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "extract.xlsx"
    workbook.save(path)
    return path


MIXED = [
    ["id", "count", "ratio", "day", "moment", "flag", "blank", "formula"],
    [
        "A1",
        70,
        1.5,
        datetime.date(2024, 9, 1),
        datetime.datetime(2024, 9, 1, 12, 30),
        True,
        None,
        "=1/0",
    ],
    ["A2", 9434765919, 1e3, datetime.date(1999, 12, 31), None, False, None, "text"],
    [None] * 8,
    ["A4", "007", 0.1, None, None, None, None, '=HYPERLINK("x")'],
]


@pytest.mark.parametrize("date1904", [False, True])
def test_cells_read_as_the_same_text_pandas_gives(tmp_path, date1904):
    path = save(tmp_path, MIXED, date1904=date1904)
    expected = pd.read_excel(path, dtype=str, engine="openpyxl", keep_default_na=False)
    rows, rejections, _ = read_all(path)
    assert rejections == []
    # A wholly blank row holds nothing to import, so it is not a row; numbering keeps its place.
    assert rows[ROW].tolist() == [1, 2, 4]
    assert rows.drop(columns=ROW).to_dict("records") == (
        expected.drop(index=2).fillna("").astype(str).to_dict("records")
    )
    assert rows.loc[0, "day"] == "2024-09-01 00:00:00"
    assert rows.loc[1, "count"] == "9434765919"


def test_the_named_sheet_is_read_and_a_missing_sheet_is_refused(tmp_path):
    workbook = Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["not", "this"])
    workbook.create_sheet("Returns").append(["id"])
    workbook["Returns"].append(["R1"])
    path = tmp_path / "two-sheets.xlsx"
    workbook.save(path)
    rows, _, _ = read_all(path, sheet="Returns")
    assert rows["id"].tolist() == ["R1"]
    with pytest.raises(
        UnreadableFile, match="no sheet named 'Missing'; its sheets are: Notes, Returns"
    ):
        read_all(path, sheet="Missing")


def test_a_value_with_no_header_above_it_rejects_its_row(tmp_path):
    path = save(tmp_path, [["id", "name"], ["1", "Ann"], ["2", "Bob", "stray"], ["3", "Cy"]])
    rows, rejections, _ = read_all(path)
    assert rows[ROW].tolist() == [1, 3]
    assert [(r.row, r.column) for r in rejections] == [(2, "C")]
    assert "column C, which has no header" in rejections[0].reason


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "extract.xlsx"
    path.write_text("id,name\n1,Ann\n")
    with pytest.raises(UnreadableFile, match="not an XLSX workbook"):
        read_all(path)


def test_a_sheet_streams_in_chunks_with_running_row_numbers(tmp_path):
    path = save(tmp_path, [["id"], *[[f"R{i}"] for i in range(1, 2501)]])
    rows, _, chunks = read_all(path, chunk_rows=1000)
    assert [len(chunk.rows) for chunk in chunks] == [1000, 1000, 500]
    assert chunks[2].rows[ROW].tolist() == list(range(2001, 2501))
    assert rows["id"].tolist() == [f"R{i}" for i in range(1, 2501)]


def test_a_workbook_declaring_entities_is_refused(tmp_path):
    import zipfile

    path = save(tmp_path, [["id"], ["R1"]])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (
                    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
                    + data.split(b"?>", 1)[-1]
                )
            target.writestr(item, data)
    with pytest.raises(UnreadableFile, match="document type declaration"):
        read_all(bomb)
