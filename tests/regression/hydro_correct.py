#!/usr/bin/env python3
"""End-to-end test of `sanxiang hydro correct` on the hand-made flood of tests/data/hydro.

hydro_correct.py SANXIANG OUTDIR
  - ar and rls at 1 and 3 ranks give byte-identical files (time,simulated,corrected, the 6 steps
    after the issue, `simulated` as in SIM.csv);
  - observations after the issue time are not used (the file cut at the issue gives the same bytes);
  - both corrections move the first lead steps towards the observed flow after the issue;
  - --limit keeps every corrected value within [sim/(1+R), sim*(1+R)];
  - the job step `hydro_correct` (sanxiang run) writes the same bytes as the command.
"""
import csv
import os
import subprocess
import sys

SX, OUT = sys.argv[1], sys.argv[2]
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "hydro")
SIM, OBS = os.path.join(DATA, "correct_sim.csv"), os.path.join(DATA, "correct_obs.csv")
ISSUE, LEAD = "2024-07-02 06:00", 6
os.makedirs(OUT, exist_ok=True)


def run(*args, np_=1):
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), SX, *args] if np_ > 1 else [SX, *args]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def correct(method, out, np_=1, obs=OBS, extra=()):
    run("hydro", "correct", "--method", method, "--order", "2", "--sim", SIM, "--obs", obs, "--issue", ISSUE,
        "--lead", str(LEAD), *extra, "-o", out, np_=np_)
    return open(out, "rb").read()


def table(path):
    return list(csv.DictReader(open(path)))


sim = {r["time"]: float(r["Q"]) for r in table(SIM)}
obs = {r["time"]: r["Q"] for r in csv.DictReader(l for l in open(OBS) if not l.startswith("#"))}
cut = os.path.join(OUT, "obs_to_issue.csv")
with open(cut, "w") as f:  # the observations up to the issue time only
    f.write("time,Q\n")
    for t, q in obs.items():
        if t <= ISSUE:
            f.write(f"{t},{q}\n")

for method, extra in (("ar", ("--window", "24")), ("rls", ("--lambda", "0.95"))):
    one = correct(method, os.path.join(OUT, f"{method}_np1.csv"), 1, extra=extra)
    three = correct(method, os.path.join(OUT, f"{method}_np3.csv"), 3, extra=extra)
    assert one == three, f"{method}: 1 and 3 ranks differ"
    assert correct(method, os.path.join(OUT, f"{method}_cut.csv"), 1, cut, extra) == one, \
        f"{method}: observations after the issue time changed the result"
    rows = table(os.path.join(OUT, f"{method}_np1.csv"))
    assert list(rows[0].keys()) == ["time", "simulated", "corrected"], rows[0].keys()
    assert [r["time"] for r in rows] == ["2024-07-02 %02d:00" % h for h in range(7, 13)], [r["time"] for r in rows]
    for r in rows:
        assert abs(float(r["simulated"]) - sim[r["time"]]) < 1e-9, r
    for r in rows[:2]:  # 07:00 and 08:00 were observed (not used): corrected is nearer
        o, s, c = float(obs[r["time"]]), float(r["simulated"]), float(r["corrected"])
        assert abs(c - o) < 0.5 * abs(s - o), (method, r, o)
        print(f"{method} {r['time']}: observed {o}, simulated {s}, corrected {c:.2f}")
    limited = correct(method, os.path.join(OUT, f"{method}_limit.csv"), 1, extra=extra + ("--limit", "0.1"))
    for r in table(os.path.join(OUT, f"{method}_limit.csv")):
        s, c = float(r["simulated"]), float(r["corrected"])
        assert s / 1.1 - 1e-9 <= c <= s * 1.1 + 1e-9, r
    assert limited != one

# the job step writes what the command writes
job = os.path.join(OUT, "correct_job.yaml")
with open(job, "w") as f:
    f.write(f"""job: correct
steps:
  - step: hydro_correct
    method: rls
    order: 2
    lambda: 0.95
    sim: {SIM}
    obs: {OBS}
    issue: "{ISSUE}"
    lead: {LEAD}
    output: rls_np1
""")
run("run", job, "--out", os.path.join(OUT, "job"), np_=3)
assert open(os.path.join(OUT, "job", "rls_np1.csv"), "rb").read() == open(os.path.join(OUT, "rls_np1.csv"), "rb").read(), \
    "the job step differs from the command"
print("hydro correct: 1 = 3 ranks, job = command, limit holds")
