#!/usr/bin/env python3
"""hydro_frequency.py SANXIANG OUTDIR CASE — `sanxiang hydro frequency` end to end.

Cases:
  table94   《工程水文学》 table 9-4 (30 measured floods, 2 historical, N = 102): the
            empirical frequencies of SL 44-2006 exactly (fractions), the moments of the
            non-continuous series and the P-III design values against an independent
            computation here (regularised incomplete gamma by its series, inverted by
            bisection); the curve fit is a least-squares minimum; SVG well formed; the
            same bytes at 1 and 3 ranks.
  table73   table 7-3, a continuous series of 21 floods: P = m/(n+1), unbiased moments.
  job       the same analysis from a job file (step: hydro_frequency) gives the CSV of the
            command line byte for byte.
"""
import csv
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction

BIN, OUT, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "hydro_frequency")
STD = [0.01, 0.1, 1, 2, 5, 10, 20, 50]
os.makedirs(OUT, exist_ok=True)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(np, *args):
    cmd = ([BIN] if np == 1 else ["mpirun", "--oversubscribe", "-np", str(np), BIN]) + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("command failed (%d): %s\n%s" % (r.returncode, " ".join(cmd), r.stderr))
    return r


def floods(name):
    with open(os.path.join(DATA, name)) as f:
        rows = [l for l in f if not l.startswith("#")]
    return [(int(r["year"]), float(r["value"])) for r in csv.DictReader(rows)]


def read_out(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def gamma_q(a, x):
    """Q(a, x) = 1 - P(a, x), P by its power series (slow but plain)."""
    if x <= 0:
        return 1.0
    term = total = 1.0 / a
    k = 0
    while abs(term) > 1e-17 * total:
        k += 1
        term *= x / (a + k)
        total += term
    return 1.0 - total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def p3_quantile(mean, cv, cs, p):
    a = 4.0 / (cs * cs)
    lo, hi = 0.0, a + 60 * math.sqrt(a) + 60
    for _ in range(200):  # bisection on the upper tail
        mid = 0.5 * (lo + hi)
        if gamma_q(a, mid) > p:
            lo = mid
        else:
            hi = mid
    y = 0.5 * (lo + hi)
    return mean * (1 + cv * (cs * y / 2 - 2 / cs))


def moments(ext, other, N):
    a, m = len(ext), len(other)
    k = (N - a) / m
    mean = (sum(ext) + k * sum(other)) / N
    s2 = (sum((x - mean) ** 2 for x in ext) + k * sum((x - mean) ** 2 for x in other)) / (N - 1)
    s3 = sum((x - mean) ** 3 for x in ext) + k * sum((x - mean) ** 3 for x in other)
    cv = math.sqrt(s2) / mean
    return mean, cv, N * s3 / ((N - 1) * (N - 2) * mean ** 3 * cv ** 3)


def close(a, b, rel):
    return abs(a - b) <= rel * abs(b)


def check_design(rows, method, mean, cv, cs, rel):
    got = {float(r["frequency_pct"]): float(r["value"]) for r in rows if r["item"] == "design" and r["method"] == method}
    check(sorted(got) == sorted(STD), "%s: design rows at the standard frequencies, got %s" % (method, sorted(got)))
    for p in STD:
        want = p3_quantile(mean, cv, cs, p / 100)
        check(close(got.get(p, float("nan")), want, rel), "%s design %g %%: %s, expected %.6f" % (method, p, got.get(p), want))


def params(rows, method):
    d = {r["item"]: float(r["value"]) for r in rows if r["method"] == method and r["item"] in ("mean", "Cv", "Cs")}
    return d["mean"], d["Cv"], d["Cs"]


def sse(points, mean, cv, cs):
    return sum((x - p3_quantile(mean, cv, cs, p)) ** 2 for x, p in points)


def table94():
    ann, hist = "table9-4_annual.csv", "table9-4_historical.csv"
    base = ["hydro", "frequency", "--series", os.path.join(DATA, ann), "--historical", os.path.join(DATA, hist),
            "--period", "102"]
    run(1, *base, "--fit", "curve", "-o", os.path.join(OUT, "t94_np1.csv"))
    run(3, *base, "--fit", "curve", "-o", os.path.join(OUT, "t94_np3.csv"))
    for ext in (".csv", ".svg"):
        with open(os.path.join(OUT, "t94_np1" + ext), "rb") as f1, open(os.path.join(OUT, "t94_np3" + ext), "rb") as f3:
            check(f1.read() == f3.read(), "1 and 3 ranks give the same %s" % ext)
    rows = read_out(os.path.join(OUT, "t94_np1.csv"))
    N, n, a = 102, 30, 2
    ext = sorted((v for _, v in floods(hist)), reverse=True)
    other = sorted((v for _, v in floods(ann)), reverse=True)
    fl = [r for r in rows if r["method"] == "empirical"]
    check(len(fl) == 32, "32 floods listed, got %d" % len(fl))
    pma = Fraction(a, N + 1)
    want = [Fraction(M, N + 1) for M in (1, 2)] + [pma + (1 - pma) * Fraction(m, n + 1) for m in range(1, n + 1)]
    vals = ext + other
    for i, r in enumerate(fl):
        kind = "extraordinary" if i < 2 else "measured"
        check(r["item"] == kind and float(r["value"]) == vals[i], "row %d: %s %s, expected %s %g" % (i, r["item"], r["value"], kind, vals[i]))
        check(float(r["frequency_pct"]) == float("%.10g" % float(100 * want[i])),
              "row %d: P = %s %%, expected %s %%" % (i, r["frequency_pct"], "%.10g" % float(100 * want[i])))
    mean, cv, cs = moments(ext, other, N)
    got = params(rows, "moments")
    check(close(got[0], mean, 1e-9) and close(got[1], cv, 1e-9) and close(got[2], cs, 1e-9),
          "moments %s, expected %s" % (got, (mean, cv, cs)))
    check_design(rows, "moments", mean, cv, cs, 1e-7)
    fm, fcv, fcs = params(rows, "curve")
    check(fm == got[0], "the curve fit keeps the mean of the moments")
    check_design(rows, "curve", fm, fcv, fcs, 1e-7)
    pts = [(float(r["value"]), float(r["frequency_pct"]) / 100) for r in fl]
    best = sse(pts, fm, fcv, fcs)
    check(best < sse(pts, mean, cv, cs), "the fit is closer to the points than the moments")
    for dcv, dcs in ((1e-3, 0), (-1e-3, 0), (0, 1e-2), (0, -1e-2)):
        check(sse(pts, fm, fcv + dcv, fcs + dcs) >= best, "no better fit at Cv %+g, Cs %+g" % (dcv, dcs))
    svg = ET.parse(os.path.join(OUT, "t94_np1.svg")).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    check(len(svg.findall(ns + "circle")) == 30, "30 measured points in the SVG")
    check(len(svg.findall(ns + "path")) == 2, "2 extraordinary points in the SVG")
    check(len(svg.findall(ns + "polyline")) == 2, "moment and fitted curves in the SVG")


def table73():
    run(1, "hydro", "frequency", "--series", os.path.join(DATA, "table7-3_annual.csv"), "-o", os.path.join(OUT, "t73.csv"))
    rows = read_out(os.path.join(OUT, "t73.csv"))
    vals = sorted((v for _, v in floods("table7-3_annual.csv")), reverse=True)
    n = len(vals)
    fl = [r for r in rows if r["method"] == "empirical"]
    check([float(r["value"]) for r in fl] == vals, "floods in descending order")
    for m, r in enumerate(fl, 1):
        check(float(r["frequency_pct"]) == float("%.10g" % float(100 * Fraction(m, n + 1))), "m = %d: P = %s" % (m, r["frequency_pct"]))
    mean, cv, cs = moments([], vals, n)
    got = params(rows, "moments")
    check(close(got[0], mean, 1e-9) and close(got[1], cv, 1e-9) and close(got[2], cs, 1e-9), "moments %s, expected %s" % (got, (mean, cv, cs)))
    check(not [r for r in rows if r["method"] == "curve"], "no curve rows without --fit curve")
    check_design(rows, "moments", mean, cv, cs, 1e-7)


def job():
    yaml = os.path.join(OUT, "freq_job.yaml")
    with open(yaml, "w") as f:
        f.write("job: freq\noutput_dir: %s\nsteps:\n  - step: hydro_frequency\n    series: %s\n    historical: %s\n"
                "    period: 102\n    fit: curve\n    output: t94\n"
                % (os.path.join(OUT, "job_run"), os.path.join(DATA, "table9-4_annual.csv"),
                   os.path.join(DATA, "table9-4_historical.csv")))
    run(2, "run", yaml)
    if not os.path.exists(os.path.join(OUT, "t94_np1.csv")):
        table94()
    with open(os.path.join(OUT, "job_run", "t94.csv"), "rb") as a, open(os.path.join(OUT, "t94_np1.csv"), "rb") as b:
        check(a.read() == b.read(), "job file and command line give the same CSV")


{"table94": table94, "table73": table73, "job": job}[CASE]()
if failures:
    sys.exit("%d check(s) failed" % len(failures))
print("ok")
