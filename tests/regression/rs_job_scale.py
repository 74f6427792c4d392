#!/usr/bin/python3
"""Per-band reflectance keys (`scale`) of the rs job steps, end to end.

usage: rs_job_scale.py BIN NP OUT STACK_DIR

Writes two jobs over three scenes of the composite test stack (made by
rs_stack_setup.sh): an rs_composite (median, QA masked) and an rs_index
(NDVI) once with `reflectance: none` and once with
`scale: {red: [2.75e-5, -0.2], nir: "2e-5,-0.1"}`, runs both on NP ranks
and checks with numpy: the scaled median of each band = DN median * S + O
(the median commutes with an increasing linear map; float32 rounding), the
count layers are identical, the NDVI equals the NDVI of the scaled bands,
and the provenance records source "explicit". Then the error contract: a
scale for a band the step does not have, and one for the quality band,
fail naming the job file, line and key.
"""
import os
import shutil
import subprocess
import sys

import numpy as np
from osgeo import gdal

from rs_testlib import check, expect_error, finish, prov

gdal.UseExceptions()
bin_, np_, out, stack = sys.argv[1:5]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
ids = ["LC08_L1TP_014032_20180428_20180502_01_T1", "LC08_L1TP_014032_20180615_20180703_01_T1",
       "LC08_L1TP_014032_20180903_20180912_01_T1"]
S = {"red": (2.75e-5, -0.2), "nir": (2e-5, -0.1)}


def job(name, extra):
    scenes = "\n".join(f"      - {{red: {stack}/{i}_B4.tif, nir: {stack}/{i}_B5.tif, qa: {stack}/{i}_BQA.tif}}"
                       for i in ids)
    text = f"""job: {name}
title: per-band scale keys
steps:
  - step: rs_composite
    method: median
    scenes:
{scenes}
    qa_kind: landsat-c1
    output: median
{extra}
  - step: rs_index
    index: ndvi
    bands: {{red: {stack}/{ids[0]}_B4.tif, nir: {stack}/{ids[0]}_B5.tif}}
    output: ndvi
{extra}
"""
    path = os.path.join(out, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def run(path, dst):
    return subprocess.run(["mpirun", "--oversubscribe", "-np", np_, bin_, "run", path, "--out", dst],
                          capture_output=True, text=True)


raw = run(job("raw", "    reflectance: none"), os.path.join(out, "raw"))
scl = run(job("scaled", '    scale: {red: [2.75e-5, -0.2], nir: "2e-5,-0.1"}'), os.path.join(out, "scaled"))
check(raw.returncode == 0 and scl.returncode == 0, "both jobs run" + ("" if raw.returncode == 0 and scl.returncode == 0
                                                                      else ": " + raw.stderr + scl.stderr))
if raw.returncode == 0 and scl.returncode == 0:
    rd = lambda d, n: gdal.Open(os.path.join(out, d, n + ".tif")).ReadAsArray().astype(np.float64)
    for band, (s, o) in S.items():
        a, b = rd("raw", "median_" + band), rd("scaled", "median_" + band)
        want = (a * s + o).astype(np.float32).astype(np.float64)
        same = np.array_equal(np.isnan(a), np.isnan(b))
        d = np.nanmax(np.abs(b - want) / np.maximum(np.abs(want), 1e-3))
        check(same and d < 1e-6, f"median_{band} scaled = DN median * {s} + {o}: rel diff {d:.2g}, nodata equal {same}")
    check(np.array_equal(rd("raw", "median_count"), rd("scaled", "median_count")), "median_count unchanged")
    t = lambda b: gdal.Open(f"{stack}/{ids[0]}_{b}.tif")
    R, N = (t(b).ReadAsArray().astype(np.float64) for b in ("B4", "B5"))
    r, n = R * S["red"][0] + S["red"][1], N * S["nir"][0] + S["nir"][1]
    with np.errstate(invalid="ignore", divide="ignore"):
        want = (n - r) / (n + r)
    want[(R == 0) | (N == 0) | ~np.isfinite(want)] = np.nan
    got = rd("scaled", "ndvi")
    d = np.nanmax(np.abs(got - want))
    check(np.array_equal(np.isnan(got), np.isnan(want)) and d < 1e-6, f"rs_index NDVI with scale keys vs numpy: {d:.2g}")
    for layer in ("median_red", "ndvi"):
        bands = prov(os.path.join(out, "scaled", layer + ".tif"))
        src = {k: b["scale_source"] for k, b in bands.items()}
        check(src.get("red") == "explicit" and src.get("nir") == "explicit" and
              all(b["scale"] == S[k][0] for k, b in bands.items() if k in S), f"{layer} provenance: {src}")


def bad_job(name, extra, *needles):
    expect_error(name, run(job(name, extra), os.path.join(out, name)), *needles)


bad_job("bad_scale_band", "    scale: {swir1: [1, 0]}", "bad_scale_band.yaml:", "swir1", "do not have")
bad_job("bad_scale_qa", "    scale: {qa: [1, 0]}", "bad_scale_qa.yaml:", "quality band")
bad_job("bad_scale_value", "    scale: {red: abc}", "bad_scale_value.yaml:", "S,O")
sys.exit(finish())
