#!/usr/bin/python3
"""Independent check of rs composite with numpy.

usage: rs_composite_check.py OUT_DIR SCENES_TXT

Builds the Landsat Collection 1 BQA mask here from the documented bits
(fill bit 0, cloud bit 4, cloud shadow confidence bits 7-8 = high,
cirrus confidence bits 11-12 = high), dilates it by one cell (3 x 3 maximum,
cells outside the grid count as clear), drops nodata (0), and compares
OUT_DIR/{median,mean,p90,maxndvi}_{red,nir,count,scene}.tif with
np.nanmedian / np.nanmean / np.nanpercentile(90) / argmax NDVI (first on ties).
Tolerance: float32 rounding of float64 results (rtol 1e-6); count and the
chosen scene must match exactly.
"""
import sys

import numpy as np
from osgeo import gdal

out, scenes_txt = sys.argv[1], sys.argv[2]
scenes = [dict(kv.split("=", 1) for kv in l.strip().split(",")) for l in open(scenes_txt) if l.strip()]
read = lambda p: gdal.Open(p).ReadAsArray().astype(np.float64)
red = np.stack([read(s["red"]) for s in scenes])
nir = np.stack([read(s["nir"]) for s in scenes])
qa = np.stack([read(s["qa"]) for s in scenes]).astype(np.int64)

m = ((qa & 1) == 1) | (((qa >> 4) & 1) == 1) | (((qa >> 7) & 3) == 3) | (((qa >> 11) & 3) == 3) | (qa == 0)
pad = np.pad(m, ((0, 0), (1, 1), (1, 1)), constant_values=False)
dil = np.zeros_like(m)
H, W = m.shape[1:]
for dy in range(3):
    for dx in range(3):
        dil |= pad[:, dy:dy + H, dx:dx + W]
valid = ~dil & (red != 0) & (nir != 0)
r = np.where(valid, red, np.nan)
n = np.where(valid, nir, np.nan)
count = valid.sum(axis=0).astype(np.float64)
with np.errstate(invalid="ignore", divide="ignore"), __import__("warnings").catch_warnings():
    __import__("warnings").simplefilter("ignore")
    ndvi = (n - r) / (n + r)
    best = np.nanargmax(np.where(np.isnan(ndvi), -np.inf, ndvi), axis=0)
    none = count == 0
    rows, cols = np.indices(best.shape)
    refs = {
        "median_red": np.nanmedian(r, axis=0), "median_nir": np.nanmedian(n, axis=0),
        "mean_red": np.nanmean(r, axis=0), "mean_nir": np.nanmean(n, axis=0),
        "p90_red": np.nanpercentile(r, 90, axis=0), "p90_nir": np.nanpercentile(n, 90, axis=0),
        "maxndvi_red": np.where(none, np.nan, red[best, rows, cols]),
        "maxndvi_nir": np.where(none, np.nan, nir[best, rows, cols]),
        "maxndvi_scene": np.where(none, np.nan, best + 1.0),
        "median_count": count,
    }
print(f"{len(scenes)} scenes, {int(valid.sum())} valid observations, {int(dil.sum() - m.sum())} cells added by dilation")
fails = 0
for name, want in refs.items():
    got = gdal.Open(f"{out}/{name}.tif").ReadAsArray().astype(np.float64)
    want = want.astype(np.float32).astype(np.float64)
    if name.endswith("count"):
        got = np.where(np.isnan(got), 0, got)
    nan_bad = int((np.isnan(got) != np.isnan(want)).sum())
    ok = ~np.isnan(got) & ~np.isnan(want)
    exact = name.endswith(("count", "scene"))
    close = got[ok] == want[ok] if exact else np.isclose(got[ok], want[ok], rtol=1e-6, atol=0)
    bad = int((~close).sum())
    print(f"{name}: {int(ok.sum())} cells, {bad} differ, {nan_bad} nodata mismatches")
    fails += bad + nan_bad + (ok.sum() == 0)
sys.exit(1 if fails else 0)
