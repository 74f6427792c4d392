#!/usr/bin/python3
"""Rule-labelled training points for the rs_landsat_ny18_ecology job.

usage: make_ny18_training.py [OUT.gpkg]   (default: ny18_training.gpkg here)

No land-cover product is bundled with the suite, so the labels come from
documented rules on spectral indices of ONE date, 2018-09-03 (path 014 row
032 of L8NY18), warped like the job does (UTM 18N, 3 km, nearest, fill 0).
TOA reflectance rho = 2e-5 DN - 0.1 (the Collection 1 REFLECTANCE_MULT/ADD
of every OLI band; no sun-elevation correction: the MTL is not bundled).
Only cells whose BQA is 2720 (clear, all confidences low) are used.

  class 1 water            NDWI (McFeeters 1996, green/nir) > 0.30
  class 2 dense vegetation NDVI > 0.72
  class 3 developed/bare   0.05 < NDVI < 0.40 and NDBI (Zha et al. 2003, swir1/nir) > -0.25
  class 4 mixed vegetation 0.50 < NDVI < 0.65 (crops, grass, suburbs)

Cells matching none (or the gaps between the thresholds) are not sampled.
Up to 100 cells per class are drawn at random (numpy seed 2018) and written
as points at the cell centres with field `class`. Accuracy measured
against these labels says how well the classifier reproduces the rules on
other dates and features; it is NOT the accuracy of a land-cover map.
"""
import os
import sys

import numpy as np
from osgeo import gdal, ogr, osr

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "ny18_training.gpkg")
scene = os.path.join(here, "..", "LC08_L1TP_014032_20180903_20180912_01_T1")
X0, Y0, R, W, H = 396000.0, 4581000.0, 3000.0, 76, 78
opts = gdal.WarpOptions(dstSRS="EPSG:32618", outputBounds=(X0, Y0 - H * R, X0 + W * R, Y0), xRes=R, yRes=R,
                        resampleAlg="near", srcNodata=0, dstNodata=0, format="MEM")
band = {}
for b in ("B3", "B4", "B5", "B6", "BQA"):
    band[b] = gdal.Warp("", f"{scene}/LC08_L1TP_014032_20180903_{b}.TIF",
                        options=opts).ReadAsArray().astype(np.float64)
rho = {b: band[b] * 2e-5 - 0.1 for b in ("B3", "B4", "B5", "B6")}
with np.errstate(invalid="ignore", divide="ignore"):
    ndvi = (rho["B5"] - rho["B4"]) / (rho["B5"] + rho["B4"])
    ndwi = (rho["B3"] - rho["B5"]) / (rho["B3"] + rho["B5"])
    ndbi = (rho["B6"] - rho["B5"]) / (rho["B6"] + rho["B5"])
clear = band["BQA"] == 2720
rules = {1: ndwi > 0.30, 2: ndvi > 0.72, 3: (ndvi > 0.05) & (ndvi < 0.40) & (ndbi > -0.25),
         4: (ndvi > 0.50) & (ndvi < 0.65)}
rng = np.random.default_rng(2018)
srs = osr.SpatialReference()
srs.ImportFromEPSG(32618)
if os.path.exists(out):
    os.remove(out)
ds = ogr.GetDriverByName("GPKG").CreateDataSource(out)
lyr = ds.CreateLayer("training", srs, ogr.wkbPoint)
lyr.CreateField(ogr.FieldDefn("class", ogr.OFTInteger))
for c, m in rules.items():
    others = np.zeros_like(m)
    for k, o in rules.items():
        if k != c:
            others |= o
    rows, cols = np.nonzero(m & clear & ~others)
    pick = rng.choice(len(rows), min(100, len(rows)), replace=False)
    for i in sorted(pick):
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("class", c)
        f.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT ({X0 + (cols[i] + 0.5) * R} {Y0 - (rows[i] + 0.5) * R})"))
        lyr.CreateFeature(f)
    print(f"class {c}: {len(rows)} cells match, {len(pick)} drawn")
ds = None
