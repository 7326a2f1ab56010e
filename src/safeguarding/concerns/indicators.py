"""The sectors and what each may have seen: a versioned TOML file (indicators/concerns.toml),
validated into typed objects when loaded, as the indicator catalogue is (risk/catalogue.py).

A mistake in the file (an unknown key, a sector without a source, an indicator id used twice)
is refused with the file and the place of the mistake, before any form is shown."""

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings


class IndicatorListError(ValueError):
    """Lists that cannot be used, with a message saying what to change."""


@dataclass(frozen=True)
class SeenIndicator:
    id: str
    text: str
    urgent: bool


@dataclass(frozen=True)
class Sector:
    id: str
    name: str
    source: str
    indicators: tuple[SeenIndicator, ...]


@dataclass(frozen=True)
class IndicatorLists:
    version: str
    title: str
    hours: dict[str, int]  # priority name → hours to triage
    sectors: tuple[Sector, ...]

    def sector(self, sector_id: str) -> Sector | None:
        return next((s for s in self.sectors if s.id == sector_id), None)

    def texts(self) -> dict[str, str]:
        """Every indicator's id → its text, over every sector."""
        return {i.id: i.text for s in self.sectors for i in s.indicators}

    def urgent(self) -> frozenset[str]:
        return frozenset(i.id for s in self.sectors for i in s.indicators if i.urgent)


PRIORITY_KEYS = {"immediate_hours", "high_hours", "routine_hours"}


def _keys(table: dict, *, allowed: set[str], required: set[str], where: str, path: Path) -> None:
    if not isinstance(table, dict):
        raise IndicatorListError(f"{path}: {where} must be a table")
    unknown = set(table) - allowed
    if unknown:
        raise IndicatorListError(f"{path}: {where}: unknown key(s) {sorted(unknown)}")
    missing = required - set(table)
    if missing:
        raise IndicatorListError(f"{path}: {where}: missing {sorted(missing)}")


def _text(value, *, where: str, path: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise IndicatorListError(f"{path}: {where} must be text, not empty")
    return value.strip()


def parse(data: dict, *, path: Path) -> IndicatorLists:
    """Validate the file's data into IndicatorLists, or raise IndicatorListError."""
    tables = {"lists", "priorities", "sector"}
    _keys(data, allowed=tables, required=tables, where="the file", path=path)
    lists = data["lists"]
    _keys(
        lists,
        allowed={"version", "title"},
        required={"version", "title"},
        where="[lists]",
        path=path,
    )
    priorities = data["priorities"]
    _keys(
        priorities, allowed=PRIORITY_KEYS, required=PRIORITY_KEYS, where="[priorities]", path=path
    )
    hours = {}
    for key in sorted(PRIORITY_KEYS):
        value = priorities[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise IndicatorListError(f"{path}: [priorities] {key} must be a whole number of hours")
        hours[key.removesuffix("_hours")] = value
    if not hours["immediate"] <= hours["high"] <= hours["routine"]:
        raise IndicatorListError(f"{path}: [priorities] hours must not fall as urgency falls")
    sectors, seen_sectors, seen_indicators = [], set(), set()
    if not isinstance(data["sector"], list) or not data["sector"]:
        raise IndicatorListError(f"{path}: at least one [[sector]]")
    for number, sector in enumerate(data["sector"], start=1):
        where = f"sector {sector.get('id', number) if isinstance(sector, dict) else number}"
        _keys(
            sector,
            allowed={"id", "name", "source", "indicators"},
            required={"id", "name", "source", "indicators"},
            where=where,
            path=path,
        )
        sector_id = _text(sector["id"], where=f"{where}: id", path=path)
        if sector_id in seen_sectors:
            raise IndicatorListError(f"{path}: {where}: id used twice")
        seen_sectors.add(sector_id)
        if not isinstance(sector["indicators"], list) or not sector["indicators"]:
            raise IndicatorListError(f"{path}: {where}: indicators must be a list, not empty")
        indicators = []
        for item in sector["indicators"]:
            _keys(
                item,
                allowed={"id", "text", "urgent"},
                required={"id", "text"},
                where=where,
                path=path,
            )
            indicator_id = _text(item["id"], where=f"{where}: indicator id", path=path)
            if indicator_id in seen_indicators:
                raise IndicatorListError(f"{path}: {where}: indicator {indicator_id} used twice")
            seen_indicators.add(indicator_id)
            urgent = item.get("urgent", False)
            if not isinstance(urgent, bool):
                raise IndicatorListError(
                    f"{path}: {where}: {indicator_id}: urgent is true or false"
                )
            indicators.append(
                SeenIndicator(
                    id=indicator_id,
                    text=_text(item["text"], where=f"{where}: {indicator_id}: text", path=path),
                    urgent=urgent,
                )
            )
        sectors.append(
            Sector(
                id=sector_id,
                name=_text(sector["name"], where=f"{where}: name", path=path),
                source=_text(sector["source"], where=f"{where}: source", path=path),
                indicators=tuple(indicators),
            )
        )
    return IndicatorLists(
        version=_text(lists["version"], where="[lists] version", path=path),
        title=_text(lists["title"], where="[lists] title", path=path),
        hours=hours,
        sectors=tuple(sectors),
    )


def load(path: Path) -> IndicatorLists:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise IndicatorListError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as error:
        raise IndicatorListError(f"{path}: not valid TOML: {error}") from None
    return parse(data, path=path)


@lru_cache(maxsize=4)
def _cached(path: str) -> IndicatorLists:
    return load(Path(path))


def indicator_lists() -> IndicatorLists:
    """The lists named by settings.CONCERN_INDICATORS, loaded once per process."""
    return _cached(str(settings.CONCERN_INDICATORS))
