"""What the map and the export read: the latest results of each analysis."""

import datetime

import numpy as np
import pandas as pd
from django.db.models import Max

from safeguarding.people.models import Involvement, Person
from safeguarding.places.concern import PLACE_OF_CONCERN
from safeguarding.places.emerging import CATEGORIES
from safeguarding.places.events import (
    cached_missing_episodes,
    event_points,
    home_postcodes,
    postcode_places,
)
from safeguarding.places.grid import cell_names, cell_of, cell_square
from safeguarding.places.models import (
    AnalysisKind,
    Area,
    AreaKind,
    HotspotCell,
    HotspotRun,
    Unit,
)
from safeguarding.places.recent import LOOK_NEXT
from safeguarding.risk.models import RiskAssessment
from safeguarding.risk.tracker import latest_run as latest_scoring_run

EXPORT_HEADER = ["area_code or cell", "lat", "lon", "period", "category", "count", "z", "p"]
BIN_NAMES = {
    3: "hot_99",
    2: "hot_95",
    1: "hot_90",
    0: "not_significant",
    -1: "cold_90",
    -2: "cold_95",
    -3: "cold_99",
}


def latest_runs() -> list[HotspotRun]:
    """The newest run of each analysis (kind, event set, unit)."""
    newest = (
        HotspotRun.objects.values("kind", "event_set", "unit")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    return list(
        HotspotRun.objects.filter(pk__in=list(newest)).order_by("kind", "event_set", "unit")
    )


def export_rows() -> list[tuple]:
    """One row per cell of the latest runs. `period` is the run's whole period (start/end) or
    one month (YYYY-MM); `category` names the event set, then the Gi_Bin (hot_99 … cold_99) or
    the emerging category (new_hot …), e.g. `missing_found/hot_95`."""
    rows = []
    for run in latest_runs():
        whole = f"{run.period_start.isoformat()}/{run.period_end.isoformat()}"
        cells = HotspotCell.objects.filter(run=run).order_by("period", "cell")
        for cell in cells.values_list(
            "cell", "latitude", "longitude", "period", "category", "gi_bin", "count", "z", "p"
        ):
            name, latitude, longitude, period, category, gi_bin, count, z, p = cell
            if run.kind == AnalysisKind.RECENT:
                result = category or "recent_places"
            elif run.kind == AnalysisKind.CONCERN:
                result = category or "seen_with_signs"
            elif period is None and run.kind == AnalysisKind.EMERGING:
                result = category
            else:
                result = BIN_NAMES[gi_bin]
            rows.append(
                (
                    name,
                    round(latitude, 5),
                    round(longitude, 5),
                    period.strftime("%Y-%m") if period else whole,
                    f"{run.event_set}/{result}",
                    count,
                    None if z is None else round(z, 4),
                    None if p is None else round(p, 4),
                )
            )
    return rows


# -- the map ------------------------------------------------------------------------------------

SMALL_NUMBER = 5  # counts under this are shown as "fewer than 5" to those without need to know


def area_features() -> list[dict]:
    """The partnership's small areas as GeoJSON features: the map's base, with no tile server."""
    rows = Area.objects.filter(kind=AreaKind.LSOA, boundary__isnull=False).values_list(
        "code", "name", "parent__name", "boundary"
    )
    return [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name, "community_area": parent or ""},
            "geometry": boundary,
        }
        for code, name, parent, boundary in rows
    ]


def latest_run(*, kind: str, event_set: str, unit: str) -> HotspotRun | None:
    return (
        HotspotRun.objects.filter(kind=kind, event_set=event_set, unit=unit).order_by("-pk").first()
    )


def run_months(run: HotspotRun) -> list[str]:
    months = (
        HotspotCell.objects.filter(run=run, period__isnull=False)
        .values_list("period", flat=True)
        .distinct()
        .order_by("period")
    )
    return [m.strftime("%Y-%m") for m in months if m is not None]


def hotspot_features(*, run: HotspotRun, month: datetime.date | None) -> list[dict]:
    """The run's cells (one month of a cube, or the whole period) as GeoJSON polygons; of a
    recent-places run, the cells to look next (the top 5% of the area) only; of a places of
    concern run, the places of concern only."""
    chosen = HotspotCell.objects.filter(run=run, period=month)
    if run.kind == AnalysisKind.RECENT:
        chosen = chosen.filter(category=LOOK_NEXT)  # the places to look next; the rest: export
    elif run.kind == AnalysisKind.CONCERN:
        chosen = chosen.filter(category=PLACE_OF_CONCERN)
    cells = chosen.values_list(
        "cell", "count", "z", "p", "gi_bin", "category", "trend_z", "score", "rank"
    )
    shapes: dict = {}
    features: list[dict] = []
    if run.unit == Unit.SMALL_AREA:
        shapes = dict(Area.objects.filter(kind=AreaKind.LSOA).values_list("code", "boundary"))
    for cell, count, z, p, gi_bin, category, trend_z, score, rank in cells:
        geometry: dict
        if run.unit == Unit.GRID:
            geometry = {"type": "Polygon", "coordinates": cell_square(cell)}
        elif shapes.get(cell):
            geometry = shapes[cell]
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "cell": cell,
                    "count": count,
                    "z": None if z is None else round(z, 3),
                    "p": None if p is None else round(p, 4),
                    "gi_bin": gi_bin,
                    "category": category,
                    "category_label": CATEGORIES.get(category, ""),
                    "trend_z": None if trend_z is None else round(trend_z, 3),
                    "score": None if score is None else round(score, 3),
                    "rank": rank,
                },
                "geometry": geometry,
            }
        )
    return features


def look_next(*, limit: int = 10) -> list[dict]:
    """Per event set, the latest "recent places" run's flagged cells (the top 5% of the area),
    highest score first, at most `limit`: the map's table for screen readers."""
    tables = []
    for run in latest_runs():
        if run.kind != AnalysisKind.RECENT:
            continue
        cells = HotspotCell.objects.filter(run=run, category=LOOK_NEXT).order_by("rank")
        tables.append(
            {
                "event_set": run.get_event_set_display(),
                "period_end": run.period_end,
                "cells": list(cells.values("cell", "rank", "score", "count")[:limit]),
            }
        )
    return tables


def shown_count(count: int, *, exact: bool) -> int | str:
    return count if exact or count == 0 or count >= SMALL_NUMBER else f"fewer than {SMALL_NUMBER}"


def found_points() -> pd.DataFrame:
    """Where each missing episode ended (found), for those allowed to see single episodes:
    person_id, started_at, found_postcode, latitude, longitude, in_area. Restricted people's
    episodes are left out (they are counted in the cells)."""
    episodes = cached_missing_episodes()
    episodes = episodes.dropna(subset=["found_latitude"])
    restricted = set(Person.objects.filter(restricted=True).values_list("pk", flat=True))
    episodes = episodes[~episodes["person_id"].isin(restricted)]
    return pd.DataFrame(
        {
            "person_id": episodes["person_id"],
            "started_at": episodes["started_at"],
            "found_postcode": episodes["found_postcode"],
            "latitude": episodes["found_latitude"].astype(float),
            "longitude": episodes["found_longitude"].astype(float),
            "in_area": episodes["found_in_area"],
        }
    )


def found_cells(*, size: int = 1000) -> list[dict]:
    """Found places counted by grid cell: what those without need to know see."""
    episodes = cached_missing_episodes().dropna(subset=["found_latitude"])
    column, row = cell_of(
        latitude=episodes["found_latitude"].astype(float),
        longitude=episodes["found_longitude"].astype(float),
        size=size,
    )
    counts = pd.Series(cell_names(column, row, size)).value_counts()
    return [
        {
            "type": "Feature",
            "properties": {"cell": cell, "count": shown_count(int(n), exact=False)},
            "geometry": {"type": "Polygon", "coordinates": cell_square(cell)},
        }
        for cell, n in counts.items()
    ]


def cell_events(*, event_set: str, cell: str, unit: str) -> pd.DataFrame:
    """The events behind one cell (a grid cell's name or a small area's code) as the latest
    hot spot analysis counted them: event_id, occurred_at, in_area."""
    run = latest_run(kind=AnalysisKind.HOTSPOTS, event_set=event_set, unit=unit)
    away = int(run.parameters.get("away_from_home") or 0) if run else 0
    points = event_points(event_set=event_set, away_from_home=away)
    if not cell:
        return points.iloc[0:0]
    if unit == Unit.SMALL_AREA:
        return points[points["small_area"] == cell]
    size = int(cell.split("m-", 1)[0])
    column, row = cell_of(latitude=points["latitude"], longitude=points["longitude"], size=size)
    names = np.array(cell_names(column, row, size), dtype=object)
    return points[names == cell]


def event_people(event_ids: list[int]) -> dict[int, list[int]]:
    """The young people in each event (their person ids), restricted people left out."""
    rows = (
        Involvement.objects.filter(event_id__in=event_ids, person__isnull=False)
        .exclude(person__restricted=True)
        .values_list("event_id", "person_id")
        .distinct()
    )
    people: dict[int, list[int]] = {}
    for event_id, person_id in rows:
        people.setdefault(event_id, []).append(person_id)
    return people


def areas_by_risk() -> list[dict]:
    """Per small area: young people on the latest tracker by level (by home postcode), missing
    episodes of children living there, and, where the area's population of young people is
    known (places/population.py), each as a rate per 1,000 young people."""
    run = latest_scoring_run()
    homes = _home_small_areas()
    levels = pd.DataFrame(columns=["person_id", "level"])
    if run is not None:
        levels = pd.DataFrame(
            list(RiskAssessment.objects.filter(run=run).values_list("person_id", "level")),
            columns=["person_id", "level"],
        )
    levels["small_area"] = levels["person_id"].map(homes)
    by_level = levels.dropna(subset=["small_area"]).pivot_table(
        index="small_area", columns="level", values="person_id", aggfunc="count", fill_value=0
    )
    episodes = cached_missing_episodes()
    episodes["small_area"] = episodes["person_id"].map(homes)
    missing = episodes.dropna(subset=["small_area"]).groupby("small_area").size()
    population = dict(Area.objects.filter(kind=AreaKind.LSOA).values_list("code", "young_people"))
    rows = []
    for feature in area_features():
        code = feature["properties"]["code"]
        counts = by_level.loc[code] if code in by_level.index else {}
        row = {
            **feature["properties"],
            "young_people": population.get(code),
            **{level: int(counts.get(level, 0)) if len(counts) else 0 for level in TRACKED_LEVELS},
            "missing_episodes": int(missing.get(code, 0)),
        }
        rows.append({**row, **per_1000(row), "geometry": feature["geometry"]})
    return rows


TRACKED_LEVELS = ("high", "medium", "low")
RATE_OF = {
    "high": ("high",),
    "medium": ("medium",),
    "on_tracker": TRACKED_LEVELS,
    "missing_episodes": ("missing_episodes",),
}


def per_1000(row: dict) -> dict:
    """`<name>_per_1000` of a profile row: its counts per 1,000 of its young people (None when
    the population is not known or is nought)."""
    young = row.get("young_people")
    rates = {}
    for name, counted in RATE_OF.items():
        total = sum(row[c] for c in counted)
        rates[f"{name}_per_1000"] = round(1000 * total / young, 1) if young else None
    return rates


def community_area_profiles(rows: list[dict]) -> list[dict]:
    """The small areas' profiles summed by community area, with their rates per 1,000, highest
    rate of young people on the tracker first."""
    totals: dict[str, dict] = {}
    for row in rows:
        name = row.get("community_area") or ""
        if not name:
            continue
        total = totals.setdefault(
            name,
            {"name": name, "young_people": 0, "missing_episodes": 0}
            | dict.fromkeys(TRACKED_LEVELS, 0),
        )
        for key in (*TRACKED_LEVELS, "missing_episodes"):
            total[key] += row[key]
        if total["young_people"] is not None:
            young = row.get("young_people")
            total["young_people"] = None if young is None else total["young_people"] + young
    profiles = [{**total, **per_1000(total)} for total in totals.values()]
    return sorted(
        profiles,
        key=lambda p: (p["on_tracker_per_1000"] is None, -(p["on_tracker_per_1000"] or 0)),
    )


def _home_small_areas() -> pd.Series:
    places = postcode_places()
    in_area = places[places["in_area"].astype(bool) & (places["small_area"] != "")]
    return home_postcodes().map(in_area["small_area"]).dropna()
