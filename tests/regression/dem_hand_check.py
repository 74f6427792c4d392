#!/usr/bin/python3
"""HAND (`dem hand`) against an independent numpy implementation on a real DEM.

usage: dem_hand_check.py BIN OUT DEM

Crops DEM (the SRTM3 tile N47E009: Lake Constance and the Alpine foreland)
to 300 x 300 cells, runs `dem fill`, `dem flowdir` and `dem accum` at 1 rank,
then `dem hand --threshold 100` at 1, 2, 3 and 4 ranks: every rank count must
give the same cells bit for bit, and they must equal numpy's HAND made here
by pointer jumping (not by the propagation sanxiang uses): each cell points
to its D8 downstream cell, drainage cells (accumulation >= 100) and dead
ends (no direction, flow off the grid or into nodata) point to themselves
and to a sink, ptr = ptr[ptr] until it no longer changes, and HAND = z -
z[ptr] where ptr is a drainage cell, nodata where it is the sink. Also a
hand-checked 4 x 3 case: a stream row with a tributary cell; every value
worked out in the comment below.
"""
import os
import subprocess
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
bin_, out, dem = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
fail = 0


def run(np_, *args):
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), bin_, "dem", *args]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=out)
    if r.returncode:
        print(r.stdout[-3000:])
        sys.exit("failed: " + " ".join(cmd))


def check(ok, what):
    global fail
    print(("ok   " if ok else "FAIL ") + what)
    fail |= not ok


def read(name):
    d = gdal.Open(os.path.join(out, name))
    b = d.GetRasterBand(1)
    a = b.ReadAsArray().astype(float)
    nd = b.GetNoDataValue()
    if nd is not None and not np.isnan(nd):
        a[a == nd] = np.nan
    return a


# ESRI codes -> (drow, dcol)
ESRI = {1: (0, 1), 2: (1, 1), 4: (1, 0), 8: (1, -1), 16: (0, -1), 32: (-1, -1), 64: (-1, 0), 128: (-1, 1)}


def hand_numpy(z, d, acc, thr):
    ny, nx = z.shape
    n = ny * nx
    ptr = np.full(n + 1, n)  # n: the sink
    rows, cols = np.divmod(np.arange(n), nx)
    dflat = np.nan_to_num(d, nan=0).astype(int).ravel()
    for code, (dr, dc) in ESRI.items():
        m = dflat == code
        r2, c2 = rows[m] + dr, cols[m] + dc
        inside = (r2 >= 0) & (r2 < ny) & (c2 >= 0) & (c2 < nx)
        tgt = np.where(inside, r2 * nx + c2, n)
        ptr[np.flatnonzero(m)] = tgt
    zf = np.append(z.ravel(), np.nan)
    ptr[np.flatnonzero(np.isnan(zf[:n]))] = n  # nodata cells have no HAND
    tgt_nan = np.isnan(zf[ptr[:n]])
    ptr[:n][tgt_nan] = n  # flowing into nodata: a dead end
    stream = np.append(~np.isnan(acc.ravel()) & (np.nan_to_num(acc.ravel(), nan=-1) >= thr) & ~np.isnan(z.ravel()), False)
    ptr[np.flatnonzero(stream)] = np.flatnonzero(stream)
    while True:
        nxt = ptr[ptr]
        if np.array_equal(nxt, ptr):
            break
        ptr = nxt
    h = np.where(stream[ptr[:n]], zf[:n] - zf[ptr[:n]], np.nan)
    return h.reshape(ny, nx).astype(np.float32).astype(float)


# --- a hand-checked case (ESRI codes, 4 columns x 3 rows, 1 m cells) -------
# z:            codes:            acc (cells):
#  9  8  7  9    2  4  8  4        1  1  1  1
#  5  4  3  2    1  1  1  1        2  4  6  8    (E along the row)
#  9  9  9  9    64 64 64 64       1  1  1  1
# With threshold 4 the drainage cells are (row 1, col 1..3). Row 1 col 0
# (z 5) flows E into (1,1) (z 4): HAND 1. Row 0: (0,0) 9 -> SE (1,1) 4: 5;
# (0,1) 8 -> S (1,1): 4; (0,2) 7 -> SW (1,1): 3; (0,3) 9 -> S (1,3) 2: 7.
# Row 2 flows N: (2,0) -> (1,0) -> (1,1): 9 - 4 = 5; (2,1) 9-4 = 5;
# (2,2) 9-3 = 6; (2,3) 9-2 = 7. The accumulation is given, not derived:
# HAND only compares it with the threshold.
gt = [500000, 1, 0, 3000000, 0, -1]


def write(name, a, dtype):
    d = gdal.GetDriverByName("GTiff").Create(os.path.join(out, name), a.shape[1], a.shape[0], 1, dtype)
    d.SetGeoTransform(gt)
    d.SetProjection("EPSG:32650")
    d.GetRasterBand(1).SetNoDataValue(255 if dtype == gdal.GDT_Byte else -9999)
    d.GetRasterBand(1).WriteArray(a)
    d = None


write("tiny_z.tif", np.array([[9, 8, 7, 9], [5, 4, 3, 2], [9, 9, 9, 9]], float), gdal.GDT_Float32)
write("tiny_d.tif", np.array([[2, 4, 8, 4], [1, 1, 1, 1], [64, 64, 64, 64]]), gdal.GDT_Byte)
write("tiny_a.tif", np.array([[1, 1, 1, 1], [2, 4, 6, 8], [1, 1, 1, 1]], float), gdal.GDT_Float32)
want = np.array([[5, 4, 3, 7], [1, 0, 0, 0], [5, 5, 6, 7]], float)
for np_ in (1, 3):
    run(np_, "hand", "tiny_z.tif", "--flowdir", "tiny_d.tif", "--accum", "tiny_a.tif", "--threshold", "4", "-o",
        f"tiny_hand_np{np_}.tif")
    got = read(f"tiny_hand_np{np_}.tif")
    check(np.array_equal(got, want), f"hand-checked 4 x 3 case at {np_} rank(s): {got.tolist()}")
check(np.array_equal(hand_numpy(read("tiny_z.tif"), read("tiny_d.tif"), read("tiny_a.tif"), 4), want),
      "the numpy reference gives the hand-checked values")

# --- the real DEM -------------------------------------------------------------
gdal.Translate(os.path.join(out, "dem.tif"), dem, srcWin=[450, 350, 300, 300])
run(1, "fill", "dem.tif", "-o", "fel.tif")
run(1, "flowdir", "fel.tif", "-o", "p.tif")
run(1, "accum", "p.tif", "-o", "acc.tif")
ref = hand_numpy(read("fel.tif"), read("p.tif"), read("acc.tif"), 100)
first = None
for np_ in (1, 2, 3, 4):
    run(np_, "hand", "fel.tif", "--flowdir", "p.tif", "--accum", "acc.tif", "--threshold", "100", "-o", f"hand_np{np_}.tif")
    h = read(f"hand_np{np_}.tif")
    same_nan = np.array_equal(np.isnan(h), np.isnan(ref))
    ok = ~np.isnan(ref)
    check(same_nan and np.array_equal(h[ok], ref[ok]),
          f"{np_} rank(s): {ok.sum()} cells with HAND (max {np.nanmax(h):.1f} m, {np.isnan(h).sum()} nodata) equal numpy's")
    if first is None:
        first = h
    else:
        check(np.array_equal(np.nan_to_num(h, nan=-1), np.nan_to_num(first, nan=-1)), f"{np_} ranks equal 1 rank")
check(np.nanmin(ref) >= 0, "HAND >= 0 on a filled DEM")
sys.exit(1 if fail else 0)
