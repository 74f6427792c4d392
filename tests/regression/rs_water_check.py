#!/usr/bin/python3
"""Independent checks of rs water (Otsu), flood, change and the polygons.

usage: rs_water_check.py OUT_DIR INDEX_DIR

Otsu (1979) re-implemented here with numpy the way scikit-image's
threshold_otsu does it (256-bin histogram over [min, max], bin centres,
maximal between-class variance), applied to the MNDWI sanxiang wrote
(INDEX_DIR/mndwi.tif, itself checked against numpy by rs_index_vs_numpy).
The threshold sanxiang used is read from the provenance in water.tif.
Flood and change classes are recomputed from their inputs; polygon areas
must add up to the flooded/water cell count times the cell area.
"""
import json
import re
import sqlite3
import sys

import numpy as np
from osgeo import gdal

out, ixd = sys.argv[1], sys.argv[2]
rd = lambda p: gdal.Open(p).ReadAsArray()
fails = 0


def check(name, cond, msg):
    global fails
    print(f"{name}: {'ok' if cond else 'FAIL'} {msg}")
    fails += not cond


v = rd(f"{ixd}/mndwi.tif").astype(np.float64)
f = v[np.isfinite(v)]
hist, edges = np.histogram(f, bins=256, range=(f.min(), f.max()))
centres = (edges[:-1] + edges[1:]) / 2
w1 = np.cumsum(hist)
w2 = np.cumsum(hist[::-1])[::-1]
m1 = np.cumsum(hist * centres) / w1
m2 = (np.cumsum((hist * centres)[::-1]) / w2[::-1])[::-1]
var = w1[:-1] * w2[1:] * (m1[:-1] - m2[1:]) ** 2
t_ref = centres[np.argmax(var)]
prov = json.loads(gdal.Open(f"{out}/water.tif").GetMetadataItem("SANXIANG_PROVENANCE"))
t = float(re.search(r"> (\S+) \(Otsu", prov["rs"]["expr"]).group(1))
check("otsu threshold", abs(t - t_ref) < 1e-9, f"sanxiang {t:.9g} numpy {t_ref:.9g}")
water = rd(f"{out}/water.tif")
want = np.where(np.isnan(v), 255, (v > t).astype(np.uint8))
check("water mask", np.array_equal(water, want), f"{int((water == 1).sum())} water cells")

low, perm = rd(f"{out}/water_low.tif"), rd(f"{out}/water_perm.tif")
flood = rd(f"{out}/flood.tif")
want = np.where((low == 1) & (water == 0) & (perm != 1), 1, 0)
want = np.where((low == 255) | (water == 255) | (perm == 255), 255, want)
check("flood", np.array_equal(flood, want), f"{int((flood == 1).sum())} flooded cells")

cell_km2 = 30 * 30 / 1e6
for name, ras in (("water", water), ("flood", flood)):
    con = sqlite3.connect(f"{out}/{name}.gpkg")
    n, area = con.execute(f"select count(*), sum(area_km2) from {name}").fetchone()
    want_area = int((ras == 1).sum()) * cell_km2
    check(f"{name} polygons", n > 0 and abs(area - want_area) < 1e-6 * want_area, f"{n} polygons, {area:.6f} km2 vs {want_area:.6f}")

a, b = rd(f"{ixd}/ndwi.tif").astype(np.float64), rd(f"{ixd}/mndwi.tif").astype(np.float64)
d = b - a
want = np.where(d > 0.1, 3, np.where(d < -0.05, 1, 2))
want = np.where(np.isnan(d), 255, want)
ch = rd(f"{out}/change.tif")
check("change", np.array_equal(ch, want), " ".join(f"{k}:{int((ch == k).sum())}" for k in (1, 2, 3, 255)))
sys.exit(1 if fails else 0)
