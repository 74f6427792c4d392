#!/usr/bin/env python3
"""Forcing and network options of the hydro_forecast job, checked independently with numpy.

hydro_forcing.py SANXIANG OUTDIR CASE
  idw        gauge weights by IDW (p = 2) from the two-rectangle sub-basins and three gauges
             (tests/data/hydro), gauge rain = Chengcun P01..P03 (real): areal_rain.csv equals
             numpy's IDW average over the same lattice of cell centres; 1 rank == 3 ranks.
"""
import csv
import os
import subprocess
import sys

import numpy as np

SX, OUT, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
HERE = os.getcwd()
DATA = os.path.join(HERE, "tests", "data", "hydro")
CC = os.path.join(HERE, "data", "hydrology", "xinanjiang_chengcun", "chengcun_forcing.csv")
os.makedirs(OUT, exist_ok=True)


def run_job(text, name, np_=1, expect_ok=True):
    job = os.path.join(OUT, name + ".yaml")
    open(job, "w").write(text)
    out = os.path.join(OUT, name + "_np%d" % np_)
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), SX, "run", job, "--out", out]
    print("+", " ".join(cmd), flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True)
    print(p.stderr[-3000:])
    if expect_ok:
        assert p.returncode == 0, p.returncode
    return out if expect_ok else p


def chengcun_rows(n):
    rows = list(csv.DictReader(open(CC)))[:n]
    return rows


def three_gauge_forcing(n=120):
    path = os.path.join(OUT, "three_gauges.csv")
    with open(path, "w") as f:
        f.write("time,G1,G2,G3,E\n")
        for r in chengcun_rows(n):
            f.write("%s,%s,%s,%s,%s\n" % (r["time"], r["P01"], r["P02"], r["P03"], r["EM"]))
    return path, np.array([[float(r[k]) for k in ("P01", "P02", "P03")] for r in chengcun_rows(n)])


def read_areal(out):
    rows = list(csv.DictReader(open(os.path.join(out, "areal_rain.csv"))))
    return rows, {k: np.array([float(r[k]) for r in rows]) for k in rows[0] if k != "time"}


JOB_HEAD = """job: {name}
inputs:
  forcing: {forcing}
output_dir: {out}
steps:
  - step: hydro_forecast
    basin: test
    model: gr4j
    forcing: forcing
    gauges: [G1, G2, G3]
    evaporation: E
    start: "1"
    issue: "100"
    lead: 10
    dt_hours: 24
    ensemble: {{members: 20, rain_sigma: 0.3, seed: 7}}
"""


def idw_weights(x0, x1, y0, y1, gx, gy, p, grid):
    """Mean over the grid x grid lattice of cell centres of the IDW point weights."""
    cx = x0 + (np.arange(grid) + 0.5) * (x1 - x0) / grid
    cy = y0 + (np.arange(grid) + 0.5) * (y1 - y0) / grid
    X, Y = np.meshgrid(cx, cy)
    d2 = (X[..., None] - gx) ** 2 + (Y[..., None] - gy) ** 2
    u = d2 ** (-p / 2)
    return (u / u.sum(axis=-1, keepdims=True)).reshape(-1, len(gx)).mean(axis=0)


def case_idw():
    forcing, g = three_gauge_forcing()
    text = JOB_HEAD.format(name="idw", forcing=forcing, out=OUT) + """    gauge_weights: {{polygons: {poly}, locations: {loc}, method: idw, power: 2, grid: 50}}
    subbasins:
      - {{id: west, area: 1.0, down: out}}
      - {{id: east, area: 2.0, down: out}}
      - {{id: out, warning: 0.05}}
""".format(poly=os.path.join(DATA, "subbasins.geojson"), loc=os.path.join(DATA, "gauges.csv"))
    a = run_job(text, "idw", 1)
    b = run_job(text, "idw", 3)
    for f in ("areal_rain.csv", "forecast.csv"):
        assert open(os.path.join(a, f)).read() == open(os.path.join(b, f)).read(), f + " differs 1 vs 3 ranks"
    gx, gy = np.array([500.0, 1500, 2500]), np.array([500.0, 500, 500])
    ww = idw_weights(0, 1000, 0, 1000, gx, gy, 2, 50)
    we = idw_weights(1000, 3000, 0, 1000, gx, gy, 2, 50)
    print("numpy IDW weights west", ww, "east", we)
    rows, ar = read_areal(a)
    assert len(rows) == 110
    for name, w in (("west", ww), ("east", we)):
        ref = g[:110] @ w
        err = np.max(np.abs(ar[name] - ref))
        print(name, "max |areal - numpy| =", err)
        assert err < 1e-9, (name, err)
    # IDW differs from Thiessen here (west would be G1 only)
    assert np.max(np.abs(ar["west"] - g[:110, 0])) > 0.1
    # both `weights` and gauge_weights on a sub-basin: refused
    bad = text.replace("{id: west, area: 1.0, down: out}", "{id: west, area: 1.0, down: out, weights: [1, 0, 0]}")
    p = run_job(bad, "idw_both", 2, expect_ok=False)
    assert p.returncode != 0 and "not both" in p.stderr, p.stderr
    # a gauge without location: refused naming it
    bad = text.replace("gauges: [G1, G2, G3]", "gauges: [G1, G2, E]").replace("evaporation: E", "evaporation: G3")
    p = run_job(bad, "idw_noloc", 2, expect_ok=False)
    assert p.returncode != 0 and "gauge 'E' has no location" in p.stderr, p.stderr


globals()["case_" + CASE]()
print("ok", CASE)
