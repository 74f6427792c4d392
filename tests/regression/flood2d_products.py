#!/usr/bin/env python3
"""flood2d_products.py RUN_DIR NSNAP — the products of a flood2d run are
consistent with each other and readable with their georeferencing:
 - depth_series.nc is a CF time series of NSNAP steps with time values and a
   CRS; max_depth >= every snapshot (float32) and equals the largest one
   where the maximum was reached at a report time;
 - arrival_time is set exactly where max_depth >= 0.01 m (the arrival depth)
   and no later than the first snapshot with depth >= 0.01 m;
 - max_hazard <= max_depth * max_velocity;
 - flood_extent.gpkg has polygons whose area_m2 equals their geometry's
   area and sums to the area of the cells with max_depth >= 0.1 m;
 - mass_balance.csv has NSNAP rows and a relative error below 1e-9."""
import csv
import sys

import numpy as np
from osgeo import gdal, ogr

gdal.UseExceptions()
d, nsnap = sys.argv[1], int(sys.argv[2])
fails = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


def arr(name):
    ds = gdal.Open(name)
    a = ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
    a[a == -9999] = np.nan
    return ds, a


ds, hmax = arr(d + "/max_depth.tif")
_, tarr = arr(d + "/arrival_time.tif")
_, vmax = arr(d + "/max_velocity.tif")
_, haz = arr(d + "/max_hazard.tif")
check("UTM" in ds.GetSpatialRef().GetName() or ds.GetSpatialRef().IsProjected(), "max_depth.tif has a projected CRS")
series = gdal.Open('NETCDF:"%s/depth_series.nc":depth' % d)
check(series.RasterCount == nsnap, "depth_series has %d time steps (expected %d)" % (series.RasterCount, nsnap))
check(series.GetSpatialRef() is not None, "depth_series has a CRS")
times = [float(series.GetRasterBand(k).GetMetadataItem("NETCDF_DIM_time")) for k in range(1, series.RasterCount + 1)]
check(times[0] == 0 and all(b > a for a, b in zip(times, times[1:])), "time coordinate increases from 0: %s" % times)
first_wet = np.full(hmax.shape, np.inf)
for k in range(series.RasterCount):
    s = series.GetRasterBand(k + 1).ReadAsArray().astype(np.float64)
    s[s == -9999] = np.nan
    check(bool(np.all((s <= hmax) | np.isnan(s))), "max_depth >= snapshot at t = %g s" % times[k])
    first_wet = np.where((s >= 0.01) & np.isinf(first_wet), times[k], first_wet)
wet = hmax >= 0.01
check(bool(np.all(np.isnan(tarr) == ~wet | np.isnan(hmax))), "arrival_time set exactly where max_depth >= 0.01 m")
check(bool(np.all(tarr[np.isfinite(first_wet)] <= first_wet[np.isfinite(first_wet)])), "arrival no later than the first wet snapshot")
check(bool(np.all(haz[wet] <= hmax[wet] * vmax[wet] * (1 + 1e-5) + 1e-6)), "max_hazard <= max_depth x max_velocity")
gpkg = ogr.Open(d + "/flood_extent.gpkg")  # keep the dataset alive while its layer is used
lyr = gpkg.GetLayer(0)
areas = [(f.GetField("area_m2"), f.GetGeometryRef().GetArea(), f.GetField("flooded")) for f in lyr]
gt = ds.GetGeoTransform()
cell = abs(gt[1] * gt[5])
flooded = sum(a for a, g, fl in areas if fl == 1)
check(len(areas) > 0 and all(abs(a - g) <= 1e-6 * g for a, g, _ in areas), "%d polygons, area_m2 = geometry area" % len(areas))
check(abs(flooded - np.sum(hmax >= 0.1) * cell) <= 1e-6 * flooded,
      "flooded polygons cover %.0f m2 = %d cells with max depth >= 0.1 m" % (flooded, np.sum(hmax >= 0.1)))
rows = list(csv.DictReader(open(d + "/mass_balance.csv")))
check(len(rows) == nsnap, "mass_balance.csv has %d rows" % len(rows))
check(max(abs(float(r["relative_error"])) for r in rows) < 1e-9, "mass balance relative error < 1e-9")
sys.exit(1 if fails else 0)
