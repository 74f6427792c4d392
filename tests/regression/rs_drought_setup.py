#!/usr/bin/python3
"""Inputs of the rs vhi / rs spi tests (after rs_trend_setup.py).

usage: rs_drought_setup.py OUT TREND_DIR

OUT/bt/bt_NN.tif: 17 brightness temperature layers (K, 0.25 K steps so that
ties occur, about 10 % NaN) on the grid of TREND_DIR/ny18.txt's NDVI layers,
which stand in for 17 years of one season. OUT/ndvi.txt lists those NDVI
layers. OUT/precip/p_NNN.tif + OUT/precip.txt: 72 months (April of year 1 to
March of year 7) of synthetic monthly precipitation on a 13 x 17 grid:
gamma-distributed with a seasonal mean, about 15 % dry months (exact zeros),
a few missing months (NaN), one column always dry (cannot be fitted) and one
column dry in most Januaries. There is no permissively licensed monthly
gridded precipitation in the shared data, hence the synthetic series.
"""
import os
import sys

import numpy as np
from osgeo import gdal, osr

out, trend = sys.argv[1], sys.argv[2]
os.makedirs(f"{out}/bt", exist_ok=True)
os.makedirs(f"{out}/precip", exist_ok=True)
rng = np.random.default_rng(1993)
ndvi = [l.split()[0] for l in open(f"{trend}/ny18.txt") if l.strip() and not l.startswith("#")]
ref = gdal.Open(ndvi[0])
H, W = ref.RasterYSize, ref.RasterXSize
with open(f"{out}/ndvi.txt", "w") as f:
    f.write("\n".join(ndvi) + "\n")
for j in range(len(ndvi)):
    bt = np.round(rng.normal(295, 6, (H, W)) * 4) / 4
    bt[rng.random((H, W)) < 0.1] = np.nan
    ds = gdal.GetDriverByName("GTiff").Create(f"{out}/bt/bt_{j + 1:02d}.tif", W, H, 1, gdal.GDT_Float32)
    ds.SetGeoTransform(ref.GetGeoTransform())
    ds.SetProjection(ref.GetProjection())
    ds.GetRasterBand(1).WriteArray(bt.astype(np.float32))
    ds = None

T, H, W = 72, 13, 17
srs = osr.SpatialReference()
srs.ImportFromEPSG(4547)  # CGCS2000 / 3-degree Gauss-Kruger CM 114E (Hunan)
with open(f"{out}/precip.txt", "w") as lst:
    lst.write("# monthly precipitation (mm), April of year 1 first\n")
    for t in range(T):
        month = (t + 3) % 12  # 0 = January
        mean = 60 + 90 * np.sin(np.pi * month / 11)  # wet summer
        p = rng.gamma(1.5 + 0.1 * np.arange(W)[None, :], mean / 1.5, (H, W))
        p[rng.random((H, W)) < 0.15] = 0
        p[:, 0] = 0
        if month == 0:
            p[:, 1] = np.where(rng.random(H) < 0.7, 0, p[:, 1])
        p[rng.random((H, W)) < 0.01] = np.nan
        p = np.round(p, 1)
        path = f"{out}/precip/p_{t + 1:03d}.tif"
        ds = gdal.GetDriverByName("GTiff").Create(path, W, H, 1, gdal.GDT_Float32)
        ds.SetGeoTransform((600000, 1000, 0, 3200000, 0, -1000))
        ds.SetProjection(srs.ExportToWkt())
        ds.GetRasterBand(1).WriteArray(p.astype(np.float32))
        ds = None
        lst.write(path + "\n")
print(f"{len(ndvi)} BT layers; {T} months of precipitation on {H} x {W} cells")
