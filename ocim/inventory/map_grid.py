"""The grid the map clusters actors on, without PostGIS: the Web Mercator tiles of the slippy
map (the ones Leaflet draws), read as a quadtree.

An actor's position is stored once, as ``Actor.map_cell``: the Z-order (Morton) code of its
tile at ``FINE_LEVEL``, the bits of the tile's column and row interleaved. The cell that holds
it at any coarser level ``L`` is then ``map_cell >> 2 * (FINE_LEVEL - L)``: one indexed integer
column serves every zoom, and grouping by that shift counts the actors of each cell in one
plain SQL statement on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Level 24 tiles are about 2.4 m wide at the equator: finer than any coordinate we keep.
FINE_LEVEL = 24
# Web Mercator stops short of the poles; a latitude beyond is drawn on the edge.
MAX_LATITUDE = 85.05112878


def _spread(value: int) -> int:
    """The low ``FINE_LEVEL`` bits of ``value`` on the even bits of the result (bit i to bit
    2i)."""
    value &= (1 << FINE_LEVEL) - 1
    value = (value | (value << 16)) & 0x0000FFFF0000FFFF
    value = (value | (value << 8)) & 0x00FF00FF00FF00FF
    value = (value | (value << 4)) & 0x0F0F0F0F0F0F0F0F
    value = (value | (value << 2)) & 0x3333333333333333
    return (value | (value << 1)) & 0x5555555555555555


def _interleave(column: int, row: int) -> int:
    # Bit i of the column goes to bit 2i, bit i of the row to bit 2i + 1 (i < FINE_LEVEL):
    # five masks instead of a loop over 24 bits (an import computes one per actor).
    return _spread(column) | (_spread(row) << 1)


def _deinterleave(code: int, bits: int) -> tuple[int, int]:
    column = row = 0
    for bit in range(bits):
        column |= ((code >> (2 * bit)) & 1) << bit
        row |= ((code >> (2 * bit + 1)) & 1) << bit
    return column, row


def tile_xy(latitude: float, longitude: float, level: int) -> tuple[float, float]:
    """The position of a point in tile units at ``level`` (column, row; fractional)."""
    size = 1 << level
    latitude = max(-MAX_LATITUDE, min(MAX_LATITUDE, latitude))
    column = (longitude + 180.0) / 360.0 * size
    sine = math.sin(math.radians(latitude))
    row = (0.5 - math.log((1 + sine) / (1 - sine)) / (4 * math.pi)) * size
    return column, row


def _tile(latitude: float, longitude: float, level: int) -> tuple[int, int]:
    last = (1 << level) - 1
    column, row = tile_xy(latitude, longitude, level)
    return min(last, max(0, int(column))), min(last, max(0, int(row)))


def map_cell(latitude: float | None, longitude: float | None) -> int | None:
    """The value of ``Actor.map_cell`` for these coordinates (None without coordinates)."""
    if latitude is None or longitude is None:
        return None
    return _interleave(*_tile(float(latitude), float(longitude), FINE_LEVEL))


def cell_shift(level: int) -> int:
    """How far to shift ``map_cell`` right to get the cell at ``level``."""
    return 2 * (FINE_LEVEL - level)


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    def cells_at(self, level: int) -> int:
        """How many cells of ``level`` this box touches (an upper bound of the clusters)."""
        west, north = _tile(self.north, self.west, level)
        east, south = _tile(self.south, self.east, level)
        return (east - west + 1) * (south - north + 1)


def cell_bounds(cell: int, level: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a cell at ``level``."""
    column, row = _deinterleave(cell, level)
    size = 1 << level

    def latitude(tile_row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * tile_row / size))))

    return (
        column / size * 360.0 - 180.0,
        latitude(row + 1),
        (column + 1) / size * 360.0 - 180.0,
        latitude(row),
    )


def cluster_level(bbox: BBox, zoom: int, *, offset: int, max_cells: int) -> int:
    """The grid level to cluster on: cells a quarter of a tile wide at ``zoom`` (``offset``
    levels finer), coarser as long as the box would hold more than ``max_cells`` cells, so
    that the clusters can never outnumber ``max_cells`` whatever the data."""
    level = min(FINE_LEVEL, zoom + offset)
    while level > 0 and bbox.cells_at(level) > max_cells:
        level -= 1
    return level
