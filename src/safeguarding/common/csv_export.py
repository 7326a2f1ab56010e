"""The one CSV writer for every export: safe to open in a spreadsheet.

A cell that starts with = + - @ (or a tab or carriage return) would be run as a formula by
Excel or LibreOffice; such cells are written with a leading apostrophe, which spreadsheets show
as text and which keeps the value readable (OWASP CSV injection guidance).
"""

import csv
from collections.abc import Iterable
from typing import Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Writable(Protocol):
    """Where CSV text can go: an open file, a StringIO or an HttpResponse."""

    def write(self, text: str, /) -> object: ...


def spreadsheet_safe(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    if text != text.strip():
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_csv(handle: Writable, *, header: list[str], rows: Iterable[Iterable]) -> int:
    # RFC 4180 line ends, so any value holding \r or \n is quoted.
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
        count += 1
    return count
