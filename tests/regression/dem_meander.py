#!/usr/bin/python3
"""Write meander.tif: a 64 x 64 plateau cut by a descending river that
meanders across row 32 thirty times (with pits along it) to the west edge.

dem_meander.py OUTDIR. At 2-4 ranks the blocks meet at or near row 32, so the
river crosses a block edge at every meander: the epsilon fill used to take one
exchange round per crossing (33 at 2 ranks, 34 at 4); computed on the plain
fill first, it takes 2-3 (tests/regression/dem_hydrology.cmake).
"""
import sys

import numpy as np
from osgeo import gdal, osr

n = 64
z = np.full((n, n), 100.0, dtype=np.float32)
path = []
col, up = 62, False
while col >= 2:
    rows = range(28, 37) if not up else range(36, 27, -1)
    path += [(r, col) for r in rows]
    path.append((rows[-1], col - 1))
    col -= 2
    up = not up
path += [(path[-1][0], c) for c in range(col + 1, -1, -1)]
for i, (r, c) in enumerate(path):
    z[r, c] = 90.0 - 80.0 * i / len(path) - (0.5 if i % 7 == 3 else 0.0)
ds = gdal.GetDriverByName("GTiff").Create(f"{sys.argv[1]}/meander.tif", n, n, 1, gdal.GDT_Float32)
ds.SetGeoTransform((500000, 10, 0, 3000000, 0, -10))
srs = osr.SpatialReference()
srs.ImportFromEPSG(32649)
ds.SetProjection(srs.ExportToWkt())
ds.GetRasterBand(1).WriteArray(z)
ds = None
