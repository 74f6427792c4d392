#!/usr/bin/python3
"""Inputs of the rs trend tests.

usage: rs_trend_setup.py OUT STACK_DIR

OUT/rand/dNN.tif: a random 12-date stack (23 x 37 cells, UTM 50N), values on
a coarse grid of 0.5 so that ties are frequent, about 15 % NaN cells per date,
a column with fewer than 3 valid dates, and date 5 carrying its gaps as a
declared nodata -9999 instead of NaN.
OUT/ny18/ndvi_YYYYMMDD.tif + OUT/ny18.txt: the real stack, NDVI of the 19
L8NY18 scenes on the 3 km grid (STACK_DIR, written by rs_stack_setup.sh), fill
(0) and BQA cloud (bit 4) cells NaN, the two rows of one date's path 014
mosaicked (row 031 first), listed in date order with their dates (17 dates).
"""
import glob
import os
import re
import sys

import numpy as np
from osgeo import gdal, osr

out, stack = sys.argv[1], sys.argv[2]
os.makedirs(f"{out}/rand", exist_ok=True)
os.makedirs(f"{out}/ny18", exist_ok=True)
rng = np.random.default_rng(20)
H, W, S = 23, 37, 12
srs = osr.SpatialReference()
srs.ImportFromEPSG(32650)
cols = np.arange(W)[None, :]
for s in range(S):
    a = np.round(rng.normal(0.04 * s * (cols % 4 - 1.5), 1.0, (H, W)) * 2) / 2  # trends of 4 kinds, ties
    a[rng.random((H, W)) < 0.15] = np.nan
    a[:, 0] = np.nan if s > 1 else a[:, 0]  # column 0: only 2 valid dates
    ds = gdal.GetDriverByName("GTiff").Create(f"{out}/rand/d{s + 1:02d}.tif", W, H, 1, gdal.GDT_Float64)
    ds.SetGeoTransform((500000, 30, 0, 3000000, 0, -30))
    ds.SetProjection(srs.ExportToWkt())
    b = ds.GetRasterBand(1)
    if s == 4:
        b.SetNoDataValue(-9999)
        a = np.where(np.isnan(a), -9999, a)
    b.WriteArray(a)
    ds = None

scenes = []
for b4 in glob.glob(f"{stack}/LC08_*_B4.tif"):
    date = re.search(r"LC08_L1TP_\d{6}_(\d{8})_", os.path.basename(b4)).group(1)
    scenes.append((date, b4))
scenes.sort()
dates = sorted({d for d, _ in scenes})
assert len(scenes) == 19 and len(dates) == 17, scenes


def ndvi_of(b4):
    r = gdal.Open(b4).ReadAsArray().astype(np.float64)
    n = gdal.Open(b4.replace("_B4.tif", "_B5.tif")).ReadAsArray().astype(np.float64)
    qa = gdal.Open(b4.replace("_B4.tif", "_BQA.tif")).ReadAsArray().astype(np.int64)
    bad = (r == 0) | (n == 0) | (qa == 0) | ((qa >> 4) & 1 == 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bad, np.nan, (n - r) / (n + r))


with open(f"{out}/ny18.txt", "w") as lst:
    lst.write("# NDVI of the L8NY18 scenes (3 km), in date order: layer date\n")
    for date in dates:
        files = [b4 for d, b4 in scenes if d == date]
        ndvi = ndvi_of(files[0])
        for f in files[1:]:
            ndvi = np.where(np.isnan(ndvi), ndvi_of(f), ndvi)
        red = gdal.Open(files[0])
        path = f"{out}/ny18/ndvi_{date}.tif"
        ds = gdal.GetDriverByName("GTiff").Create(path, red.RasterXSize, red.RasterYSize, 1, gdal.GDT_Float32)
        ds.SetGeoTransform(red.GetGeoTransform())
        ds.SetProjection(red.GetProjection())
        ds.GetRasterBand(1).WriteArray(ndvi.astype(np.float32))
        ds = None
        lst.write(f"{path} {date[:4]}-{date[4:6]}-{date[6:]}\n")
print(f"random stack {S} x {H} x {W}; real stack {len(dates)} dates")
