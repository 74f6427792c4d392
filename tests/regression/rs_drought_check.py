#!/usr/bin/python3
"""Independent check of rs vhi and rs spi with numpy (no scipy).

usage: rs_drought_check.py OUT TREND_DIR   (OUT/np1 from rs_drought_run.sh)

VCI/TCI/VHI: np.nanmin / np.nanmax over the years, Kogan's formulas, as
float32; must be equal cell for cell.
SPI: k-month sums by np.convolve, per calendar month Thom's gamma fit over
the non-zero sums, the gamma CDF from its power series
P(a, x) = x^a e^-x / Gamma(a + 1) sum_n x^n / ((a+1)...(a+n)) summed with
math.fsum (sanxiang uses a series / continued fraction), the normal quantile
from statistics.NormalDist (Wichura's AS241; sanxiang: Abramowitz & Stegun's start and
Halley iterations). Tolerance 1e-9 absolute; nodata patterns must match.
"""
import math
import statistics
import sys
import warnings

import numpy as np
from osgeo import gdal
from rs_series_lib import read

out, trend = sys.argv[1], sys.argv[2]
warnings.simplefilter("ignore")
ND = statistics.NormalDist()


fails = 0


def compare(name, got, want, tol):
    global fails
    nan_bad = int((np.isnan(got) != np.isnan(want)).sum())
    both = ~np.isnan(got) & ~np.isnan(want)
    worst = float(np.abs(got[both] - want[both]).max()) if both.any() else 0.0
    ok = nan_bad == 0 and worst <= tol and both.any()
    fails += not ok
    return ok, f"{int(both.sum())} cells, NaN mismatches {nan_bad}, max abs diff {worst:.3g}"


def kogan(stem, ndvi, bt, weight=0.5):
    res = {}
    if ndvi is not None:
        lo, hi = np.nanmin(ndvi, 0), np.nanmax(ndvi, 0)
        res["vci"] = np.where(hi > lo, 100 * (ndvi - lo) / (hi - lo), np.nan)
    if bt is not None:
        lo, hi = np.nanmin(bt, 0), np.nanmax(bt, 0)
        res["tci"] = np.where(hi > lo, 100 * (hi - bt) / (hi - lo), np.nan)
    if ndvi is not None and bt is not None:
        res["vhi"] = weight * res["vci"] + (1 - weight) * res["tci"]
    for kind, want in res.items():
        oks, notes = [], []
        for j in range(want.shape[0]):
            got = read(f"{out}/np1/{stem}_{kind}_{j + 1}.tif")
            ok, note = compare(f"{stem}_{kind}_{j + 1}", got, want[j].astype(np.float32).astype(np.float64), 0)
            oks.append(ok)
            notes.append(note)
        print(f"{'ok  ' if all(oks) else 'FAIL'} {stem}_{kind}_1..{want.shape[0]}: {notes[0]} (year 1)")


ndvi = np.stack([read(l.strip()) for l in open(f"{out}/ndvi.txt") if l.strip()])
bt = np.stack([read(f"{out}/bt/bt_{j + 1:02d}.tif") for j in range(ndvi.shape[0])])
kogan("vhi", ndvi, bt)
kogan("vci", np.stack([read(f"{trend}/rand/d{j:02d}.tif") for j in range(1, 13)]), None)


def gamma_p(a, x):
    if x <= 0:
        return 0.0
    terms, term, n = [1.0], 1.0, 0
    while True:
        n += 1
        term *= x / (a + n)
        terms.append(term)
        if term < 1e-20 * terms[0] and n > x:
            break
    return math.exp(a * math.log(x) - x - math.lgamma(a + 1)) * math.fsum(terms)


def spi_series(p, k, start):
    T = len(p)
    acc = np.full(T, np.nan)
    if T >= k:
        acc[k - 1:] = np.convolve(p, np.ones(k), "valid")
    acc[acc < 0] = np.nan
    z = np.full(T, np.nan)
    months = (np.arange(T) + start - 1) % 12
    for m in range(12):
        idx = np.where((months == m) & ~np.isnan(acc))[0]
        x = acc[idx]
        nz = x[x > 0]
        if len(nz) < 3:
            continue
        A = math.log(nz.mean()) - np.log(nz).mean()
        if not A > 0:
            continue
        alpha = (1 + math.sqrt(1 + 4 * A / 3)) / (4 * A)
        beta = nz.mean() / alpha
        q = (len(x) - len(nz)) / len(x)
        for i, v in zip(idx, x):
            h = q + (1 - q) * gamma_p(alpha, v / beta)
            z[i] = ND.inv_cdf(h) if 0 < h < 1 else np.nan
    return z


P = np.stack([read(l.strip()) for l in open(f"{out}/precip.txt") if l.strip() and not l.startswith("#")])
T = P.shape[0]
for stem, scales in (("spi", (1, 3, 6)), ("spi12", (12,))):
    for k in scales:
        want = np.full(P.shape, np.nan)
        for (i, j), _ in np.ndenumerate(P[0]):
            want[:, i, j] = spi_series(P[:, i, j], k, 4)
        got = np.stack([read(f"{out}/np1/{stem}_spi{k}_{t + 1}.tif") for t in range(T)])
        ok, note = compare(f"{stem}_spi{k}", got, want, 1e-9)
        print(f"{'ok  ' if ok else 'FAIL'} {stem}_spi{k}_1..{T}: {note}, SPI range {np.nanmin(want):.3f} .. "
              f"{np.nanmax(want):.3f}, unfitted cells {int(np.isnan(want[k - 1:]).all(axis=0).sum())}")
sys.exit(1 if fails else 0)
