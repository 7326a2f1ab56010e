"""The indicator catalogue: a versioned TOML file, validated into typed objects when loaded.

A mistake in the file (an unknown event type, a missing weight, a level out of order) is
reported with the indicator's id before anything is scored; see docs/risk.md for every field.
"""

import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from safeguarding.people.enumerations import EventType, InvolvementRole

DOMAINS = {
    "missing": "Missing",
    "police": "Police",
    "relationships": "Relationships",
    "places": "Places",
    "social_care": "Social care",
    "education": "Education",
    "health": "Health",
    "youth_justice": "Youth justice",
    "care": "Care and protection",
    "family": "Family and home",
    "peers": "Siblings and friends",
}
EXPLOITATION_TYPES = {
    "cce": "Child criminal exploitation",
    "cse": "Child sexual exploitation",
    "county_lines": "County lines",
    "trafficking": "Trafficking",
}
KINDS = {
    "events",
    "attendance",
    "adult_of_concern",
    "place_of_concern",
    "network_concern",
    "related_exploited",
}
# network_concern: linked to one of these in the association graph (risk/linked_concerns.py)
NETWORK_CONCERNS = {"adult", "address", "phone"}
# Two parts of the catalogue: indicators are signs that a child may be being exploited;
# vulnerabilities raise the risk without being signs of harm, and weigh less (docs/risk.md).
PARTS = {"indicator": "Indicator of exploitation", "vulnerability": "Vulnerability"}
# household: same home and surname; shared_event: in one event; school: the same school (the
# tracker's school, from the latest attendance or exclusion record)
RELATIONS = {"household", "school", "shared_event"}
WEIGHTINGS = {"expert": "expert weights", "fitted": "weights fitted on local history"}
PLACE_CONDITIONS = {"out_of_area"}
COUNTS = {"events", "episodes"}


class CatalogueError(ValueError):
    """A catalogue that cannot be used, with a message saying what to change."""


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    domain: str
    types: tuple[str, ...]
    weight: float
    source: str
    kind: str
    event_types: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    # detail → accepted values, lower case (any one; a list detail matches on any element)
    details: dict[str, frozenset[str]] = field(default_factory=dict)
    # how many different accepted values a list detail must hold (e.g. two of cash, phones
    # and drugs found in one search)
    min_details: int = 1
    # detail → fragments, any one of which the detail's text contains (case-insensitive)
    details_contain: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # detail → values that rule an event out; for a missing episode, any agency's report of it
    # with one of them rules out the whole episode (e.g. away from placement, not missing)
    unless: dict[str, frozenset[str]] = field(default_factory=dict)
    location: str | None = None  # where the event happened: "out_of_area"
    found: str | None = None  # where a missing child was found: "out_of_area"
    min_hours: float | None = None  # events lasting at least this long
    min_count: int = 1  # in one window
    count: str = (
        "events"  # or "episodes": reports of one missing episode by two agencies count once
    )
    below: float | None = None  # attendance: the rate under which a half term counts
    # attendance: counts a half term only when its rate is at least this far below the pupil's
    # own mean over the year before it (at least two earlier half terms): a sharp fall, not a
    # long-standing pattern of absence
    falls_by: float | None = None
    # adults and places of concern; for a school, how many OTHER young people there
    min_young_people: int = 2
    adult_roles: tuple[str, ...] = ()
    lookback_days: int = 180
    concerns: tuple[str, ...] = ()  # network_concern: adult, address, phone
    part: str = "indicator"
    # related_exploited: who counts as related, and which of their indicators show exploitation
    relation: str | None = None
    related_indicators: tuple[str, ...] = ()
    # Counts only alongside another sign that does not need corroboration, in the same six
    # months: for records whose rate says as much about whom an agency watches as about the
    # child (arrests, stops; docs/risk.md, fairness)
    needs_corroboration: bool = False

    @property
    def domain_label(self) -> str:
        return DOMAINS[self.domain]

    @property
    def is_vulnerability(self) -> bool:
        return self.part == "vulnerability"


@dataclass(frozen=True)
class Catalogue:
    version: str
    title: str
    current_days: int
    previous_days: int
    previous_weight: float
    max_age: int
    medium: float
    high: float
    at_least_medium_under_age: int | None
    learning_disability_factors: tuple[str, ...]
    indicators: tuple[Indicator, ...]  # both parts: signs first, then vulnerabilities
    # Vulnerabilities together never add more than this, so alone they stay below medium.
    vulnerability_cap: float = 2.0
    weighting: str = "expert"
    weighting_note: str = ""
    # Fairness: the largest ratio between two groups' false-positive rates (or flag rates)
    # before the tracker warns, measured among the `fairness_top` highest scores.
    fairness_limit: float = 1.25
    fairness_top: int = 100

    @cached_property
    def signs(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if not i.is_vulnerability)

    @cached_property
    def vulnerabilities(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.is_vulnerability)

    def indicator(self, indicator_id: str) -> Indicator:
        return self.by_id[indicator_id]

    @cached_property
    def by_id(self) -> dict[str, Indicator]:
        return {indicator.id: indicator for indicator in self.indicators}

    def level_for(self, score: float) -> str:
        if score >= self.high:
            return "high"
        if score >= self.medium:
            return "medium"
        return "low" if score > 0 else "none"


def _strings(value, *, where: str, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CatalogueError(f"{where}: {what} must be a list of text values.")
    return tuple(value)


def _indicator(raw: dict, position: int, part: str = "indicator") -> Indicator:
    where = f"{part} {raw.get('id', f'number {position}')}"
    known = set(Indicator.__dataclass_fields__) - {"part"}
    unknown = set(raw) - known
    if unknown:
        raise CatalogueError(f"{where}: unknown field {', '.join(sorted(unknown))}.")
    for required in ("id", "name", "domain", "types", "weight", "source", "kind"):
        if required not in raw:
            raise CatalogueError(f"{where}: every indicator needs a {required}.")
    if raw["domain"] not in DOMAINS:
        raise CatalogueError(f"{where}: domain must be one of {', '.join(DOMAINS)}.")
    if raw["kind"] not in KINDS:
        raise CatalogueError(f"{where}: kind must be one of {', '.join(sorted(KINDS))}.")
    types = _strings(raw["types"], where=where, what="types")
    if not types or set(types) - set(EXPLOITATION_TYPES):
        raise CatalogueError(f"{where}: types must be some of {', '.join(EXPLOITATION_TYPES)}.")
    event_types = _strings(raw.get("event_types", []), where=where, what="event_types")
    unknown_types = set(event_types) - set(EventType.values)
    if unknown_types:
        raise CatalogueError(f"{where}: no event type {', '.join(sorted(unknown_types))}.")
    roles = _strings(raw.get("roles", []), where=where, what="roles")
    adult_roles = _strings(raw.get("adult_roles", []), where=where, what="adult_roles")
    unknown_roles = (set(roles) | set(adult_roles)) - set(InvolvementRole.values)
    if unknown_roles:
        raise CatalogueError(f"{where}: no role {', '.join(sorted(unknown_roles))}.")
    for place in ("location", "found"):
        if raw.get(place) not in (None, *PLACE_CONDITIONS):
            raise CatalogueError(f"{where}: {place} can only be {', '.join(PLACE_CONDITIONS)}.")
    if raw.get("count", "events") not in COUNTS:
        raise CatalogueError(f"{where}: count must be one of {', '.join(sorted(COUNTS))}.")
    weight = raw["weight"]
    if not isinstance(weight, int | float) or weight <= 0:
        raise CatalogueError(f"{where}: weight must be a number above zero.")
    if raw["kind"] == "attendance" and not 0 < raw.get("below", 0) <= 1:
        raise CatalogueError(f"{where}: an attendance indicator needs below, between 0 and 1.")
    falls_by = raw.get("falls_by")
    if falls_by is not None and (
        raw["kind"] != "attendance"
        or isinstance(falls_by, bool)
        or not isinstance(falls_by, int | float)
        or not 0 < falls_by < 1
    ):
        raise CatalogueError(
            f"{where}: falls_by is for an attendance indicator, a share between 0 and 1 "
            "(for example 0.15: fifteen points below the pupil's own year before)."
        )
    concerns = _strings(raw.get("concerns", []), where=where, what="concerns")
    if raw["kind"] == "network_concern" and (not concerns or set(concerns) - NETWORK_CONCERNS):
        raise CatalogueError(f"{where}: concerns must be some of adult, address, phone.")
    if raw.get("min_count", 1) < 1:
        raise CatalogueError(f"{where}: min_count must be at least 1.")
    if raw.get("min_details", 1) < 1:
        raise CatalogueError(f"{where}: min_details must be at least 1.")
    if not isinstance(raw.get("needs_corroboration", False), bool):
        raise CatalogueError(f"{where}: needs_corroboration must be true or false.")
    if raw.get("needs_corroboration") and part == "vulnerability":
        raise CatalogueError(f"{where}: only an indicator can need corroboration.")
    related = _strings(raw.get("related_indicators", []), where=where, what="related_indicators")
    if raw["kind"] == "related_exploited" and (raw.get("relation") not in RELATIONS or not related):
        raise CatalogueError(
            f"{where}: a related_exploited item needs relation ({', '.join(sorted(RELATIONS))}) "
            "and related_indicators."
        )
    min_young_people = raw.get("min_young_people", 2)
    if isinstance(min_young_people, bool) or not isinstance(min_young_people, int):
        raise CatalogueError(f"{where}: min_young_people must be a whole number.")
    if min_young_people < 1:
        raise CatalogueError(f"{where}: min_young_people must be at least 1.")
    lookback_days = raw.get("lookback_days", 180)
    if isinstance(lookback_days, bool) or not isinstance(lookback_days, int) or lookback_days < 1:
        raise CatalogueError(f"{where}: lookback_days must be a whole number of days, at least 1.")
    return Indicator(
        **{
            **raw,
            "part": part,
            "related_indicators": related,
            "types": types,
            "event_types": event_types,
            "roles": roles,
            "adult_roles": adult_roles,
            "concerns": concerns,
            "weight": float(weight),
            "details": {
                key: frozenset(
                    v.lower() for v in _strings(values, where=where, what=f"details.{key}")
                )
                for key, values in raw.get("details", {}).items()
            },
            "unless": {
                key: frozenset(
                    v.lower() for v in _strings(values, where=where, what=f"unless.{key}")
                )
                for key, values in raw.get("unless", {}).items()
            },
            "details_contain": {
                key: tuple(
                    v.lower() for v in _strings(values, where=where, what=f"details_contain.{key}")
                )
                for key, values in raw.get("details_contain", {}).items()
            },
        }
    )


def parse_catalogue(text: str, *, name: str = "catalogue") -> Catalogue:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{name} is not valid TOML: {error}") from error
    head, levels, rules = raw.get("catalogue", {}), raw.get("levels", {}), raw.get("rules", {})
    if not head.get("version"):
        raise CatalogueError(f"{name}: [catalogue] needs a version.")
    signs = tuple(
        _indicator(item, position) for position, item in enumerate(raw.get("indicator", []), 1)
    )
    if not signs:
        raise CatalogueError(f"{name} has no [[indicator]].")
    if all(sign.needs_corroboration for sign in signs):
        raise CatalogueError(f"{name}: every indicator needs corroboration, so none can count.")
    vulnerabilities = tuple(
        _indicator(item, position, "vulnerability")
        for position, item in enumerate(raw.get("vulnerability", []), 1)
    )
    indicators = signs + vulnerabilities
    sign_ids = {i.id for i in signs}
    for item in indicators:
        unknown = set(item.related_indicators) - sign_ids
        if unknown:
            raise CatalogueError(f"{item.id}: no indicator {', '.join(sorted(unknown))}.")
    weighting, fairness = raw.get("weighting", {}), raw.get("fairness", {})
    if weighting.get("kind", "expert") not in WEIGHTINGS:
        raise CatalogueError(f"{name}: [weighting] kind must be one of {', '.join(WEIGHTINGS)}.")
    ids = [indicator.id for indicator in indicators]
    repeated = {i for i in ids if ids.count(i) > 1}
    if repeated:
        raise CatalogueError(f"{name}: indicator id {', '.join(sorted(repeated))} is used twice.")
    medium, high = levels.get("medium"), levels.get("high")
    if not (
        isinstance(medium, int | float) and isinstance(high, int | float) and 0 < medium < high
    ):
        raise CatalogueError(f"{name}: [levels] needs medium and high, with 0 < medium < high.")
    current, previous = head.get("current_days", 90), head.get("previous_days", 180)
    if not 0 < current < previous:
        raise CatalogueError(f"{name}: current_days must be above 0 and below previous_days.")
    return Catalogue(
        version=str(head["version"]),
        title=head.get("title", ""),
        current_days=current,
        previous_days=previous,
        previous_weight=float(head.get("previous_weight", 0.5)),
        max_age=int(head.get("max_age", 17)),
        medium=float(medium),
        high=float(high),
        at_least_medium_under_age=rules.get("at_least_medium_under_age"),
        learning_disability_factors=tuple(rules.get("learning_disability_factors", [])),
        indicators=indicators,
        vulnerability_cap=float(head.get("vulnerability_cap", 2.0)),
        weighting=weighting.get("kind", "expert"),
        weighting_note=weighting.get("note", ""),
        fairness_limit=float(fairness.get("limit", 1.25)),
        fairness_top=int(fairness.get("top", 100)),
    )


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The catalogue in the file (settings.INDICATOR_CATALOGUE unless given), read again only
    when the file changes."""
    from django.conf import settings

    path = Path(path or settings.INDICATOR_CATALOGUE)
    return _parsed(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _parsed(path: Path, modified: int) -> Catalogue:
    return parse_catalogue(path.read_text(encoding="utf-8"), name=path.name)
