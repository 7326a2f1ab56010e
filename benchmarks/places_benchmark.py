"""Places on the default synthetic county: `analyse` time, the map's data time, and how well
hot spots predict and find the county's planted places of concern.

    .venv/bin/python benchmarks/places_benchmark.py [--scale default] [--cell-size 500]

Builds the county, imports and links it into a fresh SQLite database, then measures:
- `safeguarding analyse` end to end (target: under 60 s);
- the map's GeoJSON (server time, Django's test client, median of repeated requests; target
  under 300 ms);
- the predictive accuracy index (PAI: share of next-period events captured ÷ share of area
  flagged) at 5% of the area, training on the months up to T and predicting T+1..T+3, for Gi*
  hot spots against the last period's counts and a kernel density estimate;
- the share of planted places of concern (trap houses, in the ground truth) within 500 m of a
  hot cell, and the share of decoys (town centres: many events, none planted) flagged likewise.
"""

import argparse
import os
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
PAI_SETS = ("missing_found", "stop_and_search", "exploitation")


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
    from safeguarding.places.gistar import gi_star
    from safeguarding.places.grid import TO_GRID

    region = study_region(cell_size=cell_size)
    cells = region.cells.frame
    flagged_count = max(1, round(AREA_SHARE * len(cells)))
    centres_x, centres_y = TO_GRID.transform(cells["longitude"], cells["latitude"])
    centres = np.column_stack([centres_x, centres_y])
    print(
        f"\nPAI at {AREA_SHARE:.0%} of the area ({flagged_count} of {len(cells)} cells of "
        f"{cell_size} m), trained to T, scored on T+1..T+{TEST_MONTHS}:"
    )
    print(f"{'events':<20}{'T':>9}{'test n':>8}{'Gi*':>8}{'last period':>13}{'kernel':>8}")
    for event_set in PAI_SETS:
        points = event_points(event_set=event_set)
        points = points[points["in_area"]]
        month = points["occurred_at"].dt.to_period("M")
        last = month.max()
        cut = last - TEST_MONTHS
        train, test = points[month <= cut], points[month > cut]
        recent = points[(month <= cut) & (month > cut - LAST_PERIOD_MONTHS)]
        counts = _counts(region, train)
        test_counts = _counts(region, test)
        gi = gi_star(counts=counts, weights=region.cell_weights, permutations=0)
        methods = {
            "Gi*": gi.z + counts * 1e-9,  # ties in z broken by count
            "last period": _counts(region, recent) + counts * 1e-6,
            "kernel": _kernel(centres, train, bandwidth=KERNEL_BANDWIDTH_M),
        }
        pai = {name: _pai(score, test_counts, flagged_count) for name, score in methods.items()}
        print(
            f"{event_set:<20}{str(cut):>9}{int(test_counts.sum()):>8}{pai['Gi*']:>8.1f}"
            f"{pai['last period']:>13.1f}{pai['kernel']:>8.1f}"
        )
    _recovery(county=county, region=region, centres=centres)


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
    """Planted places (trap houses) and decoys (town centres) within 500 m of a hot cell of the
    whole-period hot spots of any of the event sets."""
    from safeguarding.places.grid import TO_GRID
    from safeguarding.places.models import HotspotCell

    hot = HotspotCell.objects.filter(
        run__kind="hotspots", run__unit="grid", period__isnull=True, gi_bin__gt=0
    ).values_list("latitude", "longitude")
    hot = np.array(list(hot))
    postcodes = pd.read_csv(county / "geography" / "postcodes.csv", dtype={"postcode": str})
    planted = pd.read_csv(county / "truth" / "hotspots.csv").merge(postcodes, on="postcode")
    planted = planted[planted["in_county"]].drop_duplicates("postcode")
    towns = pd.read_csv(county / "geography" / "community_areas.csv")

    def near(frame: pd.DataFrame) -> np.ndarray:
        if len(hot) == 0:
            return np.zeros(len(frame), dtype=bool)
        hx, hy = TO_GRID.transform(hot[:, 1], hot[:, 0])
        px, py = TO_GRID.transform(frame["longitude"].to_numpy(), frame["latitude"].to_numpy())
        # within 500 m of a hot cell: of its square, not only its centre
        half = region.cells.size / 2
        dx = np.maximum(np.abs(px[:, None] - hx[None, :]) - half, 0)
        dy = np.maximum(np.abs(py[:, None] - hy[None, :]) - half, 0)
        return (np.hypot(dx, dy) <= RECOVERY_M).any(axis=1)

    print(
        f"\nPlanted places of concern within {RECOVERY_M} m of a hot cell ({len(hot)} hot cells "
        f"over the event sets): {near(planted).mean():.0%} of {len(planted)} in-county trap "
        f"houses; decoys (town centres) flagged likewise: {near(towns).mean():.0%} of "
        f"{len(towns)}."
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="default")
    parser.add_argument("--cell-size", type=int, default=1000)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    county = synthetic_county(folder / "county", options.scale)
    sqlite = fresh_sqlite(folder, "places")
    prepare(sqlite, county)
    run(["link"], sqlite)
    analysed = run(["analyse", "--cell-size", str(options.cell_size)], sqlite)
    print(analysed.output)
    print(f"`analyse` {analysed.seconds:.1f} s end to end, peak {analysed.peak_mb:.0f} MB.\n")
    os.environ["DATABASE_URL"] = sqlite
    os.environ["DJANGO_SETTINGS_MODULE"] = "safeguarding.settings.local"
    import django

    django.setup()
    time_map_data()
    evaluate(county=county, cell_size=options.cell_size)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
