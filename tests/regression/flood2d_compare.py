#!/usr/bin/env python3
"""flood2d_compare.py A_DIR B_DIR — the products of two flood2d runs are
identical: every raster (COG and netCDF, every band of the depth series)
bit for bit, the mass-balance CSV byte for byte, and the flood-extent
polygons feature for feature (FID, geometry as WKB, flooded and area).
Exit 0 if identical, 1 otherwise."""
import sys

import numpy as np
from osgeo import gdal, ogr

gdal.UseExceptions()
a_dir, b_dir = sys.argv[1], sys.argv[2]
bad = 0


def raster(name):
    a, b = gdal.Open(name % a_dir), gdal.Open(name % b_dir)
    if a.RasterCount != b.RasterCount or a.GetGeoTransform() != b.GetGeoTransform():
        return "band count or geotransform differ"
    for k in range(1, a.RasterCount + 1):
        x, y = a.GetRasterBand(k).ReadAsArray(), b.GetRasterBand(k).ReadAsArray()
        if x.tobytes() != y.tobytes():
            n = int(np.sum(x.view(np.uint32 if x.dtype == np.float32 else np.uint64) !=
                           y.view(np.uint32 if y.dtype == np.float32 else np.uint64)))
            return "band %d: %d cells differ (max |diff| %g)" % (k, n, float(np.nanmax(np.abs(x - y))))
    return None


names = []
for layer in ("max_depth", "arrival_time", "max_velocity", "max_hazard"):
    names += ["%%s/%s.tif" % layer, 'NETCDF:"%%s/%s.nc":%s' % (layer, layer)]
names.append('NETCDF:"%s/depth_series.nc":depth')
for n in names:
    why = raster(n)
    print(("DIFF " + why if why else "same") + "  " + n % "DIR")
    bad += why is not None

ca, cb = open(a_dir + "/mass_balance.csv").read(), open(b_dir + "/mass_balance.csv").read()
print(("same" if ca == cb else "DIFF") + "  mass_balance.csv (%d rows)" % (ca.count("\n") - 1))
bad += ca != cb


def polys(d):
    ds = ogr.Open(d + "/flood_extent.gpkg")
    lyr = ds.GetLayer(0)
    return [(f.GetFID(), bytes(f.GetGeometryRef().ExportToWkb()), f.GetField("flooded"), f.GetField("area_m2"))
            for f in lyr]


pa, pb = polys(a_dir), polys(b_dir)
print(("same" if pa == pb else "DIFF") + "  flood_extent.gpkg (%d polygons)" % len(pa))
bad += pa != pb
sys.exit(1 if bad else 0)
