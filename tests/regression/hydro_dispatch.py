#!/usr/bin/env python3
"""Reservoirs in the forecast network, operating rules, levels, signals and dispatch alternatives.

hydro_dispatch.py SANXIANG OUTDIR CASE   (run from the repository root)
  network     tests/data/hydro_dispatch/network.yaml (two reservoirs above a control station): each
              reservoir's release in reservoirs.csv equals `hydro reservoir` on its inflow with the same
              curves and rules; the water balance closes; with the reaches' K = 0 the control station's
              discharge is exactly the two releases plus the side catchment (the release feeds the reach)
  structures  reservoir B's capacity from its outlets and gate: where the outlets run free its release is
              the hand formula (mu A sqrt(2g dH), mu B e sqrt(2g H)) interpolated between the curve's levels
  cli_structures `hydro reservoir --structures` (the parser of the job key): on reservoir B's inflow from the network
              run, with B's rules and the job's two structure groups as two --structures values it
              gives B's rules, releases and levels of reservoirs.csv (in either order); without rules every release is the hand
              formula of the outlets and gates at the level
  ranks       the ensemble with reservoirs: every output byte-identical at 1, 2, 3 and 4 ranks
  prerelease  预泄 on the 1e6 m3-per-metre test pool, computed by hand: the pre-release starts at the first
              step whose 2-hour look-ahead holds an inflow >= the trigger, releases 200 m3/s, lowers the pool
              to 101.73 m, and the peak level is 0.54 m lower than without it
  compensation 错峰 for the control station (K = 0, lag 0): at every step the rule names "compensation" the
              station carries exactly its safe discharge 800 m3/s (release = 800 - the rest); elsewhere below
              the high level it never exceeds it unless the reservoir releases nothing or runs by capacity
  alternatives three dispatch alternatives (approved rules, another rule set, a release plan + another start level):
              the approved one equals the base run; the held rule set releases at most its stage maximum; the
              plan is obeyed at its 5 times; holding water back lowers the station's peak
  alt_structures alternatives that change outlet structures (gate openings) and compensation targets: each
              alternative's rows of dispatch.csv equal the 'approved' rows of the job run with that change made in
              the job itself (gates opened 1 m instead of 3 m; compensation for the station; compensation switched off again by
              `none`), and an alternative repeating the job's structures equals 'approved'
  job         jobs/hydro_dispatch_xiang.yaml (two reservoirs above Xiangtan, published thresholds) at 1 and 3 ranks:
              every table identical; the rating passes through the published Xiangtan readings; the
              thresholds in signals.csv are the published ones; a hot-started next run works
  ensemble    reservoir levels as ensembles: with rain_sigma 0 every member is the deterministic run, so the level
              percentiles z05..z95 equal its level, the release percentiles its release, the shares over the
              flood-limit / high / design levels 0 or 1 by its level; with spread the percentiles are ordered, the
              release percentiles are forecast.csv's at the node, and the shares agree with the percentiles
  hotstart    the reservoirs in the hot-start file: a run to 16:00, then a run from 17:00 hot-started from its
              state, gives every row of reservoirs.csv, forecast.csv and levels.csv from 17:00 exactly as one
              run from 00:00 (deterministic and ensemble columns), at 1 and 3 ranks; a state saved without one of
              the reservoirs is refused naming it
  levels      the control station's levels are the inverted rating Q = a (h - b)^c (two segments) of its forecast
              discharge; the first time over the warning level, the signal (highest grade within the lead by
              level and return period), its onset, ordered level percentiles and grade probabilities; the
              signal layer signals.gpkg holds the station with its signal
"""
import csv
import math
import os
import subprocess
import sys

import numpy as np

SX, OUT, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
D = "tests/data/hydro_dispatch"
JOB = os.path.join(D, "network.yaml")
os.makedirs(OUT, exist_ok=True)


def run(args, np_=1):
    cmd = (["mpirun", "--oversubscribe", "-np", str(np_)] if np_ > 1 else []) + [SX] + args
    print("+", " ".join(cmd), flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True)
    sys.stderr.write(p.stderr[-4000:])
    assert p.returncode == 0, p.returncode
    return p.stderr


def job(out, *sets, np_=1, path=JOB):
    args = ["run", path, "--out", out]
    for s in sets:
        args += ["--set", s]
    return run(args, np_)


def reservoirs(out):
    rows = list(csv.DictReader(open(os.path.join(out, "reservoirs.csv"))))
    res = {}
    for r in rows:
        res.setdefault(r["reservoir"], []).append(r)
    return res


def col(rows, k):
    return np.array([float(r[k]) for r in rows])


def forecast(out, node):
    return [r for r in csv.DictReader(open(os.path.join(out, "forecast.csv"))) if r["node"] == node]


def balance(rows, dt=3600.0):
    i, o, s = col(rows, "inflow"), col(rows, "outflow"), col(rows, "storage")
    vin, vout = dt * (i[1:] + i[:-1]).sum() / 2, dt * (o[1:] + o[:-1]).sum() / 2
    res = vin - vout - (s[-1] - s[0])
    assert abs(res) <= 1e-9 * max(s.max(), vin) + 1e-2, (vin, vout, s[-1] - s[0], res)  # CSV digits (1e-6)
    return res


def case_network():
    out = os.path.join(OUT, "network")
    job(out)
    res = reservoirs(out)
    assert sorted(res) == ["lower", "upper"], sorted(res)
    up = res["upper"]
    inflow = os.path.join(OUT, "upper_in.csv")
    with open(inflow, "w") as f:
        f.write("time,inflow\n" + "".join(f"{r['time']},{r['inflow']}\n" for r in up))
    cli = os.path.join(OUT, "upper_cli.csv")
    run(["hydro", "reservoir", "--inflow", inflow, "--curves", os.path.join(D, "upper_curves.csv"), "--rules",
         os.path.join(D, "upper_rules.yaml"), "--initial-level", "110", "-o", cli])
    c = list(csv.DictReader(open(cli)))
    assert [r["rule"] for r in c] == [r["rule"] for r in up], ([r["rule"] for r in c], [r["rule"] for r in up])
    assert np.abs(col(c, "outflow") - col(up, "outflow")).max() < 1e-3
    assert np.abs(col(c, "level") - col(up, "level")).max() < 1e-4
    for name, rows in res.items():
        print(name, "balance residual (m3):", balance(rows))
        z = col(rows, "level")
        for r, zz in zip(rows[1:], z[:-1]):  # the safe discharge while below the high level (B: capacity < safe)
            assert float(r["outflow"]) <= (400 if name == "upper" else 300) + 1e-6 or zz >= (124 if name == "upper" else 72)
    assert float(col(up, "outflow").max()) < float(col(up, "inflow").max()) / 2  # the flood is held back
    # the release feeds the reach: with K = 0 everywhere the station is upper + lower + side
    out0 = os.path.join(OUT, "network_k0")
    job(out0, "steps.0.subbasins.1.k=0", "steps.0.subbasins.3.k=0", "steps.0.subbasins.4.k=0",
        "steps.0.subbasins.5.area=0")
    res0 = reservoirs(out0)
    ctrl, side = forecast(out0, "ctrl"), forecast(out0, "side")
    want = col(res0["upper"], "outflow") + col(res0["lower"], "outflow") + col(side, "Q_det")
    assert np.abs(col(ctrl, "Q_det") - want).max() < 5e-6, np.abs(col(ctrl, "Q_det") - want).max()
    print("network: releases = `hydro reservoir`; station = releases + side catchment")


def structures_q(z):
    g = 9.81
    q = 2 * 0.8 * 12 * math.sqrt(2 * g * (z - 52)) if z > 52 else 0.0  # two bottom outlets, centre 52 m
    h = z - 66
    if h > 0:  # three gates 10 m wide, opened 3 m, sill 66 m
        q += 3 * 0.6 * 10 * 3 * math.sqrt(2 * g * h) if 3 / h <= 0.65 else 0.38 * 30 * math.sqrt(2 * g) * h ** 1.5
    return q


def case_structures():
    out = os.path.join(OUT, "structures")
    # a flood big enough to open the gates: the rain of every gauge doubled through the weights of up2
    job(out, "steps.0.subbasins.2.area=2500", "steps.0.ensemble.members=0")
    rows = reservoirs(out)["lower"]
    zs = np.arange(50, 81, dtype=float)
    qs = np.array([structures_q(z) for z in zs])
    free = [r for r in rows if r["rule"] in ("capacity", "above_high_level")]
    assert len(free) > 5, len(free)
    for r in free:
        want = np.interp(float(r["level"]), zs, qs)
        assert abs(float(r["outflow"]) - want) <= 1e-3 + 1e-6 * want, (r, want)
    assert max(float(r["level"]) for r in rows) > 66, "the gates never opened: the test does not test them"
    print(f"structures: {len(free)} free-outflow steps equal the outlet/gate formulas; top level "
          f"{max(float(r['level']) for r in rows):.2f} m")


def case_cli_structures():
    out = os.path.join(OUT, "cli_structures")
    job(out, "steps.0.subbasins.2.area=2500", "steps.0.ensemble.members=0")  # the gates open (case_structures)
    low = reservoirs(out)["lower"]
    inflow = os.path.join(OUT, "lower_in.csv")
    with open(inflow, "w") as f:
        f.write("time,inflow\n" + "".join(f"{r['time']},{r['inflow']}\n" for r in low))
    groups = ["{type: outlet, count: 2, crest: 52, area: 12, mu: 0.8}",
              "{type: gate, count: 3, crest: 66, width: 10, opening: 3, mu: 0.6, m: 0.38}"]
    base = ["hydro", "reservoir", "--inflow", inflow, "--curves", os.path.join(D, "lower_zv.csv"), "--initial-level",
            low[0]["level"]]
    two, one = os.path.join(OUT, "lower_cli_two.csv"), os.path.join(OUT, "lower_cli_one.csv")
    run(base + ["--rules", os.path.join(D, "lower_rules.yaml"), "--structures", groups[0], "--structures", groups[1],
                "-o", two])
    run(base + ["--rules", os.path.join(D, "lower_rules.yaml"), f"--structures={groups[1]}", "--structures", groups[0],
                "-o", one])  # the groups add: their order does not matter
    assert open(two).read() == open(one).read()
    c = list(csv.DictReader(open(two)))
    assert [r["rule"] for r in c] == [r["rule"] for r in low], ([r["rule"] for r in c], [r["rule"] for r in low])
    assert np.abs(col(c, "outflow") - col(low, "outflow")).max() < 1e-3
    assert np.abs(col(c, "level") - col(low, "level")).max() < 1e-4
    free = os.path.join(OUT, "lower_cli_free.csv")
    run(base + ["--structures", groups[0], "--structures", groups[1], "-o", free])
    zs = np.arange(50, 81, dtype=float)
    qs = np.array([structures_q(z) for z in zs])
    f = list(csv.DictReader(open(free)))
    for r in f:
        want = np.interp(float(r["level"]), zs, qs)
        assert abs(float(r["outflow"]) - want) <= 1e-3 + 1e-6 * want, (r, want)
    assert col(f, "level").max() > 66, "the gates never opened"
    print(f"cli structures: `hydro reservoir --structures` = the network's reservoir B ({len(c)} steps); free outflow "
          f"= the formulas up to {col(f, 'level').max():.2f} m")


def case_ranks():
    outs = []
    for n in (1, 2, 3, 4):
        o = os.path.join(OUT, f"ranks{n}")
        job(o, np_=n)
        outs.append(o)
    for name in sorted(os.listdir(outs[0])):
        if name.endswith((".csv", ".md", ".svg")):
            ref = open(os.path.join(outs[0], name), "rb").read()
            for o in outs[1:]:
                assert open(os.path.join(o, name), "rb").read() == ref, (name, o)
    print("ranks: identical at 1-4 ranks:", ", ".join(n for n in sorted(os.listdir(outs[0]))))


def case_prerelease():
    d = "tests/data/hydro"
    outs = {}
    for name, rules in (("pre", "reservoir_rules_prerelease.yaml"), ("none", "reservoir_rules_prerelease_none.yaml")):
        if name == "none":  # the same rules without the pre-release
            with open(os.path.join(OUT, rules), "w") as f:
                f.write("".join(l for l in open(os.path.join(d, "reservoir_rules_prerelease.yaml")) if "pre_release" not in l))
            rules = os.path.join(OUT, rules)
        else:
            rules = os.path.join(d, rules)
        o = os.path.join(OUT, f"prerelease_{name}.csv")
        run(["hydro", "reservoir", "--inflow", os.path.join(d, "reservoir_prerelease_inflow.csv"), "--curves",
             os.path.join(d, "reservoir_pool.csv"), "--rules", rules, "-o", o])
        outs[name] = list(csv.DictReader(open(o)))
    rows = outs["pre"]
    # by hand (dt 3600 s, 1e6 m3 per metre, S(102 m) = 2e6 m3): at 02:00 the look-ahead (03:00, 04:00) holds
    # 600 >= 500, so the release of 03:00 is 200: S = 2e6 + 1800 (50 + 50 - 50 - 200) = 1.73e6 (101.73 m);
    # then the safe discharge 300: S = 1.73e6 + 1800 (50 + 600 - 200 - 300) = 2.0e6, 3.44e6, 4.34e6, 3.89e6
    assert [r["rule"] for r in rows] == ["inflow"] * 3 + ["pre_release"] + ["safe_discharge"] * 4, [r["rule"] for r in rows]
    assert col(rows, "outflow").tolist() == [50, 50, 50, 200, 300, 300, 300, 300]
    assert np.abs(col(rows, "storage_1e4m3") - [200, 200, 200, 173, 200, 344, 434, 389]).max() < 1e-9
    top_pre, top_none = col(rows, "level").max(), col(outs["none"], "level").max()
    assert abs(top_pre - 104.34) < 1e-9 and abs(top_none - 104.88) < 1e-9, (top_pre, top_none)
    print(f"pre-release: starts 03:00, peak level {top_pre} m instead of {top_none} m")


def case_compensation():
    base = ["steps.0.subbasins.1.k=0", "steps.0.subbasins.3.k=0", "steps.0.subbasins.4.k=0", "steps.0.subbasins.5.area=0"]
    comp = ["steps.0.subbasins.1.reservoir.compensation.station=ctrl",
            "steps.0.subbasins.1.reservoir.compensation.safe_discharge=800"]
    a, b = os.path.join(OUT, "comp_off"), os.path.join(OUT, "comp_on")
    job(a, *base)
    job(b, *base, *comp)
    up = reservoirs(b)["upper"]
    q = col(forecast(b, "ctrl"), "Q_det")
    rule = [r["rule"] for r in up]
    n = rule.count("compensation")
    assert n >= 3, rule
    for j, r in enumerate(rule):
        if r == "compensation" and float(up[j]["outflow"]) > 0:
            assert abs(q[j] - 800) < 1e-6, (j, q[j])
        if r not in ("capacity", "above_high_level") and float(up[j]["outflow"]) > 0:
            assert q[j] <= 800 + 1e-6 or r != "compensation", (j, r, q[j])
    q0 = col(forecast(a, "ctrl"), "Q_det")
    assert q0.max() > 850 and q.max() <= 800 + 1e-6, (q0.max(), q.max())
    balance(up)
    print(f"compensation: {n} steps held the station at 800 m3/s; its peak {q0.max():.1f} -> {q.max():.1f} m3/s")


def rating_level(q):
    q2 = 35 * 7 ** 1.45  # the upper segment's discharge at its breakpoint 38 m
    if q >= q2:
        return 31 + (q / 35) ** (1 / 1.45)
    return min(30 + (q / 20) ** (1 / 1.6), 38.0)


def grade(h, q, d=(math.inf, math.inf, math.inf)):
    g = 4 if h > 41.5 else 3 if h > 40.5 else 2 if h > 39 else 1 if h >= 38.5 else 0
    r = 4 if q >= d[2] else 3 if q >= d[1] else 2 if q >= d[0] else 0
    return max(g, r)


def case_levels():
    # return periods from `hydro frequency`: the published table 7-3 series (《工程水文学》) divided by 3 stands in for
    # the station's annual maxima; the signal grades by the curve fit's 5-, 20- and 50-year floods
    annual = os.path.join(OUT, "ctrl_annual.csv")
    rows = [l.split(",") for l in open("tests/data/hydro_frequency/table7-3_annual.csv") if l[0].isdigit()]
    with open(annual, "w") as f:
        f.write("year,value\n" + "".join(f"{y},{float(v) / 3:g}\n" for y, v in rows))
    freq = os.path.join(OUT, "ctrl_frequency.csv")
    run(["hydro", "frequency", "--series", annual, "--fit", "curve", "-o", freq])
    dz = {float(r["return_period_years"]): float(r["value"]) for r in csv.DictReader(open(freq))
          if r["item"] == "design" and r["method"] == "curve"}
    d = (dz[5], dz[20], dz[50])
    out = os.path.join(OUT, "levels")
    job(out, f"steps.0.subbasins.5.station.return_periods.design={freq}")
    lv = [r for r in csv.DictReader(open(os.path.join(out, "levels.csv"))) if r["station"] == "ctrl"]
    fc = forecast(out, "ctrl")
    assert len(lv) == len(fc)
    names = ["none", "blue", "yellow", "orange", "red"]
    for a, b in zip(lv, fc):
        q = float(b["Q_det"])
        assert abs(float(a["H_det"]) - rating_level(q)) < 6e-5, (a, q, rating_level(q))
        assert a["signal"] == names[grade(float(a["H_det"]), q, d)], (a, q, d)
        if a["phase"] == "forecast":
            p = [float(a[k]) for k in ("h05", "h25", "h50", "h75", "h95")]
            assert p == sorted(p), p
    lead = [(a, float(b["Q_det"])) for a, b in zip(lv, fc) if a["phase"] == "forecast"]
    sig = max(grade(float(a["H_det"]), q, d) for a, q in lead)
    onset = next(a["time"] for a, q in lead if grade(float(a["H_det"]), q, d) == sig)
    assert any(grade(0, q, d) > grade(float(a["H_det"]), q) for a, q in lead), "the return period never grades"
    first = next(a["time"] for a, q in lead if float(a["H_det"]) > 39)
    s = next(csv.DictReader(open(os.path.join(out, "signals.csv"))))
    assert (s["signal"], s["onset"], s["first_over_warning"]) == (names[sig], onset, first), (s, names[sig], onset, first)
    assert sig >= 2, "the test flood does not cross the warning level"
    pg = [float(s[k]) for k in ("p_blue", "p_yellow", "p_orange", "p_red")]
    assert pg == sorted(pg, reverse=True) and float(s["probability"]) == pg[sig - 1], (pg, s["probability"])
    assert float(s["p_over_guaranteed"]) <= float(s["p_over_warning"])
    from osgeo import ogr
    ds = ogr.Open(os.path.join(out, "signals.gpkg"))
    f = ds.GetLayerByName("warning_signals").GetNextFeature()
    assert f["station"] == "ctrl" and f["signal"] == names[sig] and abs(f.GetGeometryRef().GetX() - 112.94) < 1e-9
    import xml.etree.ElementTree as ET
    svg = ET.parse(os.path.join(out, "level_ctrl.svg")).getroot()
    labels = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "警戒 warning 39.00 m" in labels and "保证 guaranteed 40.50 m" in labels and "historical max 41.50 m" in labels
    bulletin = open(os.path.join(out, "bulletin.md"), encoding="utf-8").read()
    assert "水情预警" in bulletin and f"**{names[sig]}**" in bulletin
    print(f"levels: signal {names[sig]} from {onset}, first over the warning level {first}, P = {s['probability']}; "
          f"design floods 5/20/50 years {d}")


def case_ensemble():
    design = "steps.0.subbasins.1.reservoir.design_level=126"
    a = os.path.join(OUT, "ens_flat")
    job(a, design, "steps.0.ensemble.rain_sigma=0")
    for name, rows in reservoirs(a).items():
        thr = {"upper": (110, 124, 126), "lower": (60, 72, None)}[name]
        lead = [r for r in rows if r["phase"] == "forecast"]
        assert len(lead) == 30 and all(r["z50"] == "" for r in rows if r["phase"] == "observed")
        for r in lead:
            assert all(r[k] == r["level"] for k in ("z05", "z25", "z50", "z75", "z95")), r
            assert all(abs(float(r[k]) - float(r["outflow"])) < 1e-6 for k in ("r05", "r25", "r50", "r75", "r95")), r
            for k, z in zip(("p_over_flood_limit", "p_over_high_level", "p_over_design_level"), thr):
                assert r[k] == ("" if z is None else "%.4f" % (float(r["level"]) > z)), (k, r)
        top = max(float(r["level"]) for r in lead)  # the bulletin: shares over each level within the lead
        row = next(l for l in open(os.path.join(a, "bulletin.md"), encoding="utf-8") if l.startswith(f"| {name} |"))
        want = ["—" if z is None else f"{100 * (top > z):.0f} %" for z in thr]
        assert [x.strip() for x in row.split("|")[-4:-1]] == want and f"| {top:.2f} |" in row, (row, want)
    b = os.path.join(OUT, "ens_spread")
    job(b, design)
    fc = {r["time"]: r for r in forecast(b, "upper")}
    spread = 0
    for name, rows in reservoirs(b).items():
        for r in (r for r in rows if r["phase"] == "forecast"):
            z = [float(r[k]) for k in ("z05", "z25", "z50", "z75", "z95")]
            assert z == sorted(z), r
            spread = max(spread, z[4] - z[0])
            if name == "upper":
                assert all(abs(float(r["r" + k]) - float(fc[r["time"]]["p" + k])) < 2e-6 for k in ("05", "50", "95"))
            p = [float(r[k]) for k in ("p_over_flood_limit", "p_over_high_level", "p_over_design_level") if r[k]]
            assert p == sorted(p, reverse=True), r
            fl = 110 if name == "upper" else 60  # 12 members: z05 above -> 11 members above, z95 not -> at most 1
            if z[0] > fl:
                assert p[0] >= 11 / 12 - 1e-4, r
            if z[4] <= fl:
                assert p[0] <= 1 / 12 + 1e-4, r
    assert spread > 0.05, spread
    print(f"ensemble: reservoir level percentiles and exceedance shares; widest 5-95 % spread {spread:.3f} m")


def case_hotstart():
    cut = "2024-06-01 17:00"
    for n in (1, 3):
        a, b, whole = (os.path.join(OUT, f"hot{n}_{x}") for x in ("a", "b", "whole"))
        job(a, "steps.0.issue=2024-06-01 16:00", "steps.0.lead=22", np_=n)  # all windows end at 2024-06-02 14:00
        job(b, "steps.0.start=" + cut, "steps.0.issue=2024-06-01 20:00", "steps.0.lead=18",
            f"steps.0.state_in={a}/state.h5", np_=n)
        job(whole, "steps.0.issue=2024-06-01 20:00", "steps.0.lead=18", np_=n)
        w = reservoirs(whole)
        assert float(w["upper"][17]["level"]) > 110.1, "the pool did not move: the test would not see a cold restart"
        for name in ("reservoirs.csv", "forecast.csv", "levels.csv"):
            rb = [l for l in open(os.path.join(b, name))][1:]
            rw = [l for l in open(os.path.join(whole, name))][1:]
            rw = [l for l in rw if l.split(",")[1] >= cut]
            assert rb == rw, (name, n, [(x, y) for x, y in zip(rb, rw) if x != y][:3])
        print(f"hot start at {n} rank(s): the continued run equals the whole run from {cut} "
              f"(upper at {w['upper'][17]['level']} m, not its initial 110 m)")
    # a state saved without reservoir 'upper' (its node a plain junction then) is refused naming it
    import yaml
    j = yaml.safe_load(open(JOB, encoding="utf-8"))
    del j["steps"][0]["subbasins"][1]["reservoir"]
    j["steps"][0]["alternatives"] = [{"name": "approved"}]
    plain = os.path.join(OUT, "hot_plain.yaml")
    yaml.safe_dump(j, open(plain, "w", encoding="utf-8"), allow_unicode=True)
    a = os.path.join(OUT, "hot_plain")
    job(a, "steps.0.issue=2024-06-01 16:00", "steps.0.lead=22", path=plain)
    p = subprocess.run([SX, "run", JOB, "--out", os.path.join(OUT, "hot_refused"), "--set", "steps.0.start=" + cut,
                        "--set", "steps.0.issue=2024-06-01 20:00", "--set", "steps.0.lead=18",
                        "--set", f"steps.0.state_in={a}/state.h5"], capture_output=True, text=True)
    errs = [l for l in p.stderr.splitlines() if l.startswith("sanxiang: error:")]
    assert p.returncode == 3 and len(errs) == 1 and "has no reservoir 'upper'" in errs[0], (p.returncode, errs)
    print("hot start: a state without the reservoir is refused:", errs[0])


def case_alternatives():
    out = os.path.join(OUT, "alternatives")
    job(out)
    rows = list(csv.DictReader(open(os.path.join(out, "dispatch.csv"))))
    d = {(r["alternative"], r["point"]): r for r in rows}
    assert [r["alternative"] for r in rows] == ["approved"] * 3 + ["hold_upper"] * 3 + ["plan_300"] * 3
    base = next(csv.DictReader(open(os.path.join(out, "signals.csv"))))
    a = d[("approved", "ctrl")]
    assert abs(float(a["peak_level"]) - float(base["peak_level"])) < 1e-3, (a, base)
    assert (a["signal"], a["onset"]) == (base["signal"], base["onset"]), (a, base)
    up = reservoirs(out)["upper"]
    lead = [r for r in up if r["phase"] == "forecast"]
    assert abs(float(d[("approved", "upper")]["peak_outflow"]) - col(lead, "outflow").max()) < 1e-3
    assert abs(float(d[("approved", "upper")]["peak_level"]) - col(lead, "level").max()) < 1e-3
    assert float(d[("hold_upper", "upper")]["peak_outflow"]) == 100.0  # the held stage maximum (level < 118 m)
    assert "specified:5" in d[("plan_300", "upper")]["rules"], d[("plan_300", "upper")]["rules"]
    assert float(d[("hold_upper", "ctrl")]["peak_outflow"]) < float(a["peak_outflow"])
    print("alternatives: " + "; ".join(f"{r['alternative']} {r['point']} peak {r['peak_outflow']} level {r['peak_level']} "
                                       f"{r['signal']}" for r in rows))


def case_alt_structures():
    import yaml
    j = yaml.safe_load(open(JOB, encoding="utf-8"))
    st = j["steps"][0]
    st["subbasins"][2]["area"] = 2500  # the gates open (case_structures)
    st["ensemble"]["members"] = 6
    del st["subbasins"][3]["reservoir"]["rules"]  # B's outlets and gates run free: their opening sets the release
    gates = st["subbasins"][3]["reservoir"]["structures"]
    gates[1]["crest"] = 60  # the gates' sill low enough for them to pass water in this flood
    wide = [dict(g, opening=1) if g["type"] == "gate" else dict(g) for g in gates]
    comp = {"station": "ctrl", "safe_discharge": 1000}
    st["alternatives"] = [{"name": "approved"}, {"name": "same", "reservoirs": {"lower": {"structures": [dict(g) for g in gates]}}},
                          {"name": "gates_1m", "reservoirs": {"lower": {"structures": wide}}},
                          {"name": "comp", "reservoirs": {"upper": {"compensation": comp}}},
                          {"name": "comp_off", "reservoirs": {"upper": {"compensation": "none"}}}]
    path = os.path.join(OUT, "alt_structures.yaml")
    yaml.safe_dump(j, open(path, "w", encoding="utf-8"), allow_unicode=True)

    def table(out):
        rows = list(csv.DictReader(open(os.path.join(out, "dispatch.csv"))))
        t = {}
        for r in rows:
            t.setdefault(r.pop("alternative"), []).append(r)
        return t
    base, wide_run, comp_run = (os.path.join(OUT, "alt_" + x) for x in ("base", "wide", "comp"))
    job(base, path=path)
    job(wide_run, "steps.0.subbasins.3.reservoir.structures.1.opening=1", path=path)
    job(comp_run, "steps.0.subbasins.1.reservoir.compensation.station=ctrl",
        "steps.0.subbasins.1.reservoir.compensation.safe_discharge=1000", path=path)
    b, w, c = table(base), table(wide_run), table(comp_run)
    assert b["same"] == b["approved"]
    assert b["gates_1m"] == w["approved"], (b["gates_1m"], w["approved"])
    assert b["comp"] == c["approved"], (b["comp"], c["approved"])
    assert c["comp_off"] == b["approved"], (c["comp_off"], b["approved"])
    low = lambda t, k: next(r for r in t[k] if r["point"] == "lower")
    assert float(low(b, "gates_1m")["peak_level"]) > float(low(b, "approved")["peak_level"]) + 0.1, "the gates do not matter"
    up = next(r for r in b["comp"] if r["point"] == "upper")
    assert "compensation" in up["rules"], up
    print(f"alternatives with structures and compensation: lower peak level {low(b, 'approved')['peak_level']} -> "
          f"{low(b, 'gates_1m')['peak_level']} m with the gates opened 1 m instead of 3 m; upper under compensation: {up['rules']}")


def case_job():
    a, b = os.path.join(OUT, "xiang1"), os.path.join(OUT, "xiang3")
    job(a, path="jobs/hydro_dispatch_xiang.yaml")
    job(b, np_=3, path="jobs/hydro_dispatch_xiang.yaml")
    for name in ("dispatch.csv", "signals.csv", "levels.csv", "reservoirs.csv", "forecast.csv", "bulletin.md"):
        assert open(os.path.join(a, name), "rb").read() == open(os.path.join(b, name), "rb").read(), name
    import yaml
    j = yaml.safe_load(open("jobs/hydro_dispatch_xiang.yaml", encoding="utf-8"))
    st = next(x for x in j["steps"][0]["subbasins"] if x["id"] == "xiangtan")["station"]
    seg = st["rating"]["segments"][0]
    pub = [r for r in csv.DictReader(open(os.path.join(D, "hunan", "stage_discharge_observations.csv"), encoding="utf-8"))
           if r["station_en"] == "Xiangtan"]
    assert len(pub) == 2
    for r in pub:
        h = seg["b"] + (float(r["discharge_m3s"]) / seg["a"]) ** (1 / seg["c"])
        assert abs(h - float(r["stage_m"])) < 0.005, (r, h)
    thr = {r["quantity"]: float(r["value_m"]) for r in csv.DictReader(open(os.path.join(D, "hunan", "thresholds.csv"),
                                                                            encoding="utf-8")) if r["station_en"] == "Xiangtan"}
    s = next(csv.DictReader(open(os.path.join(a, "signals.csv"), encoding="utf-8")))
    assert (float(s["warning_level"]), float(s["guaranteed_level"]), float(s["historical_max_level"])) == \
        (thr["warning_level"], thr["guaranteed_level"], thr["historical_max_level"]), (s, thr)
    rows = list(csv.DictReader(open(os.path.join(a, "dispatch.csv"))))
    assert {r["alternative"] for r in rows} == {"approved", "dongjiang_holds", "dongjiang_plan"}
    assert any("compensation" in r["rules"] for r in rows) and any("specified" in r["rules"] for r in rows)
    c = os.path.join(OUT, "xiang_next")
    job(c, "steps.0.start=2737", "steps.0.issue=2737", f"steps.0.state_in={a}/state.h5", path="jobs/hydro_dispatch_xiang.yaml")
    print(f"job: Xiangtan {s['signal']} from {s['onset']} (P {s['probability']}); identical at 1 and 3 ranks; hot start ok")


{"network": case_network, "levels": case_levels, "ensemble": case_ensemble, "cli_structures": case_cli_structures, "alt_structures": case_alt_structures, "hotstart": case_hotstart, "job": case_job, "alternatives": case_alternatives, "structures": case_structures, "ranks": case_ranks, "prerelease": case_prerelease,
 "compensation": case_compensation}[CASE]()
