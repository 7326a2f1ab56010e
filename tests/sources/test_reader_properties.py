"""14. Any file written in the shapes feeds describe, with bad rows inserted anywhere, imports
every good row exactly once, at its own row number, and quarantines every bad row."""

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding.people.models import SourceRecord
from safeguarding.sources.models import QuarantinedRow
from tests.sources.onboarding import import_text, write_feed

pytestmark = pytest.mark.django_db

COLUMNS = """
[columns]
ID = { required = true }
Surname = { required = true }
Note = {}
DOB = { type = "date", format = ["%d/%m/%Y", "%Y-%m-%d"] }
Score = { type = "number", min = 0, max = 100 }

[source_record]
source_record_id = "ID"
family_name = "Surname"
date_of_birth = "DOB"
address = "Note"
"""

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz'- ", min_size=1, max_size=12).filter(
    lambda text: text.strip() != ""
)
notes = st.text(alphabet="abc ,\n\"'xyz", max_size=20)
births = st.dates(min_value=date(1990, 1, 1), max_value=date(2025, 12, 31))
scores = st.integers(min_value=0, max_value=100)
good_row = st.tuples(names, notes, births, st.booleans(), scores)
BAD_KINDS = ["too_few", "too_many", "impossible_date", "ambiguous_date", "no_surname", "range"]
shape = st.fixed_dictionaries(
    {
        "newline": st.sampled_from(["\n", "\r\n", "\r"]),
        "delimiter": st.sampled_from([",", ";", "|"]),
        "header": st.sampled_from(["first", "below_title", "none"]),
        "totals": st.booleans(),
    }
)
counter = itertools.count()


def quoted(value: str, delimiter: str) -> str:
    if any(mark in value for mark in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def bad_line(kind: str, number: int, delimiter: str) -> list[str]:
    cells = {
        "too_few": [f"B{number}", "Bad"],
        "too_many": [f"B{number}", "Bad", "", "01/01/2010", "1", "extra"],
        "impossible_date": [f"B{number}", "Bad", "", "31/02/2010", "1"],
        # 2010-03-04 only in ISO, but 04/03/2010 is read the same both ways; 2010-13-01 in
        # neither. An ISO date is never ambiguous with d/m/Y, so use one both formats refuse.
        "ambiguous_date": [f"B{number}", "Bad", "", "2010-13-01", "1"],
        "no_surname": [f"B{number}", "", "", "01/01/2010", "1"],
        "range": [f"B{number}", "Bad", "", "01/01/2010", "104.5"],
    }[kind]
    return cells


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    shape=shape,
    good=st.lists(good_row, max_size=8),
    bad=st.lists(st.tuples(st.sampled_from(BAD_KINDS), st.integers(0, 20)), max_size=5),
)
def test_every_good_row_imports_once_and_every_bad_row_is_quarantined(
    agencies, tmp_path, shape, good, bad
):
    run = next(counter)
    newline, delimiter = shape["newline"], shape["delimiter"]
    header_line = ["ID", "Surname", "Note", "DOB", "Score"]
    format_lines = [f'delimiter = "{delimiter}"', 'skip_rows = { ID = "^Total$" }']
    if shape["header"] == "below_title":
        format_lines.append("header_row = 3")
    if shape["header"] == "none":
        format_lines.append(f"column_names = {header_line!r}".replace("'", '"'))
    feed = write_feed(tmp_path, f"prop{run}", "[format]\n" + "\n".join(format_lines) + COLUMNS)

    rows: list[tuple[str, list[str]]] = [
        (
            "good",
            [
                f"G{i}",
                name,
                note,
                birth.strftime("%d/%m/%Y" if slashed else "%Y-%m-%d"),
                str(score),
            ],
        )
        for i, (name, note, birth, slashed, score) in enumerate(good)
    ]
    for number, (kind, position) in enumerate(bad):
        rows.insert(position % (len(rows) + 1), (kind, bad_line(kind, number, delimiter)))

    def line(cells: list[str]) -> str:
        return delimiter.join(quoted(cell, delimiter) for cell in cells)

    lines = []
    if shape["header"] == "below_title":
        lines += ["Extract of people", ""]
    if shape["header"] != "none":
        lines.append(line(header_line))
    lines += [line(cells) for _, cells in rows]
    if shape["totals"]:
        lines.append(line(["Total", str(len(rows)), "", "", ""]))
    text = newline.join(lines) + newline

    batch = import_text(tmp_path, feed, f"prop{run}.csv", text)

    expected_good = {
        cells[0]: position for position, (kind, cells) in enumerate(rows, 1) if kind == "good"
    }
    expected_bad = {position for position, (kind, _) in enumerate(rows, 1) if kind != "good"}
    stored = dict(
        SourceRecord.objects.filter(import_batch=batch).values_list(
            "source_record_id", "row_number"
        )
    )
    assert stored == expected_good
    assert (
        set(QuarantinedRow.objects.filter(import_batch=batch).values_list("row_number", flat=True))
        == expected_bad
    )
    assert (batch.rows_read, batch.rows_imported, batch.rows_quarantined) == (
        len(rows),
        len(expected_good),
        len(expected_bad),
    )
    for record in SourceRecord.objects.filter(import_batch=batch):
        name, note, birth, _, _ = good[int(record.source_record_id[1:])]
        assert record.family_name == name.strip()
        assert record.date_of_birth == birth
        assert record.address == note.strip()
