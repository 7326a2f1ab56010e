import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from safeguarding.common.csv_export import spreadsheet_safe, write_csv


def test_formula_text_is_neutralised_but_numbers_are_kept():
    assert spreadsheet_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("+447700900001") == "+447700900001"
    assert spreadsheet_safe("-12.5") == "-12.5"
    assert spreadsheet_safe("-cmd|' /C calc'!A0") == "'-cmd|' /C calc'!A0"
    assert spreadsheet_safe(None) == ""


@given(st.lists(st.lists(st.text(), min_size=2, max_size=2), max_size=5))
def test_no_exported_cell_can_start_a_formula(rows):
    buffer = io.StringIO()
    write_csv(buffer, header=["a", "b"], rows=rows)
    read_back = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert len(read_back) == len(rows) + 1
    for row in read_back[1:]:
        for cell in row:
            assert not cell.startswith(("=", "@", "\t", "\r"))
