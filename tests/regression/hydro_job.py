#!/usr/bin/env python3
"""The Chengcun forecast job end to end (jobs/hydro_forecast_chengcun.yaml).

hydro_job.py SANXIANG OUTDIR
  - runs the job on 1 and 3 ranks: forecast.csv identical, netCDF variables identical;
  - the netCDF opens in xarray with its dimensions; the SVG is well-formed XML;
  - the bulletin lists the outlet, DC and the GB/T 22482 grade;
  - hot-start cycle: the next day's run starts from the first run's state and reproduces
    the first run's deterministic discharge at every shared time; a state at the wrong time
    and a state of another basin are refused with one error message.
"""
import csv
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import xarray as xr

SX, OUT = sys.argv[1], sys.argv[2]
JOB = "jobs/hydro_forecast_chengcun.yaml"


def run(np_, out, *sets, expect_ok=True):
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), SX, "run", JOB, "--out", out]
    for s in sets:
        cmd += ["--set", s]
    print("+", " ".join(cmd), flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True)
    print(p.stderr[-3000:])
    if expect_ok:
        assert p.returncode == 0, p.returncode
    return p


a, b = os.path.join(OUT, "np1"), os.path.join(OUT, "np3")
run(1, a)
run(3, b)
fa, fb = open(os.path.join(a, "forecast.csv")).read(), open(os.path.join(b, "forecast.csv")).read()
assert fa == fb, "forecast.csv differs between 1 and 3 ranks"
da, db = xr.open_dataset(os.path.join(a, "hydrographs.nc")), xr.open_dataset(os.path.join(b, "hydrographs.nc"))
for v in ("Q_det", "Q_pct", "p_warn", "p_guar"):
    assert np.array_equal(da[v].values, db[v].values, equal_nan=True), v
assert da["Q_pct"].dims == ("node", "lead", "percentile") and da.sizes["lead"] == 10
ET.parse(os.path.join(a, "hydrograph_outlet.svg"))
bulletin = open(os.path.join(a, "bulletin.md"), encoding="utf-8").read()
print(bulletin)
assert "| outlet |" in bulletin and "DC (NSE)" in bulletin and "grade" in bulletin

rows = [r for r in csv.DictReader(open(os.path.join(a, "forecast.csv"))) if r["node"] == "outlet"]
fc = [r for r in rows if r["phase"] == "forecast"]
assert len(fc) == 10
for r in fc:  # percentiles ordered, probabilities in [0, 1], P(>guaranteed) <= P(>warning)
    p = [float(r[k]) for k in ("p05", "p25", "p50", "p75", "p95")]
    assert p == sorted(p), p
    assert 0 <= float(r["p_guar"]) <= float(r["p_warn"]) <= 1

# hot start: next day's run from the saved state
c = os.path.join(OUT, "next")
state = os.path.join(a, "state.h5")
run(2, c, "steps.0.start=2735", "steps.0.issue=2735", f"steps.0.state_in={state}")
nxt = [r for r in csv.DictReader(open(os.path.join(c, "forecast.csv"))) if r["node"] == "outlet"]
assert nxt[0]["time"] == "2735"
assert "Started from 2734" in open(os.path.join(c, "bulletin.md"), encoding="utf-8").read()
# models and reaches continue exactly: the next run's series equals the first run's
# (the first run's lead days used the same recorded rain)
first = {r["time"]: r["Q_det"] for r in rows}
for r in [r for r in nxt if r["time"] in first]:
    assert r["Q_det"] == first[r["time"]], (r["time"], r["Q_det"], first[r["time"]])
print("hot start: outlet values identical to the first run at every shared time")

bad = run(2, os.path.join(OUT, "bad1"), "steps.0.start=2740", "steps.0.issue=2740", f"steps.0.state_in={state}",
          expect_ok=False)
assert bad.returncode == 3 and bad.stderr.count("sanxiang: error:") == 1 and "valid at 2734" in bad.stderr
bad = run(2, os.path.join(OUT, "bad2"), "steps.0.basin=zishui", "steps.0.start=2735", "steps.0.issue=2735",
          f"steps.0.state_in={state}", expect_ok=False)
assert bad.returncode == 3 and "belongs to basin 'chengcun'" in bad.stderr
bad = run(1, os.path.join(OUT, "bad3"), "steps.0.params.WM=200", "steps.0.start=2735", "steps.0.issue=2735",
          f"steps.0.state_in={state}", expect_ok=False)
assert bad.returncode == 3 and "different parameter set" in bad.stderr
print("hydro job: all checks passed")
