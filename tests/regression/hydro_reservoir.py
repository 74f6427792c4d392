#!/usr/bin/env python3
"""End-to-end tests of `sanxiang hydro reservoir` (level-pool routing) on the bundled data.

hydro_reservoir.py SANXIANG OUTDIR CASE
  linear  Ponce's onlinerouting02 inflow through S = K O (K = 2 h, dt = 1 h), the curve once in m3 and
          once in 1e4 m3 (万m3): outflow equals the linear-reservoir recurrence of onlinerouting01
          (O2 = 0.2 I1 + 0.2 I2 + 0.6 O1) to its 3 printed decimals, the same in both units
  rfar    the USACE RMC rfaR reservoirs (JMD May 1955 at four scales, Cherry Creek) in feet, acre-feet
          and cfs: US-unit headers kept, the initial level honoured, never above the curve, and the
          water balance closed to round-off (log) and to the CSV's digits
  ranks   JMD 5x at 1 and 3 ranks: byte-identical CSV
  job     the same routing as a job step (`step: hydro_reservoir`) equals the command's output
  rules   tests/data/hydro/reservoir_rules.yaml on the 1e6 m3-per-metre pool: the rule of each step in OUT.csv
          and the log, the hand-computed storages, the release never above the safe discharge below the
          flood-control high level, the dispatcher's order obeyed, the balance closed
"""
import csv
import os
import re
import subprocess
import sys

import numpy as np

SX, OUT, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data", "hydrology", "reservoir_routing")
os.makedirs(OUT, exist_ok=True)
BAL = re.compile(r"inflow ([-0-9.e+]+) m3 - outflow ([-0-9.e+]+) m3 = [-0-9.e+]+ m3, storage change ([-0-9.e+]+) m3, "
                 r"residual ([-0-9.e+]+) m3")


def run(*args, np_=1):
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), SX, *args] if np_ > 1 else [SX, *args]
    print("+", " ".join(cmd), flush=True)
    p = subprocess.run(cmd, check=True, stderr=subprocess.PIPE, text=True)
    sys.stderr.write(p.stderr)
    m = BAL.search(p.stderr)
    assert m, "no water-balance line in the log"
    vin, vout, ds, res = map(float, m.groups())
    # round-off: the residual is a few ulps of the volumes
    assert abs(res) <= 1e-12 * max(vin, vout, abs(ds)), (vin, vout, ds, res)
    return vin, vout, ds


def table(path):
    rows = list(csv.reader(open(path)))
    return rows[0], np.array([[float(v) for v in r[1:]] for r in rows[1:]])


def linear_inputs():
    I = [100, 150, 250, 400, 800, 1000, 900, 700, 550, 400, 300, 250, 200, 150, 120, 100]
    got = [float(r["inflow"]) for r in csv.DictReader(open(os.path.join(DATA, "sdsu_linear_reservoir",
                                                                      "sdsu_onlinerouting02_inflow.csv")))]
    assert got == I, got
    I += [100] * 10  # the page holds the last ordinate to t = 25 h
    inflow = os.path.join(OUT, "linear_in.csv")
    with open(inflow, "w") as f:
        f.write("time,inflow\n" + "".join(f"{t},{q}\n" for t, q in enumerate(I)))
    return inflow, np.array(I, float)


def case_linear():
    inflow, I = linear_inputs()
    ref = [I[0]]
    for j in range(1, len(I)):
        ref.append(0.2 * I[j - 1] + 0.2 * I[j] + 0.6 * ref[-1])
    ref = np.round(np.array(ref), 3)
    outs = []
    for name, head, scale in (("m3", "storage", 1.0), ("wan", "storage_1e4m3", 1e-4)):
        curves = os.path.join(OUT, f"linear_curves_{name}.csv")
        with open(curves, "w") as f:
            f.write(f"# S = K O with K = 2 h\nlevel,{head},outflow\n")
            f.write("".join(f"{100 + i},{7200 * 100 * i * scale:.10g},{100 * i}\n" for i in range(11)))
        out = os.path.join(OUT, f"linear_out_{name}.csv")
        vin, vout, ds = run("hydro", "reservoir", "--inflow", inflow, "--curves", curves, "--dt", "1", "-o", out)
        head_out, v = table(out)
        assert head_out == ["time", "inflow", "outflow", head, "level"], head_out
        assert np.abs(v[:, 1] - ref).max() <= 0.0005 + 1e-9, np.abs(v[:, 1] - ref).max()
        assert abs(v[0, 2] / scale - 720000) < 1e-6  # outflow = inflow at the start
        outs.append(v)
    assert np.array_equal(outs[0][:, :2], outs[1][:, :2])
    print(f"linear reservoir: peak {outs[0][:, 1].max():.3f} (Ponce 757.641), m3 and 1e4 m3 curves agree")


def us_inputs(name, curves_src, inflow_src, scale=None):
    """The rfaR files with the headers this command reads (values unchanged)."""
    rows = list(csv.reader(open(os.path.join(DATA, curves_src))))
    curves = os.path.join(OUT, f"{name}_curves.csv")
    with open(curves, "w") as f:
        f.write("level_ft,storage_acft,outflow_cfs\n" + "".join(",".join(r) + "\n" for r in rows[1:]))
    rows = list(csv.reader(open(os.path.join(DATA, inflow_src))))
    inflow = os.path.join(OUT, f"{name}_in.csv")
    with open(inflow, "w") as f:
        f.write("time,inflow_cfs\n")
        t = 0
        for r in rows[1:]:
            if scale is None or r[2] == scale:
                f.write(f"{t},{r[1]}\n")
                t += 1
    return curves, inflow


def initial(folder):
    r = next(csv.DictReader(open(os.path.join(DATA, folder, "initial_condition.csv"))))
    return r["initial_elevation_ft"], r["routing_dt_h"]


def case_rfar():
    z0, dt = initial("rfar_jmd_may1955")
    cases = [(f"jmd_{s}", "rfar_jmd_may1955/jmd_resmodel_best_est.csv",
              "rfar_jmd_may1955/jmd_may1955_scaled_inflow.csv", s, "rfar_jmd_may1955") for s in ("1x", "1.5x", "5x", "12x")]
    cases.append(("cherry", "rfar_cherry_cricket/cherry_cricket_resmodel.csv", "rfar_cherry_cricket/cherry_cricket_inflow.csv",
                  None, "rfar_cherry_cricket"))
    for name, cv, inf, scale, folder in cases:
        z0, dt = initial(folder)
        curves, inflow = us_inputs(name, cv, inf, scale)
        out = os.path.join(OUT, f"{name}_out.csv")
        run("hydro", "reservoir", "--inflow", inflow, "--curves", curves, "--initial-level", z0, "--dt", dt, "-o", out)
        head, v = table(out)
        assert head == ["time", "inflow_cfs", "outflow_cfs", "storage_acft", "level_ft"], head
        _, c = table(curves)
        ztop = float(list(csv.reader(open(curves)))[-1][0])
        assert abs(v[0, 3] - float(z0)) < 1e-9 and v[:, 3].max() <= ztop and (v[:, 1] >= 0).all()
        # the balance again from the CSV (10 significant digits): acre-feet from cfs-hours
        h = float(dt) * 3600 / 43560.0
        vin = h * (v[1:, 0] + v[:-1, 0]).sum() / 2
        vout = h * (v[1:, 1] + v[:-1, 1]).sum() / 2
        ds = v[-1, 2] - v[0, 2]
        assert abs(vin - vout - ds) <= 1e-8 * max(vin, v[:, 2].max()), (name, vin, vout, ds)
        print(f"{name}: peak inflow {v[:, 0].max():.0f} cfs, outflow {v[:, 1].max():.1f} cfs, top {v[:, 3].max():.2f} ft "
              f"(curve to {ztop}), balance {vin - vout - ds:.2e} acre-ft of {vin:.0f}")


def case_ranks():
    curves, inflow = us_inputs("jmd5", "rfar_jmd_may1955/jmd_resmodel_best_est.csv",
                               "rfar_jmd_may1955/jmd_may1955_scaled_inflow.csv", "5x")
    outs = []
    for np_ in (1, 3):
        out = os.path.join(OUT, f"jmd5_np{np_}.csv")
        run("hydro", "reservoir", "--inflow", inflow, "--curves", curves, "--initial-level", "3830", "--dt", "1",
            "-o", out, np_=np_)
        outs.append(open(out, "rb").read())
    assert outs[0] == outs[1], "1 and 3 ranks differ"
    print("JMD 5x: identical at 1 and 3 ranks")


def case_job():
    inflow, _ = linear_inputs()
    curves = os.path.join(OUT, "job_curves.csv")
    with open(curves, "w") as f:
        f.write("level,storage_1e4m3,outflow\n" + "".join(f"{100 + i},{72 * 10 * i},{100 * i}\n" for i in range(11)))
    cmd_out = os.path.join(OUT, "job_cmd.csv")
    run("hydro", "reservoir", "--inflow", inflow, "--curves", curves, "--dt", "1", "--initial-level", "101", "-o", cmd_out)
    job = os.path.join(OUT, "reservoir_job.yaml")
    with open(job, "w") as f:
        f.write(f"job: reservoir_test\ninputs:\n  q: {inflow}\n  zv: {curves}\noutput_dir: {OUT}/job_run\nsteps:\n"
                f"  - step: hydro_reservoir\n    inflow: q\n    curves: zv\n    dt: 1\n    initial_level: 101\n"
                f"    output: routed\n")
    run("run", job, "--out", os.path.join(OUT, "job_run"))
    assert open(os.path.join(OUT, "job_run", "routed.csv"), "rb").read() == open(cmd_out, "rb").read()
    print("job step = command")


def case_rules():
    d = os.path.join(os.path.dirname(__file__), "..", "data", "hydro")
    out = os.path.join(OUT, "rules_out.csv")
    run("hydro", "reservoir", "--inflow", os.path.join(d, "reservoir_inflow.csv"), "--curves",
        os.path.join(d, "reservoir_pool.csv"), "--rules", os.path.join(d, "reservoir_rules.yaml"), "-o", out)
    rows = list(csv.DictReader(open(out)))
    assert list(rows[0].keys()) == ["time", "inflow", "outflow", "storage_1e4m3", "level", "rule"], rows[0].keys()
    rule = [r["rule"] for r in rows]
    q = [float(r["outflow"]) for r in rows]
    s = [float(r["storage_1e4m3"]) for r in rows]
    z = [float(r["level"]) for r in rows]
    # start at the flood-limit level 102 m holding it (release = inflow), then the stage of 102 m (100 m3/s):
    # S = 200 + 0.18 (20 + 400 - 20 - 100) = 254 (1e4 m3), then 434; from 104.34 m the safe 300; the order 150
    assert rule == ["inflow", "inflow", "stage", "stage", "safe_discharge", "specified"], rule
    assert q == [5, 20, 100, 100, 300, 150] and abs(s[2] - 254) < 1e-9 and abs(s[3] - 434) < 1e-9, (q, s)
    assert all(q[j] <= 300 for j in range(1, len(q)) if z[j - 1] < 106)
    print("rules: " + ", ".join(f"{r['time'][11:]} {r['rule']} {r['outflow']}" for r in rows))


{"linear": case_linear, "rfar": case_rfar, "ranks": case_ranks, "job": case_job, "rules": case_rules}[CASE]()
