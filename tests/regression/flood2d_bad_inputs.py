#!/usr/bin/python3
"""Write the bad inputs the flood2d error tests feed to `sanxiang flood2d`.

flood2d_bad_inputs.py DEM OUTDIR, DEM being the Olinda example DEM (111 x 111,
UTM 25S); every raster is on its grid:
  all_nodata_dem.tif   every cell -9999, nodata -9999 (a DEM with no valid cell)
  inf_dem.tif          the DEM with +inf at column 20, row 30 and column 5, row 40
  hole_dem.tif         the DEM with nodata in columns 37..41, rows 69..73 (the
                       example's river inflow is at column 39, row 71)
  manning_hole.tif     n = 0.05 with nodata at column 50, row 40 and column 3, row 90
  manning_percent.tif  n = 5 (a roughness given in the wrong units)
  late_hydrograph.csv  the example hydrograph with times as Unix seconds (2024)
"""
import sys

import numpy as np
from osgeo import gdal

dem_path, out = sys.argv[1], sys.argv[2]
src = gdal.Open(dem_path)
z = src.GetRasterBand(1).ReadAsArray().astype(np.float32)


def write(name, arr, nodata=None):
    ds = gdal.GetDriverByName("GTiff").Create(f"{out}/{name}", arr.shape[1], arr.shape[0], 1, gdal.GDT_Float32,
                                              ["COMPRESS=DEFLATE"])
    ds.SetGeoTransform(src.GetGeoTransform())
    ds.SetProjection(src.GetProjection())
    b = ds.GetRasterBand(1)
    if nodata is not None:
        b.SetNoDataValue(nodata)
    b.WriteArray(arr)
    ds = None


write("all_nodata_dem.tif", np.full_like(z, -9999.0), -9999.0)
a = z.copy()
a[30, 20] = np.inf
a[40, 5] = np.inf
write("inf_dem.tif", a, -9999.0)
a = z.copy()
a[69:74, 37:42] = -9999.0
write("hole_dem.tif", a, -9999.0)
n = np.full_like(z, 0.05)
n[40, 50] = -1.0
n[90, 3] = -1.0
write("manning_hole.tif", n, -1.0)
write("manning_percent.tif", np.full_like(z, 5.0))
with open(f"{out}/late_hydrograph.csv", "w") as f:
    f.write("time_s,discharge_m3s\n")
    for k in range(27):
        f.write(f"{1704067200 + 3600 * k},{20 + k}\n")
