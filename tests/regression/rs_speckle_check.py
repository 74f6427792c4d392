#!/usr/bin/python3
"""Speckle filters (`rs speckle`) against numpy, and the same output at 1-4 ranks.

usage: rs_speckle_check.py BIN OUT S1_DB_TIF

Makes linear power from the bundled Sentinel-1 VV tile in dB (268 x 217,
Rhône delta) with a few cells set to the declared nodata -99, runs lee
(7 x 7, L = 4.4), refined Lee, boxcar (5 x 5) and median (5 x 5; 3 x 3 too) at
1 rank, refined Lee at 2, 3 and 4 ranks and lee and median at 3 (byte-identical
COGs required), and
compares with numpy over sliding windows (NaN-padded by the half window:
cells beyond the raster and nodata are left out): nanmean, nanmedian, and
Lee (1980) from the window's nanmean and population nanvar:
var_x = max((var - m^2 / L) / (1 + 1 / L), 0), k = var_x / (m^2 / L + var_x),
out = m + k (z - m); and the refined Lee (1981) filter, 7 x 7, coded here cell
by cell from the procedure (subwindow means, strongest of 4 edge directions,
the half window on the centre's side, b = var_x / var_z). Tolerance rtol 1e-6 after float32 rounding; nodata on
the same cells.
"""
import os
import subprocess
import sys

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from osgeo import gdal

gdal.UseExceptions()
bin_, out, src = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
ds = gdal.Open(src)
db = ds.ReadAsArray().astype(np.float64)
lin = 10 ** (db / 10)
rng = np.random.default_rng(3)
lin[rng.random(lin.shape) < 0.01] = -99
lin[0:3, 100:104] = -99
inp = os.path.join(out, "vv_linear.tif")
d = gdal.GetDriverByName("GTiff").Create(inp, lin.shape[1], lin.shape[0], 1, gdal.GDT_Float64)
d.SetGeoTransform(ds.GetGeoTransform())
d.SetProjection(ds.GetProjection())
d.GetRasterBand(1).SetNoDataValue(-99)
d.GetRasterBand(1).WriteArray(lin)
d = None
z = np.where(lin == -99, np.nan, lin)


def run(np_, name, *args):
    # the same command line from each npN/ directory: the provenance (command line) is the same
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), os.path.abspath(bin_), "rs", "speckle", "../vv_linear.tif",
           *args, "-o", name]
    os.makedirs(os.path.join(out, f"np{np_}"), exist_ok=True)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=os.path.join(out, f"np{np_}"))
    if r.returncode:
        print(r.stdout[-3000:])
        sys.exit("failed: " + " ".join(cmd))
    return gdal.Open(os.path.join(out, f"np{np_}", name)).ReadAsArray().astype(np.float64)


def windows(size):
    h = size // 2
    p = np.pad(z, h, constant_values=np.nan)
    return sliding_window_view(p, (size, size)).reshape(z.shape + (size * size,))


def ref(kind, size, looks=1.0):
    w = windows(size)
    with np.errstate(all="ignore"):
        import warnings
        warnings.simplefilter("ignore")
        if kind == "boxcar":
            v = np.nanmean(w, axis=-1)
        elif kind == "median":
            v = np.nanmedian(w, axis=-1)
        else:
            m = np.nanmean(w, axis=-1)
            var = np.nanvar(w, axis=-1)
            s2 = 1.0 / looks
            vx = np.maximum((var - m * m * s2) / (1 + s2), 0)
            den = m * m * s2 + vx
            k = np.where(den > 0, vx / den, 0)
            v = m + k * (z - m)
    v[np.isnan(z)] = np.nan
    return v


def refined_lee(looks):
    """Lee (1981) refined filter, written from the paper's procedure (docs/remote-sensing.md)."""
    p = np.pad(z, 3, constant_values=np.nan)
    W = sliding_window_view(p, (7, 7))
    dy, dx = np.mgrid[-3:4, -3:4]
    masks = [dx <= 0, dx >= 0, dy <= 0, dy >= 0, dx >= dy, dx <= dy, dx + dy <= 0, dx + dy >= 0]
    sides = [((1, 0), (1, 2)), ((0, 1), (2, 1)), ((0, 2), (2, 0)), ((0, 0), (2, 2))]
    res = np.full(z.shape, np.nan)
    s2 = 1.0 / looks
    import warnings
    warnings.simplefilter("ignore")
    for j in range(z.shape[0]):
        for i in range(z.shape[1]):
            w = W[j, i]
            if np.isnan(w[3, 3]):
                continue
            M = np.array([[np.nanmean(w[1 + 2 * r - 1:1 + 2 * r + 2, 1 + 2 * c - 1:1 + 2 * c + 2]) for c in range(3)]
                          for r in range(3)])
            g = [abs(M[a] - M[b]) for a, b in sides]
            cand = [k for k in range(4) if not np.isnan(g[k])]
            if cand:
                k = max(cand, key=lambda q: (g[q], -q))
                da, db = abs(M[1, 1] - M[sides[k][0]]), abs(M[1, 1] - M[sides[k][1]])
                which = 1 if (not (da <= db)) and not np.isnan(db) else 0
                sel = w[masks[2 * k + which]]
            else:
                sel = w.ravel()
            sel = sel[~np.isnan(sel)]
            m = sel.mean()
            var = ((sel - m) ** 2).mean()
            vx = max((var - m * m * s2) / (1 + s2), 0)
            b = vx / var if var > 0 else 0
            res[j, i] = m + b * (w[3, 3] - m)
    return res


fail = 0


def compare(name, got, want):
    global fail
    want = want.astype(np.float32).astype(np.float64)
    ng, nw = np.isnan(got), np.isnan(want)
    ok = ~ng & ~nw
    close = np.isclose(got[ok], want[ok], rtol=1e-6, atol=0)
    bad = int((~close).sum()) + int((ng != nw).sum())
    rel = float(np.max(np.abs(got[ok] - want[ok]) / np.abs(want[ok])))
    print(f"{'ok  ' if not bad else 'FAIL'} {name}: {ok.sum()} cells, max rel diff {rel:.3g}, {bad} bad")
    fail |= bool(bad)


cases = [("lee7.tif", ("--filter", "lee", "--size", "7", "--looks", "4.4"), ("lee", 7, 4.4)),
         ("boxcar5.tif", ("--filter", "boxcar", "--size", "5"), ("boxcar", 5)),
         ("median5.tif", ("--filter", "median", "--size", "5"), ("median", 5)),
         ("median3.tif", ("--filter", "median", "--size", "3"), ("median", 3))]
for name, args, r in cases:
    compare(name, run(1, name, *args), ref(*r))
compare("refined_lee7.tif", run(1, "refined_lee7.tif", "--filter", "refined_lee", "--size", "7", "--looks", "4.4"),
        refined_lee(4.4))
cases.append(("refined_lee7.tif", ("--filter", "refined_lee", "--size", "7", "--looks", "4.4"), None))
for np_ in (2, 3, 4):
    for name, args, r in (cases[:1] + cases[2:3] if np_ == 3 else []) + cases[4:]:
        run(np_, name, *args)
        a = open(os.path.join(out, "np1", name), "rb").read()
        b = open(os.path.join(out, f"np{np_}", name), "rb").read()
        if a != b:
            print(f"FAIL {name} at {np_} ranks differs from 1 rank")
            fail = 1
        else:
            print(f"ok   {name} at {np_} ranks == 1 rank (bytes)")
sys.exit(1 if fail else 0)
