#!/usr/bin/python3
"""Independent check of sanxiang's spectral indices and band math with numpy.

usage: rs_index_check.py OUT_DIR LANDSAT_DIR

Reads the Landsat 8 bands with GDAL's Python bindings, computes top-of-
atmosphere reflectance from the MTL file by the USGS formula
rho = (M * DN + A) / sin(SUN_ELEVATION) (parsed here, not by sanxiang), then
each index from its published formula, and compares with OUT_DIR/<name>.tif.
Also checks OUT_DIR/calc.tif (a band-math expression with where/and/log/max)
and, when present, OUT_DIR/ndvi_dn.tif against OUT_DIR/ndvi_gdalcalc.tif made
by gdal_calc.py on the raw digital numbers.
The COG's band statistics are checked against numpy over its own cells.
Tolerance: both sides compute in float64 and round to float32; the
reflectance scaling is grouped differently ((M*DN + A)/s vs DN*(M/s) + A/s),
so values may differ by float32 rounding: rtol 1e-5, atol 1e-6. NaN (nodata)
must sit on exactly the same cells.
"""
import math
import re
import sys

import numpy as np
from osgeo import gdal

out_dir, ls_dir = sys.argv[1], sys.argv[2]
mtl = open(f"{ls_dir}/l8_MTL.txt").read()


def mtl_value(key):
    return float(re.search(rf"^\s*{key}\s*=\s*(\S+)", mtl, re.M).group(1))


sun = math.radians(mtl_value("SUN_ELEVATION"))
roles = {"blue": 2, "green": 3, "red": 4, "nir": 5, "swir1": 6, "swir2": 7}
rho = {}
for role, n in roles.items():
    dn = gdal.Open(f"{ls_dir}/l8_B{n}.tif").ReadAsArray().astype(np.float64)
    rho[role] = (mtl_value(f"REFLECTANCE_MULT_BAND_{n}") * dn + mtl_value(f"REFLECTANCE_ADD_BAND_{n}")) / math.sin(sun)
b, g, r, n, s1, s2 = (rho[k] for k in ("blue", "green", "red", "nir", "swir1", "swir2"))
with np.errstate(divide="ignore", invalid="ignore"):
    refs = {
        "ndvi": (n - r) / (n + r),                               # Rouse 1974
        "evi": 2.5 * (n - r) / (n + 6 * r - 7.5 * b + 1),        # Huete 2002
        "savi": 1.5 * (n - r) / (n + r + 0.5),                   # Huete 1988
        "ndwi": (g - n) / (g + n),                               # McFeeters 1996
        "mndwi": (g - s1) / (g + s1),                            # Xu 2006
        "ndbi": (s1 - n) / (s1 + n),                             # Zha 2003
        "nbr": (n - s2) / (n + s2),                              # Key & Benson 2006
        "calc": np.where((n > 0.3) & (r < 0.1), np.sqrt(n) - np.log(r + 1), np.maximum(np.maximum(n, r), 0.05)),
    }


def compare(name, got, want):
    want = want.astype(np.float32)
    want[~np.isfinite(want)] = np.nan
    if got.shape != want.shape:
        print(f"{name}: shape {got.shape} != {want.shape}")
        return 1
    nan_g, nan_w = np.isnan(got), np.isnan(want)
    bad_nan = int((nan_g != nan_w).sum())
    ok = ~nan_g & ~nan_w
    close = np.isclose(got[ok], want[ok], rtol=1e-5, atol=1e-6)
    nbad = int((~close).sum())
    diff = float(np.max(np.abs(got[ok].astype(np.float64) - want[ok]))) if ok.any() else 0.0
    print(f"{name}: {ok.sum()} cells compared, max |diff| {diff:.3g}, {nbad} outside tolerance, {bad_nan} nodata mismatches")
    if ok.sum() == 0:
        print(f"{name}: nothing to compare")
        return 1
    return 1 if nbad or bad_nan else 0


def check_statistics(name, ds):
    """The COG's STATISTICS_* (reduced by the ranks with exact sums) against
    numpy over the file's own valid cells: population standard deviation."""
    band = ds.GetRasterBand(1)
    a = band.ReadAsArray().astype(np.float64)
    nd = band.GetNoDataValue()
    valid = ~np.isnan(a) if nd is None or np.isnan(nd) else (~np.isnan(a) & (a != nd))
    v = a[valid]
    want = {"MINIMUM": v.min(), "MAXIMUM": v.max(), "MEAN": v.mean(), "STDDEV": v.std(),
            "VALID_PERCENT": 100.0 * v.size / a.size}
    bad = 0
    for key, w in want.items():
        got = band.GetMetadataItem(f"STATISTICS_{key}")
        if got is None or not math.isclose(float(got), w, rel_tol=1e-9, abs_tol=1e-12):
            print(f"{name}: STATISTICS_{key} = {got}, numpy {w!r}")
            bad = 1
    return bad


fails = 0
for name, want in refs.items():
    ds = gdal.Open(f"{out_dir}/{name}.tif")
    if ds is None:
        print(f"{name}: missing output")
        fails += 1
        continue
    fails += compare(name, ds.ReadAsArray(), want)
    fails += check_statistics(name, ds)
try:
    a = gdal.Open(f"{out_dir}/ndvi_dn.tif").ReadAsArray()
    c = gdal.Open(f"{out_dir}/ndvi_gdalcalc.tif").ReadAsArray().astype(np.float64)
    fails += compare("ndvi (DN) vs gdal_calc.py", a, c)
except AttributeError:
    pass
sys.exit(1 if fails else 0)
