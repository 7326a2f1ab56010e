"""Feed definitions: one TOML file per kind of agency extract, validated into typed objects.

An analyst onboards an agency, or a changed export, by writing a feed file; see docs/feeds.md.
Everything is checked when the file is loaded, so a mistake in a feed is reported, with its
line and the nearest word the language knows, before any row is read.
"""

import dataclasses
import datetime
import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from safeguarding.sources.feed_language import (
    ADDS_DETAILS_KEYS,
    ADDS_IDENTIFIER_KEYS,
    CHECK_KEYS,
    COLUMN_KEYS,
    COLUMN_TYPES,
    CONDITION_KEYS,
    CONTACT_KINDS,
    DERIVED_EVENT_KEYS,
    EVENT_FIELDS,
    EVENT_KEYS,
    EVENT_TYPES,
    FEED_KEYS,
    FORMAT_KEYS,
    IDENTIFIER_KINDS,
    INVOLVEMENT_KEYS,
    NAME_FORMS,
    OBJECT_CONTACT_KEYS,
    OBJECT_KINDS,
    OBJECT_LINK_KEYS,
    REFERENCE_KEYS,
    RELATIONSHIP_KEYS,
    RELATIONSHIP_KINDS,
    ROLES,
    SECTIONS,
    SOURCE_RECORD_FIELDS,
    SOURCE_RECORD_KEYS,
    FeedError,
    check_forms,
    check_keys,
    check_value,
    line_of,
)
from safeguarding.sources.feed_mapping import check_mapping
from safeguarding.sources.readers import FileFormat

__all__ = ["EVENT_FIELDS", "SOURCE_RECORD_FIELDS", "Feed", "FeedError", "load_feed", "load_feeds"]

ROW_ID = "@row"  # as an id: the file's name and the row's number, when nothing else is unique


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "text"
    required: bool = False
    formats: tuple[str, ...] = ()  # dates: strptime formats in order of preference, never guessed
    codes: dict[str, str] = field(default_factory=dict)  # code columns: agency code → ours
    separator: str = ";"  # list columns
    flag_only: bool = False  # keep the row, flag (and blank) a value that fails its check
    not_after_today: bool = False
    not_before: str | None = None  # ISO date
    min: float | None = None  # numbers: the range a value must lie in
    max: float | None = None
    form: str | None = None  # person_name: "family, given", "given family" or "family given"
    allow_district: bool = False  # postcode: a district alone (SN1) is accepted
    year_column: str | None = None  # term: the column holding the (academic) year
    terms: dict[str, str] = field(default_factory=dict)  # term: name → "MM-DD"

    @property
    def format(self) -> str | None:
        return self.formats[0] if self.formats else None


@dataclass(frozen=True)
class Combined:
    """A value built from several columns (a composite id, an address in parts), or the row."""

    columns: tuple[str, ...]  # empty: the file's name and the row number
    separator: str


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
class DerivedEvent:
    """A further event a row implies (an NRM referral flag, a search that found cash)."""

    name: str
    type: str
    column: str
    equals: tuple[str, ...] = ()
    contains_any: tuple[str, ...] = ()
    role: str = "subject"
    occurred_at: str | None = None  # None: the row's own event's time
    description: str | None = None


@dataclass(frozen=True)
class Check:
    """A rule between two columns of one row, e.g. `EndDate >= StartDate`."""

    left: str
    operator: str
    right: str
    message: str


@dataclass(frozen=True)
class RelationshipSpec:
    person_from: Reference
    person_to: Reference
    kind: str | None = None
    kind_column: str | None = None
    started_at: str | None = None
    ended_at: str | None = None


@dataclass(frozen=True)
class ObjectContactSpec:
    kind: str
    from_kind: str
    to_kind: str
    from_column: str
    to_column: str
    occurred_at: str | None = None
    source_contact_id: str | None = None


@dataclass(frozen=True)
class ObjectLinkSpec:
    kind: str
    column: str
    person: Reference


@dataclass(frozen=True)
class AddsIdentifier:
    """Each row adds an identifier to a record another feed imported: its kind is constant or
    read from a code column (e.g. SSD link_identifier_type)."""

    person: Reference
    value: str
    kind: str | None = None
    kind_column: str | None = None
    id: str | None = None  # the row's own id, unique in a file


@dataclass(frozen=True)
class AddsDetails:
    """Each row adds details to an event another feed imported (e.g. the factors of an
    assessment): detail name → column."""

    event: Reference
    details: dict[str, str]
    id: str | None = None


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
    combined: dict[str, Combined] = field(default_factory=dict)  # "@field" → how it is built
    grid: tuple[str, ...] | None = None  # easting, northing (and latitude, longitude) columns
    derived_events: tuple[DerivedEvent, ...] = ()
    checks: tuple[Check, ...] = ()
    relationship: RelationshipSpec | None = None
    object_contact: ObjectContactSpec | None = None
    object_links: tuple[ObjectLinkSpec, ...] = ()
    adds_identifier: AddsIdentifier | None = None
    adds_details: AddsDetails | None = None
    path: Path | None = None
    version: str = "1"

    def claims(self, file_name: str) -> bool:
        return any(fnmatch.fnmatch(file_name, pattern) for pattern in self.file_patterns)

    @property
    def references(self) -> list[Reference]:
        found = [r for i in self.involvements for r in (i.person, i.event) if r is not None]
        if self.relationship:
            found += [self.relationship.person_from, self.relationship.person_to]
        found += [link.person for link in self.object_links]
        if self.adds_identifier:
            found.append(self.adds_identifier.person)
        return found

    @property
    def depends_on(self) -> set[str]:
        feeds = {reference.feed for reference in self.references}
        if self.adds_details:
            feeds.add(self.adds_details.event.feed)
        return feeds - {self.name}

    @property
    def row_key(self) -> str | None:
        """The column whose value must be unique within one file: the event's id, or the
        record's when the feed has no event (a person file repeats per event otherwise)."""
        if self.event:
            return self.event["source_event_id"]
        if self.source_record:
            return self.source_record["source_record_id"]
        adding = self.adds_identifier or self.adds_details
        return adding.id if adding else None


def load_feed(path: Path) -> Feed:
    text = path.read_text(encoding="utf-8")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FeedError(f"{path.name}: not valid TOML: {error}") from error
    try:
        return _feed_from_document(document, path=path)
    except FeedError as error:
        line = line_of(text, error.at) if error.at else None
        where = f"{path.name}, line {line}" if line else path.name
        raise FeedError(f"{where}: {error}", at=error.at) from error
    except (TypeError, ValueError, AttributeError) as error:
        # A value of the wrong kind (a number where a list belongs): never a bare TypeError.
        raise FeedError(f"{path.name}: a value has the wrong form: {error}") from error


def load_feeds(directory: Path) -> dict[str, Feed]:
    """The feeds in directory (not its sub-folders: feeds/benchmarks/ holds the public
    benchmark data sets' feeds, loaded only when asked for)."""
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
        # A missing key has no line of its own to show.
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
            f"DPA 2018 Part 3: {LAWFUL_BASIS_SUGGESTION}",
            at=("feed", "lawful_basis"),
        )
    return basis


def _isa_review_date(meta: dict) -> datetime.date:
    value = _require(meta, "isa_review_date", suggestion=ISA_REVIEW_SUGGESTION)
    # tomllib reads an unquoted 2027-03-31 as a date; a quoted or free-text date is refused
    # rather than guessed, as for columns (a review date of 03/04/2027 is ambiguous).
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise FeedError(
            f"[feed] 'isa_review_date' is {value!r}, not a date: {ISA_REVIEW_SUGGESTION}",
            at=("feed", "isa_review_date"),
        )
    return value


def _table(document: dict, key: str) -> dict:
    value = document.get(key, {})
    if not isinstance(value, dict):
        raise FeedError(f"[{key}] must be a table of options", at=(key,))
    return value


def _file_format(spec: dict) -> FileFormat:
    check_keys(spec, FORMAT_KEYS, where="[format]", at=("format",))
    check_forms(spec, where="[format]", at=("format",))
    options = dict(spec)
    if "sheet" in options and "sheets" in options:
        raise FeedError("[format] gives both 'sheet' and 'sheets': use one", at=("format", "sheet"))
    sheets = options.pop("sheets", None)
    file_format = FileFormat(
        **{k: v for k, v in options.items() if k not in {"column_names", "skip_rows"}},
        sheets=tuple(sheets or ()),
        column_names=tuple(options.get("column_names", ())),
        skip_rows=dict(options.get("skip_rows", {})),
    )
    if file_format.kind not in {"csv", "xlsx", "json"}:
        raise FeedError(
            f"[format] kind must be csv, xlsx or json, not {file_format.kind!r}",
            at=("format", "kind"),
        )
    if not isinstance(file_format.header_row, int) or file_format.header_row < 1:
        raise FeedError("[format] header_row must be a row number, 1 or more", at=("format",))
    for column, pattern in file_format.skip_rows.items():
        try:
            re.compile(pattern)
        except re.error as error:
            raise FeedError(
                f"[format] skip_rows for {column!r}: {pattern!r} is not a valid pattern: {error}",
                at=("format", "skip_rows"),
            ) from error
    return file_format


def _feed_from_document(document: dict, *, path: Path) -> Feed:
    check_keys(document, SECTIONS, where="A feed file", at=())
    meta = _table(document, "feed")
    check_keys(meta, FEED_KEYS, where="[feed]", at=("feed",))
    check_forms(meta, where="[feed]", at=("feed",))
    file_format = _file_format(_table(document, "format"))
    columns = {name: _column(name, spec) for name, spec in _table(document, "columns").items()}
    for name in file_format.skip_rows:
        if name not in columns and name not in file_format.column_names:
            raise FeedError(
                f"[format] skip_rows names the column {name!r}, which is not declared",
                at=("format", "skip_rows"),
            )
    source_record = dict(_table(document, "source_record"))
    check_keys(source_record, SOURCE_RECORD_KEYS, where="[source_record]", at=("source_record",))
    identifiers = dict(source_record.pop("identifiers", {}))
    for kind in identifiers:
        check_value(
            kind, IDENTIFIER_KINDS, what="identifier kind", at=("source_record", "identifiers")
        )
    objects = dict(source_record.pop("objects", {}))
    for kind in objects:
        check_value(kind, OBJECT_KINDS, what="object kind", at=("source_record", "objects"))
    event = dict(_table(document, "event"))
    check_keys(event, EVENT_KEYS, where="[event]", at=("event",))
    event_type = event.pop("type", None)
    event_details = dict(event.pop("details", {}))
    combined: dict[str, Combined] = {}
    for section, mapping, id_field in (
        ("source_record", source_record, "source_record_id"),
        ("event", event, "source_event_id"),
    ):
        if id_field in mapping:
            mapping[id_field] = _combined(
                mapping[id_field], f"@{id_field}", " + ", combined, at=(section, id_field)
            )
    if "address" in source_record:
        source_record["address"] = _combined(
            source_record["address"], "@address", ", ", combined, at=("source_record", "address")
        )
    grid = None
    if "easting" in event or "northing" in event:
        if not ("easting" in event and "northing" in event):
            raise FeedError(
                "[event] needs both 'easting' and 'northing', or neither", at=("event",)
            )
        # Coordinates come from the grid, or from latitude and longitude where a row gives them.
        grid = (
            event.pop("easting"),
            event.pop("northing"),
            *((event.pop("latitude"), event.pop("longitude")) if "latitude" in event else ()),
        )
        event["latitude"], event["longitude"] = "@latitude", "@longitude"
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
        involvements=tuple(
            _involvement(spec, index) for index, spec in enumerate(_list(document, "involvements"))
        ),
        combined=combined,
        grid=grid,
        derived_events=tuple(_derived_event(spec) for spec in _list(document, "derived_events")),
        checks=tuple(_check(spec) for spec in _list(document, "checks")),
        relationship=_relationship(document["relationship"])
        if "relationship" in document
        else None,
        object_contact=_object_contact(document["object_contact"])
        if "object_contact" in document
        else None,
        object_links=tuple(_object_link(spec) for spec in _list(document, "object_links")),
        adds_identifier=_adds_identifier(document["adds_identifier"])
        if "adds_identifier" in document
        else None,
        adds_details=_adds_details(document["adds_details"])
        if "adds_details" in document
        else None,
        path=path,
        version=str(meta.get("version", "1")),
    )
    check_mapping(feed)
    return _with_keys_required(feed)


def _with_keys_required(feed: Feed) -> Feed:
    """A row without its id or its event's time cannot be stored: the columns that give them
    are required, whether or not the feed says so, so such a row is quarantined."""
    needed: list[str | None] = [
        feed.source_record.get("source_record_id"),
        feed.event.get("source_event_id"),
        feed.event.get("occurred_at"),
    ]
    if feed.adds_identifier:
        spec = feed.adds_identifier
        needed += [spec.id, spec.person.column, spec.value, spec.kind_column]
    if feed.adds_details:
        needed += [feed.adds_details.id, feed.adds_details.event.column]
    names: set[str] = set()
    for name in needed:
        if name in feed.combined:
            names.update(feed.combined[name].columns)
        elif name:
            names.add(name.partition(".")[0])
    columns = {
        name: dataclasses.replace(column, required=True) if name in names else column
        for name, column in feed.columns.items()
    }
    return dataclasses.replace(feed, columns=columns)


def _list(document: dict, key: str) -> list[dict]:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise FeedError(f"[[{key}]] must be written as [[{key}]] tables", at=(key,))
    return value


def _combined(
    value: object, name: str, separator: str, combined: dict, *, at: tuple[str, ...]
) -> str:
    """A mapping to one column stays as it is; a list of columns, or "@row", becomes a value
    built from them, under the name `name`."""
    if isinstance(value, str) and value != ROW_ID:
        return value
    if value == ROW_ID:
        combined[name] = Combined(columns=(), separator=separator)
        return name
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        combined[name] = Combined(columns=tuple(value), separator=separator)
        return name
    raise FeedError(
        f'{at[-1]} must be a column, a list of columns or "{ROW_ID}", not {value!r}', at=at
    )


def _column(name: str, spec: dict) -> Column:
    at = ("columns", name)
    if not isinstance(spec, dict):
        raise FeedError(
            f'column {name!r} must be a table, e.g. {name} = {{ type = "text" }}', at=at
        )
    check_keys(spec, COLUMN_KEYS, where=f"column {name!r}", at=at)
    check_forms(spec, where=f"column {name!r}", at=at)
    options = dict(spec)
    formats = options.pop("format", ())
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    column = Column(name=name, formats=formats, **options)
    check_value(column.type, COLUMN_TYPES, what="column type", at=(*at, "type"))
    if column.type in {"date", "datetime"} and not column.formats:
        raise FeedError(
            f"column {name!r} holds dates but gives no format: a date such as "
            "03/04/2025 could be 3 April or 4 March, so the feed must say, e.g. "
            'format = "%d/%m/%Y" (or a list of formats in order of preference)',
            at=at,
        )
    if column.formats and column.type not in {"date", "datetime"}:
        raise FeedError(f"column {name!r}: 'format' is for date columns", at=(*at, "format"))
    if column.type == "code" and not column.codes:
        raise FeedError(f"column {name!r} is a code column but lists no codes", at=at)
    if column.type == "person_name":
        if column.form is None:
            raise FeedError(
                f"column {name!r} holds whole names: say how they are written, "
                f"form = one of {sorted(NAME_FORMS)}",
                at=at,
            )
        check_value(column.form, NAME_FORMS, what="name form", at=(*at, "form"))
    if column.type == "term" and (not column.year_column or not column.terms):
        raise FeedError(
            f"column {name!r} holds terms: give year_column (the column holding the year) and "
            'terms = { Autumn = "09-01", Spring = "01-01", Summer = "04-15" }',
            at=at,
        )
    for term, month_day in column.terms.items():
        if not re.fullmatch(r"\d\d-\d\d", month_day):
            raise FeedError(
                f"column {name!r}: the term {term!r} starts on {month_day!r}; write it MM-DD",
                at=(*at, "terms"),
            )
    return column


def _reference(value: object, *, at: tuple[str, ...]) -> Reference:
    if not isinstance(value, dict):
        raise FeedError(f'{at[-1]} must be {{ feed = "...", column = "..." }}', at=at)
    check_keys(value, REFERENCE_KEYS, where=at[-1], at=at)
    if set(value) != REFERENCE_KEYS:
        raise FeedError(f"{at[-1]} needs both 'feed' and 'column'", at=at)
    return Reference(feed=str(value["feed"]), column=str(value["column"]))


def _involvement(spec: dict, index: int) -> Involvement:
    at = ("involvements",)
    check_keys(spec, INVOLVEMENT_KEYS, where="[[involvements]]", at=at)
    involvement = Involvement(
        role=spec.get("role"),
        role_column=spec.get("role_column"),
        person=_reference(spec["person"], at=(*at, "person")) if "person" in spec else None,
        event=_reference(spec["event"], at=(*at, "event")) if "event" in spec else None,
    )
    if (involvement.role is None) == (involvement.role_column is None):
        raise FeedError("each [[involvements]] needs exactly one of 'role' or 'role_column'", at=at)
    if involvement.role is not None:
        check_value(involvement.role, ROLES, what="role", at=(*at, "role"))
    return involvement


def _derived_event(spec: dict) -> DerivedEvent:
    at = ("derived_events",)
    check_keys(spec, DERIVED_EVENT_KEYS, where="[[derived_events]]", at=at)
    name, kind = (
        _require(spec, "name", "[derived_events]"),
        _require(spec, "type", "[derived_events]"),
    )
    check_value(str(kind), EVENT_TYPES, what="event type", at=(*at, "type"))
    when = spec.get("when")
    if not isinstance(when, dict):
        raise FeedError(
            f'derived event {name!r} needs when = {{ column = "...", equals = [...] }} '
            "or contains_any = [...]",
            at=at,
        )
    check_keys(when, CONDITION_KEYS, where=f"derived event {name!r}'s 'when'", at=(*at, "when"))
    if "column" not in when or ("equals" in when) == ("contains_any" in when):
        raise FeedError(
            f"derived event {name!r}: 'when' needs a column and one of equals or contains_any",
            at=(*at, "when"),
        )
    role = str(spec.get("role", "subject"))
    check_value(role, ROLES, what="role", at=(*at, "role"))
    return DerivedEvent(
        name=str(name),
        type=str(kind),
        column=str(when["column"]),
        equals=tuple(str(v) for v in when.get("equals", ())),
        contains_any=tuple(str(v).lower() for v in when.get("contains_any", ())),
        role=role,
        occurred_at=spec.get("occurred_at"),
        description=spec.get("description"),
    )


_RULE = re.compile(r"^\s*(\S+)\s*(<=|>=|<|>|==|!=)\s*(\S+)\s*$")


def _check(spec: dict) -> Check:
    at = ("checks",)
    check_keys(spec, CHECK_KEYS, where="[[checks]]", at=at)
    rule = str(_require(spec, "rule", "checks"))
    match = _RULE.match(rule)
    if not match:
        raise FeedError(
            f"the check {rule!r} is not of the form `Column <= OtherColumn` "
            "(<, <=, >, >=, == or !=)",
            at=(*at, "rule"),
        )
    left, operator, right = match.groups()
    return Check(
        left=left,
        operator=operator,
        right=right,
        message=str(spec.get("message", f"{left} must be {operator} {right}")),
    )


def _relationship(spec: object) -> RelationshipSpec:
    at = ("relationship",)
    if not isinstance(spec, dict):
        raise FeedError("[relationship] must be a table", at=at)
    check_keys(spec, RELATIONSHIP_KEYS, where="[relationship]", at=at)
    if ("kind" in spec) == ("kind_column" in spec):
        raise FeedError("[relationship] needs exactly one of 'kind' or 'kind_column'", at=at)
    if "kind" in spec:
        check_value(spec["kind"], RELATIONSHIP_KINDS, what="relationship kind", at=(*at, "kind"))
    for end in ("from", "to"):
        if end not in spec:
            raise FeedError(f"[relationship] needs '{end}' = {{ feed, column }}", at=at)
    return RelationshipSpec(
        person_from=_reference(spec["from"], at=(*at, "from")),
        person_to=_reference(spec["to"], at=(*at, "to")),
        kind=spec.get("kind"),
        kind_column=spec.get("kind_column"),
        started_at=spec.get("started_at"),
        ended_at=spec.get("ended_at"),
    )


def _object_contact(spec: object) -> ObjectContactSpec:
    at = ("object_contact",)
    if not isinstance(spec, dict):
        raise FeedError("[object_contact] must be a table", at=at)
    check_keys(spec, OBJECT_CONTACT_KEYS, where="[object_contact]", at=at)
    for key in ("kind", "from_kind", "to_kind", "from", "to"):
        _require(spec, key, "object_contact")
    check_value(spec["kind"], CONTACT_KINDS, what="contact kind", at=(*at, "kind"))
    for key in ("from_kind", "to_kind"):
        check_value(spec[key], OBJECT_KINDS, what="object kind", at=(*at, key))
    return ObjectContactSpec(
        kind=spec["kind"],
        from_kind=spec["from_kind"],
        to_kind=spec["to_kind"],
        from_column=spec["from"],
        to_column=spec["to"],
        occurred_at=spec.get("occurred_at"),
        source_contact_id=spec.get("source_contact_id"),
    )


def _object_link(spec: dict) -> ObjectLinkSpec:
    at = ("object_links",)
    check_keys(spec, OBJECT_LINK_KEYS, where="[[object_links]]", at=at)
    for key in ("kind", "column", "person"):
        _require(spec, key, "object_links")
    check_value(spec["kind"], OBJECT_KINDS, what="object kind", at=(*at, "kind"))
    return ObjectLinkSpec(
        kind=spec["kind"],
        column=spec["column"],
        person=_reference(spec["person"], at=(*at, "person")),
    )


def _adds_identifier(spec: object) -> AddsIdentifier:
    at = ("adds_identifier",)
    if not isinstance(spec, dict):
        raise FeedError("[adds_identifier] must be a table", at=at)
    check_keys(spec, ADDS_IDENTIFIER_KEYS, where="[adds_identifier]", at=at)
    check_forms(spec, where="[adds_identifier]", at=at)
    if ("kind" in spec) == ("kind_column" in spec):
        raise FeedError(
            "[adds_identifier] needs exactly one of 'kind' (an identifier kind) or "
            "'kind_column' (a code column mapping the file's names for kinds to ours)",
            at=at,
        )
    if "kind" in spec:
        check_value(spec["kind"], IDENTIFIER_KINDS, what="identifier kind", at=(*at, "kind"))
    for key in ("person", "value"):
        _require(spec, key, "adds_identifier")
    return AddsIdentifier(
        person=_reference(spec["person"], at=(*at, "person")),
        value=spec["value"],
        kind=spec.get("kind"),
        kind_column=spec.get("kind_column"),
        id=spec.get("id"),
    )


def _adds_details(spec: object) -> AddsDetails:
    at = ("adds_details",)
    if not isinstance(spec, dict):
        raise FeedError("[adds_details] must be a table", at=at)
    check_keys(spec, ADDS_DETAILS_KEYS, where="[adds_details]", at=at)
    check_forms(spec, where="[adds_details]", at=at)
    for key in ("event", "details"):
        _require(spec, key, "adds_details")
    if not spec["details"]:
        raise FeedError(
            '[adds_details] details must name at least one, e.g. { factor_codes = "Factors" }',
            at=(*at, "details"),
        )
    return AddsDetails(
        event=_reference(spec["event"], at=(*at, "event")),
        details={str(name): column for name, column in spec["details"].items()},
        id=spec.get("id"),
    )
