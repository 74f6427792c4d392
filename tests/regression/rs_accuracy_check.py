#!/usr/bin/python3
"""rs accuracy against Olofsson et al. (2014)'s published worked example.

usage: rs_accuracy_check.py OUT.csv MATRIX.csv

The paper (section 5, tables 8-9, and the text of the example) gives, for
30 m pixels: areas 21 158 +- 6 158 ha (deforestation), 11 686 +- 3 756 ha
(forest gain), 285 770 +- 15 510 ha (stable forest), 581 386 +- 16 282 ha
(stable non-forest); user's accuracies 0.88, 0.73, 0.93, 0.96; producer's
0.75, 0.85, 0.93, 0.96; overall 0.95. These printed values are checked at
their printed precision; every column, standard errors included, is also
recomputed here from the paper's eqs. 4-10 with numpy to 1e-12.
"""
import csv
import sys

import numpy as np

res, mat = sys.argv[1], sys.argv[2]
rows = {r["class"]: r for r in csv.DictReader(open(res))}
paper = {  # class: (area ha, 95 % CI ha, user's, producer's)
    "1": (21158, 6158, 0.88, 0.75), "2": (11686, 3756, 0.73, 0.85),
    "3": (285770, 15510, 0.93, 0.93), "4": (581386, 16282, 0.96, 0.96),
}
fails = 0


def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    fails += not cond


for c, (a, ci, ua, pa) in paper.items():
    r = rows[c]
    got = (round(float(r["area_ha"])), round(float(r["area_ci95_ha"])), round(float(r["users_accuracy"]), 2),
           round(float(r["producers_accuracy"]), 2))
    check(got == (a, ci, ua, pa), f"class {c}: area {got[0]} +- {got[1]} ha, user's {got[2]}, producer's {got[3]} "
          f"(paper: {a} +- {ci}, {ua}, {pa})")
check(round(float(rows["overall"]["users_accuracy"]), 2) == 0.95,
      f"overall accuracy {float(rows['overall']['users_accuracy']):.4f} (paper: 0.95)")

m = list(csv.reader(open(mat)))
n = np.array([[float(x) for x in row[1:5]] for row in m[1:5]])
check(n.tolist() == [[66, 0, 5, 4], [0, 55, 8, 12], [1, 0, 153, 11], [2, 1, 9, 313]], "sample counts = table 8")
A = np.array([float(rows[c]["mapped_pixels"]) for c in "1234"])
W = A / A.sum()
ni = n.sum(1)
p = W[:, None] * n / ni[:, None]
f = n / ni[:, None]
ua = np.diag(p) / p.sum(1)
pa = np.diag(p) / p.sum(0)
ua_se = np.sqrt(ua * (1 - ua) / (ni - 1))
Nj = (A[:, None] * f).sum(0)
pa_se = np.array([math_sqrt for math_sqrt in [
    np.sqrt((A[j] ** 2 * (1 - pa[j]) ** 2 * ua[j] * (1 - ua[j]) / (ni[j] - 1)
             + pa[j] ** 2 * sum(A[i] ** 2 * f[i, j] * (1 - f[i, j]) / (ni[i] - 1) for i in range(4) if i != j)) / Nj[j] ** 2)
    for j in range(4)]])
prop_se = np.sqrt((W[:, None] ** 2 * f * (1 - f) / (ni[:, None] - 1)).sum(0))
want = {"users_accuracy": ua, "users_se": ua_se, "producers_accuracy": pa, "producers_se": pa_se,
        "area_proportion": p.sum(0), "area_proportion_se": prop_se, "area_pixels": A.sum() * p.sum(0),
        "area_ci95_pixels": 1.96 * A.sum() * prop_se, "area_ha": A.sum() * p.sum(0) * 0.09,
        "area_ci95_ha": 1.96 * A.sum() * prop_se * 0.09}
for col, w in want.items():
    got = np.array([float(rows[c][col]) for c in "1234"])
    d = float(np.max(np.abs(got - w) / np.maximum(1, np.abs(w))))
    check(d <= 1e-12, f"{col}: {np.round(got, 6).tolist()}, max rel. diff from numpy {d:.2g}")
oa = np.trace(p)
oa_se = np.sqrt((W ** 2 * ua * (1 - ua) / (ni - 1)).sum())
check(abs(float(rows["overall"]["users_accuracy"]) - oa) <= 1e-12 and abs(float(rows["overall"]["users_se"]) - oa_se) <= 1e-12,
      f"overall {oa:.6f} +- SE {oa_se:.6f}")
sys.exit(1 if fails else 0)
