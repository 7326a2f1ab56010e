"""The county's geography: towns, an outline, small areas, postcodes and schools.

Modelled on Wiltshire: its real towns at approximately their real positions and relative sizes.
Small areas are Voronoi cells around generated seeds, clipped to an outline drawn around the
county (with Swindon, a separate authority, cut out).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point, Polygon

# name, latitude, longitude, population (thousands), outward codes
TOWNS = [
    ("Salisbury", 51.069, -1.795, 41, ["SP1", "SP2"]),
    ("Trowbridge", 51.318, -2.208, 37, ["BA14"]),
    ("Chippenham", 51.458, -2.116, 36, ["SN14", "SN15"]),
    ("Melksham", 51.373, -2.138, 19, ["SN12"]),
    ("Warminster", 51.205, -2.181, 18, ["BA12"]),
    ("Calne", 51.438, -2.004, 17, ["SN11"]),
    ("Westbury", 51.260, -2.187, 16, ["BA13"]),
    ("Devizes", 51.351, -1.994, 15, ["SN10"]),
    ("Corsham", 51.431, -2.186, 13, ["SN13"]),
    ("Royal Wootton Bassett", 51.540, -1.904, 12, ["SN4"]),
    ("Amesbury", 51.173, -1.780, 12, ["SP4"]),
    ("Tidworth", 51.239, -1.664, 11, ["SP9", "SP11"]),
    ("Bradford on Avon", 51.347, -2.252, 9, ["BA15"]),
    ("Marlborough", 51.420, -1.730, 8, ["SN8"]),
    ("Malmesbury", 51.584, -2.098, 6, ["SN16"]),
    ("Cricklade", 51.640, -1.857, 4.5, ["SN6"]),
    ("Pewsey", 51.342, -1.765, 3.5, ["SN9"]),
    ("Mere", 51.090, -2.268, 3, ["BA12"]),
    ("Downton", 50.993, -1.745, 3, ["SP5"]),
    ("Tisbury", 51.061, -2.079, 2, ["SP3"]),
]

# Where county lines come from: cities outside the county, with their own postcodes.
ORIGIN_CITIES = [
    ("London", 51.507, -0.128, ["E8", "N17", "SE15", "E5"]),
    ("Bristol", 51.454, -2.588, ["BS5", "BS2", "BS13"]),
    ("Birmingham", 52.486, -1.890, ["B6", "B19", "B8"]),
    ("Swindon", 51.558, -1.782, ["SN1", "SN2", "SN3"]),
]

OUTLINE = Polygon(
    [
        (-1.95, 51.70),
        (-1.68, 51.62),
        (-1.55, 51.45),
        (-1.53, 51.30),
        (-1.60, 51.10),
        (-1.70, 50.95),
        (-1.95, 50.97),
        (-2.30, 51.05),
        (-2.36, 51.20),
        (-2.33, 51.35),
        (-2.28, 51.47),
        (-2.20, 51.60),
    ]
).difference(Point(-1.782, 51.558).buffer(0.07))

SCHOOL_NAMES = [
    "North",
    "South",
    "East",
    "West",
    "St Mary",
    "Park",
    "Hill",
    "Valley",
    "Green",
    "Oak",
    "Church",
    "Castle",
    "Meadow",
    "Brook",
]
INWARD_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
RESIDENTS_PER_SMALL_AREA = 1_500
POSTCODES_PER_SMALL_AREA = 14


@dataclass
class Geography:
    towns: pd.DataFrame
    small_areas: pd.DataFrame  # code, community_area, centroid, geometry
    postcodes: (
        pd.DataFrame
    )  # postcode, latitude, longitude, small_area, community_area, town, in_county
    schools: pd.DataFrame  # urn, name, phase, town, postcode, latitude, longitude


def build_geography(rng: np.random.Generator) -> Geography:
    towns = pd.DataFrame(
        TOWNS, columns=["town", "latitude", "longitude", "population", "outward_codes"]
    )
    seeds = _small_area_seeds(towns, rng)
    cells = shapely.voronoi_polygons(
        MultiPoint(seeds[["longitude", "latitude"]].to_numpy()), extend_to=OUTLINE.envelope
    )
    polygons = list(cells.geoms)
    # voronoi_polygons returns cells in no fixed order: match each seed to the cell holding it.
    tree = shapely.STRtree(polygons)
    points = shapely.points(seeds["longitude"], seeds["latitude"])
    seed_index, cell_index = tree.query(points, predicate="intersects")
    owner = dict(zip(seed_index.tolist(), cell_index.tolist(), strict=True))
    seeds["geometry"] = [polygons[owner[i]].intersection(OUTLINE) for i in range(len(seeds))]
    seeds = seeds[~seeds["geometry"].map(lambda g: g.is_empty)].reset_index(drop=True)
    seeds["code"] = [f"E01{900000 + i:06d}" for i in range(len(seeds))]
    centroids = seeds["geometry"].map(lambda g: g.representative_point())
    seeds["centroid_latitude"] = centroids.map(lambda p: round(p.y, 5))
    seeds["centroid_longitude"] = centroids.map(lambda p: round(p.x, 5))
    postcodes = _postcodes(seeds, towns, rng)
    schools = _schools(towns, postcodes, rng)
    return Geography(towns=towns, small_areas=seeds, postcodes=postcodes, schools=schools)


def _small_area_seeds(towns: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for town in towns.itertuples():
        count = max(2, round(town.population * 1000 / RESIDENTS_PER_SMALL_AREA))
        spread = 0.012 * np.sqrt(town.population / 10)
        latitudes = rng.normal(town.latitude, spread, count)
        longitudes = rng.normal(town.longitude, spread * 1.5, count)
        rows += [(town.town, lat, lon) for lat, lon in zip(latitudes, longitudes, strict=True)]
    # Villages: seeds spread over the county, each in its nearest town's community area.
    minx, miny, maxx, maxy = OUTLINE.bounds
    rural = 60
    longitudes = rng.uniform(minx, maxx, rural * 3)
    latitudes = rng.uniform(miny, maxy, rural * 3)
    inside = shapely.contains_xy(OUTLINE, longitudes, latitudes)
    for lat, lon in list(zip(latitudes[inside], longitudes[inside], strict=True))[:rural]:
        nearest = ((towns["latitude"] - lat) ** 2 + (towns["longitude"] - lon) ** 2).idxmin()
        rows.append((towns.loc[nearest, "town"], lat, lon))
    seeds = pd.DataFrame(rows, columns=["community_area", "latitude", "longitude"])
    keep = shapely.contains_xy(OUTLINE, seeds["longitude"], seeds["latitude"])
    return seeds[keep].reset_index(drop=True)


def _inward_codes(count: int, rng: np.random.Generator) -> np.ndarray:
    digits = rng.integers(0, 10, count).astype(str)
    letters = rng.choice(INWARD_LETTERS, (count, 2))
    return np.char.add(np.char.add(digits, letters[:, 0]), letters[:, 1])


def _postcodes(areas: pd.DataFrame, towns: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    outward_of = dict(zip(towns["town"], towns["outward_codes"], strict=True))
    frames = []
    for area in areas.itertuples():
        minx, miny, maxx, maxy = area.geometry.bounds
        longitudes = rng.uniform(minx, maxx, POSTCODES_PER_SMALL_AREA * 4)
        latitudes = rng.uniform(miny, maxy, POSTCODES_PER_SMALL_AREA * 4)
        inside = shapely.contains_xy(area.geometry, longitudes, latitudes)
        longitudes, latitudes = longitudes[inside], latitudes[inside]
        if len(longitudes) == 0:
            longitudes, latitudes = (
                np.array([area.centroid_longitude]),
                np.array([area.centroid_latitude]),
            )
        count = min(POSTCODES_PER_SMALL_AREA, len(longitudes))
        outward = rng.choice(outward_of[area.community_area], count)
        frames.append(
            pd.DataFrame(
                {
                    "outward": outward,
                    "inward": _inward_codes(count, rng),
                    "latitude": latitudes[:count].round(5),
                    "longitude": longitudes[:count].round(5),
                    "small_area": area.code,
                    "community_area": area.community_area,
                    "town": area.community_area,
                    "in_county": True,
                }
            )
        )
    for city, lat, lon, outwards in ORIGIN_CITIES:
        count = 60
        frames.append(
            pd.DataFrame(
                {
                    "outward": rng.choice(outwards, count),
                    "inward": _inward_codes(count, rng),
                    "latitude": rng.normal(lat, 0.02, count).round(5),
                    "longitude": rng.normal(lon, 0.03, count).round(5),
                    "small_area": "",
                    "community_area": "",
                    "town": city,
                    "in_county": False,
                }
            )
        )
    postcodes = pd.concat(frames, ignore_index=True)
    postcodes["postcode"] = postcodes["outward"] + " " + postcodes["inward"]
    postcodes = postcodes.drop_duplicates("postcode").reset_index(drop=True)
    return postcodes[
        ["postcode", "latitude", "longitude", "small_area", "community_area", "town", "in_county"]
    ]


def _schools(
    towns: pd.DataFrame, postcodes: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    rows = []
    for town in towns.itertuples():
        local = postcodes[postcodes["town"] == town.town]
        secondaries = max(1, round(town.population / 12)) if town.population >= 5 else 0
        primaries = max(1, round(town.population / 3))
        for phase, count in (("secondary", secondaries), ("primary", primaries)):
            for number in range(count):
                place = local.iloc[int(rng.integers(len(local)))]
                suffix = "" if count == 1 else f" {SCHOOL_NAMES[number % len(SCHOOL_NAMES)]}"
                name = (
                    f"{town.town}{suffix} Academy"
                    if phase == "secondary"
                    else f"{town.town}{suffix} Primary School"
                )
                if number >= 14:
                    name = name.replace(" School", f" School {number // 14 + 1}")
                rows.append(
                    (phase, name, town.town, place.postcode, place.latitude, place.longitude)
                )
    schools = pd.DataFrame(
        rows, columns=["phase", "name", "town", "postcode", "latitude", "longitude"]
    )
    schools.insert(0, "urn", 126_000 + np.arange(len(schools)) * 7)
    return schools
