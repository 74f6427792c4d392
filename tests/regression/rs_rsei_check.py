#!/usr/bin/python3
"""Independent check of rs rsei with numpy.

usage: rs_rsei_check.py OUT   (OUT/np1 from rs_rsei_run.sh)

Cells where all four layers have data; each layer min-max normalised;
np.cov (ddof 1) and np.linalg.eigh; PC1 oriented so that NDVI loads
positively; RSEI = PC1 score rescaled to [0, 1]. The loadings and
eigenvalues of OUT/np1/rsei_pca.csv must equal numpy's to 1e-9 (relative),
the RSEI cells to 1e-9.
"""
import csv
import sys

import numpy as np
from rs_series_lib import read

out = sys.argv[1]
L = np.stack([read(f"{out}/np1/{n}.tif") for n in ("ndvi", "wet", "ndbsi")] + [read(f"{out}/lst.tif")])
ok_cells = ~np.isnan(L).any(axis=0)
X = L[:, ok_cells]
lo, hi = X.min(axis=1), X.max(axis=1)
N = (X - lo[:, None]) / (hi - lo)[:, None]
cov = np.cov(N)
w, V = np.linalg.eigh(cov)
order = np.argsort(w)[::-1]
w, V = w[order], V[:, order]
for c in range(4):
    k0 = next(k for k in range(4) if V[k, c] != 0)
    if V[k0, c] < 0:
        V[:, c] = -V[:, c]
score = V[:, 0] @ (N - N.mean(axis=1)[:, None])
rsei = np.full(ok_cells.shape, np.nan)
rsei[ok_cells] = (score - score.min()) / (score.max() - score.min())

rows = {r["component"]: r for r in csv.DictReader(open(f"{out}/np1/rsei_pca.csv"))}
fails = 0
for c in range(4):
    r = rows[f"PC{c + 1}"]
    got = np.array([float(r[n]) for n in ("ndvi", "wet", "ndbsi", "lst")])
    ev = float(r["eigenvalue"])
    d = max(float(np.abs(got - V[:, c]).max()), abs(ev - w[c]) / w[0])
    ok = d <= 1e-9
    fails += not ok
    print(f"{'ok  ' if ok else 'FAIL'} PC{c + 1}: eigenvalue {ev:.6g} ({float(r['percent']):.2f} %), loadings "
          f"{np.round(got, 6).tolist()}, max diff from numpy {d:.3g}")
got = read(f"{out}/np1/rsei.tif")
nan_bad = int((np.isnan(got) != np.isnan(rsei)).sum())
both = ~np.isnan(got) & ~np.isnan(rsei)
d = float(np.abs(got[both] - rsei[both]).max())
ok = nan_bad == 0 and d <= 1e-9 and int(rows["cells"]["eigenvalue"]) == int(ok_cells.sum())
fails += not ok
print(f"{'ok  ' if ok else 'FAIL'} rsei: {int(both.sum())} cells, NaN mismatches {nan_bad}, max abs diff {d:.3g}, "
      f"mean {np.nanmean(got):.4f}")
sys.exit(1 if fails else 0)
