#!/usr/bin/python3
"""A job chaining fill -> flowdir -> accum reads its DEM once and hands the layers over in memory.

chain_memory.py SANXIANG OUT NP

Runs tests/data/jobs/chain_memory.yaml (fill and flowdir intermediate) and the same chain as three
commands through files, then checks: perf.json counts the DEM's bytes read once and marks the
later read phases as served from memory; no file of the intermediate layers exists; accum.tif has
the same cells, georeferencing and statistics as the commands' (its provenance names another
command line, so the bytes differ there).
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from osgeo import gdal

SX, OUT, NP = sys.argv[1], sys.argv[2], sys.argv[3]
ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEM = os.path.join(ROOT, "data", "dem", "N47E009.SRTM3.tif")
D = os.path.join(OUT, f"np{NP}")
shutil.rmtree(D, ignore_errors=True)
os.makedirs(D)
mp = ["mpirun", "--oversubscribe", "-np", NP, SX]


def run(*args):
    r = subprocess.run(mp + list(args), capture_output=True, text=True, cwd=ROOT)
    print(r.stderr[-2500:])
    assert r.returncode == 0, args


job = os.path.join(D, "job")
run("run", "tests/data/jobs/chain_memory.yaml", "--out", job)
perf = json.load(open(os.path.join(job, "perf.json")))
dem_bytes = gdal.Open(DEM).RasterXSize * gdal.Open(DEM).RasterYSize * 2  # Int16
print("bytes read", perf["bytes_read"], "from memory", perf["bytes_from_memory"], "DEM", dem_bytes)
assert perf["bytes_read"] == dem_bytes, "the DEM was not read exactly once"
kinds = {t["name"]: t["kind"] for t in perf["timers"]}
assert kinds["fill: read"] == "read", kinds
assert kinds["flowdir: read"] == "memory" and kinds["accum: read"] == "memory", kinds
for f in ("filled.tif", "filled.nc", "flowdir.tif", "flowdir.nc"):
    assert not os.path.exists(os.path.join(job, f)), f + " was written by an intermediate step"
assert os.path.exists(os.path.join(job, "accum.tif"))

files = os.path.join(D, "files")
os.makedirs(files)
run("dem", "fill", DEM, "-o", os.path.join(files, "filled.tif"))
run("dem", "flowdir", os.path.join(files, "filled.tif"), "-o", os.path.join(files, "flowdir.tif"))
run("dem", "accum", os.path.join(files, "flowdir.tif"), "-o", os.path.join(files, "accum.tif"))
a, b = gdal.Open(os.path.join(job, "accum.tif")), gdal.Open(os.path.join(files, "accum.tif"))
assert a.GetGeoTransform() == b.GetGeoTransform() and a.GetProjection() == b.GetProjection()
assert np.array_equal(a.ReadAsArray(), b.ReadAsArray()), "memory chain and file chain differ"
for k in ("STATISTICS_MINIMUM", "STATISTICS_MAXIMUM", "STATISTICS_MEAN", "STATISTICS_STDDEV"):
    assert a.GetRasterBand(1).GetMetadataItem(k) == b.GetRasterBand(1).GetMetadataItem(k), k
print("ok")
