#!/usr/bin/env python3
"""flood2d_forecast_inflow.py FORECAST_CSV NODE COLUMN SCALE STEP_HOURS RUN_DIR —
the inundation run in RUN_DIR took its inflow from this forecast: at every
row of RUN_DIR/mass_balance.csv the inflow volume equals the integral of the
forecast's hydrograph (NODE's COLUMN x SCALE from the issue time, the last
lead-0 row, where an empty percentile takes Q_det; linear between daily rows)
from 0 to that time. Computed here independently of sanxiang's reader. The
model integrates at each step's midpoint, which is exact for a linear
hydrograph except in the steps that straddle a forecast row: relative
tolerance 1e-6. Also checks run.json records the forecast path."""
import csv
import json
import os
import sys

fc, node, column, scale, step_h, run = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
rows = [r for r in csv.DictReader(l for l in open(fc) if not l.startswith("#")) if r["node"] == node]
issue = max(i for i, r in enumerate(rows) if int(r["lead"]) == 0)
t0 = float(rows[issue]["time"])
ts, qs = [], []
for i, r in enumerate(rows[issue:]):
    v = r[column] if r[column] != "" else r["Q_det"]
    ts.append((float(r["time"]) - t0) * step_h * 3600.0)
    qs.append(float(v) * scale)


def integral(t):
    s = 0.0
    for k in range(len(ts) - 1):
        a, b = ts[k], min(ts[k + 1], t)
        if b <= a:
            break
        qa = qs[k]
        qb = qs[k] + (qs[k + 1] - qs[k]) * (b - a) / (ts[k + 1] - ts[k])
        s += 0.5 * (qa + qb) * (b - a)
    return s


fails = 0
for r in csv.DictReader(open(os.path.join(run, "mass_balance.csv"))):
    t, vin = float(r["time_s"]), float(r["inflow_m3"])
    ref = integral(t)
    ok = abs(vin - ref) <= 1e-6 * max(ref, 1.0)
    print(f"{'ok  ' if ok else 'FAIL'} t = {t:.0f} s: inflow {vin:.6f} m3, forecast integral {ref:.6f} m3")
    fails += not ok
prov = json.load(open(os.path.join(run, "run.json")))
used = os.path.abspath(fc) in json.dumps(prov) or fc in json.dumps(prov)
print(("ok   " if used else "FAIL ") + f"run.json names the forecast {fc}")
fails += not used
sys.exit(1 if fails else 0)
