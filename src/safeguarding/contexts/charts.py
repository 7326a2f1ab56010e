"""What the context page draws: its map (where it is, its area, where its events happened) and
its network (the young people linked to it and what connects them), as one user may see them.

The map reads places' geography (the offline background is the places map's, served by
places:geography); the network reads the network stage's stored graph through its own
functions (network.queries.subgraph), so need to know is applied there exactly as on the
network pages."""

import datetime
from typing import cast

from django.conf import settings
from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone

from safeguarding.contexts.models import Context
from safeguarding.contexts.queries import context_events
from safeguarding.network import analysis
from safeguarding.network.graph import group_key
from safeguarding.network.models import Node
from safeguarding.network.queries import MAX_NODES, Subgraph, latest_run, run_graph, subgraph
from safeguarding.people.access_rules import (
    VOLUNTARY_SECTOR_EVENT_TYPES,
    is_voluntary_sector,
)
from safeguarding.people.enumerations import LocationKind
from safeguarding.places.grid import cell_square
from safeguarding.places.models import Area, AreaKind, Postcode
from safeguarding.places.queries import shown_count

MAP_READERS = "places.view_hotspotrun"  # the places map's background
MAP_DAYS = 365


def _sees_points(user) -> bool:
    """The places map's rule: single events for statutory partners who read people's records;
    the voluntary sector sees counts, small ones suppressed."""
    return user.has_perm("people.view_person") and not is_voluntary_sector(user)


def context_point(context: Context) -> tuple[float, float] | None:
    """(latitude, longitude): the context's own, its location's, its school's, or the postcode
    of a proposed address."""
    for lat, lon in (
        (context.latitude, context.longitude),
        (getattr(context.location, "latitude", None), getattr(context.location, "longitude", None)),
        (getattr(context.school, "latitude", None), getattr(context.school, "longitude", None)),
    ):
        if lat is not None and lon is not None:
            return lat, lon
    if context.proposed_from.startswith("address:"):
        postcode = context.proposed_from.split(":")[1]
        found = Postcode.objects.filter(postcode=postcode).values_list("latitude", "longitude")
        return found.first()
    return None


def context_area(context: Context) -> tuple[str, dict | None]:
    """The area the context covers: a hot spot's grid cell, or its location's small area."""
    if context.proposed_from.startswith("hotspot:"):
        cell = context.proposed_from.rsplit(":", 1)[1]
        return f"Grid cell {cell}", {"type": "Polygon", "coordinates": cell_square(cell)}
    code = getattr(context.location, "area_code", "")
    if code:
        area = Area.objects.filter(code=code, kind=AreaKind.LSOA).first()
        if area is not None:
            return f"Small area {area.name} ({area.code})", area.boundary
    return "", None


def context_map(*, context: Context, user, people: set[int]) -> dict:
    """The map's data: the point, the area, and each place where the context's events of the
    last year happened (events at it or involving the young people this user may see, of the
    kinds this user may see), with the count there."""
    since = timezone.now() - datetime.timedelta(days=MAP_DAYS)
    events = context_events(context=context, people=people).filter(
        occurred_at__gte=since, location__latitude__isnull=False
    )
    if is_voluntary_sector(user):
        events = events.filter(event_type__in=VOLUNTARY_SECTOR_EVENT_TYPES)
    exact = _sees_points(user)
    rows = (
        events.values(
            "location_id",
            "location__kind",
            "location__name",
            "location__postcode",
            "location__latitude",
            "location__longitude",
        )
        .annotate(
            events=Count("pk", distinct=True), first=Min("occurred_at"), last=Max("occurred_at")
        )
        .order_by("-events", "location_id")
    )
    places = []
    for row in rows:
        is_it = row["location_id"] == context.location_id
        if exact:
            label = (
                row["location__name"]
                if row["location__kind"] == LocationKind.PLACE and row["location__name"]
                else row["location__postcode"] or "A place with no postcode"
            )
        else:
            label = "This context's place" if is_it else "A place"
        places.append(
            {
                # Never None: the events are filtered to places with a point.
                "latitude": round(cast(float, row["location__latitude"]), 5),
                "longitude": round(cast(float, row["location__longitude"]), 5),
                "label": label,
                "events": shown_count(row["events"], exact=exact),
                "first": row["first"].date().isoformat() if exact else "",
                "last": row["last"].date().isoformat() if exact else "",
                "here": is_it,
            }
        )
    area_label, area = context_area(context)
    point = context_point(context)
    return {
        "tiles": settings.MAP_TILE_URL,
        "geography": reverse("places:geography") if user.has_perm(MAP_READERS) else "",
        "point": list(point) if point else None,
        "name": context.name,
        "area": area,
        "area_label": area_label,
        "places": places,
    }


def context_network(*, context: Context, user, people: set[int]) -> Subgraph | None:
    """The young people linked to the context (those this user may see) in the latest
    association graph, the context's own node, and every node on a shortest path between two
    of them: what connects them. None before the graph is first built."""
    run = latest_run()
    if run is None:
        return None
    rows = Node.objects.filter(run=run, person_id__in=people).values_list("index", flat=True)
    members = sorted(rows)
    own = Node.objects.filter(run=run, key=group_key(context.pk)).values_list("index", flat=True)
    chosen = members + list(own)
    if not chosen:
        return Subgraph(run=run, nodes=[], edges=[])
    vertices = analysis.connecting_network(run_graph(run), chosen)
    truncated = len(vertices) > MAX_NODES
    if truncated:  # the members first, then what connects them
        vertices = sorted(set(chosen[:MAX_NODES]) | set(vertices[: MAX_NODES - len(chosen)]))
    return subgraph(
        run=run,
        vertices=vertices,
        user=user,
        centre=own.first() if own else None,
        truncated=truncated,
    )
