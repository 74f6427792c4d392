#!/usr/bin/python3
"""Sentinel-1 GRD calibration (`rs sarcal`) against numpy on the real annotation.

usage: rs_sarcal_check.py BIN OUT SAFE_DIR

SAFE_DIR is a real S1A IW GRDH product's annotation set (manifest.safe, the VV
product, calibration and noise annotations: 27 vectors x 636 pixels, image
25368 x 16685) without its measurement. The script copies it to OUT and
makes the measurement the manifest names: a sparse tiled UInt16 GeoTIFF of
the annotation's full size whose window (WIN below, across LUT lines and
pixel columns) holds made-up digital numbers (random 1..700, a few 0 = border
fill); the rest is 0.

It runs `rs sarcal` on WIN at 1 and 3 ranks (sigma0 linear with thermal noise
removed; the same at 3 ranks must be byte-identical), beta0 in dB, gamma0
without noise removal, and compares each with numpy: the annotation parsed
with xml.etree, each LUT interpolated linearly in pixel along the two vectors
around the line (np.interp) and linearly in line between them (edges
clamped), value = max(DN^2 - eta, 0) / A^2, dB = 10 log10, DN 0 -> NaN.
At the annotation's own grid points inside WIN the no-noise output must
equal DN^2 / A^2 with A the annotation's value itself (no interpolation).
Also checks a made-up IPF >= 2.9 noise annotation (range vectors x azimuth
blocks, made from the real noise LUT) the same way.
Tolerance: float64 on both sides, float32 output: rtol 1e-6. Leaves OUT/mismatch/<P>.SAFE,
whose VV calibration annotation says VH, for the error tests.
"""
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from s1_product import copy_product  # noqa: E402

bin_, out, src = sys.argv[1:4]
P = copy_product(src, out)
safe, NX, NY = P.safe, P.nx, P.ny
cal_xml, noise_xml = P.calibration, P.noise

WIN = (10010, 640, 200, 60)  # x0, y0, nx, ny: lines 640..699 cross the vector at line 667
x0, y0, nx, ny = WIN
rng = np.random.default_rng(19)
dn = rng.integers(1, 701, size=(ny, nx)).astype(np.uint16)
dn[rng.random((ny, nx)) < 0.02] = 0
P.write_measurement(x0, y0, dn)

def vectors(xml, vec, value):
    root = ET.parse(xml).getroot()
    out_ = []
    for v in root.iter(vec):
        out_.append((float(v.find("line").text), np.array(v.find("pixel").text.split(), float),
                     np.array(v.find(value).text.split(), float)))
    return out_


def lut_at(vecs, lines, pixels):
    """Bilinear: np.interp along pixels (clamps at the ends), linear in line (clamped)."""
    L = np.array([v[0] for v in vecs])
    res = np.empty((len(lines), len(pixels)))
    for j, y in enumerate(lines):
        k = int(np.clip(np.searchsorted(L, y, side="right") - 1, 0, len(L) - 2))
        t = np.clip((y - L[k]) / (L[k + 1] - L[k]), 0, 1)
        va = np.interp(pixels, vecs[k][1], vecs[k][2])
        vb = np.interp(pixels, vecs[k + 1][1], vecs[k + 1][2])
        res[j] = va + t * (vb - va)
    return res


lines = np.arange(y0, y0 + ny, dtype=float)
pixels = np.arange(x0, x0 + nx, dtype=float)
D = dn.astype(float)
eta = lut_at(vectors(os.path.join(safe, noise_xml), "noiseVector", "noiseLut"), lines, pixels)


def reference(q, noise, db, eta=eta):
    A = lut_at(vectors(os.path.join(safe, cal_xml), "calibrationVector", {"sigma0": "sigmaNought", "beta0": "betaNought",
                                                                           "gamma0": "gamma"}[q]), lines, pixels)
    v = np.maximum(D * D - (eta if noise else 0), 0) / (A * A)
    with np.errstate(divide="ignore"):
        if db:
            v = np.where(v > 0, 10 * np.log10(v), np.nan)
    v[dn == 0] = np.nan
    return v


def run(np_, name, *args):
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), bin_, "rs", "sarcal", safe, "--pol", "VV", "--srcwin",
           *map(str, WIN), *args, "-o", os.path.join(out, name)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        print(r.stdout[-3000:])
        sys.exit("failed: " + " ".join(cmd))
    return gdal.Open(os.path.join(out, name)).ReadAsArray().astype(float)


fail = 0


def compare(name, got, want):
    global fail
    want = want.astype(np.float32).astype(float)
    nan_g, nan_w = np.isnan(got), np.isnan(want)
    ok = ~nan_g & ~nan_w
    close = np.isclose(got[ok], want[ok], rtol=1e-6, atol=0)
    rel = float(np.max(np.abs(got[ok] - want[ok]) / np.maximum(np.abs(want[ok]), 1e-30))) if ok.any() else 0.0
    bad = int((~close).sum()) + int((nan_g != nan_w).sum())
    print(f"{'ok  ' if not bad and ok.any() else 'FAIL'} {name}: {ok.sum()} cells, max rel diff {rel:.3g}, {bad} bad")
    fail |= bool(bad) or not ok.any()


s1 = run(1, "sigma0_np1.tif")
s3 = run(3, "sigma0_np3.tif")
compare("sigma0, noise removed", s1, reference("sigma0", True, False))
if not np.array_equal(np.nan_to_num(s1, nan=-1), np.nan_to_num(s3, nan=-1)):
    print("FAIL sigma0 at 3 ranks differs from 1 rank")
    fail = 1
compare("beta0 dB, noise removed", run(2, "beta0_db.tif", "--quantity", "beta0", "--db"), reference("beta0", True, True))
g = run(1, "gamma0_raw.tif", "--quantity", "gamma0", "--no-noise")
compare("gamma0, noise kept", g, reference("gamma0", False, False))
# at the annotation's grid points: DN^2 / A^2 with A read straight from the annotation
sig = run(1, "sigma0_raw.tif", "--no-noise")
npts = 0
for line, pix, val in vectors(os.path.join(safe, cal_xml), "calibrationVector", "sigmaNought"):
    if not (y0 <= line < y0 + ny):
        continue
    for p, A in zip(pix, val):
        if x0 <= p < x0 + nx and dn[int(line) - y0, int(p) - x0]:
            want = np.float32(D[int(line) - y0, int(p) - x0] ** 2 / A ** 2)
            got = sig[int(line) - y0, int(p) - x0]
            npts += 1
            if not np.isclose(got, want, rtol=1e-6):
                print(f"FAIL grid point line {line} pixel {p}: {got} != {want}")
                fail = 1
print(f"{'ok  ' if npts else 'FAIL'} {npts} annotation grid points inside the window")
fail |= npts == 0

# IPF >= 2.9 noise: range vectors x azimuth blocks, made from the real LUT
noise_path = os.path.join(safe, noise_xml)
root = ET.parse(noise_path).getroot()
rl = root.find("noiseVectorList")
rl.tag = "noiseRangeVectorList"
for v in rl.iter("noiseVector"):
    v.tag = "noiseRangeVector"
    v.find("noiseLut").tag = "noiseRangeLut"
azl = ET.SubElement(root, "noiseAzimuthVectorList", count="2")
blocks = [(0, 665, 0, 10100, [0, 300, 665], [1.5, 1.2, 0.9]), (666, NY - 1, 0, NX - 1, [666], [0.8])]
for fl, ll, fs, ls, L, V in blocks:
    b = ET.SubElement(azl, "noiseAzimuthVector")
    for k, val in (("swath", "IW1"), ("firstAzimuthLine", fl), ("firstRangeSample", fs), ("lastAzimuthLine", ll),
                   ("lastRangeSample", ls), ("line", " ".join(map(str, L))), ("noiseAzimuthLut", " ".join(map(str, V)))):
        ET.SubElement(b, k).text = str(val)
ET.ElementTree(root).write(noise_path, xml_declaration=True, encoding="UTF-8")
az = np.ones((ny, nx))
for j, y in enumerate(lines):
    for fl, ll, fs, ls, L, V in blocks:
        m = (pixels >= fs) & (pixels <= ls) & (fl <= y <= ll) & (az[j] == 1)
        az[j, m] = np.interp(y, L, V)
compare("sigma0, IPF 2.9 noise (range x azimuth)", run(2, "sigma0_ipf29.tif"),
        reference("sigma0", True, False, eta=eta * az))

# for the error tests (rs.cmake): a copy whose VV calibration annotation says VH
bad = os.path.join(out, "mismatch", os.path.basename(safe))
shutil.copytree(safe, bad)
c = os.path.join(bad, cal_xml)
text = open(c).read().replace("<polarisation>VV</polarisation>", "<polarisation>VH</polarisation>", 1)
open(c, "w").write(text)
sys.exit(1 if fail else 0)
