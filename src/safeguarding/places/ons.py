"""Geography from the real sources: the ONS Postcode Directory, ONS boundary files and Get
Information about Schools, cut to the partnership's area (a list of local authority codes).

docs/geography.md says where to download each file and which columns are read. Column names
have changed between ONS releases (`oslaua` became `lad25cd`, `lsoa21` became `lsoa21cd`): each
field is read from the first of its known names that the file has.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import geopandas
import numpy as np
import pandas as pd
from pyproj import Transformer

from safeguarding.common.identifiers import normalise_postcode
from safeguarding.places.geography import GeographyError, GeographySummary, replace_geography

POSTCODE_COLUMNS = ("pcds", "pcd", "pcd2", "pcd7", "pcd8")
LATITUDE_COLUMNS = ("lat",)
LONGITUDE_COLUMNS = ("long",)
EASTING_COLUMNS = ("oseast1m", "east1m")
NORTHING_COLUMNS = ("osnrth1m", "north1m")
# The newest small-area codes first: a 2021 LSOA where the directory has one.
SMALL_AREA_COLUMNS = ("lsoa21cd", "lsoa21", "lsoa11cd", "lsoa11")
WARD_PATTERN = re.compile(r"^(osward|wd\d\dcd)$")
AUTHORITY_PATTERN = re.compile(r"^(oslaua|lad\d\dcd)$")
BOUNDARY_CODE = re.compile(r"^(lsoa\d\dcd|wd\d\dcd)$", re.IGNORECASE)
BOUNDARY_NAME = re.compile(r"^(lsoa\d\dnm|wd\d\dnm)$", re.IGNORECASE)
# GIAS names its columns in words; the local authority is the administrative district's code.
GIAS_COLUMNS = {
    "urn": "URN",
    "name": "EstablishmentName",
    "phase": "PhaseOfEducation (name)",
    "postcode": "Postcode",
    "easting": "Easting",
    "northing": "Northing",
    "authority": "DistrictAdministrative (code)",
    "status": "EstablishmentStatus (name)",
}
TO_LATITUDE_LONGITUDE = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@dataclass(frozen=True)
class OnsSources:
    """The files a partnership downloads, and its area."""

    postcode_directory: Path
    local_authorities: tuple[str, ...]
    small_area_boundaries: Path | None = None
    ward_boundaries: Path | None = None
    schools: Path | None = None


def _first(columns, names: tuple[str, ...]) -> str | None:
    lowered = {c.lower(): c for c in columns}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def _matching(columns, pattern: re.Pattern) -> str | None:
    return next((c for c in columns if pattern.match(c.lower())), None)


def read_postcode_directory(*, path: Path, local_authorities: tuple[str, ...]) -> pd.DataFrame:
    """The directory as postcode, latitude, longitude, small_area, ward, in_area.

    Postcodes outside the area are kept (with no small area or ward) so that a child found in
    another county is placed, and counted as out of area, rather than unknown."""
    header = pd.read_csv(path, nrows=0).columns
    postcode = _first(header, POSTCODE_COLUMNS)
    authority = _matching(header, AUTHORITY_PATTERN)
    if postcode is None or authority is None:
        raise GeographyError(
            f"{path} is not in the ONS Postcode Directory layout: it needs a postcode column "
            f"({', '.join(POSTCODE_COLUMNS)}) and a local authority column (oslaua or ladNNcd)."
        )
    wanted = {
        "postcode": postcode,
        "authority": authority,
        "latitude": _first(header, LATITUDE_COLUMNS),
        "longitude": _first(header, LONGITUDE_COLUMNS),
        "easting": _first(header, EASTING_COLUMNS),
        "northing": _first(header, NORTHING_COLUMNS),
        "small_area": _first(header, SMALL_AREA_COLUMNS),
        "ward": _matching(header, WARD_PATTERN),
    }
    present = {name: column for name, column in wanted.items() if column is not None}
    frame = pd.read_csv(
        path, usecols=list(present.values()), dtype=str, keep_default_na=False
    ).rename(columns={column: name for name, column in present.items()})
    for name in wanted:
        if name not in frame:
            frame[name] = ""
    frame["postcode"] = frame["postcode"].map(normalise_postcode)
    frame = frame.dropna(subset=["postcode"]).drop_duplicates("postcode")
    latitude = pd.to_numeric(frame["latitude"], errors="coerce")
    longitude = pd.to_numeric(frame["longitude"], errors="coerce")
    # The directory writes 99.999999 / 0.000000 where a postcode has no grid reference.
    latitude = latitude.where(latitude.abs() <= 90)
    easting = pd.to_numeric(frame["easting"], errors="coerce")
    northing = pd.to_numeric(frame["northing"], errors="coerce")
    from_grid = latitude.isna() & easting.notna() & northing.notna() & (northing > 0)
    if from_grid.any():
        lon, lat = TO_LATITUDE_LONGITUDE.transform(
            easting[from_grid].to_numpy(), northing[from_grid].to_numpy()
        )
        latitude[from_grid], longitude[from_grid] = lat, lon
    frame["latitude"], frame["longitude"] = latitude, longitude
    frame = frame.dropna(subset=["latitude", "longitude"])
    frame["in_area"] = frame["authority"].isin(local_authorities)
    frame.loc[~frame["in_area"], ["small_area", "ward"]] = ""
    return frame[["postcode", "latitude", "longitude", "small_area", "ward", "in_area"]]


def read_boundaries(*, path: Path, codes: set[str] | None = None) -> pd.DataFrame:
    """A boundary file (GeoJSON, GeoPackage or shapefile) as code, name, geometry (GeoJSON in
    latitude and longitude), kept to `codes` when given."""
    shapes = geopandas.read_file(path)
    code = _matching(shapes.columns, BOUNDARY_CODE)
    name = _matching(shapes.columns, BOUNDARY_NAME)
    if code is None:
        raise GeographyError(
            f"{path} has no area code field (LSOA21CD, LSOA11CD or WDnnCD as the ONS names them)."
        )
    if codes is not None:
        shapes = shapes[shapes[code].isin(codes)]
    # ONS publishes boundaries in British National Grid; the maps draw latitude and longitude.
    shapes = shapes.to_crs("EPSG:4326") if shapes.crs is not None else shapes
    centres = shapes.geometry.representative_point()
    return pd.DataFrame(
        {
            "code": shapes[code].to_numpy(),
            "name": (shapes[name] if name else shapes[code]).to_numpy(),
            "geometry": [g.__geo_interface__ for g in shapes.geometry],
            "latitude": centres.y.round(5).to_numpy(),
            "longitude": centres.x.round(5).to_numpy(),
        }
    )


def read_schools(*, path: Path, local_authorities: tuple[str, ...]) -> pd.DataFrame:
    """Open schools in the area from the GIAS download: urn, name, phase, postcode, latitude,
    longitude."""
    header = pd.read_csv(path, nrows=0, encoding="latin-1").columns
    missing = sorted(set(GIAS_COLUMNS.values()) - set(header))
    if missing:
        raise GeographyError(
            f"{path} is not a Get Information about Schools download: no {', '.join(missing)}."
        )
    # GIAS downloads are Windows-1252 text, not UTF-8.
    frame = pd.read_csv(
        path,
        usecols=list(GIAS_COLUMNS.values()),
        dtype=str,
        keep_default_na=False,
        encoding="cp1252",
    ).rename(columns={v: k for k, v in GIAS_COLUMNS.items()})
    frame = frame[
        frame["authority"].isin(local_authorities) & ~frame["status"].str.startswith("Closed")
    ]
    easting = pd.to_numeric(frame["easting"], errors="coerce").to_numpy()
    northing = pd.to_numeric(frame["northing"], errors="coerce").to_numpy()
    longitude, latitude = TO_LATITUDE_LONGITUDE.transform(easting, northing)
    frame = frame.assign(
        latitude=np.where(np.isfinite(latitude), np.round(latitude, 5), np.nan),
        longitude=np.where(np.isfinite(longitude), np.round(longitude, 5), np.nan),
    )
    return frame[["urn", "name", "phase", "postcode", "latitude", "longitude"]].reset_index(
        drop=True
    )


def load_ons_geography(*, sources: OnsSources) -> GeographySummary:
    """Replace the geography with the area's cut of the ONS and GIAS files."""
    if not sources.local_authorities:
        raise GeographyError("Name the partnership's area: one or more local authority codes.")
    postcodes = read_postcode_directory(
        path=sources.postcode_directory, local_authorities=sources.local_authorities
    )
    inside = postcodes[postcodes["in_area"]]
    if inside.empty:
        raise GeographyError(
            f"No postcode in {sources.postcode_directory} is in "
            f"{', '.join(sources.local_authorities)}: check the local authority codes."
        )
    wards = (
        read_boundaries(path=sources.ward_boundaries, codes=set(inside["ward"]))
        if sources.ward_boundaries
        else pd.DataFrame(columns=["code", "name", "latitude", "longitude"])
    )
    # Wards are the community areas; a ward without a boundary is named by its code and placed
    # at the middle of its postcodes.
    centres = inside.groupby("ward")[["latitude", "longitude"]].mean().round(5).reset_index()
    centres = centres[centres["ward"] != ""]
    unnamed = centres[~centres["ward"].isin(wards["code"])]
    community_areas = pd.concat(
        [
            wards[["code", "name", "latitude", "longitude"]],
            pd.DataFrame(
                {
                    "code": unnamed["ward"],
                    "name": unnamed["ward"],
                    "latitude": unnamed["latitude"],
                    "longitude": unnamed["longitude"],
                }
            ),
        ],
        ignore_index=True,
    )
    ward_name = dict(zip(community_areas["code"], community_areas["name"], strict=True))
    postcodes["community_area"] = postcodes["ward"].map(ward_name).fillna("")
    # An LSOA is not always inside one ward: its community area is the ward of most of its
    # postcodes.
    small_area_ward = (
        postcodes[postcodes["small_area"] != ""]
        .groupby("small_area")["community_area"]
        .agg(lambda names: names.mode().iloc[0])
    )
    if sources.small_area_boundaries:
        small_areas = read_boundaries(
            path=sources.small_area_boundaries, codes=set(small_area_ward.index)
        )
    else:
        small_areas = pd.DataFrame({"code": small_area_ward.index, "geometry": None})
        small_areas["name"] = small_areas["code"]
    small_areas["community_area"] = small_areas["code"].map(small_area_ward).fillna("")
    schools = (
        read_schools(path=sources.schools, local_authorities=sources.local_authorities)
        if sources.schools
        else pd.DataFrame(columns=["urn", "name", "phase", "postcode", "latitude", "longitude"])
    )
    return replace_geography(
        postcodes=postcodes.drop(columns=["ward"]),
        community_areas=community_areas,
        small_areas=small_areas,
        schools=schools,
    )
