#!/usr/bin/env python3
"""End-to-end test of `correction:` in a hydro_forecast job (issue 18) on the Chengcun job.

hydro_update.py SANXIANG OUTDIR   (run from the source tree)
  - ar, rls, dsrc and enkf: forecast.csv and bulletin.md byte-identical at 1 and 3 ranks (enkf also
    at 2 and 4); forecast.csv gains Q_corr at the observed node's lead rows, bulletin.md a section
    with the simulated and corrected series; without `correction` the table keeps its columns;
  - observations after the issue time are not used (the file cut at the issue gives the same bytes);
  - missing observations are skipped with one warning each naming the file and time; a record that
    ends before the issue time is a warning (late), and the forecast is still corrected;
  - hindcast (issue times 2600..2734, lead 4, every 1 and every 2): hindcast_*.csv, .svg and .md
    byte-identical at 1-4 ranks for ar, dsrc and enkf; the scores table has both series for every
    lead 1..Lmax, events per lead, and the lead-1 forecasts of every issue time.
"""
import csv
import os
import subprocess
import sys

SX, OUT = sys.argv[1], sys.argv[2]
OBS = "tests/data/hydro/update_obs.csv"
os.makedirs(OUT, exist_ok=True)
BASE = ["--set", "steps.0.start=2500", "--set", "steps.0.ensemble.members=20"]
METHODS = {
    "ar": ["order=2", "window=60"],
    "rls": ["order=2", "lambda=0.95"],
    "dsrc": ["steps=12", "window=24"],
    "enkf": ["members=16", "window=60", "seed=7"],
}


def run(tag, np_, method=None, obs=OBS, extra=()):
    out = os.path.join(OUT, f"{tag}_np{np_}")
    args = [SX, "run", "jobs/hydro_forecast_chengcun.yaml", "--out", out, *BASE]
    if method:
        args += ["--set", f"steps.0.correction.method={method}"]
        if obs:
            args += ["--set", f"steps.0.correction.observations={obs}"]
        for kv in (*METHODS[method], *extra):
            args += ["--set", f"steps.0.correction.{kv}"]
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), *args] if np_ > 1 else args
    print("+", " ".join(cmd), flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True)
    sys.stdout.write(p.stdout[-2000:])
    sys.stderr.write(p.stderr[-4000:])
    assert p.returncode == 0, f"{tag}: exit {p.returncode}"
    return out, p.stderr


def files(out):
    return {f: open(os.path.join(out, f), "rb").read() for f in ("forecast.csv", "bulletin.md")}


plain, _ = run("none", 1)
assert "Q_corr" not in open(os.path.join(plain, "forecast.csv")).readline(), "a run without correction has no Q_corr"

cut = os.path.join(OUT, "obs_to_issue.csv")
with open(cut, "w") as f:
    for line in open(OBS):
        parts = line.strip().split(",")
        if line.startswith("#") or parts[0] == "time" or int(parts[0]) <= 2734:
            f.write(line)

for method in METHODS:
    out1, err = run(method, 1, method)
    window = int(next((kv.split("=")[1] for kv in METHODS[method] if kv.startswith("window=")), "0"))
    first = max(2600, 2734 - window + 1 if window else 0)  # warnings from the first observation in the window on
    for t in (2650, 2700, 2710):
        warned = f"update_obs.csv: no observation at {t} (missing); skipped" in err
        assert warned == (t >= first), f"{method}: warning for {t} is {warned}, window from {first}"
    ref = files(out1)
    for np_ in ((2, 3, 4) if method == "enkf" else (3,)):
        assert files(run(method, np_, method)[0]) == ref, f"{method}: {np_} ranks differ from 1"
    assert files(run(method + "_cut", 1, method, cut)[0]) == ref, f"{method}: observations after the issue were used"
    rows = [r for r in csv.DictReader(open(os.path.join(out1, "forecast.csv")))]
    lead = [r for r in rows if r["node"] == "outlet" and r["phase"] == "forecast"]
    assert len(lead) == 10 and all(r["Q_corr"] for r in lead), f"{method}: Q_corr missing at the outlet's lead rows"
    assert all(not r["Q_corr"] for r in rows if r["node"] != "outlet" or r["phase"] != "forecast")
    assert any(abs(float(r["Q_corr"]) - float(r["Q_det"])) > 1e-6 for r in lead), f"{method}: nothing corrected"
    bulletin = open(os.path.join(out1, "bulletin.md"), encoding="utf-8").read()
    assert f"实时校正, {method}) at outlet" in bulletin and "| lead | time | simulated" in bulletin, method
    print(method, "corrected:", [round(float(r["Q_corr"]), 2) for r in lead[:4]], "simulated:",
          [round(float(r["Q_det"]), 2) for r in lead[:4]])

_, err = run("late", 1, "ar", "tests/data/hydro/update_obs_late.csv")
assert "the last observation is at 2732, 2 step(s) before the issue time 2734 (late)" in err, err
HC = ["hindcast_scores.csv", "hindcast_events.csv", "hindcast_forecasts.csv", "hindcast_passrate.svg", "hindcast.md"]


def hindcast(tag, np_, method, every):
    extra = ["--set", "steps.0.issue=2734", "--set", "steps.0.lead=4", "--set", "steps.0.hindcast.from=2600",
             "--set", f"steps.0.hindcast.every={every}", "--set", "steps.0.hindcast.threshold=100"]
    global BASE
    saved, BASE = BASE, BASE + extra
    try:
        out, _ = run(tag, np_, method, None)  # the forcing's Qref column: no gaps in the scored span
    finally:
        BASE = saved
    return out, {f: open(os.path.join(out, f), "rb").read() for f in HC}


for method, every in (("ar", 1), ("dsrc", 2), ("enkf", 1)):
    out1, ref = hindcast(f"hc_{method}", 1, method, every)
    for np_ in (2, 3, 4):
        assert hindcast(f"hc_{method}", np_, method, every)[1] == ref, f"hindcast {method}: {np_} ranks differ from 1"
    scores = list(csv.DictReader(open(os.path.join(out1, "hindcast_scores.csv"))))
    lmax = 4 - every + 1
    assert [(int(r["lead"]), r["series"]) for r in scores] == \
        [(l, s) for l in range(1, lmax + 1) for s in ("uncorrected", method)], scores
    assert all(int(r["events"]) >= 1 for r in scores), "no flood event in the scored span"
    fc = list(csv.DictReader(open(os.path.join(out1, "hindcast_forecasts.csv"))))
    issues = sorted({int(r["issue"]) for r in fc})
    assert issues == list(range(2600, 2735, every)), issues[:5]
    assert len(fc) == len(issues) * 4
    print(method, "hindcast:", [(r["lead"], r["series"], r["pass_rate"], r["dc"]) for r in scores])
print("hydro_update: all checks passed")
