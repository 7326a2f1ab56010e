"""Row validation against a feed, a column at a time over a whole chunk.

An error sends the row to quarantine with the row, column and a reason a person can act on;
a warning keeps the row and flags the field (e.g. an NHS number that fails its check digit).
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from safeguarding.common.identifiers import (
    nhs_number_is_valid,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
    upn_is_valid,
)
from safeguarding.people.models import Identifier
from safeguarding.sources.cells import json_lists, split_address, split_name, term_dates
from safeguarding.sources.feeds import Column, Feed
from safeguarding.sources.readers import ROW
from safeguarding.sources.shaping import (
    SeenIds,
    combine,
    cross_field_problems,
    duplicate_problems,
)

ERROR, WARNING = "error", "warning"
FORMAT_WORDS = {
    "%d": "dd",
    "%m": "mm",
    "%Y": "yyyy",
    "%y": "yy",
    "%H": "HH",
    "%M": "MM",
    "%S": "SS",
    "%b": "Mon",
    "%B": "Month",
}


@dataclass(frozen=True)
class Issue:
    row: int
    column: str
    reason: str
    severity: str = ERROR
    blank: bool = False  # a required value missing, rather than a value that is wrong


@dataclass
class Validated:
    values: pd.DataFrame  # typed values for every declared column, indexed like the chunk
    issues: list[Issue] = field(default_factory=list)
    invalid: dict[str, pd.Series] = field(default_factory=dict)  # column → mask of flagged values

    @property
    def error_rows(self) -> set[int]:
        return {issue.row for issue in self.issues if issue.severity == ERROR}


class MissingColumnsError(ValueError):
    pass


# The ranges a coordinate can take: the British National Grid covers Great Britain and its
# islands within 0-700 km east and 0-1,300 km north of its false origin.
RANGES: dict[str, tuple[float | None, float | None]] = {
    "latitude": (-90, 90),
    "longitude": (-180, 180),
    "easting": (0, 700_000),
    "northing": (0, 1_300_000),
}
POSTCODE_DISTRICT = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
IDENTIFIER_LENGTH = Identifier._meta.get_field("value").max_length or 50
# Identifiers with a check of their own: how each is normalised, checked and named.
CHECKED_KINDS = {
    "nhs_number": (
        normalise_nhs_number,
        nhs_number_is_valid,
        "NHS number (10 digits, check digit)",
    ),
    "upn": (normalise_upn, upn_is_valid, "UPN (check letter)"),
}


def _range(low, high) -> str:
    if low is None:
        return f"the most allowed, {high:g}"
    if high is None:
        return f"the least allowed, {low:g}"
    return f"{low:g} to {high:g}"


def _dates(result, rows, text: pd.Series, blank: pd.Series, column: Column) -> pd.Series:
    """Dates read with each of the column's formats: the first that reads a value gives it,
    unless another reads it as a different date, when it is ambiguous and never guessed."""
    name = column.name
    readings = [
        pd.to_datetime(text.where(~blank), format=form, errors="coerce") for form in column.formats
    ]
    parsed = readings[0]
    ambiguous = pd.Series(False, index=text.index)
    for reading in readings[1:]:
        ambiguous |= parsed.notna() & reading.notna() & parsed.ne(reading)
        parsed = parsed.fillna(reading)
    forms = " or ".join(human_format(form) for form in column.formats)
    severity = WARNING if column.flag_only else ERROR
    _add(
        result,
        rows,
        ambiguous,
        column,
        lambda raw: f"{name} '{raw}' is ambiguous: it reads as different dates in {forms}",
        severity,
    )
    bad = parsed.isna() & ~blank
    _add(
        result,
        rows,
        bad,
        column,
        lambda raw: f"{name} '{raw}' is not a real date in the form {forms}",
        severity,
    )
    if column.flag_only:
        result.invalid[name] = bad | ambiguous
    return parsed.where(~ambiguous)


def _several_fields(result, rows, text: pd.Series, blank: pd.Series, column: Column) -> pd.Series:
    """A cell holding several fields: its parts go beside it as `Column.part`."""
    name = column.name
    if column.type == "person_name":
        cells = split_name(text, blank, form=column.form or "", name=name)
    elif column.type == "address":
        cells = split_address(text, blank)
    else:
        years = rows[column.year_column] if column.year_column in rows else text.where(False, "")
        cells = term_dates(text, blank, years, terms=column.terms, name=name)
    for mask, reason in cells.problems:
        _add(result, rows, mask, column, reason)
    for part, values in cells.parts.items():
        result.values[f"{name}.{part}"] = values.astype(object).where(values.notna(), None)
    return cells.value


def human_format(strptime_format: str) -> str:
    text = strptime_format
    for code, word in FORMAT_WORDS.items():
        text = text.replace(code, word)
    return text


def validate_chunk(
    rows: pd.DataFrame,
    feed: Feed,
    *,
    today: date,
    file_name: str = "",
    seen_ids: SeenIds | None = None,
) -> Validated:
    """Validate a chunk's columns, build the values the feed composes, then check rules across
    columns and ids given twice (`seen_ids` carries the ids of the file's earlier chunks)."""
    missing = [name for name in feed.columns if name not in rows.columns]
    if missing:
        raise MissingColumnsError(
            f"The file has no column(s) {', '.join(missing)} that the feed {feed.name} expects. "
            f"Its columns are: {', '.join(c for c in rows.columns if c != ROW)}."
        )
    result = Validated(values=pd.DataFrame({ROW: rows[ROW]}, index=rows.index))
    for column in feed.columns.values():
        text = rows[column.name].astype(str).str.strip()
        blank = text.eq("")
        # PostgreSQL cannot store the NUL character; it is never meaningful in an extract.
        _add(
            result,
            rows,
            text.str.contains("\x00", regex=False),
            column,
            f"{column.name} contains a NUL (zero) character, which cannot be stored: "
            "remove it from the extract",
        )
        if column.required:
            _add(
                result,
                rows,
                blank,
                column,
                f"{column.name} is blank, and it is required",
                is_blank=True,
            )
        result.values[column.name] = _typed(result, rows, text, blank, column, today=today)
    combine(result.values, rows, feed=feed, file_name=file_name)
    if feed.adds_identifier:
        _check_added_identifiers(result, rows, feed)
    problems = cross_field_problems(result.values, feed=feed) + duplicate_problems(
        result.values, feed=feed, seen=SeenIds() if seen_ids is None else seen_ids
    )
    result.issues += [Issue(row, column, reason) for row, column, reason in problems]
    return result


def _add(
    result: Validated,
    rows: pd.DataFrame,
    mask: pd.Series,
    column: Column,
    reason,
    severity: str = ERROR,
    *,
    is_blank: bool = False,
) -> None:
    """Record an issue for each row in mask; reason may be a function of the row's raw value."""
    if not mask.any():
        return
    raw_values = rows.loc[mask, column.name].astype(str)
    for row, raw in zip(rows.loc[mask, ROW], raw_values, strict=True):
        text = reason(raw) if callable(reason) else reason
        result.issues.append(Issue(int(row), column.name, text, severity, blank=is_blank))


def _typed(
    result: Validated,
    rows: pd.DataFrame,
    text: pd.Series,
    blank: pd.Series,
    column: Column,
    *,
    today: date,
) -> pd.Series:
    name, kind = column.name, column.type
    if kind in {"date", "datetime"}:
        parsed = _dates(result, rows, text, blank, column)
        if column.not_after_today:
            future = parsed.dt.normalize().gt(pd.Timestamp(today)) & parsed.notna()
            _add(result, rows, future, column, lambda raw: f"{name} '{raw}' is in the future")
        if column.not_before:
            limit = pd.Timestamp(column.not_before)
            early = parsed.lt(limit) & parsed.notna()
            _add(
                result,
                rows,
                early,
                column,
                lambda raw: f"{name} '{raw}' is before {limit:%d/%m/%Y}, which cannot be right",
            )
        return parsed.dt.date if kind == "date" else parsed
    if kind in {"person_name", "address", "term"}:
        return _several_fields(result, rows, text, blank, column)
    if kind == "json_list":
        cells = json_lists(text, blank, codes=column.codes, name=name)
        for mask, reason in cells.problems:
            _add(result, rows, mask, column, reason)
        return cells.value
    if kind == "code":
        lookup = {code.strip().upper(): ours for code, ours in column.codes.items()}
        mapped = text.str.upper().map(lookup)
        bad = mapped.isna() & ~blank
        listed = ", ".join(column.codes)
        _add(
            result,
            rows,
            bad,
            column,
            lambda raw: (
                f"{name} '{raw}' is not one of the codes "
                f"this feed knows ({listed}): add it to the feed's codes if it is new"
            ),
        )
        return mapped.where(~blank)
    if kind in {"nhs_number", "upn"}:
        normalise, is_valid, label = CHECKED_KINDS[kind]
        normalised = text.map(normalise)
        bad = ~blank & ~normalised.map(is_valid).astype(bool)
        severity = WARNING if column.flag_only else ERROR
        _add(
            result,
            rows,
            bad,
            column,
            lambda raw: f"{name} '{raw}' is not a valid {label}",
            severity,
        )
        result.invalid[name] = bad
        return normalised.where(~blank)
    if kind == "postcode":
        normalised = text.map(normalise_postcode)
        if column.allow_district:
            district = text.str.upper().str.replace(r"\s", "", regex=True)
            normalised = normalised.where(
                normalised.notna() | ~district.str.fullmatch(POSTCODE_DISTRICT), district
            )
        bad = normalised.isna() & ~blank
        severity = WARNING if column.flag_only else ERROR
        _add(
            result,
            rows,
            bad,
            column,
            lambda raw: f"{name} '{raw}' is not a UK postcode (e.g. SN15 1AA)",
            severity,
        )
        result.invalid[name] = bad
        return normalised
    if kind in {"latitude", "longitude", "easting", "northing", "number", "integer"}:
        numbers = pd.to_numeric(text.where(~blank), errors="coerce")
        bad = numbers.isna() & ~blank
        if kind == "integer":
            bad |= numbers.notna() & (numbers % 1 != 0)
        _add(result, rows, bad, column, lambda raw: f"{name} '{raw}' is not a number")
        low, high = RANGES.get(kind, (None, None))
        low = column.min if column.min is not None else low
        high = column.max if column.max is not None else high
        if low is not None or high is not None:
            out_of_range = numbers.notna() & (
                (numbers.lt(low) if low is not None else False)
                | (numbers.gt(high) if high is not None else False)
            )
            _add(
                result,
                rows,
                out_of_range,
                column,
                lambda raw: f"{name} '{raw}' is outside {_range(low, high)}",
            )
            numbers = numbers.where(~out_of_range)
        # Whole numbers stay whole even when a bad value elsewhere in the chunk is quarantined.
        return numbers.where(~bad).astype("Int64") if kind == "integer" else numbers
    if kind == "list":
        return text.map(
            lambda value: [part.strip() for part in value.split(column.separator) if part.strip()]
        )
    return text.where(~blank, np.nan).astype(object).where(~blank, None)


def _check_added_identifiers(result: Validated, rows: pd.DataFrame, feed: Feed) -> None:
    """An NHS number or UPN a row adds is normalised and checked as its own column would be:
    one that fails is kept but flagged (stored as not valid, so linkage does not use it)."""
    spec = feed.adds_identifier
    assert spec is not None
    values = result.values
    kinds = (
        values[spec.kind_column]
        if spec.kind_column
        else pd.Series(spec.kind, index=values.index, dtype=object)
    )
    column = feed.columns[spec.value]
    too_long = values[spec.value].notna() & values[spec.value].astype(str).str.len().gt(
        IDENTIFIER_LENGTH
    )
    _add(
        result,
        rows,
        too_long,
        column,
        lambda raw: (
            f"{column.name} '{raw}' is longer than {IDENTIFIER_LENGTH} characters, "
            "which no identifier is"
        ),
    )
    flagged = pd.Series(False, index=values.index)
    for kind, (normalise, is_valid, label) in CHECKED_KINDS.items():
        chosen = kinds.eq(kind) & values[spec.value].notna()
        if not chosen.any():
            continue
        normalised = values.loc[chosen, spec.value].astype(str).map(normalise)
        bad = ~normalised.map(is_valid).astype(bool)
        values.loc[chosen, spec.value] = normalised
        mask = bad.reindex(values.index, fill_value=False)
        _add(
            result,
            rows,
            mask,
            column,
            lambda raw, label=label: f"{column.name} '{raw}' is not a valid {label}",
            WARNING,
        )
        flagged |= mask
    result.invalid[spec.value] = flagged
