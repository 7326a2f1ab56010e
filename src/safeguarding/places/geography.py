"""Loading the partnership's geography, and placing every location on it.

A geography folder holds `postcodes.csv` (postcode, latitude, longitude, small_area,
community_area, in_county), `small_areas.geojson` (features with `code` and `community_area`),
`community_areas.csv` (town, latitude, longitude) and `schools.csv` (urn, phase, name, town,
postcode, latitude, longitude): the synthetic county writes these. An optional `population.csv`
gives each small area's young people (places/population.py). docs/geography.md says how to load
the real sources instead (places/ons.py: the ONS Postcode Directory, ONS boundaries and
Get Information about Schools).
"""

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.db import transaction
from django.utils.text import slugify

from safeguarding.common.bulk import insert_rows
from safeguarding.common.identifiers import normalise_postcode
from safeguarding.people.services import place_locations
from safeguarding.places.models import Area, AreaKind, Postcode, School
from safeguarding.places.population import load_population


class GeographyError(ValueError):
    pass


@dataclass(frozen=True)
class GeographySummary:
    postcodes: int
    small_areas: int
    community_areas: int
    schools: int
    locations_placed: int
    small_areas_with_population: int = 0


def _read_csv(folder: Path, name: str, required: set[str]) -> pd.DataFrame:
    path = folder / name
    if not path.exists():
        raise GeographyError(f"{path} is missing: a geography folder needs {name}.")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = required - set(frame.columns)
    if missing:
        raise GeographyError(f"{path} has no column {', '.join(sorted(missing))}.")
    return frame


def community_area_code(name: str) -> str:
    return "ca-" + slugify(name)


def load_geography(folder: Path) -> GeographySummary:
    """Replace the geography with the folder's, then place every location on it."""
    postcodes = _read_csv(
        folder,
        "postcodes.csv",
        {"postcode", "latitude", "longitude", "small_area", "community_area", "in_county"},
    )
    postcodes["postcode"] = postcodes["postcode"].map(normalise_postcode)
    postcodes = postcodes.dropna(subset=["postcode"]).drop_duplicates("postcode")
    towns = _read_csv(folder, "community_areas.csv", {"town", "latitude", "longitude"})
    schools = _read_csv(
        folder, "schools.csv", {"urn", "name", "phase", "postcode", "latitude", "longitude"}
    )
    features = json.loads((folder / "small_areas.geojson").read_text())["features"]
    community_areas = pd.DataFrame(
        {
            "code": towns["town"].map(community_area_code),
            "name": towns["town"],
            "latitude": towns["latitude"].astype(float),
            "longitude": towns["longitude"].astype(float),
        }
    )
    small_areas = pd.DataFrame(
        {
            "code": [f["properties"]["code"] for f in features],
            "name": [f["properties"]["code"] for f in features],
            "community_area": [f["properties"].get("community_area", "") for f in features],
            "geometry": [f["geometry"] for f in features],
        }
    )
    postcodes["in_area"] = postcodes["in_county"].str.lower().isin(["true", "1", "yes", "y"])
    schools["latitude"] = pd.to_numeric(schools["latitude"], errors="coerce")
    schools["longitude"] = pd.to_numeric(schools["longitude"], errors="coerce")
    summary = replace_geography(
        postcodes=postcodes,
        community_areas=community_areas,
        small_areas=small_areas,
        schools=schools,
    )
    if (folder / "population.csv").exists():  # optional: the area profiles' rates need it
        populated = load_population(folder / "population.csv")
        summary = dataclasses.replace(summary, small_areas_with_population=populated)
    return summary


def replace_geography(
    *,
    postcodes: pd.DataFrame,
    community_areas: pd.DataFrame,
    small_areas: pd.DataFrame,
    schools: pd.DataFrame,
) -> GeographySummary:
    """Replace the stored geography with these frames, then place every location on it.

    postcodes: postcode (normalised), latitude, longitude, small_area (code), community_area
    (name), in_area; community_areas: code, name, latitude, longitude; small_areas: code, name,
    community_area (name), geometry (GeoJSON mapping); schools: urn, name, phase, postcode,
    latitude, longitude (NaN when unknown).
    """
    with transaction.atomic():
        Postcode.objects.all().delete()
        School.objects.all().delete()
        Area.objects.filter(kind=AreaKind.LSOA).delete()
        Area.objects.filter(kind=AreaKind.COMMUNITY_AREA).delete()
        community = Area.objects.bulk_create(
            Area(
                code=row.code,
                name=row.name,
                kind=AreaKind.COMMUNITY_AREA,
                latitude=_number(row.latitude),
                longitude=_number(row.longitude),
            )
            for row in community_areas.itertuples()
        )
        parent_of = {area.name: area for area in community}
        Area.objects.bulk_create(
            Area(
                code=row.code,
                name=row.name,
                kind=AreaKind.LSOA,
                parent=parent_of.get(row.community_area or ""),
                boundary=row.geometry,
            )
            for row in small_areas.itertuples()
        )
        insert_rows(
            Postcode,
            {
                "postcode": postcodes["postcode"].tolist(),
                "latitude": postcodes["latitude"].astype(float).tolist(),
                "longitude": postcodes["longitude"].astype(float).tolist(),
                "small_area": postcodes["small_area"].tolist(),
                "community_area": postcodes["community_area"].tolist(),
                "in_area": postcodes["in_area"].astype(bool).tolist(),
            },
        )
        area_of = dict(zip(postcodes["postcode"], postcodes["community_area"], strict=True))
        School.objects.bulk_create(
            School(
                urn=row.urn,
                name=row.name,
                phase=row.phase,
                postcode=normalise_postcode(row.postcode) or "",
                latitude=_number(row.latitude),
                longitude=_number(row.longitude),
                community_area=area_of.get(normalise_postcode(row.postcode), ""),
            )
            for row in schools.itertuples()
        )
        placed = place_locations(replace=True)  # people writes its own locations
    return GeographySummary(
        postcodes=len(postcodes),
        small_areas=len(small_areas),
        community_areas=len(community),
        schools=len(schools),
        locations_placed=placed,
    )


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
