#!/usr/bin/python3
"""Check the products of jobs/rs_landsat_ny18.yaml with numpy.

usage: rs_job_check.py RUN_DIR

From the warped bands the job wrote (netCDF), recomputes independently:
the Collection 1 BQA mask (fill bit 0, cloud bit 4, shadow and cirrus
confidence high, bits 7-8 and 11-12 = 3; nodata masked) dilated by one cell
(3 x 3, outside the grid clear); the masked NDVI; both NDVIs and the change
classes (3 gain > 0.1, 1 loss < -0.1, 2 otherwise, 255 nodata); the flood
(water after and not before); the median composite of three dates (valid =
unmasked, dilated, red and nir present) and its count; and that the zonal CSV
has the documented header. Tolerance: float32 rounding (rtol 1e-6); classes
and counts exactly.
"""
import os
import sys

import numpy as np
from osgeo import gdal

run = sys.argv[1]
def rd(name):
    """A layer of the run: the warped bands are netCDF (outputs: nc), the products COGs."""
    path = os.path.join(run, name + ".nc")
    return gdal.Open(path if os.path.exists(path) else path[:-3] + ".tif").ReadAsArray().astype(np.float64)

fail = 0


def check(what, ok):
    global fail
    print(("ok   " if ok else "FAIL ") + what)
    fail |= not ok


def close(a, b):
    return np.array_equal(np.isnan(a), np.isnan(b)) and np.allclose(a[~np.isnan(a)], b[~np.isnan(b)], rtol=1e-6, atol=1e-7)


def qa_mask(qa):
    q = np.nan_to_num(qa, nan=1).astype(np.int64)
    m = ((q & 1) == 1) | (((q >> 4) & 1) == 1) | (((q >> 7) & 3) == 3) | (((q >> 11) & 3) == 3) | np.isnan(qa)
    pad = np.pad(m, 1, constant_values=False)
    H, W = m.shape
    return np.any([pad[dy:dy + H, dx:dx + W] for dy in range(3) for dx in range(3)], axis=0)


def ndvi(d):
    n, r = rd("nir_" + d), rd("red_" + d)
    with np.errstate(all="ignore"):
        v = (n - r) / (n + r)
    return np.where(np.isfinite(v), v, np.nan)


m = qa_mask(rd("qa_20180903"))
check("rs_mask = dilated BQA mask", np.array_equal(rd("clouds_20180903") == 1, m))
n0, n1 = ndvi("20180428"), ndvi("20180903")
check("rs_index ndvi 04-28", close(rd("ndvi_20180428"), n0.astype(np.float32)))
check("rs_index ndvi 09-03", close(rd("ndvi_20180903"), n1.astype(np.float32)))
check("rs_calc masked ndvi", close(rd("ndvi_clear_20180903"), np.where(m, np.nan, n1).astype(np.float32)))
a, b = rd("ndvi_20180428"), rd("ndvi_20180903")
d = b - a
want = np.where(np.isnan(d), 255, np.where(d > 0.1, 3, np.where(d < -0.1, 1, 2)))
check("rs_change classes", np.array_equal(rd("ndvi_change"), want))
w0, w1 = rd("water_20180428"), rd("water_20180903")
want = np.where((w0 == 255) | (w1 == 255), 255, ((w1 == 1) & (w0 == 0)).astype(int))
check("rs_flood = after and not before", np.array_equal(rd("flood"), want))
check("rs_flood polygons written", os.path.getsize(os.path.join(run, "flood.gpkg")) > 0)
dates = ["20180428", "20180615", "20180903"]
valid = np.stack([~qa_mask(rd("qa_" + t)) & ~np.isnan(rd("red_" + t)) & ~np.isnan(rd("nir_" + t)) for t in dates])
check("rs_composite count", np.array_equal(rd("median_count"), valid.sum(axis=0)))
for band in ("red", "nir"):
    v = np.where(valid, np.stack([rd(band + "_" + t) for t in dates]), np.nan)
    with np.errstate(all="ignore"):
        import warnings
        warnings.simplefilter("ignore")
        med = np.nanmedian(v, axis=0)
    check("rs_composite median " + band, close(rd("median_" + band), med.astype(np.float32)))
head = open(os.path.join(run, "median_nir_nycd.csv")).readline().strip()
check("rs_zonal header", head == "fid,count,sum,mean,min,max,std,median")
sys.exit(1 if fail else 0)
