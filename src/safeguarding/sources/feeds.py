"""Feed definitions: one TOML file per kind of agency extract, validated into typed objects.

An analyst onboards an agency, or a changed export, by writing a feed file; see docs/feeds.md.
Everything is checked when the file is loaded, so a mistake in a feed is reported before any
row is read.
"""

import datetime
import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from safeguarding.sources.readers import FileFormat

COLUMN_TYPES = {
    "text",
    "date",
    "datetime",
    "code",
    "nhs_number",
    "upn",
    "postcode",
    "latitude",
    "longitude",
    "integer",
    "number",
    "list",
}
SOURCE_RECORD_FIELDS = {
    "source_record_id",
    "given_names",
    "family_name",
    "aliases",
    "date_of_birth",
    "sex",
    "ethnicity",
    "postcode",
    "address",
}
EVENT_FIELDS = {
    "source_event_id",
    "event_type",
    "occurred_at",
    "ended_at",
    "postcode",
    "location_name",
    "latitude",
    "longitude",
    "description",
}


class FeedError(ValueError):
    """A feed file that cannot be used, with a message saying what to change."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "text"
    required: bool = False
    format: str | None = None  # date and datetime columns: a strptime format, never guessed
    codes: dict[str, str] = field(default_factory=dict)  # code columns: agency code → ours
    separator: str = ";"  # list columns
    flag_only: bool = False  # identifier columns: keep the row, flag a failed check
    not_after_today: bool = False
    not_before: str | None = None  # ISO date


@dataclass(frozen=True)
class Reference:
    """Points a row at a record or event imported by another feed (or by this one)."""

    feed: str
    column: str


@dataclass(frozen=True)
class Involvement:
    role: str | None = None  # a constant role, or
    role_column: str | None = None  # a code column holding it
    person: Reference | None = None  # None: the row's own source record
    event: Reference | None = None  # None: the row's own event


@dataclass(frozen=True)
class Feed:
    name: str
    agency: str
    title: str
    lawful_basis: str
    isa_reference: str
    isa_review_date: datetime.date
    retention_days: int
    file_patterns: tuple[str, ...]
    file_format: FileFormat
    columns: dict[str, Column]
    source_record: dict[str, str] = field(default_factory=dict)  # our field → their column
    identifiers: dict[str, str] = field(default_factory=dict)  # identifier kind → their column
    objects: dict[str, str] = field(default_factory=dict)  # object kind → their column
    event: dict[str, str] = field(default_factory=dict)
    event_type: str | None = None
    event_details: dict[str, str] = field(default_factory=dict)  # detail name → their column
    involvements: tuple[Involvement, ...] = ()
    path: Path | None = None
    version: str = "1"

    def claims(self, file_name: str) -> bool:
        return any(fnmatch.fnmatch(file_name, pattern) for pattern in self.file_patterns)

    @property
    def depends_on(self) -> set[str]:
        references = [r for i in self.involvements for r in (i.person, i.event) if r is not None]
        return {reference.feed for reference in references} - {self.name}


def load_feed(path: Path) -> Feed:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise FeedError(f"{path.name}: not valid TOML: {error}") from error
    try:
        return _feed_from_document(document, path=path)
    except FeedError as error:
        raise FeedError(f"{path.name}: {error}") from error


def load_feeds(directory: Path) -> dict[str, Feed]:
    feeds = {}
    for path in sorted(directory.glob("*.toml")):
        feed = load_feed(path)
        if feed.name in feeds:
            raise FeedError(f"{path.name}: a feed named {feed.name!r} is already defined")
        feeds[feed.name] = feed
    for feed in feeds.values():
        unknown = feed.depends_on - set(feeds)
        if unknown:
            raise FeedError(f"{feed.name}: refers to feeds that do not exist: {sorted(unknown)}")
    return feeds


def _require(document: dict, key: str, where: str = "feed", *, suggestion: str = "") -> object:
    value = document.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FeedError(f"[{where}] needs '{key}'" + (f": {suggestion}" if suggestion else ""))
    return value


# No feed imports without a lawful basis and an information-sharing agreement (UK GDPR Art. 5(2)
# accountability): the register of feeds shows both, and the DPO answers for each.
LAWFUL_BASIS_SUGGESTION = (
    "name the UK GDPR Article 6 condition (and the Article 9 condition for health or other "
    'special category data), e.g. lawful_basis = "UK GDPR Art. 6(1)(e) public task; DPA 2018 '
    'Sch. 1 para 18 (safeguarding of children)", or for police processing '
    'lawful_basis = "DPA 2018 Part 3 (law enforcement processing)"'
)
ISA_SUGGESTION = (
    "give the reference of the information-sharing agreement that covers this extract, "
    'e.g. isa_reference = "ISA-SVPP-2026-01"'
)
ISA_REVIEW_SUGGESTION = (
    "give the date the information-sharing agreement is next due for review, as a TOML date "
    "without quotes, e.g. isa_review_date = 2027-03-31"
)
_NAMES_A_BASIS = re.compile(r"\bArt(?:icle|\.)?\s*6\b|\bPart\s*3\b", re.IGNORECASE)


def _lawful_basis(meta: dict) -> str:
    basis = str(_require(meta, "lawful_basis", suggestion=LAWFUL_BASIS_SUGGESTION)).strip()
    if not _NAMES_A_BASIS.search(basis):
        raise FeedError(
            f"[feed] 'lawful_basis' ({basis!r}) names neither a UK GDPR Article 6 condition nor "
            f"DPA 2018 Part 3: {LAWFUL_BASIS_SUGGESTION}"
        )
    return basis


def _isa_review_date(meta: dict) -> datetime.date:
    value = _require(meta, "isa_review_date", suggestion=ISA_REVIEW_SUGGESTION)
    # tomllib reads an unquoted 2027-03-31 as a date; a quoted or free-text date is refused
    # rather than guessed, as for columns (a review date of 03/04/2027 is ambiguous).
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise FeedError(
            f"[feed] 'isa_review_date' is {value!r}, not a date: {ISA_REVIEW_SUGGESTION}"
        )
    return value


def _feed_from_document(document: dict, *, path: Path) -> Feed:
    meta = document.get("feed", {})
    file_format = FileFormat(**document.get("format", {}))
    if file_format.kind not in {"csv", "xlsx", "json"}:
        raise FeedError(f"[format] kind must be csv, xlsx or json, not {file_format.kind!r}")
    columns = {name: _column(name, spec) for name, spec in document.get("columns", {}).items()}
    source_record = dict(document.get("source_record", {}))
    identifiers = source_record.pop("identifiers", {})
    objects = source_record.pop("objects", {})
    event = dict(document.get("event", {}))
    event_type = event.pop("type", None)
    event_details = event.pop("details", {})
    involvements = tuple(_involvement(spec) for spec in document.get("involvements", []))

    feed = Feed(
        name=str(_require(meta, "name")),
        agency=str(_require(meta, "agency")),
        title=str(meta.get("title", meta["name"])),
        lawful_basis=_lawful_basis(meta),
        isa_reference=str(_require(meta, "isa_reference", suggestion=ISA_SUGGESTION)),
        isa_review_date=_isa_review_date(meta),
        retention_days=int(_require(meta, "retention_days")),  # type: ignore[call-overload]
        file_patterns=tuple(_require(meta, "file_patterns")),  # type: ignore[arg-type]
        file_format=file_format,
        columns=columns,
        source_record=source_record,
        identifiers=identifiers,
        objects=objects,
        event=event,
        event_type=event_type,
        event_details=event_details,
        involvements=involvements,
        path=path,
        version=str(meta.get("version", "1")),
    )
    _check_mapping(feed)
    return feed


def _column(name: str, spec: dict) -> Column:
    column = Column(name=name, **spec)
    if column.type not in COLUMN_TYPES:
        raise FeedError(
            f"column {name!r}: unknown type {column.type!r} "
            f"(use one of {', '.join(sorted(COLUMN_TYPES))})"
        )
    if column.type in {"date", "datetime"} and not column.format:
        raise FeedError(
            f"column {name!r} holds dates but gives no format: a date such as "
            "03/04/2025 could be 3 April or 4 March, so the feed must say, e.g. "
            'format = "%d/%m/%Y"'
        )
    if column.type == "code" and not column.codes:
        raise FeedError(f"column {name!r} is a code column but lists no codes")
    return column


def _involvement(spec: dict) -> Involvement:
    def reference(value: dict | None) -> Reference | None:
        return Reference(**value) if value else None

    involvement = Involvement(
        role=spec.get("role"),
        role_column=spec.get("role_column"),
        person=reference(spec.get("person")),
        event=reference(spec.get("event")),
    )
    if (involvement.role is None) == (involvement.role_column is None):
        raise FeedError("each [[involvements]] needs exactly one of 'role' or 'role_column'")
    return involvement


def _check_mapping(feed: Feed) -> None:
    unknown_fields = (set(feed.source_record) - SOURCE_RECORD_FIELDS) | (
        set(feed.event) - EVENT_FIELDS
    )
    if unknown_fields:
        raise FeedError(f"unknown field(s) {sorted(unknown_fields)}")
    if feed.source_record and "source_record_id" not in feed.source_record:
        raise FeedError("[source_record] needs 'source_record_id', the agency's own id")
    if feed.event and ("source_event_id" not in feed.event or "occurred_at" not in feed.event):
        raise FeedError("[event] needs 'source_event_id' and 'occurred_at'")
    if feed.event and not feed.event_type:
        raise FeedError("[event] needs 'type': an event type, or a code column holding it")
    mapped = [
        *feed.source_record.values(),
        *feed.identifiers.values(),
        *feed.objects.values(),
        *feed.event.values(),
        *feed.event_details.values(),
        *[i.role_column for i in feed.involvements if i.role_column],
        *[r.column for i in feed.involvements for r in (i.person, i.event) if r],
    ]
    if feed.event_type and feed.event_type in feed.columns:
        mapped.append(feed.event_type)
    undeclared = sorted(set(mapped) - set(feed.columns))
    if undeclared:
        raise FeedError(f"these columns are mapped but not declared in [columns]: {undeclared}")
