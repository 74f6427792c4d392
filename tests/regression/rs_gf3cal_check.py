#!/usr/bin/python3
"""GF-3 SAR calibration (`rs sarcal` on a GF-3 product) against numpy.

usage: rs_gf3cal_check.py BIN OUT

The products are SYNTHETIC: no GF-3 data is bundled. Each is a directory laid
out as CRESDA delivers GF-3 (per-polarisation GeoTIFFs named ..._<POL>_L....tiff
beside one <name>.meta.xml holding product/satellite, productinfo/productType and
productLevel, imageinfo/width, height and QualifyValue/HH..VV (NULL for absent
polarisations), processinfo/CalibrationConst/HH..VV and
sensor/polarParams/polar/polarMode, as read by SNAP's GF-3 reader), with
made-up digital numbers and constants:
 - L1A: dual-pol HH/HV SLC, 240 x 180 CInt16 (I/Q), in image geometry;
 - L2:  single-pol VV, 200 x 150 UInt16 amplitude with a UTM geotransform.
numpy: sigma0_dB = 10 log10(P (QualifyValue / N)^2) - CalibrationConst, P = I^2 + Q^2
and N = 32767 for SLC, P = DN^2 and N = 65535 for amplitude; linear =
10^(dB / 10); DN 0 -> NaN. Checks HH dB at 1 and 3 ranks (equal cell for cell),
HV linear, L2 dB with its geotransform and CRS kept (and shifted by --srcwin).
rtol 1e-6 (float32 output). Leaves the products in OUT for the error tests, and a copy of
the L1A product whose CalibrationConst/HH is NULL.
"""
import os
import subprocess
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
bin_, out = sys.argv[1:3]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(3)
fail = 0

META = """<?xml version="1.0" encoding="UTF-8"?>
<product>
  <segmentID>1</segmentID>
  <sceneID>1</sceneID>
  <satellite>GF3</satellite>
  <orbitID>20253</orbitID>
  <orbitType>GPS</orbitType>
  <Direction>DEC</Direction>
  <productID>{pid}</productID>
  <productinfo>
    <productLevel>{level}</productLevel>
    <productType>{ptype}</productType>
    <productFormat>GEOTIFF</productFormat>
  </productinfo>
  <imageinfo>
    <imagingTime><start>2020-05-24 10:02:33.123</start><end>2020-05-24 10:02:38.456</end></imagingTime>
    <width>{w}</width>
    <height>{h}</height>
    <QualifyValue>{qv}</QualifyValue>
  </imageinfo>
  <sensor>
    <sensorID>SAR</sensorID>
    <imagingMode>FSII</imagingMode>
    <polarParams><polar><polarMode>{mode}</polarMode></polar></polarParams>
  </sensor>
  <processinfo>
    <CalibrationConst>{kc}</CalibrationConst>
  </processinfo>
</product>
"""


def pol_xml(values):
    return "".join(f"<{p}>{values.get(p, 'NULL')}</{p}>" for p in ("HH", "HV", "VH", "VV"))


def product(name, level, ptype, mode, q, k, images, gt=None):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    h, w = next(iter(images.values())).shape[:2]
    with open(os.path.join(d, name + ".meta.xml"), "w") as f:
        f.write(META.format(pid=name, level=level, ptype=ptype, w=w, h=h, qv=pol_xml(q), kc=pol_xml(k), mode=mode))
    for pol, a in images.items():
        path = os.path.join(d, name.replace("_" + mode + "_", f"_{pol}_") + ".tiff")
        cplx = np.iscomplexobj(a)
        ds = gdal.GetDriverByName("GTiff").Create(path, w, h, 1, gdal.GDT_CInt16 if cplx else gdal.GDT_UInt16)
        if gt:
            ds.SetGeoTransform(gt)
            s = osr.SpatialReference()
            s.ImportFromEPSG(32650)
            ds.SetProjection(s.ExportToWkt())
        ds.GetRasterBand(1).WriteArray(a)
        ds = None
    return d


def slc(h, w):
    a = (rng.integers(-3000, 3001, (h, w)) + 1j * rng.integers(-3000, 3001, (h, w))).astype(np.complex64)
    a[rng.random((h, w)) < 0.01] = 0
    return a


L1A = "GF3_KAS_FSII_020253_E112.9_N28.2_20200524_L1A_HHHV_L10004829485"
hh, hv = slc(180, 240), slc(180, 240)
Q = {"HH": 1987.6543, "HV": 1234.5}
K = {"HH": 31.73, "HV": 32.11}
l1a = product(L1A, "1A", "SLC", "HHHV", Q, K, {"HH": hh, "HV": hv})
L2 = "GF3_MYN_QPSI_011234_E113.0_N28.1_20190101_L2_VV_L20004000001"
vv = rng.integers(0, 20000, (150, 200)).astype(np.uint16)
GT = (700000.0, 10.0, 0.0, 3120000.0, 0.0, -10.0)
l2 = product(L2, "2", "GEC", "VV", {"VV": 3021.25}, {"VV": 30.5}, {"VV": vv}, GT)


def run(np_, prod, name, *args):
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), bin_, "rs", "sarcal", prod, *args, "-o", os.path.join(out, name)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        print(r.stdout[-3000:])
        sys.exit("failed: " + " ".join(cmd))
    return gdal.Open(os.path.join(out, name))


def want_db(p, q, n, k):
    with np.errstate(divide="ignore"):
        v = 10 * np.log10(p * (q / n) ** 2) - k
    v[p == 0] = np.nan
    return v


def compare(what, got, want):
    global fail
    want = want.astype(np.float32).astype(float)
    ok = ~np.isnan(want)
    same_nan = np.array_equal(np.isnan(got), np.isnan(want))
    close = np.allclose(got[ok], want[ok], rtol=1e-6, atol=0)
    rel = float(np.max(np.abs(got[ok] - want[ok]) / np.abs(want[ok])))
    good = same_nan and close and ok.any()
    print(f"{'ok  ' if good else 'FAIL'} {what}: {ok.sum()} cells, max rel diff {rel:.3g}, nodata where DN 0: {same_nan}")
    fail |= not good


P_hh = hh.real.astype(float) ** 2 + hh.imag.astype(float) ** 2
P_hv = hv.real.astype(float) ** 2 + hv.imag.astype(float) ** 2
a1 = run(1, l1a, "hh_db_np1.tif", "--pol", "HH", "--db").ReadAsArray().astype(float)
a3 = run(3, l1a, "hh_db_np3.tif", "--pol", "hh", "--db").ReadAsArray().astype(float)
compare("L1A SLC HH sigma0 dB", a1, want_db(P_hh, Q["HH"], 32767, K["HH"]))
same = np.array_equal(np.nan_to_num(a1, nan=-999), np.nan_to_num(a3, nan=-999))
print(f"{'ok  ' if same else 'FAIL'} HH at 3 ranks == 1 rank")
fail |= not same
lin = run(2, l1a, "hv_lin.tif", "--pol", "HV").ReadAsArray().astype(float)
compare("L1A SLC HV sigma0 linear", lin, 10 ** (want_db(P_hv, Q["HV"], 32767, K["HV"]) / 10))
d2 = run(2, l2, "vv_db.tif", "--db")
compare("L2 VV sigma0 dB (N = 65535)", d2.ReadAsArray().astype(float), want_db(vv.astype(float) ** 2, 3021.25, 65535, 30.5))
ok = d2.GetGeoTransform() == GT and osr.SpatialReference(wkt=d2.GetProjection()).GetAuthorityCode(None) == "32650"
print(f"{'ok  ' if ok else 'FAIL'} L2 keeps its geotransform and CRS: {d2.GetGeoTransform()}")
fail |= not ok
w = run(1, os.path.join(l2, L2 + ".meta.xml"), "vv_win.tif", "--db", "--srcwin", "20", "10", "50", "40")
want_gt = (GT[0] + 20 * GT[1], GT[1], 0.0, GT[3] + 10 * GT[5], 0.0, GT[5])
ok = w.GetGeoTransform() == want_gt
compare("L2 window", w.ReadAsArray().astype(float), want_db(vv[10:50, 20:70].astype(float) ** 2, 3021.25, 65535, 30.5))
print(f"{'ok  ' if ok else 'FAIL'} --srcwin shifts the L2 geotransform: {w.GetGeoTransform()}")
fail |= not ok
# for the error tests (rs.cmake): a copy of the L1A product without HH's calibration constant
bad = product("badk_" + L1A, "1A", "SLC", "HHHV", Q, {"HV": K["HV"]}, {"HH": hh[:4], "HV": hv[:4]})
sys.exit(1 if fail else 0)
