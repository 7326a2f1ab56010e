"""`safeguarding analyse` for places: hotspots and emerging hotspots of each event set, over the
grid and the small areas, stored with the parameters they were computed with."""

import datetime
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import geopandas
import libpysal
import numpy as np
import pandas as pd
import shapely
from django.db import transaction
from shapely.geometry import shape

from safeguarding.common.bulk import insert_rows
from safeguarding.places.concern import PLACE_OF_CONCERN, ConcernRule, places_of_concern
from safeguarding.places.emerging import emerging_hotspots
from safeguarding.places.events import event_points, missing_episodes
from safeguarding.places.gistar import gi_star
from safeguarding.places.grid import Cells, cells_over
from safeguarding.places.models import (
    AnalysisKind,
    Area,
    AreaKind,
    EventSet,
    HotspotCell,
    HotspotRun,
    Postcode,
    Unit,
)
from safeguarding.places.recent import LOOK_NEXT, flagged_count, ranks, recent_places
from safeguarding.places.signs import people_with_signs, sightings


@dataclass(frozen=True)
class AnalysisSettings:
    """What an analysis is computed with; stored with every result."""

    cell_size: int = 1000  # metres, British National Grid
    permutations: int = 999
    fdr: bool = True
    months: int = 24  # the cube's length, ending with the last month that has an event
    time_lag: int = 1  # months before each month counted among its neighbours
    confidence: float = 0.90  # a cube month is hot or cold at this confidence or more
    seed: int = 0
    # A hot spot needs this many events in its cell and neighbours together (see gi_star).
    minimum_events: int = 3
    # Leave out events within this many metres of the home of a young person in them (0: keep
    # every event): places of concern are where children go, not where they live.
    away_from_home: int = 0
    event_sets: tuple[str, ...] = tuple(EventSet.values)
    # Places of concern (places/concern.py), stored under the exploitation-related events.
    concern: ConcernRule = ConcernRule()
    period_end: datetime.date | None = None  # events up to this date; default: all


@dataclass
class AnalysisSummary:
    runs: list[HotspotRun] = field(default_factory=list)
    hot_cells: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Region:
    """The study region: the grid over the partnership's area and its small areas."""

    cells: Cells
    cell_weights: libpysal.weights.W
    small_areas: pd.DataFrame  # code, latitude, longitude
    small_area_weights: libpysal.weights.W | None
    outline: shapely.Geometry | None = None  # the area (latitude, longitude), when known

    def grid(self, *, size: int) -> Cells:
        """The cells of another size over the same area (the places of concern's grid)."""
        if size == self.cells.size:
            return self.cells
        if self.outline is not None:
            return cells_over(area=self.outline, size=size)
        return cells_over(area=None, size=size, points=_in_area_postcodes())


def study_region(*, cell_size: int) -> Region:
    shapes = list(
        Area.objects.filter(kind=AreaKind.LSOA, boundary__isnull=False).values_list(
            "code", "boundary"
        )
    )
    if shapes:
        frame = geopandas.GeoDataFrame(
            {"code": [c for c, _ in shapes]},
            geometry=[shape(b) for _, b in shapes],
            crs="EPSG:4326",
        )
        outline = shapely.union_all(frame.geometry.to_numpy())
        cells = cells_over(area=outline, size=cell_size)
        centres = frame.geometry.representative_point()
        small_areas = pd.DataFrame(
            {"code": frame["code"], "latitude": centres.y, "longitude": centres.x}
        )
        weights = libpysal.weights.Queen.from_dataframe(
            frame, use_index=False, silence_warnings=True
        )
    else:
        outline = None
        cells = cells_over(area=None, size=cell_size, points=_in_area_postcodes())
        small_areas, weights = pd.DataFrame(columns=["code", "latitude", "longitude"]), None
    return Region(
        cells=cells,
        cell_weights=cells.weights(),
        small_areas=small_areas,
        small_area_weights=weights,
        outline=outline,
    )


def _in_area_postcodes() -> pd.DataFrame:
    return pd.DataFrame(
        list(Postcode.objects.filter(in_area=True).values_list("latitude", "longitude")),
        columns=["latitude", "longitude"],
    )


def run_analysis(
    *, settings: AnalysisSettings, say: Callable[[str], None] = lambda line: None
) -> AnalysisSummary:
    """Hotspots and emerging hotspots of every event set asked for; earlier results are kept
    (the map shows the latest of each)."""
    region = study_region(cell_size=settings.cell_size)
    summary = AnalysisSummary()
    say(f"Study region: {len(region.cells.frame)} cells, {len(region.small_areas)} small areas.")
    # Every set's events: "recent places" counts the other sets' events too.
    every_set = {}
    for name in EventSet.values:
        points = event_points(event_set=name, away_from_home=settings.away_from_home)
        points = points[points["in_area"]]
        if settings.period_end is not None:
            end = pd.Timestamp(settings.period_end) + pd.Timedelta(days=1)
            points = points[points["occurred_at"] < end]
        every_set[name] = points
    for number, event_set in enumerate(settings.event_sets, start=1):
        points = every_set[event_set]
        label = EventSet(event_set).label
        if points.empty:
            say(f"[{number}/{len(settings.event_sets)}] {label}: no events in the area.")
            continue
        with transaction.atomic():
            runs = [
                _grid_hotspots(
                    points=points, region=region, settings=settings, event_set=event_set
                ),
                _emerging(points=points, region=region, settings=settings, event_set=event_set),
                _recent(every_set=every_set, region=region, settings=settings, event_set=event_set),
            ]
            if region.small_area_weights is not None:
                runs.append(
                    _small_area_hotspots(
                        points=points, region=region, settings=settings, event_set=event_set
                    )
                )
        summary.runs += runs
        hot = HotspotCell.objects.filter(run=runs[0], gi_bin__gt=0).count()
        summary.hot_cells[event_set] = hot
        say(
            f"[{number}/{len(settings.event_sets)}] {label}: {len(points)} events, {hot} hot cells."
        )
    if EventSet.EXPLOITATION in settings.event_sets:
        with transaction.atomic():
            run = _concern(region=region, settings=settings)
        if run is not None:
            summary.runs.append(run)
            flagged = HotspotCell.objects.filter(run=run, category=PLACE_OF_CONCERN).count()
            say(f"Places of concern: {flagged} cells.")
    return summary


def _period(points: pd.DataFrame) -> tuple[datetime.date, datetime.date]:
    return points["occurred_at"].min().date(), points["occurred_at"].max().date()


def _new_run(
    *,
    kind: str,
    unit: str,
    event_set: str,
    settings: AnalysisSettings,
    points,
    start=None,
    cell_size: int | None = None,
) -> HotspotRun:
    first, last = _period(points)
    parameters = {k: v for k, v in asdict(settings).items() if k not in {"event_sets"}}
    parameters["period_end"] = str(settings.period_end or "")
    return HotspotRun.objects.create(
        kind=kind,
        event_set=event_set,
        unit=unit,
        cell_size=(cell_size or settings.cell_size) if unit == Unit.GRID else None,
        period_start=start or first,
        period_end=last,
        permutations=settings.permutations if kind == AnalysisKind.HOTSPOTS else 0,
        parameters=parameters,
        events=len(points),
    )


def _store(run: HotspotRun, frame: pd.DataFrame) -> None:
    columns = {
        "run_id": [run.pk] * len(frame),
        "cell": frame["cell"].tolist(),
        "latitude": frame["latitude"].astype(float).tolist(),
        "longitude": frame["longitude"].astype(float).tolist(),
        "period": frame["period"].tolist() if "period" in frame else [None] * len(frame),
        "count": frame["count"].astype(int).tolist(),
        "z": _floats(frame, "z"),
        "p": _floats(frame, "p"),
        "gi_bin": frame["gi_bin"].astype(int).tolist(),
        "category": frame["category"].tolist() if "category" in frame else [""] * len(frame),
        "trend_z": _floats(frame, "trend_z"),
        "trend_p": _floats(frame, "trend_p"),
        "score": _floats(frame, "score"),
        "rank": frame["rank"].astype(int).tolist() if "rank" in frame else [None] * len(frame),
    }
    insert_rows(HotspotCell, columns)


def _floats(frame: pd.DataFrame, column: str) -> list:
    if column not in frame:
        return [None] * len(frame)
    return [None if pd.isna(v) else float(v) for v in frame[column]]


def _grid_hotspots(*, points, region: Region, settings, event_set) -> HotspotRun:
    cells = region.cells.frame
    position = region.cells.index_of(
        latitude=points["latitude"].to_numpy(), longitude=points["longitude"].to_numpy()
    )
    counts = np.bincount(position[position >= 0], minlength=len(cells))
    frame = _hotspots(counts=counts, weights=region.cell_weights, cells=cells, settings=settings)
    # Cells with no event and no significance are the bulk of a grid: not stored.
    return _stored_run(
        frame[(frame["count"] > 0) | (frame["gi_bin"] != 0)],
        unit=Unit.GRID,
        points=points,
        settings=settings,
        event_set=event_set,
    )


def _small_area_hotspots(*, points, region: Region, settings, event_set) -> HotspotRun:
    areas = region.small_areas
    counts = (
        points["small_area"].value_counts().reindex(areas["code"]).fillna(0).astype(int).to_numpy()
    )
    frame = _hotspots(
        counts=counts,
        weights=region.small_area_weights,
        cells=areas.rename(columns={"code": "cell"}),
        settings=settings,
    )
    return _stored_run(
        frame, unit=Unit.SMALL_AREA, points=points, settings=settings, event_set=event_set
    )


def _hotspots(*, counts, weights, cells, settings):
    """Gi* of the counts over these cells, as the cells with count, z, p and bin."""
    result = gi_star(
        counts=counts,
        weights=weights,
        permutations=settings.permutations,
        fdr=settings.fdr,
        seed=settings.seed,
        minimum_events=settings.minimum_events,
    )
    return cells.assign(count=counts, z=result.z, p=result.p, gi_bin=result.bins)


def _stored_run(frame, *, unit, points, settings, event_set) -> HotspotRun:
    run = _new_run(
        kind=AnalysisKind.HOTSPOTS, unit=unit, event_set=event_set, settings=settings, points=points
    )
    _store(run, frame)
    return run


def month_starts(*, last: pd.Timestamp, months: int) -> pd.DatetimeIndex:
    end = last.to_period("M")
    return pd.period_range(end=end, periods=months, freq="M").to_timestamp()


def _emerging(*, points, region: Region, settings, event_set) -> HotspotRun:
    cells = region.cells.frame
    starts = month_starts(last=points["occurred_at"].max(), months=settings.months)
    window = points[points["occurred_at"] >= starts[0]]
    position = region.cells.index_of(
        latitude=window["latitude"].to_numpy(), longitude=window["longitude"].to_numpy()
    )
    month = (
        window["occurred_at"].dt.to_period("M").astype("int64").to_numpy()
        - starts[0].to_period("M").ordinal
    )
    keep = position >= 0
    counts = np.zeros((len(cells), len(starts)))
    np.add.at(counts, (position[keep], month[keep]), 1)
    cube = emerging_hotspots(
        counts=counts,
        adjacency=region.cell_weights.sparse,
        time_lag=settings.time_lag,
        confidence=settings.confidence,
        fdr=settings.fdr,
        minimum_events=settings.minimum_events,
    )
    run = _new_run(
        kind=AnalysisKind.EMERGING,
        unit=Unit.GRID,
        event_set=event_set,
        settings=settings,
        points=window,
        start=starts[0].date(),
    )
    # As ArcGIS does, the cells reported are those with at least one event in the cube.
    active = np.flatnonzero(counts.sum(axis=1) > 0)
    overall = cells.iloc[active].assign(
        count=counts[active].sum(axis=1),
        z=cube.z[active, -1],
        p=cube.p[active, -1],
        gi_bin=cube.bins[active, -1],
        category=[cube.categories[i] for i in active],
        trend_z=cube.trend_z[active],
        trend_p=cube.trend_p[active],
    )
    rows, columns = np.nonzero((counts > 0) | (cube.bins != 0))
    monthly = cells.iloc[rows].assign(
        period=[starts[c].date() for c in columns],
        count=counts[rows, columns],
        z=cube.z[rows, columns],
        p=cube.p[rows, columns],
        gi_bin=cube.bins[rows, columns],
    )
    _store(run, overall)
    _store(run, monthly)
    return run


def _recent(*, every_set, region: Region, settings, event_set) -> HotspotRun:
    """ "Recent places" (places/recent.py) from the event set's last month with an event: every
    cell with a score, its rank, and the top 5% of the area as the places to look next."""
    points = every_set[event_set]
    cells = region.cells.frame
    cut = points["occurred_at"].max().to_period("M")
    score = recent_places(region.cells, event_set=event_set, every_set=every_set, cut=cut)
    rank = ranks(score)
    position = region.cells.index_of(
        latitude=points["latitude"].to_numpy(), longitude=points["longitude"].to_numpy()
    )
    counts = np.bincount(position[position >= 0], minlength=len(cells))
    flagged = (rank <= flagged_count(len(cells))) & (score > 0)
    kept = np.flatnonzero(score > 0)
    frame = cells.iloc[kept].assign(
        count=counts[kept],
        z=np.nan,
        p=np.nan,
        gi_bin=0,
        category=np.where(flagged[kept], LOOK_NEXT, ""),
        score=score[kept],
        rank=rank[kept],
    )
    run = _new_run(
        kind=AnalysisKind.RECENT,
        unit=Unit.GRID,
        event_set=event_set,
        settings=settings,
        points=points,
    )
    _store(run, frame)
    return run


def _concern(*, region: Region, settings: AnalysisSettings) -> HotspotRun | None:
    """Places of concern (places/concern.py) over their own grid (500 m): every cell where a
    young person with a sign of exploitation was seen away from home, with the number of such
    young people (`count`), their share of the young people seen there (`score`) and the rank;
    the flagged cells have the category `place_of_concern`."""
    episodes = missing_episodes()
    seen = sightings(episodes=episodes)
    signs = people_with_signs(episodes=episodes)
    if settings.period_end is not None:
        # What was known then: the sightings and the signs up to the period's end.
        end = pd.Timestamp(settings.period_end) + pd.Timedelta(days=1)
        seen = seen[seen["occurred_at"] < end]
        signs = signs[signs["occurred_at"] < end]
    if seen.empty:
        return None
    cells = region.grid(size=settings.concern.cell_size)
    scored = places_of_concern(cells, seen, signs=set(signs["person_id"]), rule=settings.concern)
    last = seen["occurred_at"].max().to_period("M")
    start = (
        (last - settings.concern.months + 1).start_time.date() if settings.concern.months else None
    )
    kept = np.flatnonzero(scored["with_signs"].to_numpy() > 0)
    frame = cells.frame.iloc[kept].assign(
        count=scored["with_signs"].to_numpy()[kept],
        z=np.nan,
        p=np.nan,
        gi_bin=0,
        category=np.where(scored["flagged"].to_numpy()[kept], PLACE_OF_CONCERN, ""),
        score=scored["share"].to_numpy()[kept],
        rank=scored["rank"].to_numpy()[kept],
    )
    run = _new_run(
        kind=AnalysisKind.CONCERN,
        unit=Unit.GRID,
        event_set=EventSet.EXPLOITATION,
        settings=settings,
        points=seen,
        start=start,
        cell_size=cells.size,
    )
    _store(run, frame)
    return run
