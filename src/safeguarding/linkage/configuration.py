"""The linkage settings file (`linkage/settings.toml`), validated into a typed object at load.

As the feeds and the indicator catalogue, the settings are data a partnership reads and
changes; a mistake stops the run with the file, the key and, for a misspelling, what was meant.
`linkage/model.py` turns the object into Splink's settings. docs/linkage.md describes each field.
"""

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Fields a blocking rule or training session may ask two records to agree on.
BLOCKING_FIELDS = {
    "first_name",
    "surname",
    "date_of_birth",
    "date_of_birth_swapped",
    "names_swapped",
    "year_of_birth",
    "postcode",
    "postcode_sector",
    "house_number",
    "sex",
    "identifier",
}
POSTCODE_STYLES = {"uk", "plain"}
IDENTIFIER_KIND = re.compile(r"^[a-z][a-z0-9_]{1,29}$")


class LinkageSettingsError(ValueError):
    """A settings file that cannot be used, with the file, the key and what to change."""


@dataclass(frozen=True)
class Names:
    swapped: bool = True
    term_frequency: bool = True
    near: float = 0.92
    far: float = 0.80
    alternatives_near: float = 0.92


@dataclass(frozen=True)
class DateOfBirth:
    swapped: bool = True
    within_days: int = 31


@dataclass(frozen=True)
class Postcode:
    style: str = "uk"
    term_frequency: bool = True


@dataclass(frozen=True)
class LinkageSettings:
    threshold: float = 0.9
    review_band: tuple[float, float] = (0.5, 0.99)
    not_linked: frozenset[str] = frozenset({"partner-concerns"})
    minimum_records_to_train: int = 200
    probability_two_random_records_match: float = 1e-4
    labels_to_train: int = 200
    names: Names = field(default_factory=Names)
    date_of_birth: DateOfBirth | None = field(default_factory=DateOfBirth)
    postcode: Postcode | None = field(default_factory=Postcode)
    compare_address: bool = True
    compare_sex: bool = True
    identifier_kinds: tuple[str, ...] | None = None  # None: every kind the records hold
    twin_hold: bool = True
    # Identifier kinds that are one per person, and the match probability from which a link
    # joins two people whose identifiers of such a kind differ (clustering.py)
    conflict_kinds: tuple[str, ...] = ("nhs_number", "upn")
    conflicts_join_at: float = 0.99
    blocking: tuple[tuple[str, ...], ...] = ()
    training: tuple[tuple[str, ...], ...] = ()
    source: str = "(defaults)"


class _Reader:
    """Reads one table of the file, refusing what it does not know."""

    def __init__(self, path: Path, table: dict, prefix: str = ""):
        self.path, self.table, self.prefix = path, table, prefix
        self.read: set[str] = set()

    def error(self, key: str, message: str) -> LinkageSettingsError:
        return LinkageSettingsError(f"{self.path}: {self.prefix}{key}: {message}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        self.read.add(key)
        if key not in self.table:
            return default
        value = self.table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            raise self.error(key, f"expected {names}, found {value!r}")
        return value

    def probability(self, key: str, default: float) -> float:
        value = self.get(key, float, default)
        if not 0 < value < 1:
            raise self.error(key, f"must be between 0 and 1, found {value}")
        return value

    def table_of(self, key: str) -> "_Reader | None":
        value = self.get(key, dict, None)
        return None if value is None else _Reader(self.path, value, f"{self.prefix}{key}.")

    def finish(self) -> None:
        for key in self.table:
            if key not in self.read:
                known = sorted(self.read)
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
                raise self.error(key, f"unknown key; {hint}")


def _fields(reader: _Reader, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise reader.error(key, f"expected a list of field names, found {value!r}")
    for name in value:
        if name not in BLOCKING_FIELDS:
            close = difflib.get_close_matches(name, sorted(BLOCKING_FIELDS), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {sorted(BLOCKING_FIELDS)}"
            raise reader.error(key, f"unknown field {name!r}; {hint}")
    return tuple(value)


def _rules(reader: _Reader, key: str, inner: str) -> tuple[tuple[str, ...], ...]:
    rules = reader.get(key, list, [])
    found = []
    for number, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict):
            raise reader.error(f"{key}[{number}]", "expected a table")
        entry = _Reader(reader.path, rule, f"{key}[{number}].")
        found.append(_fields(entry, inner, entry.get(inner, list, None)))
        entry.finish()
    return tuple(found)


def load_linkage_settings(path: Path | str) -> LinkageSettings:
    """The settings in this TOML file, or a LinkageSettingsError naming the file and key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise LinkageSettingsError(f"{path}: no such file") from error
    except tomllib.TOMLDecodeError as error:
        raise LinkageSettingsError(f"{path}: not valid TOML: {error}") from error
    top = _Reader(path, data)
    threshold = top.probability("threshold", LinkageSettings.threshold)
    band = top.get("review_band", list, [0.5, 0.99])
    if (
        len(band) != 2
        or not all(isinstance(v, int | float) for v in band)
        or not 0 < band[0] < band[1] <= 1
    ):
        raise top.error("review_band", f"expected [low, high] with 0 < low < high <= 1: {band}")
    not_linked = top.get("not_linked", list, ["partner-concerns"])
    settings = LinkageSettings(
        threshold=threshold,
        review_band=(float(band[0]), float(band[1])),
        not_linked=frozenset(str(feed) for feed in not_linked),
        minimum_records_to_train=top.get("minimum_records_to_train", int, 200),
        probability_two_random_records_match=top.probability(
            "probability_two_random_records_match", 1e-4
        ),
        labels_to_train=top.get("labels_to_train", int, 200),
        names=_names(top),
        date_of_birth=_date_of_birth(top),
        postcode=_postcode(top),
        compare_address=_compare(top, "address"),
        compare_sex=_compare(top, "sex"),
        identifier_kinds=_identifier_kinds(top),
        twin_hold=_twin_hold(top),
        **_identifier_conflicts(top, threshold=threshold, review_high=float(band[1])),
        blocking=_rules(top, "blocking", "agree"),
        training=_rules(top, "training", "block_on"),
        source=str(path),
    )
    top.finish()
    if not settings.blocking:
        raise top.error("blocking", "at least one blocking rule is needed")
    return settings


def _names(top: _Reader) -> Names:
    reader = top.table_of("names")
    if reader is None:
        return Names()
    names = Names(
        swapped=reader.get("swapped", bool, True),
        term_frequency=reader.get("term_frequency", bool, True),
        near=reader.probability("near", 0.92),
        far=reader.probability("far", 0.80),
        alternatives_near=reader.probability("alternatives_near", 0.92),
    )
    reader.finish()
    return names


def _date_of_birth(top: _Reader) -> DateOfBirth | None:
    reader = top.table_of("date_of_birth")
    if reader is None:
        return DateOfBirth()
    if not reader.get("compare", bool, True):
        reader.finish()
        return None
    dates = DateOfBirth(
        swapped=reader.get("swapped", bool, True), within_days=reader.get("within_days", int, 31)
    )
    reader.finish()
    return dates


def _postcode(top: _Reader) -> Postcode | None:
    reader = top.table_of("postcode")
    if reader is None:
        return Postcode()
    if not reader.get("compare", bool, True):
        reader.finish()
        return None
    style = reader.get("style", str, "uk")
    if style not in POSTCODE_STYLES:
        raise reader.error("style", f"expected one of {sorted(POSTCODE_STYLES)}, found {style!r}")
    postcode = Postcode(style=style, term_frequency=reader.get("term_frequency", bool, True))
    reader.finish()
    return postcode


def _compare(top: _Reader, key: str) -> bool:
    reader = top.table_of(key)
    if reader is None:
        return True
    compare = reader.get("compare", bool, True)
    reader.finish()
    return compare


def _identifier_kinds(top: _Reader) -> tuple[str, ...] | None:
    reader = top.table_of("identifiers")
    if reader is None:
        return None
    kinds = reader.get("kinds", (str, list), "all")
    reader.finish()
    if kinds == "all":
        return None
    if isinstance(kinds, str) or not all(
        isinstance(kind, str) and IDENTIFIER_KIND.match(kind) for kind in kinds
    ):
        raise reader.error("kinds", f'expected "all" or a list of identifier kinds: {kinds!r}')
    return tuple(kinds)


def _twin_hold(top: _Reader) -> bool:
    reader = top.table_of("twin_hold")
    if reader is None:
        return True
    enabled = reader.get("enabled", bool, True)
    reader.finish()
    return enabled


def _identifier_conflicts(top: _Reader, *, threshold: float, review_high: float) -> dict:
    reader = top.table_of("identifier_conflicts")
    if reader is None:
        return {}
    kinds = reader.get("kinds", list, list(LinkageSettings.conflict_kinds))
    if not all(isinstance(kind, str) and IDENTIFIER_KIND.match(kind) for kind in kinds):
        raise reader.error("kinds", f"expected a list of identifier kinds: {kinds!r}")
    joins_at = reader.get("joins_at", float, LinkageSettings.conflicts_join_at)
    # Above the threshold, or it would refuse nothing; within the review band, so that every
    # link it refuses waits in the review queue for a person.
    if not threshold < joins_at <= review_high:
        raise reader.error(
            "joins_at",
            f"must be above threshold ({threshold}) and at most the review band's top "
            f"({review_high}), found {joins_at}",
        )
    reader.finish()
    return {"conflict_kinds": tuple(kinds), "conflicts_join_at": joins_at}


def linkage_settings() -> LinkageSettings:
    """The partnership's settings: the file SAFEGUARDING_LINKAGE_SETTINGS names, or ours."""
    from django.conf import settings

    return load_linkage_settings(settings.LINKAGE_SETTINGS)
