"""Regular square cells in British National Grid metres, and who neighbours whom.

A cell is named `<size>m-<column>-<row>`, column and row counting cells from the grid's origin
(easting and northing 0), so one name means one square wherever and whenever it is computed.
"""

from dataclasses import dataclass

import libpysal
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
FROM_GRID = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@dataclass(frozen=True)
class Cells:
    """The study region's cells: name, column, row and centre (latitude, longitude)."""

    frame: pd.DataFrame  # cell, column, row, latitude, longitude
    size: int

    def weights(self) -> libpysal.weights.W:
        """Binary queen contiguity: the eight cells around each (ArcGIS's fixed distance band of
        one cell's diagonal)."""
        return queen_weights(self.frame["column"].to_numpy(), self.frame["row"].to_numpy())

    def index_of(self, *, latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
        """The position in `frame` of the cell holding each point; -1 outside the region."""
        column, row = cell_of(latitude=latitude, longitude=longitude, size=self.size)
        lookup = pd.Series(
            np.arange(len(self.frame)),
            index=pd.MultiIndex.from_arrays([self.frame["column"], self.frame["row"]]),
        )
        found = lookup.reindex(pd.MultiIndex.from_arrays([column, row]))
        return found.fillna(-1).astype(int).to_numpy()


def cell_of(*, latitude, longitude, size: int) -> tuple[np.ndarray, np.ndarray]:
    easting, northing = TO_GRID.transform(np.asarray(longitude), np.asarray(latitude))
    return (
        np.floor(np.asarray(easting) / size).astype(np.int64),
        np.floor(np.asarray(northing) / size).astype(np.int64),
    )


def cell_names(column: np.ndarray, row: np.ndarray, size: int) -> list[str]:
    return [f"{size}m-{c}-{r}" for c, r in zip(column.tolist(), row.tolist(), strict=True)]


def cells_over(*, area, size: int, points: pd.DataFrame | None = None) -> Cells:
    """Every cell touching `area` (a shapely geometry in latitude and longitude), or, with no
    area, every cell holding one of `points` (latitude, longitude)."""
    if area is not None and not area.is_empty:
        outline = shapely.transform(
            area, lambda xy: np.column_stack(TO_GRID.transform(xy[:, 0], xy[:, 1]))
        )
        minx, miny, maxx, maxy = outline.bounds
        columns = np.arange(int(minx // size), int(maxx // size) + 1)
        rows = np.arange(int(miny // size), int(maxy // size) + 1)
        column, row = (a.ravel() for a in np.meshgrid(columns, rows))
        boxes = shapely.box(column * size, row * size, (column + 1) * size, (row + 1) * size)
        shapely.prepare(outline)
        keep = shapely.intersects(outline, boxes)
        column, row = column[keep], row[keep]
    else:
        if points is None or points.empty:
            raise ValueError("A grid needs an area or some points.")
        column, row = cell_of(latitude=points["latitude"], longitude=points["longitude"], size=size)
        unique = pd.DataFrame({"column": column, "row": row}).drop_duplicates()
        column, row = unique["column"].to_numpy(), unique["row"].to_numpy()
    longitude, latitude = FROM_GRID.transform((column + 0.5) * size, (row + 0.5) * size)
    frame = pd.DataFrame(
        {
            "cell": cell_names(column, row, size),
            "column": column,
            "row": row,
            "latitude": np.round(latitude, 5),
            "longitude": np.round(longitude, 5),
        }
    )
    return Cells(frame=frame, size=size)


def queen_weights(column: np.ndarray, row: np.ndarray) -> libpysal.weights.W:
    position = {
        (c, r): i for i, (c, r) in enumerate(zip(column.tolist(), row.tolist(), strict=True))
    }
    neighbours = {}
    for (c, r), i in position.items():
        neighbours[i] = [
            position[(c + dc, r + dr)]
            for dc in (-1, 0, 1)
            for dr in (-1, 0, 1)
            if (dc or dr) and (c + dc, r + dr) in position
        ]
    return libpysal.weights.W(neighbours, silence_warnings=True)


def cell_square(cell: str) -> list[list[list[float]]]:
    """A grid cell's square as GeoJSON polygon coordinates (longitude, latitude)."""
    size_text, column_text, row_text = cell.rsplit("-", 2)
    size, column, row = int(size_text.rstrip("m")), int(column_text), int(row_text)
    eastings = np.array([column, column + 1, column + 1, column, column]) * size
    northings = np.array([row, row, row + 1, row + 1, row]) * size
    longitude, latitude = FROM_GRID.transform(eastings, northings)
    return [[[round(x, 6), round(y, 6)] for x, y in zip(longitude, latitude, strict=True)]]
