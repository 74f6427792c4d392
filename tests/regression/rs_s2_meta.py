#!/usr/bin/python3
"""Reflectance from Sentinel-2 product metadata, end to end.

usage: rs_s2_meta.py BIN NP OUT LANDSAT_DIR S2_XML_DIR

Builds a SAFE-layout product whose band files (named as ESA names them,
T18TWL_<time>_B04_10m / _B08_10m) hold the Landsat 8 test scene's red and NIR
digital numbers and whose MTD_MSIL2A.xml is tests/data/rs/s2's baseline-04.00
file (B04 offset -1000, B08 offset -900, quantification 10000). Runs
`rs index ndvi` with --reflectance auto on NP ranks and checks, with numpy:
the NDVI of (DN + offset) / 10000 per band; the provenance in the COG and the
netCDF records each band's scale, offset and source (sentinel2-mtd); and an
explicit --scale overrides the metadata for its band (source explicit).
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
bin_, np_, out, ls, xmldir = sys.argv[1:6]
safe = os.path.join(out, "S2B_MSIL2A_20220601T153809_N0400_R011_T18TWL_20220601T195614.SAFE")
img = os.path.join(safe, "GRANULE", "L2A_T18TWL_A027390_20220601T154316", "IMG_DATA", "R10m")
shutil.rmtree(out, ignore_errors=True)
os.makedirs(img)
shutil.copy(os.path.join(xmldir, "MTD_MSIL2A_b0400.xml"), os.path.join(safe, "MTD_MSIL2A.xml"))
red, nir = (os.path.join(img, f"T18TWL_20220601T153809_{b}_10m.tif") for b in ("B04", "B08"))
gdal.Translate(red, os.path.join(ls, "l8_B4.tif"))
gdal.Translate(nir, os.path.join(ls, "l8_B5.tif"))


def run(*args):
    cmd = ["mpirun", "--oversubscribe", "-np", np_, bin_, "rs", "index", "ndvi", "--format", "cog,nc", *args]
    subprocess.run(cmd, check=True)


def prov(path):
    text = gdal.Open(path).GetMetadataItem("SANXIANG_PROVENANCE")
    return {b["name"]: b for b in json.loads(text)["rs"]["bands"]}


fail = 0
R = gdal.Open(red).ReadAsArray().astype(np.float64)
N = gdal.Open(nir).ReadAsArray().astype(np.float64)

run("-b", f"nir={nir}", "-b", f"red={red}", "-o", os.path.join(out, "ndvi.tif"))
r, n = (R - 1000) / 10000, (N - 900) / 10000
want = ((n - r) / (n + r)).astype(np.float32)
got = gdal.Open(os.path.join(out, "ndvi.tif")).ReadAsArray()
err = np.nanmax(np.abs(got.astype(np.float64) - want))
print("ndvi max abs diff", err)
fail |= not (err < 1e-6)
for path in (os.path.join(out, "ndvi.tif"), "NETCDF:" + os.path.join(out, "ndvi.nc") + ":ndvi"):
    try:
        p = prov(path)
    except Exception as e:  # the netCDF keeps it as a global attribute
        ds = gdal.Open(os.path.join(out, "ndvi.nc"))
        md = ds.GetMetadata()
        key = [k for k in md if k.endswith("SANXIANG_PROVENANCE") or k.endswith("provenance")]
        p = {b["name"]: b for b in json.loads(md[key[0]])["rs"]["bands"]} if key else {}
    print(path, {k: (v["scale"], v["offset"], v["scale_source"]) for k, v in p.items()})
    fail |= p.get("red", {}).get("scale_source") != "sentinel2-mtd" or abs(p["red"]["offset"] + 0.1) > 1e-12
    fail |= p.get("nir", {}).get("scale_source") != "sentinel2-mtd" or abs(p["nir"]["offset"] + 0.09) > 1e-12
    fail |= abs(p.get("red", {}).get("scale", 0) - 1e-4) > 1e-16

# --scale overrides the metadata for its band only
run("-b", f"nir={nir}", "-b", f"red={red}", "--scale", "red=0.0001,0", "-o", os.path.join(out, "ndvi_scale.tif"))
r = R / 10000
want = ((n - r) / (n + r)).astype(np.float32)
got = gdal.Open(os.path.join(out, "ndvi_scale.tif")).ReadAsArray()
err = np.nanmax(np.abs(got.astype(np.float64) - want))
p = prov(os.path.join(out, "ndvi_scale.tif"))
print("explicit red: max abs diff", err, p["red"]["scale_source"], p["nir"]["scale_source"])
fail |= not (err < 1e-6) or p["red"]["scale_source"] != "explicit" or p["nir"]["scale_source"] != "sentinel2-mtd"
print("FAIL" if fail else "ok")
sys.exit(1 if fail else 0)
