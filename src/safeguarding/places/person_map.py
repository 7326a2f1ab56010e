"""A young person's places on a small map drawn on the server: their addresses, where they were
found when missing, and where other events happened, over the small areas they lie in.

The map is an SVG built from what the person page already holds (and so already passed the
need-to-know gate and its audit): no script, no tiles, nothing fetched, and the same in print.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.db.models import OuterRef, Subquery
from shapely.geometry import shape

from safeguarding.places.grid import TO_GRID
from safeguarding.places.models import Area, AreaKind, Postcode

WIDTH, HEIGHT = 640, 400
MARGIN = 0.15  # of the larger side, around the places
SMALLEST_SIDE_M = 2000  # a single place still shows its neighbourhood


@dataclass
class Place:
    number: int
    kind: str  # "Home", "Found when missing", or the event's type
    where: str  # a school's name or the postcode with its area
    postcode: str
    times: int
    latest: str  # YYYY-MM-DD, blank for an address
    in_area: bool
    x: float = 0.0
    y: float = 0.0


@dataclass
class PersonMap:
    places: list[Place] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)  # SVG path data of the small areas
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def drawn(self) -> list[Place]:
        return [p for p in self.places if p.in_area]


def person_map(*, homes: list[str], episodes, entries) -> PersonMap:
    """The map of one person's places: `homes` their records' postcodes, `episodes` their
    missing episodes (people.missing, by the one rule), `entries` their timeline entries."""
    found: dict[tuple[str, str], list] = defaultdict(list)
    for postcode in homes:
        if postcode:
            found[("Home", postcode)].append(None)
    for episode in episodes:
        if episode.found_at:
            found[("Found when missing", episode.found_at)].append(episode.started_at)
    wheres: dict[tuple[str, str], str] = {}
    for entry in entries:
        event = entry.event
        if event.event_type == "missing_episode" or not event.postcode:
            continue
        key = (event.type_label, event.postcode)
        found[key].append(event.occurred_at)
        wheres[key] = entry.where
    # One query: each postcode's place and the outline of the small area it lies in.
    outline = Area.objects.filter(kind=AreaKind.LSOA, code=OuterRef("small_area"))
    lookup = {
        row[0]: row[1:]
        for row in Postcode.objects.filter(postcode__in=[p for _, p in found] + [""])
        .annotate(outline=Subquery(outline.values("boundary")[:1]))
        .values_list(
            "postcode",
            "latitude",
            "longitude",
            "in_area",
            "small_area",
            "community_area",
            "outline",
        )
    }
    places, points, outlines = [], [], {}
    ordered = sorted(found.items(), key=lambda item: (item[0][0] != "Home", -len(item[1])))
    for number, ((kind, postcode), times) in enumerate(ordered, start=1):
        latitude, longitude, in_area, small_area, community_area, boundary = lookup.get(
            postcode, (None, None, False, "", "", None)
        )
        dates = [t for t in times if t is not None]
        place = Place(
            number=number,
            kind=kind,
            where=wheres.get((kind, postcode))
            or (f"{postcode} ({community_area})" if community_area else postcode),
            postcode=postcode,
            times=len(dates),
            latest=max(dates).strftime("%Y-%m-%d") if dates else "",
            in_area=bool(in_area) and latitude is not None,
        )
        places.append(place)
        if place.in_area:
            points.append((place, *TO_GRID.transform(longitude, latitude)))
            if boundary:
                outlines[small_area] = boundary
    result = PersonMap(places=places)
    if points:
        _project(result, points=points, boundaries=list(outlines.values()))
    return result


def _project(result: PersonMap, *, points, boundaries: list) -> None:
    xs = np.array([x for _, x, _ in points])
    ys = np.array([y for _, _, y in points])
    middle_x, middle_y = (xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2
    side = max(xs.max() - xs.min(), (ys.max() - ys.min()) * WIDTH / HEIGHT, SMALLEST_SIDE_M)
    side *= 1 + 2 * MARGIN
    scale = WIDTH / side  # pixels per metre, the same both ways
    left, top = middle_x - side / 2, middle_y + HEIGHT / scale / 2

    def to_svg(x, y):
        return (np.asarray(x) - left) * scale, (top - np.asarray(y)) * scale

    for place, x, y in points:
        place.x, place.y = (round(float(v), 1) for v in to_svg(x, y))
    for boundary in boundaries:
        outline = shapely.transform(
            shape(boundary), lambda xy: np.column_stack(TO_GRID.transform(xy[:, 0], xy[:, 1]))
        )
        polygons = getattr(outline, "geoms", [outline])
        for polygon in polygons:
            x, y = to_svg(*np.asarray(polygon.exterior.coords).T)
            path = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True))
            result.areas.append(f"M{path}Z")
