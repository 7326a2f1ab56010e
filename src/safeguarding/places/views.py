"""The map room: a page, and the GeoJSON it draws, each through the need-to-know gate.

Anyone who may open the map sees counts (small ones suppressed); single episodes and the young
people behind a cell only those who may read people's records (people.view_person)."""

import datetime
import re

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from safeguarding.access.models import AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.people.access_rules import is_voluntary_sector
from safeguarding.places import queries
from safeguarding.places.models import AnalysisKind, Area, EventSet, Unit

MAP_READERS = "places.view_hotspotrun"
GRID_CELL = re.compile(r"^\d+m-\d+-\d+$")


def _gate(request):
    return open_for(request, object_type=AuditObject.PLACES, permission=MAP_READERS)


def _sees_points(user) -> bool:
    """Single episodes and the people in them: statutory partners who read people's records.
    The voluntary sector sees only the young people the panel discusses, so only counts here."""
    return user.has_perm("people.view_person") and not is_voluntary_sector(user)


def _choice(request, name: str, choices, default: str) -> str:
    value = request.GET.get(name, default)
    if value not in choices:
        raise Http404(f"No {name} {value!r}.")
    return value


def _month(request) -> datetime.date | None:
    text = request.GET.get("month", "")
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text + "-01")
    except ValueError:
        raise Http404("A month is YYYY-MM.") from None


@require_safe
def map_page(request):
    grant = _gate(request)
    grant.record(detail={"page": "map"})
    event_sets = [
        {"value": value, "label": label, "months": _months(value)}
        for value, label in EventSet.choices
    ]
    exact = _sees_points(request.user)
    look_next = queries.look_next()
    for table in look_next:
        for row in table["cells"]:
            row["count"] = queries.shown_count(row["count"], exact=exact)
    return render(
        request,
        "places/map.html",
        {
            "event_sets": event_sets,
            "look_next": look_next,
            "may_see_points": _sees_points(request.user),
            "map_settings": {
                "tiles": settings.MAP_TILE_URL,
                "geography": reverse("places:geography"),
                "hotspots": reverse("places:hotspots"),
                "found": reverse("places:found"),
                "cell": reverse("places:cell"),
                "areas": reverse("places:areas"),
                "months": {e["value"]: e["months"] for e in event_sets},
            },
        },
    )


def _months(event_set: str) -> list[str]:
    run = queries.latest_run(kind=AnalysisKind.EMERGING, event_set=event_set, unit=Unit.GRID)
    return queries.run_months(run) if run else []


@require_safe
def geography(request):
    _gate(request)
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": queries.area_features(),
            "labels": Area.community_labels(),
        }
    )


@require_safe
def hotspots(request):
    _gate(request)
    event_set = _choice(request, "event_set", EventSet.values, EventSet.MISSING_FOUND)
    kind = _choice(request, "kind", AnalysisKind.values, AnalysisKind.HOTSPOTS)
    unit = _choice(request, "unit", Unit.values, Unit.GRID)
    run = queries.latest_run(kind=kind, event_set=event_set, unit=unit)
    if run is None:
        return JsonResponse({"type": "FeatureCollection", "features": [], "run": None})
    month = _month(request) if kind == AnalysisKind.EMERGING else None
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": queries.hotspot_features(run=run, month=month),
            "run": {
                "computed_at": run.computed_at.isoformat(),
                "period_start": run.period_start.isoformat(),
                "period_end": run.period_end.isoformat(),
                "events": run.events,
                "cell_size": run.cell_size,
                "permutations": run.permutations,
                "parameters": run.parameters,
            },
        }
    )


@require_safe
def found(request):
    grant = _gate(request)
    if not _sees_points(request.user):
        cells = queries.found_cells()
        grant.record(detail={"map": "missing found places", "cells": len(cells)})
        return JsonResponse({"type": "FeatureCollection", "features": cells})
    points = queries.found_points()
    grant.record(detail={"map": "missing found places", "episodes": len(points)})
    features = [
        {
            "type": "Feature",
            "properties": {
                "started": row.started_at.strftime("%Y-%m-%d"),
                "postcode": row.found_postcode,
                "in_area": bool(row.in_area),
            },
            "geometry": {"type": "Point", "coordinates": [row.longitude, row.latitude]},
        }
        for row in points.itertuples()
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@require_safe
def cell(request):
    grant = _gate(request)
    event_set = _choice(request, "event_set", EventSet.values, EventSet.MISSING_FOUND)
    unit = _choice(request, "unit", Unit.values, Unit.GRID)
    name = request.GET.get("cell", "")
    if name and unit == Unit.GRID and not GRID_CELL.match(name):
        raise Http404("No such cell.")
    events = queries.cell_events(event_set=event_set, cell=name, unit=unit)
    months = events["occurred_at"].dt.strftime("%Y-%m").value_counts().sort_index()
    exact = _sees_points(request.user)
    answer: dict = {
        "cell": name,
        "event_set": EventSet(event_set).label,
        "count": queries.shown_count(len(events), exact=exact),
        "months": {m: queries.shown_count(int(n), exact=exact) for m, n in months.items()},
    }
    if exact:
        people = queries.event_people(events["event_id"].tolist())
        answer["events"] = [
            {
                "date": row.occurred_at.strftime("%Y-%m-%d"),
                "people": [
                    reverse("people:detail", args=[person])
                    for person in people.get(row.event_id, [])
                ],
            }
            for row in events.sort_values("occurred_at").itertuples()
        ]
    grant.record(detail={"map": "events behind a cell", "events": len(events), "listed": exact})
    return JsonResponse(answer)


@require_safe
def areas(request):
    grant = _gate(request)
    exact = _sees_points(request.user)
    rows = queries.areas_by_risk()
    community_areas = queries.community_area_profiles(rows)
    grant.record(detail={"map": "areas by risk", "areas": len(rows)})
    features = []
    for row in rows:
        geometry = row.pop("geometry")
        features.append(
            {"type": "Feature", "properties": _shown(row, exact=exact), "geometry": geometry}
        )
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "community_areas": [_shown(p, exact=exact) for p in community_areas],
        }
    )


def _shown(profile: dict, *, exact: bool) -> dict:
    """A profile as its reader may see it: without need to know, counts under 5 are "fewer
    than 5" and the rates worked from them are left out."""
    shown = dict(profile)
    for name, counted in queries.RATE_OF.items():
        total = sum(profile[c] for c in counted)
        if not exact and 0 < total < queries.SMALL_NUMBER:
            shown[f"{name}_per_1000"] = None
    for name in (*queries.TRACKED_LEVELS, "missing_episodes"):
        shown[name] = queries.shown_count(profile[name], exact=exact)
    return shown
