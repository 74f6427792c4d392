#!/usr/bin/python3
"""Every index of the Awesome Spectral Indices catalogue, by name, against numpy.

usage: rs_catalogue_check.py BIN NP OUT CATALOGUE_DIR INPUT_DIR

CATALOGUE_DIR holds the catalogue's spectral-indices-dict.json, bands.json and
constants.json (data/remote_sensing/awesome_spectral_indices); INPUT_DIR the
real 64 x 48 test windows (tests/data/rs/asi: Landsat 8 OLI/TIRS bands 1-7,
10, 11 with their MTL file, and a Sentinel-1 VV backscatter tile in dB).

Builds three input sets as float64 GeoTIFFs (values written by this script,
so sanxiang runs with reflectance: none and only the formulas are compared):
  l8    Landsat 8: A B G R N S1 S2 = TOA reflectance of bands 1-7 by the USGS
        formula (M DN + A) / sin(sun elevation), N2 = N (the catalogue files
        OLI band 5 as N2); T, T1, T2 = brightness temperature (K) of bands 10,
        11 (K2 / ln(K1 / L + 1)).
  s2    Sentinel-2-like: the same scene with the bands Landsat lacks made from
        its reflectances by linear interpolation in wavelength at Sentinel-2A's
        centres (bands.json): RE1, RE2, RE3 between red and NIR, Y between
        green and red, G1 between blue and green; WV = 0.6 NIR (water vapour
        absorption at 945 nm), N2 = N.
  sar   VV = 10^(dB/10) of the Sentinel-1 tile; VH, HH, HV made from it
        (shifted windows, scaled), so the polarisations differ per cell.
Writes one job with an rs_index step per index and input set that holds its
bands (radar indices on sar; all others on s2, and on l8 where its bands are
Landsat's) — about 480 steps in one run of the binary on NP ranks — and
compares each output with the catalogue's formula evaluated by Python/numpy
over the same float64 arrays, its constants at the catalogue's defaults
(none: PAR = 1500, the central wavelengths lambdaX from bands.json for the
platform; SAVI's L = 1 is passed, since sanxiang's savi defaults to 0.5), and
the kernel terms kXY as the RBF kernel exp(-(X - Y)^2 / (2 sigma^2)). Also
runs a few indices with --const overrides, and checks that the provenance
names the index and the catalogue version.

Tolerance: both sides compute in float64 and sanxiang writes float32; values
must agree to rtol 1e-6 + atol 1e-6 after rounding numpy's to float32, and
nodata (NaN: division by zero, non-finite values) must sit on the same cells.
"""
import json
import math
import os
import re
import subprocess
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
bin_, np_, out, catdir, indir = sys.argv[1:6]
os.makedirs(out, exist_ok=True)
idx = json.load(open(os.path.join(catdir, "spectral-indices-dict.json")))["SpectralIndices"]
bands_json = json.load(open(os.path.join(catdir, "bands.json")))
consts = json.load(open(os.path.join(catdir, "constants.json")))

# ------------------------------------------------------------------ inputs
mtl = open(os.path.join(indir, "l8_MTL.txt")).read()


def mtl_value(key):
    return float(re.search(rf"^\s*{key}\s*=\s*(\S+)", mtl, re.M).group(1))


ref_ds = gdal.Open(os.path.join(indir, "l8_B4.tif"))


def dn(n):
    return gdal.Open(os.path.join(indir, f"l8_B{n}.tif")).ReadAsArray().astype(np.float64)


sun = math.radians(mtl_value("SUN_ELEVATION"))
rho = {n: (mtl_value(f"REFLECTANCE_MULT_BAND_{n}") * dn(n) + mtl_value(f"REFLECTANCE_ADD_BAND_{n}")) / math.sin(sun)
       for n in range(1, 8)}
bt = {}
for n in (10, 11):
    rad = mtl_value(f"RADIANCE_MULT_BAND_{n}") * dn(n) + mtl_value(f"RADIANCE_ADD_BAND_{n}")
    bt[n] = mtl_value(f"K2_CONSTANT_BAND_{n}") / np.log(mtl_value(f"K1_CONSTANT_BAND_{n}") / rad + 1)
l8 = {"A": rho[1], "B": rho[2], "G": rho[3], "R": rho[4], "N": rho[5], "N2": rho[5], "S1": rho[6], "S2": rho[7],
      "T": bt[10], "T1": bt[10], "T2": bt[11]}


def wl(code, plat="sentinel2a"):
    return bands_json[code]["platforms"][plat]["wavelength"]


def interp(lo, hi, at):
    """Reflectance at wavelength at between bands lo and hi (codes), by Sentinel-2A's centres."""
    t = (wl(at) - wl(lo)) / (wl(hi) - wl(lo))
    return l8[lo] + t * (l8[hi] - l8[lo])


s2 = dict(l8)
s2.update({"RE1": interp("R", "N", "RE1"), "RE2": interp("R", "N", "RE2"), "RE3": interp("R", "N", "RE3"),
           "Y": l8["G"] + (605.0 - wl("G")) / (wl("R") - wl("G")) * (l8["R"] - l8["G"]),
           "G1": l8["B"] + (531.0 - wl("B")) / (wl("G") - wl("B")) * (l8["G"] - l8["B"]),
           "WV": 0.6 * l8["N"]})
sar_ds = gdal.Open(os.path.join(indir, "s1_vv_db.tif"))
vv = 10 ** (sar_ds.ReadAsArray().astype(np.float64) / 10)
sar = {"VV": vv, "VH": 0.18 * np.roll(vv, 3, axis=1), "HH": 1.1 * np.roll(vv, 2, axis=0),
       "HV": 0.2 * np.roll(vv, (1, 4), axis=(0, 1))}
sets = {"l8": (l8, ref_ds, "landsat8"), "s2": (s2, ref_ds, "sentinel2a"), "sar": (sar, sar_ds, None)}


def write(path, a, like):
    d = gdal.GetDriverByName("GTiff").Create(path, a.shape[1], a.shape[0], 1, gdal.GDT_Float64)
    d.SetGeoTransform(like.GetGeoTransform())
    d.SetProjection(like.GetProjection())
    d.GetRasterBand(1).WriteArray(a)
    d = None


inputs = {}
for sname, (arrs, like, _) in sets.items():
    for code, a in arrs.items():
        p = os.path.join(out, f"in_{sname}_{code}.tif")
        write(p, a, like)
        inputs[f"{sname}_{code}"] = p

# ------------------------------------------------------------------ the job
band_codes = set(bands_json) | {"VV", "VH", "HH", "HV"}


def needed(v):
    """Band codes an index needs (kernel terms kXY need X and Y)."""
    need = set()
    for b in v["bands"]:
        if b in band_codes:
            need.add(b)
        elif b.startswith("k") and b not in consts:
            rest = b[1:]
            for i in range(1, len(rest)):
                x, y = rest[:i], rest[i:]
                if (x in band_codes or x in consts) and (y in band_codes or y in consts):
                    need |= {p for p in (x, y) if p in band_codes}
                    break
    return need


def given_consts(name, v, plat):
    """Constants passed explicitly: those without a default, and SAVI's L."""
    c = {}
    for b in v["bands"]:
        if b in consts and consts[b]["default"] is None:
            if b == "PAR":
                c[b] = 1500.0
            else:  # lambdaN, lambdaS1, ...: the platform's centre wavelength
                code = b[len("lambda"):]
                p = plat if plat in bands_json[code]["platforms"] else "sentinel2a"
                c[b] = float(bands_json[code]["platforms"][p]["wavelength"])
    if name == "SAVI":
        c["L"] = 1.0
    return c


runs = []  # (output name, index, set, constants)
for name, v in sorted(idx.items()):
    need = needed(v)
    if need & {"VV", "VH", "HH", "HV"}:
        targets = ["sar"]
    else:
        targets = ["s2"] + (["l8"] if need <= set(l8) else [])
    for s in targets:
        runs.append((f"{s}_{name}", name, s, given_consts(name, v, sets[s][2])))
# overrides: --const over the defaults
runs.append(("s2_EVI_L05", "EVI", "s2", {"L": 0.5, "g": 2.0}))
runs.append(("s2_kNDVI_sigma03", "kNDVI", "s2", {"sigma": 0.3}))
runs.append(("l8_savi_default", "savi", "l8", {}))  # sanxiang's savi: L = 0.5
runs.append(("l8_mndwi_upper", "MNDWI", "l8", {}))

def step_lines(oname, name, s, c):
    need = needed(idx.get(name, {"bands": ["N", "R"]}))
    yield "  - step: rs_index"
    yield f"    index: {name}"
    yield "    reflectance: none"
    yield f"    output: {oname}"
    yield "    bands: {" + ", ".join(f"{b}: {s}_{b}" for b in sorted(need)) + "}"
    if c:
        yield "    constants: {" + ", ".join(f"{k}: {val!r}" for k, val in c.items()) + "}"


# A job holds at most 256 layers (inputs and outputs): several jobs, one binary run each.
PER_JOB = 200
for j in range(0, len(runs), PER_JOB):
    lines = [f"job: rs_catalogue_check_{j // PER_JOB}", "output_dir: " + os.path.join(out, "run"), "inputs:"]
    used = {f"{s}_{b}" for oname, name, s, c in runs[j:j + PER_JOB] for b in needed(idx.get(name, {"bands": ["N", "R"]}))}
    lines += [f"  {k}: {p}" for k, p in inputs.items() if k in used]
    lines.append("steps:")
    for r_ in runs[j:j + PER_JOB]:
        lines += list(step_lines(*r_))
    job = os.path.join(out, f"catalogue_{j // PER_JOB}.yaml")
    open(job, "w").write("\n".join(lines) + "\n")
    cmd = ["mpirun", "--oversubscribe", "-np", np_, bin_, "run", job] if np_ != "1" else [bin_, "run", job]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        print(r.stdout[-4000:])
        sys.exit(f"the job failed: {' '.join(cmd)}")

# ------------------------------------------------------------------ numpy


def reference(name, s, c):
    v = idx[name]
    env = dict(sets[s][0])
    for k, d in consts.items():
        if d["default"] is not None:
            env[k] = float(d["default"])
    env.update(c)
    sigma = env["sigma"]
    for b in v["bands"]:
        if b.startswith("k") and b not in consts:
            rest = b[1:]
            for i in range(1, len(rest)):
                x, y = rest[:i], rest[i:]
                if (x in env) and (y in env):
                    env[b] = np.exp(-((np.asarray(env[x]) - np.asarray(env[y])) ** 2) / (2 * sigma ** 2))
                    break
    with np.errstate(all="ignore"):
        want = eval(v["formula"], {"__builtins__": {}}, env) * np.ones_like(sets[s][0][next(iter(sets[s][0]))])
    return np.asarray(want, dtype=np.float64)


fail = 0
worst = 0.0
ncells = 0
for oname, name, s, c in runs:
    got = gdal.Open(os.path.join(out, "run", oname + ".tif")).ReadAsArray().astype(np.float64)
    cat_name = {"savi": "SAVI"}.get(name, name)
    want = reference(cat_name, s, c if name != "savi" else {"L": 0.5})
    want[~np.isfinite(want)] = np.nan
    want = want.astype(np.float32).astype(np.float64)
    want[~np.isfinite(want)] = np.nan
    nan_g, nan_w = np.isnan(got), np.isnan(want)
    ok = ~nan_g & ~nan_w
    bad_nan = int((nan_g != nan_w).sum())
    close = np.isclose(got[ok], want[ok], rtol=1e-6, atol=1e-6)
    rel = np.abs(got[ok] - want[ok]) / np.maximum(np.abs(want[ok]), 1e-300) if ok.any() else np.zeros(1)
    worst = max(worst, float(np.max(np.minimum(rel, np.abs(got[ok] - want[ok])))) if ok.any() else 0.0)
    ncells += int(ok.sum())
    if bad_nan or not close.all():
        fail += 1
        print(f"FAIL {oname}: {idx[cat_name]['formula']} — {int((~close).sum())} cells outside tolerance, "
              f"{bad_nan} nodata mismatches (sanxiang NaN {int(nan_g.sum())}, numpy NaN {int(nan_w.sum())})")
    elif ok.sum() == 0:
        fail += 1
        print(f"FAIL {oname}: no valid cell to compare")
print(f"{len(runs)} index runs ({len(idx)} catalogue indices), {ncells} cells compared, "
      f"largest min(abs, rel) difference {worst:.3g}, {fail} failed")

# provenance: the index and the catalogue version
md = gdal.Info(os.path.join(out, "run", "s2_NDREI.tif"))
prov = re.search(r"SANXIANG_PROVENANCE=(.*)", md).group(1)
for want in ('"name":"NDREI"', '"catalogue":"awesome-spectral-indices@926973262d11', '"formula":"(N - RE1) / (N + RE1)"'):
    if want not in prov:
        fail += 1
        print(f"FAIL provenance of s2_NDREI.tif lacks {want}")
md = gdal.Info(os.path.join(out, "run", "s2_EVI_L05.tif"))
if '"constants":{"g":2,"C1":6,"C2":7.5,"L":0.5}' not in md:
    fail += 1
    print("FAIL provenance of s2_EVI_L05.tif does not record the constants used")
sys.exit(1 if fail else 0)
