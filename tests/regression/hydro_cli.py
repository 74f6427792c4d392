#!/usr/bin/env python3
"""End-to-end tests of `sanxiang hydro` on the bundled data.

hydro_cli.py SANXIANG OUTDIR CASE
  gr4j      run GR4J on the RRMPG forcing (ISO dates) and compare with the INRAE Excel series
  ponce     route Ponce's Table 9-1 inflow and compare with his outflow (peak 6352.6 on day 9)
  chengcun  run XAJ on the Chengcun basin (Thiessen/area-weighted rain), m3/s with --area,
            evaluate by GB/T 22482 against the XinanjiangModel program's discharge
  calib     calibrate GR4J at 1 and 3 ranks: the parameter files must be identical
"""
import csv
import os
import subprocess
import sys

import numpy as np

SX, OUT, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data", "hydrology")
os.makedirs(OUT, exist_ok=True)


def run(*args, np_=1):
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), SX, *args] if np_ > 1 else [SX, *args]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def read_q(path):
    rows = list(csv.DictReader(open(path)))
    return [r["time"] for r in rows], np.array([float(r["Q"]) for r in rows])


def gr4j_forcing():
    path = os.path.join(OUT, "gr4j_forcing.csv")
    rows = list(csv.DictReader(open(os.path.join(DATA, "gr4j_rrmpg", "gr4j_example_data.csv"))))
    with open(path, "w") as f:
        f.write("time,P,E,Q\n")
        for r in rows:
            m, d, y = map(int, r["date"].split("/"))
            f.write(f"{y:04d}-{m:02d}-{d:02d},{r['prec']},{r['etp']},{r['qobs']}\n")
    return path, np.array([float(r["qsim_excel"]) for r in rows])


def case_gr4j():
    forcing, ref = gr4j_forcing()
    x1, x2, x3, x4 = np.exp(5.76865628090826), np.sinh(1.61742503661094), np.exp(4.24316129943456), np.exp(-0.117506799276908) + 0.5
    out = os.path.join(OUT, "gr4j_q.csv")
    run("hydro", "run", "gr4j", "--forcing", forcing, "--param", f"X1={x1!r}", "--param", f"X2={x2!r}",
        "--param", f"X3={x3!r}", "--param", f"X4={x4!r}", "--init", f"S={0.6 * x1!r}", "--init", f"R={0.7 * x3!r}",
        "-o", out)
    t, q = read_q(out)
    assert t[0] == "1991-01-01" and len(q) == 730, (t[0], len(q))
    assert np.allclose(q, ref, rtol=1e-5, atol=1e-8), np.abs(q - ref).max()
    print(f"GR4J CLI vs INRAE Excel: max |diff| {np.abs(q - ref).max():.2e} mm/d")


def case_ponce():
    rows = list(csv.DictReader(open(os.path.join(DATA, "muskingum_ponce", "muskingum_ponce_table9-1.csv"))))
    inflow = os.path.join(OUT, "ponce_in.csv")
    with open(inflow, "w") as f:
        f.write("time,Q\n")
        for r in rows:
            f.write(f"{int(float(r['time_d']))},{r['inflow_m3s']}\n")
    out = os.path.join(OUT, "ponce_out.csv")
    run("hydro", "route", "muskingum", "--inflow", inflow, "--k", "48", "--x", "0.1", "--dt", "24", "-o", out)
    _, q = read_q(out)
    ref = np.array([float(r["outflow_expected_m3s"]) for r in rows])
    assert np.abs(q - ref).max() <= 0.06, np.abs(q - ref).max()
    assert int(np.argmax(q)) == 9 and abs(q.max() - 6352.6) < 0.06, (np.argmax(q), q.max())
    print(f"Ponce via CLI: peak {q.max():.2f} on day {np.argmax(q)}")


def case_chengcun():
    d = os.path.join(DATA, "xinanjiang_chengcun")
    lines = open(os.path.join(d, "watershed_utf8.txt"), encoding="utf-8").read().splitlines()
    area = np.array([float(v) for v in lines[5].split("//")[0].split()])
    w = np.array([[float(v) for v in lines[6 + u].split("//")[0].split()] for u in range(20)])
    basin_w = (area[:, None] * w).sum(0) / area.sum()
    rows = list(csv.reader(open(os.path.join(d, "chengcun_daily.csv"))))[1:]
    a = np.array([[float(v) for v in r] for r in rows])
    P = a[:, 1:11] @ basin_w
    forcing = os.path.join(OUT, "chengcun_forcing.csv")
    obs = os.path.join(OUT, "chengcun_ref.csv")
    with open(forcing, "w") as f, open(obs, "w") as g:
        f.write("time,P,E\n")
        g.write("time,Q\n")
        for i, r in enumerate(a):
            f.write(f"{i + 1},{P[i]!r},{r[11]!r}\n")
            g.write(f"{i + 1},{r[12]!r}\n")
    out = os.path.join(OUT, "chengcun_xaj.csv")
    params = dict(K=0.93, WUM=20, WLM=60, C=0.18, WM=120, B=0.3, IM=0.01, SM=30, EX=1.5, KG=0.13, KI=0.57,
                  CI=0.76, CG=0.98, CS=0.21)
    args = ["hydro", "run", "xaj", "--forcing", forcing, "--area", f"{area.sum()!r}", "--dt-hours", "24",
            "--init", "WU=10", "--init", "WL=30", "--init", "WD=20", "-o", out]
    for k, v in params.items():
        args += ["--param", f"{k}={v}"]
    run(*args)
    routed = os.path.join(OUT, "chengcun_xaj_routed.csv")  # outlet reach as in parameter.txt: KE 24 h, XE 0.4
    run("hydro", "route", "muskingum", "--inflow", out, "--k", "24", "--x", "0.4", "--dt", "24", "-o", routed)
    out = routed
    _, q = read_q(out)
    ref = a[:, 12]
    nse = 1 - ((q[365:] - ref[365:]) ** 2).sum() / ((ref[365:] - ref[365:].mean()) ** 2).sum()
    print(f"Chengcun lumped XAJ (CLI) vs XinanjiangModel: NSE {nse:.4f}")
    assert nse > 0.9, nse
    table = os.path.join(OUT, "chengcun_gbt.csv")
    run("hydro", "evaluate", "--obs", obs, "--sim", out, "--threshold", "150", "--pad", "2", "--area",
        f"{area.sum()!r}", "--dt-hours", "24", "--warmup", "365", "-o", table)
    text = open(table, encoding="utf-8").read()
    print(text)
    ev = [r for r in csv.DictReader(l for l in text.splitlines() if not l.startswith("#"))]
    assert len(ev) >= 5, len(ev)
    for r in ev:  # recompute each flag from the table's own numbers
        assert int(r["peak_ok"]) == (abs(float(r["peak_err_pct"])) <= 20)
        assert int(r["time_ok"]) == (abs(int(r["peak_time_err_steps"])) <= 1)
        assert int(r["qualified"]) == (int(r["peak_ok"]) and int(r["time_ok"]) and int(r["depth_ok"]))
    assert "grade" in text.splitlines()[-1]


def case_calib():
    forcing, _ = gr4j_forcing()
    outs = []
    for np_ in (1, 3):
        out = os.path.join(OUT, f"gr4j_params_np{np_}.csv")
        run("hydro", "calibrate", "gr4j", "--forcing", forcing, "--objective", "kge", "--warmup", "365",
            "--complexes", "5", "--max-evals", "2000", "-o", out, np_=np_)
        outs.append(open(out).read() + open(out[:-4] + "_population.csv").read())
    print(outs[0][:2000])
    assert outs[0] == outs[1], "calibration (parameters or final population) differs between 1 and 3 ranks"
    pop = list(csv.DictReader(open(os.path.join(OUT, "gr4j_params_np1_population.csv"))))
    best = {r["name"]: float(r["value"]) for r in csv.DictReader(l for l in open(os.path.join(OUT, "gr4j_params_np1.csv"))
                                                                 if not l.startswith("#"))}
    assert len(pop) == 5 * 9, len(pop)  # 5 complexes x (2n + 1) points, n = 4
    assert all(float(a["loss"]) <= float(b["loss"]) for a, b in zip(pop, pop[1:])), "population not best first"
    assert all(float(pop[0][k]) == v for k, v in best.items()), (pop[0], best)


def case_calibjob():
    """sanxiang hydro calibrate JOB.yaml: Xinanjiang on Chengcun, 1 vs 3 ranks identical, GB/T table written."""
    outs = []
    for np_ in (1, 3):
        out = os.path.join(OUT, f"calibjob_np{np_}")
        run("hydro", "calibrate", "jobs/hydro_calibrate_chengcun.yaml", "--out", out, "--set", "steps.0.max_evals=3000",
            np_=np_)
        outs.append(open(os.path.join(out, "xaj_chengcun.csv")).read())
    print(outs[0])
    assert outs[0] == outs[1], "Xinanjiang calibration differs between 1 and 3 ranks"
    nse = float(outs[0].splitlines()[-1].split("=")[1].split()[0])
    assert nse > 0.9, nse
    table = open(os.path.join(OUT, "calibjob_np1", "xaj_chengcun_gbt22482.csv"), encoding="utf-8").read()
    assert "pass rate" in table and "grade" in table
    pops = [open(os.path.join(OUT, f"calibjob_np{n}", "xaj_chengcun_population.csv")).read() for n in (1, 3)]
    assert pops[0] == pops[1], "final SCE-UA population differs between 1 and 3 ranks"
    assert pops[0].startswith("model,K,") and len(pops[0].splitlines()) == 1 + 8 * (2 * 14 + 1), pops[0][:200]
    # the population drives a forecast parameter ensemble: the best 5 sets, member m runs set m mod 5
    pop = os.path.join(OUT, "calibjob_np1", "xaj_chengcun_population.csv")
    fc = []
    for np_ in (1, 3):
        out = os.path.join(OUT, f"sets_forecast_np{np_}")
        run("run", "jobs/hydro_forecast_chengcun.yaml", "--out", out, "--set", "steps.0.ensemble.members=20",
            "--set", "steps.0.ensemble.parameter_sets=" + pop, "--set", "steps.0.ensemble.best=5", np_=np_)
        fc.append(open(os.path.join(out, "forecast.csv")).read())
    assert fc[0] == fc[1], "parameter-set forecast differs between 1 and 3 ranks"


def case_thiessen():
    data = os.path.join(os.path.dirname(__file__), "..", "data", "hydro")
    out = os.path.join(OUT, "thiessen.csv")
    run("hydro", "thiessen", "--polygons", os.path.join(data, "subbasins.geojson"), "--gauges",
        os.path.join(data, "gauges.csv"), "-o", out)
    assert open(out).read() == "subbasin,G1,G2,G3\nwest,1.000000,0.000000,0.000000\neast,0.000000,0.500000,0.500000\n"


{"thiessen": case_thiessen, "calibjob": case_calibjob, "gr4j": case_gr4j, "ponce": case_ponce, "chengcun": case_chengcun, "calib": case_calib}[CASE]()
