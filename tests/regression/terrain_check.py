#!/usr/bin/python3
"""Compare sanxiang's terrain products with gdaldem's on the same DEM.

terrain_check.py DEM OURS GDALDEM_DIR

OURS is a path prefix: OURSslope.tif, OURSaspect.tif, ... hillshade, tpi, tri,
roughness (sanxiang dem terrain -o DIR/t.tif gives DIR/t_slope.tif ...);
GDALDEM_DIR holds slope.tif, aspect.tif, ... from
gdaldem slope/aspect/hillshade/TPI/TRI/roughness on the projected DEM.
gdaldem reads a float32 DEM as float32 and adds the window in float32;
sanxiang adds in float64. The tolerances are that float32 rounding: slope
2e-4 degree; TPI 8 ulps of the window sum; TRI and roughness equal; aspect
1e-3 degree on the circle plus the angle the float32 rounding of Horn's
sums can turn the gradient by (large where the gradient is tiny), and
flat-or-not may differ only where the gradient is within that rounding;
hillshade one grey level on at most 1e-4 of the cells (gdaldem uses an
approximate reciprocal square root). Nodata must agree otherwise.
"""
import sys

import numpy as np
from osgeo import gdal

dem, ours, ref = sys.argv[1], sys.argv[2], sys.argv[3]
fails = 0


def load(path):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray().astype(np.float64)
    nd = b.GetNoDataValue()
    return a, (a == nd) if nd is not None else np.zeros(a.shape, bool)


def report(name, n, dmax, bad, nodata_diff, ok):
    global fails
    print(f"{name}: {n} cells, max |diff| {dmax:.3g}, {bad} beyond tolerance, {nodata_diff} nodata mismatches -> "
          f"{'ok' if ok else 'FAIL'}")
    fails += not ok


zds = gdal.Open(dem)  # keep the dataset alive while its band is read
z = zds.GetRasterBand(1).ReadAsArray().astype(np.float64)
w = {k: np.full(z.shape, np.nan) for k in "abcdefghk"}
for k, (dj, di) in zip("abcdefghk", [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 0), (0, 1), (1, -1), (1, 0), (1, 1)]):
    w[k][1:-1, 1:-1] = z[1 + dj:z.shape[0] - 1 + dj, 1 + di:z.shape[1] - 1 + di]
gx = (w["c"] + 2 * w["f"] + w["k"]) - (w["a"] + 2 * w["d"] + w["g"])
gy = (w["g"] + 2 * w["h"] + w["k"]) - (w["a"] + 2 * w["b"] + w["c"])
mag = sum(np.abs(w[k]) * (2 if k in "bdfh" else 1) for k in "abcdfghk")
rounding = 8 * 2.0**-24 * mag  # float32 rounding of Horn's sums
grad = np.hypot(gx, gy)

for name, tol in [("slope", 2e-4), ("tpi", None), ("tri", 0.0), ("roughness", 0.0)]:
    a, na = load(f"{ours}{name}.tif")
    b, nb = load(f"{ref}/{name}.tif")
    both = ~na & ~nb
    d = np.abs(a - b)
    t = 8 * 2.0**-24 * mag / 8 + 1e-6 if tol is None else tol
    t = np.broadcast_to(t, d.shape)
    bad = int(np.count_nonzero(d[both] > t[both]))
    nd = int(np.count_nonzero(na != nb))
    report(name, int(both.sum()), float(d[both].max()) if both.any() else 0.0, bad, nd, bad == 0 and nd == 0)

a, na = load(f"{ours}aspect.tif")
b, nb = load(f"{ref}/aspect.tif")
both = ~na & ~nb
d = np.abs(a - b)
d = np.minimum(d, 360 - d)
t = 1e-3 + np.degrees(2 * rounding / np.maximum(grad, 1e-300))
bad = int(np.count_nonzero(d[both] > t[both]))
flat_diff = (na != nb) & ~(grad <= rounding)
report("aspect", int(both.sum()), float(d[both].max()), bad, int(np.count_nonzero(flat_diff)),
       bad == 0 and not flat_diff.any())

a, na = load(f"{ours}hillshade.tif")
b, nb = load(f"{ref}/hillshade.tif")
both = ~na & ~nb
d = np.abs(a - b)
bad = int(np.count_nonzero(d[both] > 0))
nd = int(np.count_nonzero(na != nb))
report("hillshade", int(both.sum()), float(d[both].max()), bad, nd, d[both].max() <= 1 and bad <= 1e-4 * both.sum() and nd == 0)
sys.exit(1 if fails else 0)
