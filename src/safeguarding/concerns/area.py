"""The partnership's area for the public form's map: the small areas' outlines (public
geography, the same base the places map draws, no tiles) and the bounds a picked point must
fall within. Nothing else of the partnership's records."""

from dataclasses import dataclass

from safeguarding.places.models import Area, AreaKind

# A point a little outside the outermost small area is still the partnership's concern (a
# station on the border, a lay-by): about a kilometre either way.
MARGIN_DEGREES = 0.01


@dataclass(frozen=True)
class Bounds:
    south: float
    west: float
    north: float
    east: float

    def holds(self, *, latitude: float, longitude: float) -> bool:
        return (
            self.south - MARGIN_DEGREES <= latitude <= self.north + MARGIN_DEGREES
            and self.west - MARGIN_DEGREES <= longitude <= self.east + MARGIN_DEGREES
        )


def _small_areas():
    return Area.objects.filter(kind=AreaKind.LSOA, boundary__isnull=False)


def _positions(geometry: dict):
    """Every (longitude, latitude) of a GeoJSON polygon or multipolygon."""
    rings = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        rings = [rings]
    for polygon in rings:
        for ring in polygon:
            yield from ring


def partnership_bounds() -> Bounds | None:
    """The box around the partnership's small areas; None when no geography is loaded."""
    longitudes, latitudes = [], []
    for boundary in _small_areas().values_list("boundary", flat=True).iterator():
        for longitude, latitude, *_ in _positions(boundary):
            longitudes.append(longitude)
            latitudes.append(latitude)
    if not latitudes:
        return None
    return Bounds(
        south=min(latitudes), west=min(longitudes), north=max(latitudes), east=max(longitudes)
    )


def outline_features() -> list[dict]:
    """The small areas as GeoJSON features with no properties: the map's background."""
    return [
        {"type": "Feature", "properties": {}, "geometry": boundary}
        for boundary in _small_areas().values_list("boundary", flat=True)
    ]
