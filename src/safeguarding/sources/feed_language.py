"""The words a feed file may use, and how a mistake in one is reported.

A feed is configuration written by an analyst, so it is checked as strictly as the indicator
catalogue: an unknown key, a misspelt option or a value outside the enumeration it feeds is
refused when the feed is loaded, naming the file, the line and the nearest word it knows.
tomllib gives no line numbers, so the line is found by searching the file's text for the keys
that lead to the mistake.
"""

import difflib
import re
from collections.abc import Iterable

from safeguarding.people.models import (
    ContactKind,
    EventType,
    IdentifierKind,
    InvolvementRole,
    ObjectKind,
    RelationshipKind,
    Sex,
)

SECTIONS = {
    "feed",
    "format",
    "columns",
    "source_record",
    "event",
    "involvements",
    "derived_events",
    "checks",
    "relationship",
    "object_contact",
    "object_links",
    "adds_identifier",
    "adds_details",
}
FEED_KEYS = {
    "name",
    "agency",
    "title",
    "lawful_basis",
    "isa_reference",
    "isa_review_date",
    "retention_days",
    "file_patterns",
    "version",
}
FORMAT_KEYS = {
    "kind",
    "delimiter",
    "encoding",
    "sheet",
    "sheets",
    "records_path",
    "header_row",
    "column_names",
    "skip_rows",
}
COLUMN_KEYS = {
    "type",
    "required",
    "format",
    "codes",
    "separator",
    "flag_only",
    "not_after_today",
    "not_before",
    "min",
    "max",
    "form",
    "allow_district",
    "year_column",
    "terms",
}
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
    "easting",
    "northing",
    "integer",
    "number",
    "list",
    "person_name",
    "address",
    "term",
    "json_list",
}
# The parts a column of several fields gives, named `Column.part` in the mapping sections.
COLUMN_PARTS = {
    "person_name": {"given", "family", "initials"},
    "address": {"house_number", "street", "town", "postcode"},
}
NAME_FORMS = {"family, given", "given family", "family given"}
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
SOURCE_RECORD_KEYS = SOURCE_RECORD_FIELDS | {"identifiers", "objects"}
EVENT_FIELDS = {
    "source_event_id",
    "event_type",
    "occurred_at",
    "ended_at",
    "postcode",
    "location_name",
    "latitude",
    "longitude",
    "easting",
    "northing",
    "description",
}
EVENT_KEYS = (EVENT_FIELDS - {"event_type"}) | {"type", "details"}
INVOLVEMENT_KEYS = {"role", "role_column", "person", "event"}
REFERENCE_KEYS = {"feed", "column"}
DERIVED_EVENT_KEYS = {"name", "type", "when", "role", "occurred_at", "description"}
CONDITION_KEYS = {"column", "equals", "contains_any"}
CHECK_KEYS = {"rule", "message"}
RELATIONSHIP_KEYS = {"kind", "kind_column", "from", "to", "started_at", "ended_at"}
OBJECT_CONTACT_KEYS = {
    "kind",
    "from_kind",
    "to_kind",
    "from",
    "to",
    "occurred_at",
    "source_contact_id",
}
OBJECT_LINK_KEYS = {"kind", "column", "person"}
# A file whose rows add to what another feed imported: an identifier to a person's record,
# details to an event (ssd_linked_identifiers, ssd_assessment_factors).
ADDS_IDENTIFIER_KEYS = {"id", "person", "kind", "kind_column", "value"}
ADDS_DETAILS_KEYS = {"id", "event", "details"}

# Which column types may feed which of our fields: a date of birth from a text column would
# store whatever the cell held, so it is refused when the feed is loaded.
FIELD_TYPES = {
    "date_of_birth": {"date", "datetime"},
    "occurred_at": {"date", "datetime", "term"},
    "ended_at": {"date", "datetime", "term"},
    "started_at": {"date", "datetime", "term"},
    "sex": {"code"},
    "latitude": {"latitude"},
    "longitude": {"longitude"},
    "easting": {"easting"},
    "northing": {"northing"},
    "aliases": {"list", "text"},
}
# The enumeration a code column's values must belong to when it feeds one of these.
CODE_TARGETS = {
    "sex": ("sex", set(Sex.values)),
    "event_type": ("event type", set(EventType.values)),
    "role": ("role", set(InvolvementRole.values)),
    "relationship": ("relationship kind", set(RelationshipKind.values)),
    "identifier_kind": ("identifier kind", set(IdentifierKind.values)),
}
EVENT_TYPES = set(EventType.values)
ROLES = set(InvolvementRole.values)
IDENTIFIER_KINDS = set(IdentifierKind.values)
OBJECT_KINDS = set(ObjectKind.values)
RELATIONSHIP_KINDS = set(RelationshipKind.values)
CONTACT_KINDS = set(ContactKind.values)


class FeedError(ValueError):
    """A feed file that cannot be used, with a message saying what to change.

    `at` is the chain of keys that leads to the mistake (section, column, option), from which
    the loader finds the line in the file."""

    def __init__(self, message: str, *, at: tuple[str, ...] = ()):
        super().__init__(message)
        self.at = at


def suggestion(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_keys(table: dict, known: set[str], *, where: str, at: tuple[str, ...]) -> None:
    for key in table:
        if key not in known:
            raise FeedError(
                f"{where} has no option {key!r}{suggestion(key, known)}; "
                f"its options are: {', '.join(sorted(known))}",
                at=(*at, key),
            )


def check_value(value: str, known: set[str], *, what: str, at: tuple[str, ...]) -> None:
    if value not in known:
        raise FeedError(
            f"{value!r} is not a {what}{suggestion(value, known)}; "
            f"the {what}s are: {', '.join(sorted(known))}",
            at=at,
        )


# The form each option's value takes, so that `required = "yes"` or `file_patterns = 3` is
# refused with its line rather than failing somewhere later.
OPTION_FORMS: dict[str, tuple[type, ...]] = {
    "required": (bool,),
    "flag_only": (bool,),
    "not_after_today": (bool,),
    "allow_district": (bool,),
    "type": (str,),
    "separator": (str,),
    "not_before": (str,),
    "form": (str,),
    "year_column": (str,),
    "format": (str, list),
    "codes": (dict,),
    "terms": (dict,),
    "min": (int, float),
    "max": (int, float),
    "name": (str,),
    "agency": (str,),
    "title": (str,),
    "isa_reference": (str,),
    "version": (str, int),
    "retention_days": (int,),
    "file_patterns": (list,),
    "kind": (str,),
    "delimiter": (str,),
    "encoding": (str,),
    "sheet": (str,),
    "sheets": (list,),
    "records_path": (str,),
    "header_row": (int,),
    "column_names": (list,),
    "skip_rows": (dict,),
    "value": (str,),
    "kind_column": (str,),
    "id": (str,),
    "person": (dict,),
    "event": (dict,),
    "details": (dict,),
}
FORM_NAMES = {
    bool: "true or false",
    str: "text in quotes",
    list: "a list [...]",
    dict: "a table { ... }",
    int: "a whole number",
    float: "a number",
}


def check_forms(table: dict, *, where: str, at: tuple[str, ...]) -> None:
    for key, value in table.items():
        forms = OPTION_FORMS.get(key)
        if forms is None:
            continue
        # Python counts true as a number: a true where a number belongs is still refused.
        if isinstance(value, forms) and not (isinstance(value, bool) and bool not in forms):
            continue
        raise FeedError(
            f"{where}: {key} is {value!r}, but must be "
            + " or ".join(FORM_NAMES[form] for form in forms),
            at=(*at, key),
        )


def line_of(text: str, at: tuple[str, ...]) -> int | None:
    """The line (1 is the first) where the chain of keys `at` leads, searching forward for
    each key in turn as a section header or as `key =`; None when not found."""
    lines = text.splitlines()
    line, found = 0, None
    for key in at:
        quoted = re.escape(key)
        pattern = re.compile(
            rf"^\s*\[\[?\s*{quoted}\s*\]\]?|(^|[{{,\s])(\"{quoted}\"|'{quoted}'|{quoted})\s*="
        )
        for number in range(line, len(lines)):
            if pattern.search(lines[number].split("#")[0] if "#" not in key else lines[number]):
                line, found = number, number + 1
                break
    return found
