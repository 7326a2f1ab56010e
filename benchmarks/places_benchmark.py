"""Places on the default synthetic county: `analyse` time, the map's data time, and how well
hot spots predict and find the county's planted places of concern.

    .venv/bin/python benchmarks/places_benchmark.py [--scale default] [--cell-size 1000]
        [--away-from-home 0] [--no-map] [--keep DIR]

Builds the county, imports and links it into a fresh SQLite database (or reuses the one in
`--keep DIR`), then measures:
- `safeguarding analyse` end to end, wall and CPU (target: under 60 s);
- the map's GeoJSON (server time, Django's test client, median of repeated requests; target
  under 300 ms);
- the predictive accuracy index (PAI: share of the following quarter's events captured ÷ share
  of area flagged) at 5% of the area, trained on the months up to T and scored on T+1..T+3 only,
  from four origins T, for Gi* z, Gi* hot cells by count, the "recent places" rule, the last
  period's counts and a kernel density estimate (docs/places.md);
- the share of planted places of concern (trap houses, in the ground truth) within 500 m of a
  hot cell of the latest hot spots, or of a place of concern (places/concern.py, 500 m cells),
  and of decoys flagged likewise: town centres (many events, none planted) and the homes of
  the looked-after young people most often missing (their placements, where they are found).
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from county_databases import fresh_sqlite, prepare, run, signed_in_client, synthetic_county

AREA_SHARE = 0.05
TEST_MONTHS = 3
LAST_PERIOD_MONTHS = 3
KERNEL_BANDWIDTH_M = 1000
RECOVERY_M = 500
PAI_SETS = ("missing_found", "stop_and_search", "police_incidents", "partner_concerns")
FOLDS = (0, 3, 6, 9)  # months before the last quarter that each origin's test quarter ends
# The "recent places" rule is safeguarding.places.recent (docs/places.md), as `analyse` stores
# it. Chosen on the three earlier origins; the latest origin is reported alone as well.
METHODS = ("Gi* z", "Gi* hot by count", "recent places", "last period", "kernel")


def time_map_data() -> None:
    from django.conf import settings

    from safeguarding.access.services import ensure_standard_agencies, ensure_user
    from safeguarding.places.models import HotspotCell, HotspotRun

    settings.ALLOWED_HOSTS = ["*"]
    user = ensure_user(
        username="benchmark",
        password="benchmark-password-only",  # noqa: S106 (a throwaway database)
        agency=ensure_standard_agencies()["partnership"],
        roles=["analyst"],
    )
    client = signed_in_client(user)
    run_ = HotspotRun.objects.filter(kind="hotspots", unit="grid").order_by("-pk").first()
    busiest = HotspotCell.objects.filter(run=run_, period__isnull=True).order_by("-count").first()
    month = (
        HotspotCell.objects.filter(run__kind="emerging", period__isnull=False)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    addresses = [
        "/places/geography.json",
        "/places/hotspots.json?event_set=missing_found",
        "/places/hotspots.json?event_set=stop_and_search&unit=small_area",
        "/places/hotspots.json?event_set=missing_found&kind=recent",
        "/places/",
        f"/places/hotspots.json?event_set=missing_found&kind=emerging&month={month:%Y-%m}",
        "/places/found.json",
        "/places/areas.json",
        f"/places/cell.json?event_set={run_.event_set}&cell={busiest.cell}",
    ]
    print(f"{'map data':<72}{'median ms':>10}{'max ms':>8}{'kB':>7}")
    for address in addresses:
        timings, size = [], 0
        for _ in range(8):
            started = time.perf_counter()
            response = client.get(address)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, address
            size = len(response.content)
        timings = timings[2:]
        print(
            f"{address:<72}{statistics.median(timings):>10.0f}{max(timings):>8.0f}"
            f"{size / 1000:>7.0f}"
        )


def evaluate(*, county: Path, cell_size: int) -> None:
    from safeguarding.places.analysis import study_region
    from safeguarding.places.events import event_points
    from safeguarding.places.grid import TO_GRID
    from safeguarding.places.models import EventSet

    region = study_region(cell_size=cell_size)
    cells = region.cells.frame
    flagged_count = max(1, round(AREA_SHARE * len(cells)))
    centres_x, centres_y = TO_GRID.transform(cells["longitude"], cells["latitude"])
    centres = np.column_stack([centres_x, centres_y])
    every_set = {}
    for event_set in EventSet.values:
        points = event_points(event_set=event_set)
        every_set[event_set] = points[points["in_area"]]
    print(
        f"\nPAI at {AREA_SHARE:.0%} of the area ({flagged_count} of {len(cells)} cells of "
        f"{cell_size} m): trained on the months up to T, scored on the events of T+1..T+"
        f"{TEST_MONTHS}; {len(FOLDS)} origins T (the last quarter, and 3, 6, 9 months before)."
        f"\nEach cell: the mean over the origins, then the latest origin alone in brackets."
    )
    print(f"{'events':<18}{'test n':>8}" + "".join(f"{name:>17}" for name in METHODS))
    for event_set in PAI_SETS:
        points = every_set[event_set]
        if points.empty:
            print(f"{event_set:<18}{'no events in the area':>25}")
            continue
        month = points["occurred_at"].dt.to_period("M")
        scores: dict[str, list[float]] = {name: [] for name in METHODS}
        tested = []
        for back in FOLDS:
            cut = month.max() - TEST_MONTHS - back
            test = points[(month > cut) & (month <= cut + TEST_MONTHS)]
            test_counts = _counts(region, test)
            tested.append(int(test_counts.sum()))
            methods = _methods(
                region=region,
                centres=centres,
                event_set=event_set,
                every_set=every_set,
                cut=cut,
            )
            for name, score in methods.items():
                scores[name].append(_pai(score, test_counts, flagged_count))
        print(
            f"{event_set:<18}{sum(tested):>8}"
            + "".join(
                f"{np.nanmean(values):>11.1f} ({values[0]:>4.1f})" for values in scores.values()
            )
        )
    _recovery(county=county, region=region, centres=centres)


def _methods(*, region, centres, event_set: str, every_set: dict, cut) -> dict[str, np.ndarray]:
    """Each method's score of every cell from the events up to the month `cut`: the top 5% of
    cells by score are flagged."""
    from safeguarding.places.gistar import gi_star
    from safeguarding.places.recent import recent_places

    points = every_set[event_set]
    month = points["occurred_at"].dt.to_period("M")
    train = points[month <= cut]
    counts = _counts(region, train)
    recent = _counts(region, points[(month <= cut) & (month > cut - LAST_PERIOD_MONTHS)])
    gi = gi_star(counts=counts, weights=region.cell_weights, permutations=0, minimum_events=3)
    return {
        # ties broken by count
        "Gi* z": gi.z + counts * 1e-9,
        "Gi* hot by count": (gi.bins > 0) * 1e9 + counts,
        "recent places": recent_places(
            region.cells, event_set=event_set, every_set=every_set, cut=cut
        ),
        "last period": recent + counts * 1e-6,
        "kernel": _kernel(centres, train, bandwidth=KERNEL_BANDWIDTH_M),
    }


def _counts(region, points: pd.DataFrame) -> np.ndarray:
    position = region.cells.index_of(
        latitude=points["latitude"].to_numpy(), longitude=points["longitude"].to_numpy()
    )
    return np.bincount(position[position >= 0], minlength=len(region.cells.frame)).astype(float)


def _kernel(centres: np.ndarray, points: pd.DataFrame, *, bandwidth: float) -> np.ndarray:
    from safeguarding.places.grid import TO_GRID

    x, y = TO_GRID.transform(points["longitude"].to_numpy(), points["latitude"].to_numpy())
    events = np.column_stack([x, y])
    density = np.zeros(len(centres))
    for start in range(0, len(events), 2000):
        chunk = events[start : start + 2000]
        squared = ((centres[:, None, :] - chunk[None, :, :]) ** 2).sum(axis=2)
        density += np.exp(-squared / (2 * bandwidth**2)).sum(axis=1)
    return density


def _pai(score: np.ndarray, test_counts: np.ndarray, flagged_count: int) -> float:
    if test_counts.sum() == 0:
        return float("nan")
    flagged = np.argsort(-score, kind="stable")[:flagged_count]
    captured = test_counts[flagged].sum() / test_counts.sum()
    return captured / (flagged_count / len(score))


def _recovery(*, county: Path, region, centres: np.ndarray) -> None:
    """Planted places (trap houses) and decoys (town centres) within 500 m of a flagged cell:
    a hot cell of the whole-period hot spots of any of the event sets, and a place of concern
    (places/concern.py, the map's "Places of concern" layer)."""
    from safeguarding.places.concern import PLACE_OF_CONCERN
    from safeguarding.places.models import AnalysisKind, HotspotCell
    from safeguarding.places.queries import latest_runs

    runs = latest_runs()
    hot_runs = [r for r in runs if r.kind == AnalysisKind.HOTSPOTS and r.unit == "grid"]
    hot = HotspotCell.objects.filter(
        run__in=hot_runs, period__isnull=True, gi_bin__gt=0
    ).values_list("latitude", "longitude")
    concern_runs = [r for r in runs if r.kind == AnalysisKind.CONCERN]
    concern = HotspotCell.objects.filter(
        run__in=concern_runs, category=PLACE_OF_CONCERN
    ).values_list("latitude", "longitude")
    postcodes = pd.read_csv(county / "geography" / "postcodes.csv", dtype={"postcode": str})
    planted = pd.read_csv(county / "truth" / "hotspots.csv").merge(postcodes, on="postcode")
    planted = planted[planted["in_county"]].drop_duplicates("postcode")
    towns = pd.read_csv(county / "geography" / "community_areas.csv")
    homes = _placements(county, postcodes)
    print(
        f"\nPlanted places of concern (in-county trap houses, {len(planted)}) and decoys (town "
        f"centres, {len(towns)}; the homes of the {len(homes)} looked-after young people most "
        f"often missing, none exploited) within {RECOVERY_M} m of a flagged cell:"
    )
    concern_size = concern_runs[0].cell_size if concern_runs else region.cells.size
    for label, flagged, size in (
        ("Gi* hot cells of any event set", np.array(list(hot)), region.cells.size),
        ("places of concern", np.array(list(concern)), concern_size),
    ):
        found = _near(planted, flagged, half=size / 2)
        decoys = _near(towns, flagged, half=size / 2)
        placements = _near(homes, flagged, half=size / 2)
        print(
            f"  {label:<32} {len(flagged):>5} cells of {size} m: {found.mean():>4.0%} found, "
            f"{decoys.mean():>4.0%} of town centres flagged"
            + (f" ({', '.join(towns.loc[decoys, 'town'])})" if decoys.any() else "")
            + f", {placements.mean():.0%} of looked-after homes"
        )


def _placements(county: Path, postcodes: pd.DataFrame, *, count: int = 20) -> pd.DataFrame:
    """Decoys from the ground truth: the in-county homes (placements) of the `count` looked-after
    young people with the most missing episodes who were never exploited, and are not within
    RECOVERY_M of a trap house (a place near one is not a decoy)."""
    people = pd.read_csv(county / "truth" / "people.csv", dtype={"postcode": str})
    events = pd.read_csv(
        county / "truth" / "events.csv", usecols=["person_id", "signal", "exploited"]
    )
    exploited = set(events.loc[events["exploited"], "person_id"])
    missing = events[events["signal"] == "missing"]["person_id"].value_counts()
    cared = people[people["looked_after"] & ~people["person_id"].isin(exploited)]
    cared = cared.assign(missing=cared["person_id"].map(missing).fillna(0))
    cared = cared.merge(postcodes, on="postcode")
    cared = cared[cared["in_county"]].sort_values("missing", ascending=False)
    traps = pd.read_csv(county / "truth" / "hotspots.csv").merge(postcodes, on="postcode")
    near_trap = _near(cared, traps[["latitude", "longitude"]].to_numpy(), half=0)
    return cared[~near_trap].drop_duplicates("postcode").head(count)


def _near(frame: pd.DataFrame, flagged: np.ndarray, *, half: float) -> np.ndarray:
    """Each place within RECOVERY_M of a flagged cell's square (not only its centre)."""
    from safeguarding.places.grid import TO_GRID

    if len(flagged) == 0:
        return np.zeros(len(frame), dtype=bool)
    hx, hy = TO_GRID.transform(flagged[:, 1], flagged[:, 0])
    px, py = TO_GRID.transform(frame["longitude"].to_numpy(), frame["latitude"].to_numpy())
    dx = np.maximum(np.abs(px[:, None] - hx[None, :]) - half, 0)
    dy = np.maximum(np.abs(py[:, None] - hy[None, :]) - half, 0)
    return (np.hypot(dx, dy) <= RECOVERY_M).any(axis=1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="default")
    parser.add_argument("--cell-size", type=int, default=1000)
    parser.add_argument(
        "--away-from-home",
        type=int,
        default=0,
        metavar="METRES",
        help="`analyse --away-from-home`: the hot spots the planted places are looked for in",
    )
    parser.add_argument("--no-map", action="store_true", help="skip timing the map's data")
    parser.add_argument(
        "--keep",
        type=Path,
        help="a folder to build the linked county in, or to reuse it from when it is there",
    )
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp())
    county = folder / "county"
    sqlite = f"sqlite:///{folder / 'places.sqlite3'}"
    if not (folder / "linked").exists():
        folder.mkdir(parents=True, exist_ok=True)
        synthetic_county(county, options.scale)
        sqlite = fresh_sqlite(folder, "places")
        prepare(sqlite, county)
        run(["link"], sqlite)
        (folder / "linked").touch()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    analysed = run(
        [
            "analyse",
            "--cell-size",
            str(options.cell_size),
            "--away-from-home",
            str(options.away_from_home),
        ],
        sqlite,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    print(analysed.output)
    print(
        f"`analyse` {analysed.seconds:.1f} s wall, {cpu:.1f} s CPU, peak "
        f"{analysed.peak_mb:.0f} MB; load average {os.getloadavg()[0]:.1f}.\n"
    )
    os.environ["DATABASE_URL"] = sqlite
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeguarding.settings.local"
    import django

    django.setup()
    if not options.no_map:
        time_map_data()
    started, cpu_started = time.perf_counter(), time.process_time()
    evaluate(county=county, cell_size=options.cell_size)
    print(
        f"\nEvaluation {time.perf_counter() - started:.0f} s wall, "
        f"{time.process_time() - cpu_started:.0f} s CPU; load average {os.getloadavg()[0]:.1f}."
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
