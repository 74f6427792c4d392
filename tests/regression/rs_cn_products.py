#!/usr/bin/python3
"""Reflectance of Chinese products from their own metadata, end to end.

usage: rs_cn_products.py BIN NP OUT LANDSAT_DIR

Writes small products in the documented layouts (netCDF4 writes plain HDF5
groups, datasets and attributes; h5py is not installed):
  FY-3D MERSI-2 L1 1KM: Data/EV_1KM_RefSB (15 x ny x nx, uint16) with Slope /
    Intercept per band, Data/EV_250_Aggr.1KM_RefSB (4 bands) with Slope /
    Intercept, Calibration/VIS_Cal_Coeff (19 x 3, with a non-zero quadratic
    term); reflectance = (c0 + c1 DN' + c2 DN'^2) / 100, DN' = DN Slope + Intercept.
  FY-3 product with CF scale_factor / add_offset only.
  FY-4A AGRI L1: NOMChannel02 (uint16 DN, 4095 = fill) and CALChannel02
    (4095 entries): reflectance = CAL[DN].
  GF-1 WFV1 L1A: <stem>.tiff (4 bands, the Landsat test scene's DNs) and
    <stem>.xml (SatelliteID, SensorID, CenterTime, SolarZenith) + a
    coefficients CSV (values for this test only, not CRESDA's):
    rho = pi (gain DN + offset) d^2 / (ESUN cos sz), d from Spencer (1971).
Runs `rs calc` on NP ranks with --reflectance auto and compares with an
independent numpy computation; checks the provenance records the source;
checks the error contract (non-zero exit, message naming the file and what
to do) for a missing Intercept, a GF product without a coefficients file,
and no coefficients row for the imaging year.
"""
import datetime
import math
import os
import shutil
import subprocess
import sys

import netCDF4
import numpy as np
from osgeo import gdal

from rs_testlib import check, expect_error, finish, prov

gdal.UseExceptions()
bin_, np_, out, ls = sys.argv[1:5]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
rng = np.random.default_rng(20240601)
ny, nx = 37, 53


def calc(expr, bands, dst, extra=()):
    cmd = ["mpirun", "--oversubscribe", "-np", np_, bin_, "rs", "calc", "--expr", expr]
    for name, path, bidx in bands:
        cmd += ["-b", f"{name}={path}"]
        if bidx != 1:
            cmd += ["--bidx", f"{name}={bidx}"]
    cmd += [*extra, "-o", dst]
    return subprocess.run(cmd, capture_output=True, text=True)


def georef(sub, name, bands=None):
    """L1 data carry no geotransform: a VRT adds one (as a user would with
    gdal_translate -of VRT -a_srs -a_ullr); rs follows it to the HDF5."""
    vrt = os.path.join(out, name)
    gdal.Translate(vrt, sub, format="VRT", outputSRS="EPSG:4490", outputBounds=[112, 29, 112 + nx * 0.01, 29 - ny * 0.01],
                   bandList=bands)
    return vrt


def compare(name, dst, want, tol):
    got = gdal.Open(dst).ReadAsArray().astype(np.float64)
    same_nan = np.array_equal(np.isnan(got), np.isnan(want))
    d = np.nanmax(np.abs(got - want)) if np.any(~np.isnan(want)) else 0.0
    check(same_nan and d <= tol, f"{name}: max abs diff {d:.3g} (tol {tol}), nodata cells equal {same_nan}")


# ---------------------------------------------------------------- FY-3D MERSI-2
mersi = os.path.join(out, "FY3D_MERSI_GBAL_L1_20230715_0530_1000M_MS.HDF")
dn1k = rng.integers(0, 4096, size=(15, ny, nx), dtype=np.uint16)
dn250 = rng.integers(0, 4096, size=(4, ny, nx), dtype=np.uint16)
dn250[2, 0, :4] = [65535, 65534, 65533, 4096]  # fill, saturated, dead detector, above valid_range
slope1k = np.linspace(0.9, 1.1, 15).astype(np.float32)
icpt1k = np.linspace(-3, 3, 15).astype(np.float32)
slope250 = np.array([1.0, 0.95, 1.05, 1.02], np.float32)
icpt250 = np.array([0.0, 1.5, -2.0, 0.5], np.float32)
coef = np.zeros((19, 3), np.float32)
coef[:, 0] = np.linspace(-1, 1, 19)
coef[:, 1] = np.linspace(0.02, 0.03, 19)
coef[:, 2] = np.linspace(1e-7, 3e-7, 19)
with netCDF4.Dataset(mersi, "w", format="NETCDF4") as f:
    for d, n in (("b1k", 15), ("b250", 4), ("y", ny), ("x", nx), ("ch", 19), ("k", 3)):
        f.createDimension(d, n)
    g = f.createGroup("Data")
    v = g.createVariable("EV_1KM_RefSB", "u2", ("b1k", "y", "x"))
    v[:] = dn1k
    v.Slope, v.Intercept = slope1k, icpt1k
    v = g.createVariable("EV_250_Aggr.1KM_RefSB", "u2", ("b250", "y", "x"))
    v.set_auto_maskandscale(False)
    v[:] = dn250
    v.Slope, v.Intercept = slope250, icpt250
    v.valid_range = np.array([0, 4095], np.uint16)
    v.FillValue = np.uint16(65535)
    v = g.createVariable("EV_NoIntercept", "u2", ("b250", "y", "x"))
    v[:] = dn250
    v.Slope = slope250
    f.createGroup("Calibration").createVariable("VIS_Cal_Coeff", "f4", ("ch", "k"))[:] = coef


def mersi_refl(dn, slope, icpt, ch, valid=False):
    c0, c1, c2 = (float(c) for c in coef[ch])
    d = dn.astype(np.float64) * float(slope) + float(icpt)
    r = (c0 + c1 * d + c2 * d * d) / 100
    if valid:
        r[dn > 4095] = np.nan
    return r


sub1k = georef(f'HDF5:"{mersi}"://Data/EV_1KM_RefSB', "mersi_1km.vrt")  # all 15 bands, --bidx picks
sub250 = georef(f'HDF5:"{mersi}"://Data/EV_250_Aggr.1KM_RefSB', "mersi_250_b34.vrt", [3, 4])  # VRT band 1 = source band 3
# MERSI-2 band 3 (EV_250, index 2) is red, band 4 (EV_250, index 3) is NIR;
# band 12 (EV_1KM index 7) checks the 1KM row offset (channel 5 + 7 = 12).
dst = os.path.join(out, "mersi.tif")
r = calc("nir - red + b12", [("red", sub250, 1), ("nir", sub250, 2), ("b12", sub1k, 8)], dst)
check(r.returncode == 0, "rs calc on MERSI-2 L1 subdatasets runs" + ("" if r.returncode == 0 else ": " + r.stderr))
if r.returncode == 0:
    want = (mersi_refl(dn250[3], slope250[3], icpt250[3], 3, True) - mersi_refl(dn250[2], slope250[2], icpt250[2], 2, True)
            + mersi_refl(dn1k[7], slope1k[7], icpt1k[7], 11))
    compare("MERSI-2 Slope/Intercept + VIS_Cal_Coeff", dst, want.astype(np.float32).astype(np.float64), 2e-6)
    p = prov(dst)
    check(p["red"]["scale_source"] == "fengyun-hdf5" and "VIS_Cal_Coeff" in p["red"]["scale_note"]
          and "channel 3" in p["red"]["scale_note"] and "channel 12" in p["b12"]["scale_note"]
          and p["red"].get("scale2", 0) != 0 and p["red"].get("valid_range") == [0, 4095] and p["red"].get("nodata") == 65535,
          "provenance: fengyun-hdf5, VIS_Cal_Coeff, channels 3 and 12, scale2, valid_range, FillValue")

# an explicit --scale overrides the product's calibration for its band only
dst = os.path.join(out, "mersi_explicit.tif")
r = calc("red", [("red", sub250, 1)], dst, ["--scale", "red=0.5,1"])
if r.returncode == 0:
    want = dn250[2].astype(np.float64) * 0.5 + 1
    # an explicit --scale replaces the product's calibration, valid_range and
    # FillValue included (--nodata declares a fill value then)
    compare("--scale overrides the MERSI calibration", dst, want, 0)
    check(prov(dst)["red"]["scale_source"] == "explicit", "provenance: explicit")
else:
    check(False, "rs calc --scale on MERSI: " + r.stderr)

# ---------------------------------------------------------------- CF scale_factor / add_offset
cf = os.path.join(out, "FY3C_VIRR_L1_CF.HDF")
dncf = rng.integers(0, 10000, size=(ny, nx), dtype=np.int16)
with netCDF4.Dataset(cf, "w", format="NETCDF4") as f:
    f.createDimension("y", ny)
    f.createDimension("x", nx)
    v = f.createGroup("Data").createVariable("EV_RefSB", "i2", ("y", "x"))
    v.set_auto_maskandscale(False)
    v[:] = dncf
    v.scale_factor, v.add_offset = np.float32(2e-4), np.float32(-0.01)
dst = os.path.join(out, "cf.tif")
r = calc("x", [("x", georef(f'HDF5:"{cf}"://Data/EV_RefSB', "cf.vrt"), 1)], dst)
check(r.returncode == 0, "rs calc on a CF scale_factor/add_offset dataset runs" + ("" if r.returncode == 0 else ": " + r.stderr))
if r.returncode == 0:
    want = dncf.astype(np.float64) * float(np.float32(2e-4)) + float(np.float32(-0.01))
    compare("CF scale_factor/add_offset", dst, want.astype(np.float32).astype(np.float64), 0)

# ---------------------------------------------------------------- FY-4A AGRI
agri = os.path.join(out, "FY4A-_AGRI--_N_REGC_1047E_L1-_FDI-_MULT_NOM_20230715040000_20230715041459_4000M_V0001.HDF")
dn4 = rng.integers(0, 4096, size=(ny, nx), dtype=np.uint16)
dn4[0, :5] = 4095
dn4[1, :3] = 65535  # fill beyond the table
cal = (np.arange(4095, dtype=np.float64) * 3.1e-4 + 0.002 + 1e-9 * np.arange(4095) ** 2).astype(np.float32)
with netCDF4.Dataset(agri, "w", format="NETCDF4") as f:
    f.createDimension("y", ny)
    f.createDimension("x", nx)
    f.createDimension("n", 4095)
    v = f.createVariable("NOMChannel02", "u2", ("y", "x"))
    v.set_auto_maskandscale(False)
    v[:] = dn4
    f.createVariable("CALChannel02", "f4", ("n",))[:] = cal
dst = os.path.join(out, "agri.tif")
r = calc("red", [("red", georef(f'HDF5:"{agri}"://NOMChannel02', "agri.vrt"), 1)], dst)
check(r.returncode == 0, "rs calc on FY-4A AGRI NOMChannel02 runs" + ("" if r.returncode == 0 else ": " + r.stderr))
if r.returncode == 0:
    want = np.full(dn4.shape, np.nan)
    ok = dn4 < cal.size
    want[ok] = cal.astype(np.float64)[dn4[ok]]
    compare("AGRI CALChannel02[DN] (DN beyond the table -> NaN)", dst, want.astype(np.float32).astype(np.float64), 0)
    p = prov(dst)
    check(p["red"]["scale_source"] == "fengyun-hdf5" and p["red"].get("lut") == "/CALChannel02", "provenance: lut /CALChannel02")

# ---------------------------------------------------------------- GF-1 WFV
stem = os.path.join(out, "GF1_WFV1_E113.5_N28.2_20190716_L1A0004123456")
gdal.Translate(stem + ".tiff", gdal.BuildVRT("", [os.path.join(ls, f"l8_B{b}.tif") for b in (2, 3, 4, 5)], separate=True))
sz = 23.75
with open(stem + ".xml", "w") as f:
    f.write(f"""<?xml version="1.0" encoding="UTF-8" ?>
<ProductMetaData>
  <SatelliteID>GF1</SatelliteID>
  <SensorID>WFV1</SensorID>
  <ReceiveTime>2019-07-16 11:02:40</ReceiveTime>
  <CenterTime>2019-07-16 03:05:11</CenterTime>
  <SolarAzimuth>121.4</SolarAzimuth>
  <SolarZenith>{sz}</SolarZenith>
</ProductMetaData>
""")
coefs = os.path.join(out, "gf_coefs.csv")
rows = {3: (0.1810, 0.0, 1557.0), 4: (0.1648, 0.0, 1033.0)}
with open(coefs, "w") as f:
    f.write("# test values only (not CRESDA's); layout as docs/remote-sensing.md\n")
    f.write("satellite,sensor,year,band,gain,offset,esun\n")
    f.write("GF1,WFV1,2018,3,0.9,0,1500\n")
    for b, (g, o, e) in rows.items():
        f.write(f"GF-1,WFV1,2019,{b},{g},{o},{e}\n")
    f.write("GF1,WFV2,2019,3,0.5,1,1500\n")


def gf_refl(dn, b):
    g, o, e = rows[b]
    doy = datetime.date(2019, 7, 16).timetuple().tm_yday
    G = 2 * math.pi * (doy - 1) / 365
    inv_d2 = 1.000110 + 0.034221 * math.cos(G) + 0.001280 * math.sin(G) + 0.000719 * math.cos(2 * G) + 0.000077 * math.sin(2 * G)
    L = g * dn.astype(np.float64) + o
    return math.pi * L / inv_d2 / (e * math.cos(math.radians(sz)))


tiff = stem + ".tiff"
dst = os.path.join(out, "gf_ndvi.tif")
r = calc("(nir - red) / (nir + red)", [("red", tiff, 3), ("nir", tiff, 4)], dst, ["--cal-coefs", coefs])
check(r.returncode == 0, "rs calc on GF-1 WFV with --cal-coefs runs" + ("" if r.returncode == 0 else ": " + r.stderr))
if r.returncode == 0:
    t = gdal.Open(tiff)
    red, nir = (gf_refl(t.GetRasterBand(b).ReadAsArray(), b) for b in (3, 4))
    with np.errstate(invalid="ignore", divide="ignore"):
        want = (nir - red) / (nir + red)
    want[~np.isfinite(want)] = np.nan
    nd = t.GetRasterBand(3).GetNoDataValue()
    if nd is not None:
        want[(t.GetRasterBand(3).ReadAsArray() == nd) | (t.GetRasterBand(4).ReadAsArray() == nd)] = np.nan
    compare("GF-1 WFV TOA NDVI", dst, want.astype(np.float32).astype(np.float64), 1e-6)
    p = prov(dst)
    check(p["red"]["scale_source"] == "gf-cresda" and "GF1 WFV1 band 3 2019" in p["red"]["scale_note"]
          and abs(p["red"]["scale"] - float(gf_refl(np.array([1.0]), 3)[0])) < 1e-15, "provenance: gf-cresda row and scale")


# ---------------------------------------------------------------- errors
x = os.path.join(out, "x.tif")
expect_error("Slope without Intercept", calc("a", [("a", georef(f'HDF5:"{mersi}"://Data/EV_NoIntercept', "noicpt.vrt"), 1)], x),
             os.path.basename(mersi), "no Intercept", "--scale")
expect_error("GF product without coefficients", calc("a", [("a", tiff, 3)], x), os.path.basename(stem) + ".xml", "--cal-coefs")
expect_error("GF band without a row", calc("a", [("a", tiff, 1)], x, ["--cal-coefs", coefs]), "gf_coefs.csv",
             "GF1 WFV1 band 1 in 2019", "CRESDA")
with open(os.path.join(out, "gf_coefs_2018.csv"), "w") as f:
    f.write("satellite,sensor,year,band,gain,offset,esun\nGF1,WFV1,2018,3,0.9,0,1500\n")
expect_error("GF year without a row", calc("a", [("a", tiff, 3)], x, ["--cal-coefs", os.path.join(out, "gf_coefs_2018.csv")]),
             "gf_coefs_2018.csv", "band 3 in 2019", "add it")
with open(os.path.join(out, "gf_coefs_bad.csv"), "w") as f:
    f.write("satellite,sensor,year,band,gain,esun\n")
expect_error("GF coefficients without an offset column",
             calc("a", [("a", tiff, 3)], x, ["--cal-coefs", os.path.join(out, "gf_coefs_bad.csv")]),
             "gf_coefs_bad.csv:1", "offset")
sys.exit(finish())
