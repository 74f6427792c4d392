#!/usr/bin/python3
"""Stand-in land surface temperature for the rs rsei test.

usage: rs_rsei_setup.py OUT LANDSAT_DIR

The bundled Landsat 8 scene has no thermal band, so OUT/lst.tif (K, on the
scene's grid) is made here: warmer where the scene is brighter in SWIR1 and
less vegetated (a smooth physical-looking field, 290-315 K) plus noise,
with a few NaN cells. Only the PCA and rescaling are under test with it.
"""
import os
import sys

import numpy as np
from osgeo import gdal

out, ls = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
src = gdal.Open(f"{ls}/l8_B6.tif")
b6 = src.ReadAsArray().astype(np.float64)
b4 = gdal.Open(f"{ls}/l8_B4.tif").ReadAsArray().astype(np.float64)
b5 = gdal.Open(f"{ls}/l8_B5.tif").ReadAsArray().astype(np.float64)
rng = np.random.default_rng(2013)
with np.errstate(invalid="ignore", divide="ignore"):
    ndvi = (b5 - b4) / (b5 + b4)
lst = 290 + 15 * (b6 - b6.min()) / (b6.max() - b6.min()) + 8 * (1 - np.nan_to_num(ndvi)) + rng.normal(0, 1, b6.shape)
lst[rng.random(b6.shape) < 0.002] = np.nan
ds = gdal.GetDriverByName("GTiff").Create(f"{out}/lst.tif", src.RasterXSize, src.RasterYSize, 1, gdal.GDT_Float32)
ds.SetGeoTransform(src.GetGeoTransform())
ds.SetProjection(src.GetProjection())
ds.GetRasterBand(1).WriteArray(lst.astype(np.float32))
ds = None
print("lst.tif", lst.shape)
