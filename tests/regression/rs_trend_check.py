#!/usr/bin/python3
"""Independent check of rs trend with numpy.

usage: rs_trend_check.py OUT   (OUT/np1 holds the outputs of rs_trend_run.sh)

Recomputes every output from the input stacks: Sen's slope as np.nanmedian of
the pairwise slopes of all date pairs (vectorised over the grid), S as the sum
of their signs, the tie term from np.unique counts, Hamed & Rao's factor from
average ranks (argsort + np.unique), the autocorrelation from np.correlate
and the bound from statistics.NormalDist, p from math.erfc. Tolerance 1e-12
(relative to max(1, |value|)) for slope, intercept, z and p; the class map
and the nodata pattern must match exactly.
"""
import math
import statistics
import sys
import warnings

import numpy as np
from osgeo import gdal
from rs_series_lib import read

out = sys.argv[1]
warnings.simplefilter("ignore")


def decimal_year(d):
    y, m, dd = map(int, d.split("-"))
    leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
    doy = (np.datetime64(d) - np.datetime64(f"{y}-01-01")).astype(int) + 1
    return y + (doy - 1) / (366.0 if leap else 365.0)


def avg_ranks(v):
    order = np.argsort(v, kind="stable")
    ranks = np.empty(len(v))
    ranks[order] = np.arange(1, len(v) + 1)
    _, inv = np.unique(v, return_inverse=True)
    sums = np.bincount(inv, weights=ranks)
    cnt = np.bincount(inv)
    return (sums / cnt)[inv]


def hamed_rao(x, t, slope, alpha):
    n = len(x)
    r = avg_ranks(x - slope * t)
    y = r - r.mean()
    acov = np.correlate(y, y, "full")[n - 1:] / n
    if acov[0] <= 0:
        return 1.0
    rho = acov / acov[0]
    lim = statistics.NormalDist().inv_cdf(1 - alpha / 2) / math.sqrt(n)
    s = 0.0
    for k in range(1, n):
        if not (-lim <= rho[k] <= lim):
            s += (n - k) * (n - k - 1) * (n - k - 2) * rho[k]
    return 1 + 2 / (n * (n - 1) * (n - 2)) * s


def trend(X, t, hr, alpha, min_count=3):
    S = X.shape[0]
    iu, ju = np.triu_indices(S, 1)
    D = X[ju] - X[iu]
    slopes = D / (t[ju] - t[iu])[:, None, None]
    slope = np.nanmedian(slopes, axis=0)
    s_stat = np.nansum(np.sign(D), axis=0)
    valid = ~np.isnan(X)
    n = valid.sum(axis=0)
    tt = np.where(valid, t[:, None, None], np.nan)
    intercept = np.nanmedian(X, axis=0) - slope * np.nanmedian(tt, axis=0)
    z = np.full(X.shape[1:], np.nan)
    p = np.full(X.shape[1:], np.nan)
    for (i, j), m in np.ndenumerate(n):
        if m < max(3, min_count):
            slope[i, j] = intercept[i, j] = np.nan
            continue
        x = X[valid[:, i, j], i, j]
        _, tp = np.unique(x, return_counts=True)
        var = (m * (m - 1) * (2 * m + 5) - np.sum(tp * (tp - 1) * (2 * tp + 5))) / 18.0
        if hr:
            var *= hamed_rao(x, t[valid[:, i, j]], slope[i, j], alpha)
        s = s_stat[i, j]
        z[i, j] = 0.0 if s == 0 or var <= 0 else (s - np.sign(s)) / math.sqrt(var)
        p[i, j] = math.erfc(abs(z[i, j]) / math.sqrt(2))
    cls = np.where(np.isnan(p), np.nan, np.where(p < alpha, np.where(z > 0, 3, 1), 2))
    return {"slope": slope, "intercept": intercept, "z": z, "p": p, "class": cls}


rand = [f"{out}/rand/d{s:02d}.tif" for s in range(1, 13)]
lines = [l.split() for l in open(f"{out}/ny18.txt") if l.strip() and not l.startswith("#")]
Xr = np.stack([read(p) for p in rand])
Xn = np.stack([read(p) for p, _ in lines])
years = np.array([decimal_year(d) for _, d in lines])
cases = {
    "rand_hr": trend(Xr, np.arange(12.0), True, 0.05),
    "rand": trend(Xr, np.arange(12.0), False, 0.1),
    "ny18_hr": trend(Xn, years - years[0], True, 0.05),
    "ny18": trend(Xn, np.arange(float(len(lines))), False, 0.05),
}
print(f"random stack: {int(np.isnan(Xr).sum())} NaN of {Xr.size}, "
      f"{int(sum(len(v) - len(np.unique(v)) for v in Xr.reshape(12, -1).T))} tied values; "
      f"L8NY18 NDVI: {int(np.isnan(Xn).sum())} NaN of {Xn.size}")
fails = 0
for case, want in cases.items():
    for name, w in want.items():
        g = read(f"{out}/np1/{case}_{name}.tif")
        if name == "class":
            g = np.where(g == 255, np.nan, g)
        nan_bad = int((np.isnan(g) != np.isnan(w)).sum())
        both = ~np.isnan(g) & ~np.isnan(w)
        err = np.abs(g[both] - w[both]) / np.maximum(1, np.abs(w[both]))
        worst = float(err.max()) if err.size else 0.0
        tol = 0 if name == "class" else 1e-12
        ok = nan_bad == 0 and worst <= tol and both.sum() > 0
        extra = f" classes {np.bincount(w[both].astype(int), minlength=4)[1:].tolist()}" if name == "class" else ""
        if case == "rand_hr" and name == "z":
            extra = f" (Hamed-Rao changed z at {int((np.abs(w - cases['rand']['z']) > 0)[both].sum())} cells)"
        print(f"{'ok  ' if ok else 'FAIL'} {case}_{name}: {int(both.sum())} cells, NaN mismatches {nan_bad}, "
              f"max rel. diff {worst:.3g}{extra}")
        fails += not ok
sys.exit(1 if fails else 0)
