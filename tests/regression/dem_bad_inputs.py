#!/usr/bin/python3
"""Write the small bad inputs the hydrology error tests feed to `sanxiang dem`.

dem_bad_inputs.py OUTDIR: nan_nonodata.tif (NaN cell, no nodata declared),
rotated.tif (rotated geotransform), nonsquare.tif (10 m x 20 m cells),
badcodes.tif (ESRI flow directions with the invalid code 3),
badcodes_taudem.tif (TauDEM directions with the invalid code 9), cycle.tif
(two cells pointing at each other), cycle_ring.tif (40 x 40: a 120-cell loop
round a square that crosses every block at 2-4 ranks; its least cell is
col 5, row 5), angles_bad.tif (a D-infinity angle of 7 radians at col 2,
row 3), outlets_8x8.csv (one outlet on that grid).
"""
import sys

import numpy as np
from osgeo import gdal, osr

out = sys.argv[1]
srs = osr.SpatialReference()
srs.ImportFromEPSG(32649)  # UTM 49N (Hunan)


def write(name, arr, gt, dtype, nodata=None):
    ds = gdal.GetDriverByName("GTiff").Create(f"{out}/{name}", arr.shape[1], arr.shape[0], 1, dtype)
    ds.SetGeoTransform(gt)
    ds.SetProjection(srs.ExportToWkt())
    b = ds.GetRasterBand(1)
    if nodata is not None:
        b.SetNoDataValue(nodata)
    b.WriteArray(arr)
    ds = None


z = np.arange(64, dtype=np.float32).reshape(8, 8)
gt = (500000, 10, 0, 3000000, 0, -10)
bad = z.copy()
bad[5, 6] = np.nan
write("nan_nonodata.tif", bad, gt, gdal.GDT_Float32)
write("rotated.tif", z, (500000, 10, 1, 3000000, 1, -10), gdal.GDT_Float32)
write("nonsquare.tif", z, (500000, 10, 0, 3000000, 0, -20), gdal.GDT_Float32)
d = np.full((8, 8), 4, dtype=np.uint8)  # all south
d[3, 2] = 3
write("badcodes.tif", d, gt, gdal.GDT_Byte, 255)
t = np.full((8, 8), 7, dtype=np.uint8)  # TauDEM: all south
t[1, 5] = 9
write("badcodes_taudem.tif", t, gt, gdal.GDT_Byte, 255)
c = np.full((8, 8), 4, dtype=np.uint8)
c[3, 2], c[3, 3] = 1, 16  # east, west: a two-cell cycle
write("cycle.tif", c, gt, gdal.GDT_Byte, 255)
r = np.full((40, 40), 1, dtype=np.uint8)  # all east
r[5, 5:35] = 1     # top of the ring: east
r[5:35, 34] = 4    # right: south
r[34, 6:35] = 16   # bottom: west
r[6:35, 5] = 64    # left: north, back to (5, 5)
r[34, 34] = 16
write("cycle_ring.tif", r, gt, gdal.GDT_Byte, 255)
a = np.zeros((8, 8), dtype=np.float32)
a[3, 2] = 7.0
write("angles_bad.tif", a, gt, gdal.GDT_Float32, -9999)
with open(f"{out}/outlets_8x8.csv", "w") as f:
    f.write("x,y\n500015,2999975\n")
