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
from safeguarding.sources.feeds import Column, Feed
from safeguarding.sources.readers import ROW

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


def human_format(strptime_format: str) -> str:
    text = strptime_format
    for code, word in FORMAT_WORDS.items():
        text = text.replace(code, word)
    return text


def validate_chunk(rows: pd.DataFrame, feed: Feed, *, today: date) -> Validated:
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
        parsed = pd.to_datetime(text.where(~blank), format=column.format, errors="coerce")
        bad = parsed.isna() & ~blank
        form = human_format(column.format or "")
        _add(
            result,
            rows,
            bad,
            column,
            lambda raw: f"{name} '{raw}' is not a real date in the form {form}",
        )
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
        normalise, is_valid, label = (
            (normalise_nhs_number, nhs_number_is_valid, "NHS number (10 digits, check digit)")
            if kind == "nhs_number"
            else (normalise_upn, upn_is_valid, "UPN (check letter)")
        )
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
    if kind in {"latitude", "longitude", "number", "integer"}:
        numbers = pd.to_numeric(text.where(~blank), errors="coerce")
        bad = numbers.isna() & ~blank
        if kind == "integer":
            bad |= numbers.notna() & (numbers % 1 != 0)
        _add(result, rows, bad, column, lambda raw: f"{name} '{raw}' is not a number")
        limit = {"latitude": 90, "longitude": 180}.get(kind)
        if limit is not None:
            out_of_range = numbers.abs().gt(limit)
            _add(
                result,
                rows,
                out_of_range,
                column,
                lambda raw: f"{name} '{raw}' is outside -{limit} to {limit}",
            )
            numbers = numbers.where(~out_of_range)
        # Whole numbers stay whole even when a bad value elsewhere in the chunk is quarantined.
        return numbers.where(~bad).astype("Int64") if kind == "integer" else numbers
    if kind == "list":
        return text.map(
            lambda value: [part.strip() for part in value.split(column.separator) if part.strip()]
        )
    return text.where(~blank, np.nan).astype(object).where(~blank, None)
