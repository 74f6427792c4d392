#!/usr/bin/python3
"""SAR water (`rs sarwater`) against numpy, at 1-4 ranks, with polygons.

usage: rs_sarwater_check.py BIN OUT S1_DB_TIF

On the bundled Sentinel-1 VV tile in dB (Rhône delta, 268 x 217), runs the
split-based threshold (64-cell tiles) at 1-4 ranks and Otsu's over the whole
raster at 1 rank, and recomputes with numpy, independently: the value range,
integer histograms per tile (256 bins, bin = floor((x - lo) / (hi - lo) * 256)),
Otsu's threshold (the bin centre maximising w0 w1 (m0 - m1)^2, first maximum),
the separability eta = between-class / total variance of each tile's split,
the tiles with eta >= 0.7, >= 10 % in each class and >= half their cells
valid, and Otsu's threshold of their pooled histogram. The water masks
(dB < threshold) must equal numpy's cell for cell, and so must the flood of
the log-ratio (after - before in dB < -3) against a made-up pre-event scene, and so must the
split map with a made-up HAND raster (--hand, default --hand-max 15 m and 5 m, at 1-3 ranks:
water where HAND > max becomes land); the masks at 2-4 ranks
equal 1 rank's byte for byte and their polygons feature for feature
(gpkg_same.py); the polygons' total area_km2 equals the water cells times
the cell area (to 1e-9 relative). Leaves OUT/unimodal_db.tif
(normal noise in dB) for the error tests in rs.cmake.
"""
import os
import subprocess
import sys

import numpy as np
from osgeo import gdal, ogr

gdal.UseExceptions()
bin_, out, src = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
ds = gdal.Open(src)
v = ds.ReadAsArray().astype(np.float32).astype(np.float64)
gt = ds.GetGeoTransform()
NB, T = 256, 64
lo, hi = np.nanmin(v), np.nanmax(v)
b = np.minimum(((v - lo) / (hi - lo) * NB).astype(np.int64), NB - 1)
centres = lo + (np.arange(NB) + 0.5) * (hi - lo) / NB


def otsu(h):
    w0 = np.cumsum(h)[:-1].astype(float)
    s0 = np.cumsum(h * centres)[:-1]
    n, s = h.sum(), (h * centres).sum()
    w1 = n - w0
    with np.errstate(all="ignore"):
        var = np.where((w0 > 0) & (w1 > 0), w0 * w1 * (s0 / w0 - (s - s0) / w1) ** 2, -1)
    i = int(np.argmax(var))
    return i, centres[i]


def eta_minor(h):
    i, _ = otsu(h)
    n = h.sum()
    n0, n1 = h[:i + 1].sum(), h[i + 1:].sum()
    if n0 == 0 or n1 == 0:
        return 0, 0
    m = (h * centres).sum() / n
    m0, m1 = (h[:i + 1] * centres[:i + 1]).sum() / n0, (h[i + 1:] * centres[i + 1:]).sum() / n1
    vt = (h * (centres - m) ** 2).sum() / n
    return n0 * n1 * (m0 - m1) ** 2 / n / n / vt, min(n0, n1) / n


ny, nx = v.shape
pool = np.zeros(NB, np.int64)
used = 0
for ty in range(0, ny, T):
    for tx in range(0, nx, T):
        bb = b[ty:ty + T, tx:tx + T]
        h = np.bincount(bb.ravel(), minlength=NB)
        e, minor = eta_minor(h)
        if h.sum() * 2 >= bb.size and e >= 0.7 and minor >= 0.1:
            pool += h
            used += 1
thr_split = otsu(pool)[1]
thr_otsu = otsu(np.bincount(b.ravel(), minlength=NB))[1]
print(f"numpy: split threshold {thr_split:.9g} dB over {used} tiles, Otsu {thr_otsu:.9g} dB")


def run(np_, name, *args):
    d = os.path.join(out, f"np{np_}")
    os.makedirs(d, exist_ok=True)
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), os.path.abspath(bin_), "rs", "sarwater", os.path.abspath(src),
           *args, "-o", name]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=d)
    if r.returncode:
        print(r.stdout[-3000:])
        sys.exit("failed: " + " ".join(cmd))
    return gdal.Open(os.path.join(d, name)).ReadAsArray()


fail = 0
for name, args, thr in (("split.tif", ("--tile", "64", "--polygons"), thr_split), ("otsu.tif", ("--method", "otsu"), thr_otsu)):
    got = run(1, name, *args)
    want = (v < thr).astype(np.uint8)
    bad = int((got != want).sum())
    print(f"{'ok  ' if not bad else 'FAIL'} {name}: {int(want.sum())} water cells of {want.size}, {bad} differ from numpy")
    fail |= bad > 0
for np_ in (2, 3, 4):
    run(np_, "split.tif", "--tile", "64", "--polygons")
    same = open(os.path.join(out, "np1", "split.tif"), "rb").read() == open(os.path.join(out, f"np{np_}", "split.tif"), "rb").read()
    print(f"{'ok  ' if same else 'FAIL'} split.tif at {np_} ranks == 1 rank (bytes)")
    fail |= not same
    same = subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpkg_same.py"),
                           os.path.join(out, "np1", "split.gpkg"), os.path.join(out, f"np{np_}", "split.gpkg"),
                           "water"]).returncode == 0
    print(f"{'ok  ' if same else 'FAIL'} split.gpkg at {np_} ranks == 1 rank (gpkg_same.py)")
    fail |= not same
g = ogr.Open(os.path.join(out, "np1", "split.gpkg"))
lyr = g.GetLayer(0)
area = sum(f.GetField("area_km2") for f in lyr)
want_area = int((v < thr_split).sum()) * abs(gt[1] * gt[5]) / 1e6
ok = abs(area - want_area) <= 1e-9 * want_area
print(f"{'ok  ' if ok else 'FAIL'} polygons: {lyr.GetFeatureCount()} features, {area:.6f} km2 (cells: {want_area:.6f})")
fail |= not ok

# change detection on the log-ratio: a made-up pre-event scene, the same as the tile
# (plus 0.5 dB noise) except that the water of its left half was land (+8 dB) before
pre = v + np.random.default_rng(11).normal(0, 0.5, v.shape)
left = np.zeros(v.shape, bool)
left[:, : nx // 2] = True
pre[left & (v < thr_split)] += 8
pre = pre.astype(np.float32)
d = gdal.GetDriverByName("GTiff").Create(os.path.join(out, "pre_db.tif"), nx, ny, 1, gdal.GDT_Float32)
d.SetGeoTransform(gt)
d.SetProjection(ds.GetProjection())
d.GetRasterBand(1).WriteArray(pre)
d = None
got = run(1, "flood_lr.tif", "--before", os.path.join(os.path.abspath(out), "pre_db.tif"), "--threshold", "-3",
          "--polygons")
lr = (v - pre.astype(np.float64)).astype(np.float32).astype(np.float64)
want = (lr < -3).astype(np.uint8)
bad = int((got != want).sum())
print(f"{'ok  ' if not bad and want.sum() else 'FAIL'} flood_lr.tif (log-ratio < -3 dB): {int(want.sum())} flood cells, "
      f"{bad} differ from numpy")
fail |= bad > 0 or not want.sum()

# HAND mask: a made-up HAND raster (0..40 m rising west to east, a block of nodata);
# water where HAND > hand_max (default 15 m) becomes land, nodata HAND keeps the class
hand = np.tile(np.linspace(0, 40, nx, dtype=np.float32), (ny, 1))
hand[:20, :30] = np.nan
d = gdal.GetDriverByName("GTiff").Create(os.path.join(out, "hand.tif"), nx, ny, 1, gdal.GDT_Float32)
d.SetGeoTransform(gt)
d.SetProjection(ds.GetProjection())
d.GetRasterBand(1).SetNoDataValue(float("nan"))
d.GetRasterBand(1).WriteArray(hand)
d = None
hand_path = os.path.join(os.path.abspath(out), "hand.tif")
for np_, hmax in ((1, None), (3, None), (2, 5.0)):
    args = ("--tile", "64", "--hand", hand_path) + (("--hand-max", str(hmax)) if hmax is not None else ())
    got = run(np_, "hand_split.tif", *args)
    want = (v < thr_split).astype(np.uint8)
    removed = (want == 1) & (hand > (15.0 if hmax is None else hmax))
    want[removed] = 0
    want[np.isnan(v)] = 255
    bad = int((got != want).sum())
    print(f"{'ok  ' if not bad and removed.sum() else 'FAIL'} --hand (max {hmax or 'default 15'} m) at {np_} ranks: "
          f"{int(removed.sum())} water cells removed, {bad} differ from numpy")
    fail |= bad > 0 or not removed.sum()

# for the error tests (rs.cmake): speckle-like unimodal backscatter (normal in dB, no water)
u = np.random.default_rng(7).normal(-10, 2, v.shape).astype(np.float32)
d = gdal.GetDriverByName("GTiff").Create(os.path.join(out, "unimodal_db.tif"), nx, ny, 1, gdal.GDT_Float32)
d.SetGeoTransform(gt)
d.SetProjection(ds.GetProjection())
d.GetRasterBand(1).WriteArray(u)
d = None
sys.exit(1 if fail else 0)
