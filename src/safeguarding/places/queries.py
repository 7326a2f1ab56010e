"""What the map and the export read: the latest results of each analysis."""

from django.db.models import Max

from safeguarding.places.models import AnalysisKind, HotspotCell, HotspotRun

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
            if period is None and run.kind == AnalysisKind.EMERGING:
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
