"""Streaming XLSX: a sheet's rows as text, straight from its XML, a chunk at a time.

openpyxl (behind pandas) builds an object for every cell and holds the whole sheet in memory:
a 4,000-row return took three seconds and memory grew with the file. Here the sheet's XML is
parsed as a stream and each row is dropped once read, so memory stays flat in the file's size.
Cells become text as pandas would give them (numbers without a needless `.0`, dates in a date
style as `2025-04-03 00:00:00`), with openpyxl's own date rules; an error cell keeps its text
(`#N/A`) so validation can name it.
"""

import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import cast
from xml.etree.ElementTree import Element, XMLParser, XMLPullParser

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOCUMENT_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CELL_REFERENCE = re.compile(r"([A-Z]+)(\d+)")


class NotAWorkbook(ValueError):
    """The file cannot be read as an XLSX workbook; the message says why."""


class Workbook:
    """One sheet of an XLSX file, read row by row."""

    def __init__(self, path, *, sheet: str | None = None):
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise NotAWorkbook("The file is not an XLSX workbook (not a zip archive)") from error
        try:
            book_path = self._relationships("_rels/.rels")["officeDocument"][0][1]
            book = self._parse(book_path)
        except (KeyError, IndexError) as error:
            raise NotAWorkbook("The file is not an XLSX workbook (no workbook part)") from error
        namespace = _namespace(book)
        properties = book.find(f"{namespace}workbookPr")
        self.epoch = (
            CALENDAR_MAC_1904
            if properties is not None and properties.get("date1904") in {"1", "true"}
            else CALENDAR_WINDOWS_1900
        )
        parts = self._relationships(_relationships_of(book_path))
        sheets = {
            element.get("name", ""): element.get(f"{{{DOCUMENT_RELATIONSHIPS}}}id", "")
            for element in book.iter(f"{namespace}sheet")
        }
        if not sheets:
            raise NotAWorkbook("The workbook has no sheets")
        if sheet is not None and sheet not in sheets:
            raise NotAWorkbook(
                f"The workbook has no sheet named {sheet!r}; its sheets are: {', '.join(sheets)}"
            )
        wanted = sheets[sheet] if sheet is not None else next(iter(sheets.values()))
        self.sheet_path = next(target for _, (id_, target) in _each(parts) if id_ == wanted)
        self.shared_strings = self._shared_strings(parts.get("sharedStrings", []))
        self.date_styles, self.duration_styles = self._number_styles(parts.get("styles", []))

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(spreadsheet row number, cell texts from column A) for each row holding a value."""
        # Only start events, and only to find the sheet's data: rows are read from the tree as
        # they complete, then dropped from it.
        parser: XMLPullParser[Element] = XMLPullParser(events=("start",))
        sheet_data: Element | None = None
        row_number = 0
        for block in self._blocks(self.sheet_path):
            parser.feed(block)
            for _, element in _read_events(parser):
                if sheet_data is None and element.tag.endswith("}sheetData"):
                    sheet_data = element
                    self.tags = _Tags(_namespace(element))
            if sheet_data is None or len(sheet_data) < 2:
                continue
            complete = sheet_data[:-1]  # every row but the last has been read whole
            del sheet_data[:-1]
            for row in complete:
                row_number, cells = self._row(row, row_number)
                if cells:
                    yield row_number, cells
        parser.close()
        for row in [] if sheet_data is None else list(sheet_data):
            row_number, cells = self._row(row, row_number)
            if cells:
                yield row_number, cells

    def _row(self, row: Element, previous: int) -> tuple[int, list[str]]:
        tags = self.tags
        cells: list[str] = []
        for cell in row.iter(tags.cell):
            reference = CELL_REFERENCE.match(cell.get("r") or "")
            position = column_index_from_string(reference.group(1)) - 1 if reference else len(cells)
            text = self._cell_text(cell)
            if text:
                cells.extend([""] * (position - len(cells)))
                cells.append(text)
        return int(row.get("r") or previous + 1), cells

    def close(self) -> None:
        self.archive.close()

    def _cell_text(self, cell: Element) -> str:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(self.tags.inline)
            return "" if inline is None else _string_item_text(inline, self.tags)
        value = cell.find(self.tags.value)
        raw = "" if value is None or value.text is None else value.text
        if raw == "":
            return ""
        if kind == "s":
            return self.shared_strings[int(raw)]
        if kind == "b":
            return "True" if raw in {"1", "true"} else "False"
        if kind == "d":
            return str(datetime.fromisoformat(raw))
        if kind != "n":  # str (a formula's text), e (an error such as #N/A)
            return raw
        style = int(cell.get("s") or 0)
        if style in self.date_styles:
            return str(from_excel(float(raw), self.epoch))
        if style in self.duration_styles:
            return str(from_excel(float(raw), self.epoch, timedelta=True))
        return _number_text(raw)

    def _blocks(self, name: str) -> Iterator[bytes]:
        """A part's bytes. XLSX parts never declare a DTD, so one that does is refused: with
        no DTD there are no entities to expand or fetch (expat also limits expansion)."""
        with self.archive.open(name) as stream:
            first = True
            for block in iter(lambda: stream.read(1 << 16), b""):
                if first and b"<!DOCTYPE" in block:
                    raise NotAWorkbook("The workbook holds a document type declaration")
                first = False
                yield block

    def _parse(self, name: str) -> Element:
        parser = XMLParser()  # noqa: S314 (no DTD is let through: see _blocks)
        for block in self._blocks(name):
            parser.feed(block)
        return parser.close()

    def _relationships(self, name: str) -> dict[str, list[tuple[str, str]]]:
        """A part's relationships: kind (the type's last word) → (id, part name)."""
        found: dict[str, list[tuple[str, str]]] = {}
        if name not in self.archive.namelist():
            return found
        folder = posixpath.dirname(posixpath.dirname(name))
        for relationship in self._parse(name).iter(f"{RELATIONSHIPS}Relationship"):
            kind = relationship.get("Type", "").rsplit("/", 1)[-1]
            target = _part(folder, relationship.get("Target", ""))
            found.setdefault(kind, []).append((relationship.get("Id", ""), target))
        return found

    def _shared_strings(self, parts: list[tuple[str, str]]) -> list[str]:
        if not parts:
            return []
        strings: list[str] = []
        parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
        root: Element | None = None
        tags: _Tags | None = None
        for block in self._blocks(parts[0][1]):
            parser.feed(block)
            for event, element in _read_events(parser):
                if root is None or tags is None:  # both are set from the first element
                    root, tags = element, _Tags(_namespace(element))
                elif event == "end" and element.tag == tags.string_item:
                    strings.append(_string_item_text(element, tags))
                    root.clear()
        return strings

    def _number_styles(self, parts: list[tuple[str, str]]) -> tuple[set[int], set[int]]:
        """The cell styles (by index) that show a number as a date, or as a duration."""
        if not parts:
            return set(), set()
        styles = self._parse(parts[0][1])
        namespace = _namespace(styles)
        formats = dict(BUILTIN_FORMATS)
        for number_format in styles.iter(f"{namespace}numFmt"):
            formats[int(number_format.get("numFmtId", 0))] = number_format.get("formatCode", "")
        dates, durations = set(), set()
        cell_styles = styles.find(f"{namespace}cellXfs")
        for index, style in enumerate([] if cell_styles is None else cell_styles):
            code = formats.get(int(style.get("numFmtId", 0)), "")
            if is_timedelta_format(code):
                durations.add(index)
            elif is_date_format(code):
                dates.add(index)
        return dates, durations


def _namespace(element: Element) -> str:
    return element.tag[: element.tag.index("}") + 1] if element.tag.startswith("{") else ""


def _read_events(parser: "XMLPullParser[Element]") -> Iterator[tuple[str, Element]]:
    """The parser's events. Its stub also allows the shapes of namespace events, which these
    parsers are never asked for: start and end events always carry an element. (The parser
    is generic only in its stub, hence the quotes.)"""
    return cast(Iterator[tuple[str, Element]], parser.read_events())


def _each(parts: dict[str, list[tuple[str, str]]]):
    return ((kind, part) for kind, found in parts.items() for part in found)


def _relationships_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _part(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


class _Tags:
    """The element names of one namespace, built once rather than per cell."""

    def __init__(self, namespace: str):
        self.cell, self.value, self.inline = f"{namespace}c", f"{namespace}v", f"{namespace}is"
        self.text, self.run, self.string_item = f"{namespace}t", f"{namespace}r", f"{namespace}si"


def _string_item_text(item: Element, tags: _Tags) -> str:
    """A string's text: its runs joined, leaving out phonetic guides (rPh)."""
    parts = []
    for child in item:
        if child.tag == tags.text:
            parts.append(child.text or "")
        elif child.tag == tags.run:
            parts.extend(t.text or "" for t in child.iter(tags.text))
    return "".join(parts)


def _number_text(raw: str) -> str:
    """A number as pandas shows it: whole numbers without a decimal point."""
    try:
        return str(int(raw))
    except ValueError:
        number = float(raw)
        return str(int(number)) if number.is_integer() else repr(number)
