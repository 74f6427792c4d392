#!/usr/bin/python3
"""Invariants of fill -> flowdir (TauDEM codes) -> accum on a real DEM.

dem_invariants.py DEM FEL P AD8: the fill is >= the DEM everywhere; every
data cell has a direction (1..8); the cells whose direction leaves the grid
or enters nodata carry accumulations summing to the number of data cells
(each cell drains out exactly once); each accumulation equals 1 plus the
accumulations of the cells pointing into it.
"""
import sys

import numpy as np
from osgeo import gdal


def read(path):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray().astype(np.float64)
    nd = b.GetNoDataValue()
    return a, (a == nd) if nd is not None else np.zeros(a.shape, bool)


dem, dnd = read(sys.argv[1])
fel, fnd = read(sys.argv[2])
p, pnd = read(sys.argv[3])
acc, and_ = read(sys.argv[4])
# counts are Int32 below 2^31 cells (docs/hydrology.md), the type every reader takes
acc_type = gdal.GetDataTypeName(gdal.Open(sys.argv[4]).GetRasterBand(1).DataType)
assert acc_type == "Int32", f"accumulation stored as {acc_type}, expected Int32"
data = ~dnd
assert np.array_equal(fnd, dnd) and np.array_equal(pnd, dnd) and np.array_equal(and_, dnd), "nodata masks differ"
assert (fel[data] >= dem[data]).all(), "fill lowered a cell"
assert ((p[data] >= 1) & (p[data] <= 8)).all(), f"{int(((p[data] < 1) | (p[data] > 8)).sum())} cells without direction"
# TauDEM codes 1..8: E, NE, N, NW, W, SW, S, SE
dx = {1: 1, 2: 1, 3: 0, 4: -1, 5: -1, 6: -1, 7: 0, 8: 1}
dy = {1: 0, 2: -1, 3: -1, 4: -1, 5: 0, 6: 1, 7: 1, 8: 1}
ny, nx = p.shape
inflow = np.zeros_like(acc)
out = 0.0
for j in range(ny):
    for i in range(nx):
        if not data[j, i]:
            continue
        c = int(p[j, i])
        ti, tj = i + dx[c], j + dy[c]
        if 0 <= ti < nx and 0 <= tj < ny and data[tj, ti]:
            inflow[tj, ti] += acc[j, i]
        else:
            out += acc[j, i]
assert out == data.sum(), f"accumulation leaving the data {out} != {data.sum()} cells"
assert np.array_equal(acc[data], 1 + inflow[data]), "accumulation is not 1 + inflow"
print(f"ok: {int(data.sum())} cells, {int((fel > dem).sum())} raised by the fill, all drain out")
