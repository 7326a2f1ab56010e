import csv
import io
import json
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding.sources.readers import ROW, FileFormat, read_chunks


def read_all(path: Path, file_format: FileFormat | None = None, chunk_rows: int = 50_000):
    chunks = list(read_chunks(path, file_format or FileFormat(), chunk_rows=chunk_rows))
    rows = pd.concat([chunk.rows for chunk in chunks], ignore_index=True)
    return rows, [rejection for chunk in chunks for rejection in chunk.rejections]


def test_rows_that_cannot_be_split_are_rejected_with_their_row_and_the_rest_kept(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes(
        b"id,name,dob\n1,Ann,01/02/2010\n2,Bob\n3,C\xe9line,03/04/2011\n"
        b"4,Dee,05/06/2012,extra\n5,Eve,07/08/2013\n"
    )
    rows, rejections = read_all(path)
    assert rows[ROW].tolist() == [1, 5]
    assert rows["name"].tolist() == ["Ann", "Eve"]
    assert [(r.row, r.reason.split(":")[0]) for r in rejections] == [
        (2, "The row has fewer columns than the header"),
        (3, "The row has characters that are not valid utf-8"),
        (4, "The row has more columns than the header"),
    ]


def test_every_value_is_read_as_text_exactly(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text("id,nhs,code\n007,0123456789,=SUM(A1)\n", encoding="utf-8")
    rows, _ = read_all(path)
    assert rows.loc[0, ["id", "nhs", "code"]].tolist() == ["007", "0123456789", "=SUM(A1)"]


def test_chunks_keep_row_numbers_running_on(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text("id\n" + "".join(f"{i}\n" for i in range(1, 5001)), encoding="utf-8")
    chunks = list(read_chunks(path, FileFormat(), chunk_rows=2048))
    assert [len(chunk.rows) for chunk in chunks] == [2048, 2048, 904]
    assert chunks[2].rows[ROW].tolist() == list(range(4097, 5001))
    assert chunks[2].rows["id"].tolist() == [str(i) for i in range(4097, 5001)]


def test_xlsx_and_json_read_the_same_rows(tmp_path):
    frame = pd.DataFrame({"id": ["1", "2"], "name": ["Ann", "Bob"]})
    frame.to_excel(tmp_path / "extract.xlsx", index=False, sheet_name="Concerns")
    (tmp_path / "extract.json").write_text(json.dumps({"records": frame.to_dict("records")}))
    xlsx_rows, _ = read_all(tmp_path / "extract.xlsx", FileFormat(kind="xlsx", sheet="Concerns"))
    json_rows, _ = read_all(
        tmp_path / "extract.json", FileFormat(kind="json", records_path="records")
    )
    for rows in (xlsx_rows, json_rows):
        assert rows[ROW].tolist() == [1, 2]
        assert rows["name"].tolist() == ["Ann", "Bob"]


cell = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"), max_size=8
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    good=st.lists(st.tuples(cell, cell, cell), max_size=12),
    bad=st.lists(
        st.tuples(st.integers(0, 12), st.sampled_from(["short", "long", "bytes"])), max_size=4
    ),
)
def test_malformed_rows_never_crash_the_reader_or_lose_a_good_row(tmp_path, good, bad):
    lines: list[bytes] = []
    expected = []
    for index, values in enumerate(good):
        for position, kind in bad:
            if position == index:
                lines.append({"short": b"x,y", "long": b"x,y,z,w", "bytes": b"x,\xff\xfe,z"}[kind])
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(values)
        lines.append(buffer.getvalue().encode())
        expected.append(list(values))
    path = tmp_path / "generated.csv"
    path.write_bytes(b"a,b,c\n" + b"".join(line + b"\n" for line in lines))
    rows, rejections = read_all(path)
    assert rows[["a", "b", "c"]].values.tolist() == expected
    assert len(rows) + len(rejections) == len(lines)
    assert sorted(rows[ROW].tolist() + [r.row for r in rejections]) == list(
        range(1, len(lines) + 1)
    )


def test_a_line_break_inside_a_value_keeps_row_numbers_right(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text('id,note\n1,"two\nlines"\n2,plain\n', encoding="utf-8")
    rows, rejections = read_all(path)
    assert rows[ROW].tolist() == [1, 2]
    assert rows["note"].tolist() == ["two\nlines", "plain"]
    assert rejections == []


def test_line_breaks_inside_values_beside_unreadable_rows_number_rows_as_records(tmp_path):
    # Rows are records, not lines: the value with a line break is one row, and only the
    # unreadable row is rejected (such a file was once refused whole).
    path = tmp_path / "extract.csv"
    path.write_text('id,note\n1,"two\nlines"\n2\n3,plain\n', encoding="utf-8")
    rows, rejections = read_all(path)
    assert rows[ROW].tolist() == [1, 3]
    assert rows["note"].tolist() == ["two\nlines", "plain"]
    assert [(r.row, r.raw) for r in rejections] == [(2, "2")]
