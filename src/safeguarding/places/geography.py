"""Loading the partnership's geography, and placing every location on it.

A geography folder holds `postcodes.csv` (postcode, latitude, longitude, small_area,
community_area, in_county), `small_areas.geojson` (features with `code` and `community_area`),
`community_areas.csv` (town, latitude, longitude) and `schools.csv` (urn, phase, name, town,
postcode, latitude, longitude): the synthetic county writes these, and docs/geography.md says how
to cut them from the ONS Postcode Directory and Get Information about Schools.
"""

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


class GeographyError(ValueError):
    pass


@dataclass(frozen=True)
class GeographySummary:
    postcodes: int
    small_areas: int
    community_areas: int
    schools: int
    locations_placed: int


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

    with transaction.atomic():
        Postcode.objects.all().delete()
        School.objects.all().delete()
        Area.objects.filter(kind=AreaKind.LSOA).delete()
        Area.objects.filter(kind=AreaKind.COMMUNITY_AREA).delete()
        community = Area.objects.bulk_create(
            Area(
                code=community_area_code(row.town),
                name=row.town,
                kind=AreaKind.COMMUNITY_AREA,
                latitude=float(row.latitude),
                longitude=float(row.longitude),
            )
            for row in towns.itertuples()
        )
        parent_of = {area.name: area for area in community}
        Area.objects.bulk_create(
            Area(
                code=feature["properties"]["code"],
                name=feature["properties"]["code"],
                kind=AreaKind.LSOA,
                parent=parent_of.get(feature["properties"].get("community_area", "")),
                boundary=feature["geometry"],
            )
            for feature in features
        )
        insert_rows(
            Postcode,
            {
                "postcode": postcodes["postcode"].tolist(),
                "latitude": postcodes["latitude"].astype(float).tolist(),
                "longitude": postcodes["longitude"].astype(float).tolist(),
                "small_area": postcodes["small_area"].tolist(),
                "community_area": postcodes["community_area"].tolist(),
                "in_area": postcodes["in_county"]
                .str.lower()
                .isin(["true", "1", "yes", "y"])
                .tolist(),
            },
        )
        area_of = dict(zip(postcodes["postcode"], postcodes["community_area"], strict=True))
        School.objects.bulk_create(
            School(
                urn=row.urn,
                name=row.name,
                phase=row.phase,
                postcode=normalise_postcode(row.postcode) or "",
                latitude=float(row.latitude) if row.latitude else None,
                longitude=float(row.longitude) if row.longitude else None,
                community_area=area_of.get(normalise_postcode(row.postcode), ""),
            )
            for row in schools.itertuples()
        )
        placed = place_locations(replace=True)  # people writes its own locations
    return GeographySummary(
        postcodes=len(postcodes),
        small_areas=len(features),
        community_areas=len(community),
        schools=len(schools),
        locations_placed=placed,
    )
