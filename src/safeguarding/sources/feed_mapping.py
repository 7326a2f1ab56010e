"""Checking a feed's mapping: every column it maps is declared, of a type that can feed the
field, and every code it maps lands in the enumeration it feeds."""

from typing import TYPE_CHECKING

from safeguarding.sources.feed_language import (
    CODE_TARGETS,
    COLUMN_PARTS,
    EVENT_FIELDS,
    FIELD_TYPES,
    SOURCE_RECORD_FIELDS,
    FeedError,
    suggestion,
)

if TYPE_CHECKING:
    from safeguarding.sources.feeds import Feed


def column_type(feed: "Feed", name: str) -> str | None:
    """The type of a column the mapping names (`Column`, `Column.part` or a built value)."""
    if name in feed.columns:
        return feed.columns[name].type
    if name in feed.combined:
        return "text"
    if feed.grid and name in {"@latitude", "@longitude"}:
        return name[1:]
    base, _, part = name.partition(".")
    if part and base in feed.columns and part in COLUMN_PARTS.get(feed.columns[base].type, ()):
        return "postcode" if part == "postcode" else "text"
    return None


def _declared(feed: "Feed", name: str, *, at: tuple[str, ...]) -> None:
    if column_type(feed, name) is not None:
        return
    base, _, part = name.partition(".")
    if part and base in feed.columns:
        parts = COLUMN_PARTS.get(feed.columns[base].type)
        raise FeedError(
            f"{name!r}: the column {base!r} has no part {part!r}"
            + (f"; its parts are {', '.join(sorted(parts))}" if parts else ""),
            at=at,
        )
    raise FeedError(
        f"the column {name!r} is mapped but not declared in [columns]"
        f"{suggestion(name, feed.columns)}",
        at=at,
    )


def _feeds_field(feed: "Feed", name: str, field: str, *, at: tuple[str, ...]) -> None:
    _declared(feed, name, at=at)
    kind = column_type(feed, name)
    allowed = FIELD_TYPES.get(field)
    if allowed and kind not in allowed:
        raise FeedError(
            f"{field} is fed by {name!r}, a {kind} column: declare it as "
            f"{' or '.join(sorted(allowed))}" + _hint(allowed),
            at=at,
        )
    if field in CODE_TARGETS:
        _codes_in(feed, name, field, at=at)


def _hint(allowed: set[str]) -> str:
    return ' with a format, e.g. type = "date", format = "%d/%m/%Y"' if "date" in allowed else ""


def _codes_in(feed: "Feed", name: str, target: str, *, at: tuple[str, ...]) -> None:
    what, known = CODE_TARGETS[target]
    column = feed.columns.get(name)
    if column is None or column.type != "code":
        raise FeedError(f"{name!r} feeds a {what}, so it must be a code column", at=at)
    for code, ours in column.codes.items():
        if ours not in known:
            raise FeedError(
                f"column {name!r} maps the code {code!r} to {ours!r}, which is not a {what}"
                f"{suggestion(ours, known)}; the {what}s are: {', '.join(sorted(known))}",
                at=("columns", name, code),
            )


def check_mapping(feed: "Feed") -> None:
    if feed.source_record and "source_record_id" not in feed.source_record:
        raise FeedError(
            "[source_record] needs 'source_record_id', the agency's own id", at=("source_record",)
        )
    if feed.event and ("source_event_id" not in feed.event or "occurred_at" not in feed.event):
        raise FeedError("[event] needs 'source_event_id' and 'occurred_at'", at=("event",))
    if feed.event and not feed.event_type:
        raise FeedError(
            "[event] needs 'type': an event type, or a code column holding it", at=("event",)
        )
    for built in feed.combined.values():
        for name in built.columns:
            _declared(feed, name, at=())
    for ours, theirs in feed.source_record.items():
        if ours in SOURCE_RECORD_FIELDS:
            _feeds_field(feed, theirs, ours, at=("source_record", ours))
    for ours, theirs in feed.event.items():
        if ours in EVENT_FIELDS:
            _feeds_field(feed, theirs, ours, at=("event", ours))
    if feed.grid:
        _feeds_field(feed, feed.grid[0], "easting", at=("event", "easting"))
        _feeds_field(feed, feed.grid[1], "northing", at=("event", "northing"))
        if len(feed.grid) == 4:
            _feeds_field(feed, feed.grid[2], "latitude", at=("event", "latitude"))
            _feeds_field(feed, feed.grid[3], "longitude", at=("event", "longitude"))
    for kind, theirs in {**feed.identifiers, **feed.objects}.items():
        _declared(feed, theirs, at=("source_record", kind))
    for detail, theirs in feed.event_details.items():
        _declared(feed, theirs, at=("event", "details", detail))
    if feed.event_type:
        if feed.event_type in feed.columns:
            _codes_in(feed, feed.event_type, "event_type", at=("event", "type"))
        else:
            from safeguarding.sources.feed_language import EVENT_TYPES, check_value

            check_value(feed.event_type, EVENT_TYPES, what="event type", at=("event", "type"))
    for spec in feed.involvements:
        if spec.role_column:
            _codes_in(feed, spec.role_column, "role", at=("involvements", "role_column"))
        for reference in (spec.person, spec.event):
            if reference:
                _declared(feed, reference.column, at=("involvements", reference.column))
        if spec.person is None and not feed.source_record:
            raise FeedError(
                "an involvement names no person, and the feed has no [source_record]",
                at=("involvements",),
            )
        if spec.event is None and not feed.event:
            raise FeedError(
                "an involvement names no event, and the feed has no [event]", at=("involvements",)
            )
    for column in feed.columns.values():
        if column.year_column:
            _declared(feed, column.year_column, at=("columns", column.name, "year_column"))
    _check_derived_and_checks(feed)
    _check_links(feed)


def _check_derived_and_checks(feed: "Feed") -> None:
    for derived in feed.derived_events:
        at = ("derived_events", derived.name)
        _declared(feed, derived.column, at=at)
        if derived.occurred_at:
            _feeds_field(feed, derived.occurred_at, "occurred_at", at=at)
        elif not feed.event:
            raise FeedError(
                f"derived event {derived.name!r} needs occurred_at: the feed has no [event]",
                at=at,
            )
        if not (feed.event or feed.source_record):
            raise FeedError(
                f"derived event {derived.name!r}: the feed has no record or event to derive from",
                at=at,
            )
        if derived.description:
            _declared(feed, derived.description, at=at)
    comparable = {"date", "datetime", "term", "integer", "number", "latitude", "longitude"}
    for check in feed.checks:
        for name in (check.left, check.right):
            _declared(feed, name, at=("checks", name))
            if column_type(feed, name) not in comparable:
                raise FeedError(
                    f"the check {check.left} {check.operator} {check.right} compares {name!r}, "
                    "which is not a date or number column",
                    at=("checks", name),
                )


def _check_links(feed: "Feed") -> None:
    spec = feed.relationship
    if spec is not None:
        for reference in (spec.person_from, spec.person_to):
            _declared(feed, reference.column, at=("relationship", reference.column))
        if spec.kind_column:
            _codes_in(feed, spec.kind_column, "relationship", at=("relationship", "kind_column"))
        for name in (spec.started_at, spec.ended_at):
            if name:
                _feeds_field(feed, name, "started_at", at=("relationship", name))
    contact = feed.object_contact
    if contact is not None:
        for name in (contact.from_column, contact.to_column, contact.source_contact_id):
            if name:
                _declared(feed, name, at=("object_contact", name))
        if contact.occurred_at:
            _feeds_field(feed, contact.occurred_at, "occurred_at", at=("object_contact",))
    for link in feed.object_links:
        _declared(feed, link.column, at=("object_links", link.column))
        _declared(feed, link.person.column, at=("object_links", link.person.column))
    _check_additions(feed)


def _check_additions(feed: "Feed") -> None:
    adds = feed.adds_identifier
    if adds is not None:
        at = ("adds_identifier",)
        for name in (adds.id, adds.person.column, adds.value):
            if name:
                _declared(feed, name, at=(*at, name))
        if adds.kind_column:
            _codes_in(feed, adds.kind_column, "identifier_kind", at=(*at, "kind_column"))
    details = feed.adds_details
    if details is not None:
        at = ("adds_details",)
        for name in (details.id, details.event.column, *details.details.values()):
            if name:
                _declared(feed, name, at=(*at, name))
        if details.event.feed == feed.name:
            raise FeedError(
                "[adds_details] adds to events of another feed: name that feed, "
                "or map the details in this feed's own [event]",
                at=(*at, "event"),
            )
    if (adds or details) and (feed.event or feed.source_record):
        raise FeedError(
            "a file that adds to another feed's records or events has no [source_record] or "
            "[event] of its own: write a separate feed for each",
            at=("adds_identifier" if adds else "adds_details",),
        )
