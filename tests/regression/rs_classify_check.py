#!/usr/bin/python3
"""rs classify against an independent Python random forest (issue 20).

usage: rs_classify_check.py IN RUN

IN is rs_classify_setup.py's folder; RUN holds the maps of rs_classify_run.sh
(np1/). This file re-implements from docs/remote-sensing.md, in plain Python,
the sample gathering (the point's cell), the hold-back (per class, the
floor(f n_c) samples of smallest splitmix64 hash), each tree's random stream
(splitmix64 from mix(seed) ^ mix(t + 1), rejection sampling), the bootstrap,
the feature visit order (Fisher-Yates step per visited feature, until mtry
features could split), CART with the Gini criterion (score sum L^2/nL +
sum R^2/nR, first best wins, midpoint thresholds) and the majority vote, and
checks that:
  - a single unpruned tree on all samples (no bootstrap, all features) gives
    sanxiang's map cell for cell, and its root split (feature and threshold
    to the last bit) is the one in the model file;
  - a 7-tree forest (bootstrap, mtry 1, 30 % held back) gives sanxiang's map,
    vote shares, and test confusion matrix;
  - the map from the polygon samples equals the forest trained in Python on
    the cells whose centres lie inside the rectangles;
  - a hand-written one-tree model file classifies every cell as its two
    thresholds say (255 where a feature is missing).
"""
import csv
import sys

import numpy as np
from osgeo import gdal, ogr

IN, RUN = sys.argv[1], sys.argv[2]
M64 = (1 << 64) - 1
fails = 0


def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    fails += not cond


def mix(z):
    z = (z + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class Rng:
    def __init__(self, s):
        self.s = s

    def below(self, m):
        lim = M64 - (M64 % m)
        while True:
            x = mix(self.s)
            self.s = (self.s + 0x9E3779B97F4A7C15) & M64
            if x < lim:
                return x % m


def best_cut(X, y, idx, f, ncls):
    pairs = sorted((X[i][f], y[i]) for i in idx)
    if not pairs[0][0] < pairs[-1][0]:
        return None
    tot = [0] * ncls
    for _, c in pairs:
        tot[c] += 1
    left = [0] * ncls
    best = None
    m = len(pairs)
    for i in range(m - 1):
        left[pairs[i][1]] += 1
        a, b = pairs[i][0], pairs[i + 1][0]
        if not a < b:
            continue
        sl = sum(l * l for l in left)
        sr = sum((t - l) ** 2 for t, l in zip(tot, left))
        s = sl / (i + 1) + sr / (m - i - 1)
        if best is None or s > best[0]:
            mid = a + (b - a) / 2
            if not mid < b:
                mid = a
            best = (s, mid)
    return best


def grow(X, y, idx, ncls, nfeat, mtry, rng):
    """Nodes as dicts; the same preorder (left first) as sanxiang."""
    counts = [0] * ncls
    for i in idx:
        counts[y[i]] += 1
    maj = max(range(ncls), key=lambda c: (counts[c], -c))
    node = {"cls": maj}
    if sum(1 for c in counts if c) < 2 or len(idx) < 2:
        return node
    order = list(range(nfeat))
    tried, bf, bs, bt = 0, -1, None, None
    for k in range(nfeat):
        if tried >= mtry:
            break
        if mtry < nfeat:
            j = k + rng.below(nfeat - k)
            order[k], order[j] = order[j], order[k]
        r = best_cut(X, y, idx, order[k], ncls)
        if r is None:
            continue
        tried += 1
        if bf < 0 or r[0] > bs:
            bf, bs, bt = order[k], r[0], r[1]
    if bf < 0:
        return node
    L = [i for i in idx if X[i][bf] <= bt]
    R = [i for i in idx if X[i][bf] > bt]
    node.update(f=bf, t=bt, l=grow(X, y, L, ncls, nfeat, mtry, rng), r=grow(X, y, R, ncls, nfeat, mtry, rng))
    return node


def predict(node, x):
    while "f" in node:
        node = node["l"] if x[node["f"]] <= node["t"] else node["r"]
    return node["cls"]


def forest(X, y, ncls, ntrees, mtry, seed, bootstrap):
    n, nfeat = len(X), len(X[0])
    trees = []
    for t in range(ntrees):
        rng = Rng(mix(seed) ^ mix(t + 1))
        idx = [rng.below(n) for _ in range(n)] if bootstrap else list(range(n))
        trees.append(grow(X, y, idx, ncls, nfeat, min(mtry, nfeat), rng))
    return trees


def vote(trees, x, ncls):
    v = [0] * ncls
    for tr in trees:
        v[predict(tr, x)] += 1
    return max(range(ncls), key=lambda c: (v[c], -c)), v


F = np.stack([gdal.Open(f"{IN}/f{k}.tif").ReadAsArray().astype(np.float64) for k in (1, 2, 3)])
nfeat, H, W = F.shape
gt = gdal.Open(f"{IN}/f1.tif").GetGeoTransform()


def samples(path):
    """(sequence number, feature vector, class) of the valid sample cells, in sanxiang's order."""
    out, seq = [], 0
    ds = ogr.Open(path)
    lyr = ds.GetLayer(0)
    for f in lyr:
        g = f.GetGeometryRef()
        if g.GetGeometryName() == "POINT":
            cells = [(int((g.GetY() - gt[3]) // gt[5]), int((g.GetX() - gt[0]) // gt[1]))]
        else:
            cells = []
            for r in range(H):
                for c in range(W):
                    p = ogr.Geometry(ogr.wkbPoint)
                    p.AddPoint_2D(gt[0] + (c + 0.5) * gt[1], gt[3] + (r + 0.5) * gt[5])
                    if g.Contains(p):
                        cells.append((r, c))
        for r, c in cells:
            x = [float(v) for v in F[:, r, c]]
            if all(np.isfinite(x)):
                out.append((seq, x, f.GetField("class")))
            seq += 1
    return out


def hold_back(smp, frac, seed):
    test = set()
    for cl in sorted({s[2] for s in smp}):
        members = [s[0] for s in smp if s[2] == cl]
        key = sorted((mix(mix(seed ^ 0x5851F42D4C957F2D) ^ q), q) for q in members)
        test |= {q for _, q in key[: int(np.floor(frac * len(members)))]}
    return test


def run_case(name, path, ntrees, mtry, seed, bootstrap, frac):
    smp = samples(path)
    classes = sorted({s[2] for s in smp})
    test = hold_back(smp, frac, seed)
    tr = [s for s in smp if s[0] not in test]
    X = [s[1] for s in tr]
    y = [classes.index(s[2]) for s in tr]
    trees = forest(X, y, len(classes), ntrees, mtry, seed, bootstrap)
    want = np.full((H, W), 255, np.uint8)
    share = np.full((len(classes), H, W), np.nan)
    for r in range(H):
        for c in range(W):
            x = F[:, r, c]
            if np.all(np.isfinite(x)):
                k, v = vote(trees, [float(a) for a in x], len(classes))
                want[r, c] = classes[k]
                share[:, r, c] = np.array(v, np.float64) / ntrees
    got = gdal.Open(f"{RUN}/{name}.tif").ReadAsArray()
    check(np.array_equal(got, want), f"{name}: map equals the Python forest ({np.sum(got != want)} of {got.size} "
          f"cells differ)")
    return smp, classes, test, trees, share


# 1. one CART tree on every sample
smp, classes, _, trees, _ = run_case("tree", f"{IN}/points.gpkg", 1, 3, 1, False, 0.0)
split = open(f"{RUN}/tree_model.txt").read().splitlines()[6].split()
root = trees[0]
check(split[0] == "S" and int(split[1]) == root["f"] and float(split[2]) == root["t"],
      f"tree: root split feature {split[1]} at {split[2]} (Python: feature {root['f']} at {root['t']!r})")

# 2. a bootstrap forest with a held-back test
smp, classes, test, trees, share = run_case("forest", f"{IN}/points.gpkg", 7, 1, 5, True, 0.3)
for k, cl in enumerate(classes):
    got = gdal.Open(f"{RUN}/forest_prob_{cl}.tif").ReadAsArray().astype(np.float64)
    ok = np.array_equal(np.isnan(got), np.isnan(share[k])) and np.allclose(got[~np.isnan(got)],
                                                                            share[k][~np.isnan(got)], 0, 1e-7)
    check(ok, f"forest: vote share of class {cl} equals the Python forest's")
mat = np.zeros((len(classes), len(classes)), int)
for s in smp:
    if s[0] in test:
        mat[vote(trees, s[1], len(classes))[0], classes.index(s[2])] += 1
rows = list(csv.reader(open(f"{RUN}/forest_test_matrix.csv")))
got = np.array([[int(v) for v in r[1:1 + len(classes)]] for r in rows[1:]])
check(np.array_equal(got, mat), f"forest: test confusion matrix {got.tolist()} (Python {mat.tolist()})")
oa = np.trace(mat) / mat.sum()
row = [r for r in csv.DictReader(open(f"{RUN}/forest_test.csv")) if r["class"] == "overall"][0]
check(abs(float(row["users_accuracy"]) - oa) < 1e-15, f"forest: overall test accuracy {row['users_accuracy']} "
      f"(Python {oa:.17g})")

# 3. polygon samples
run_case("poly", f"{IN}/polygons.gpkg", 3, 2, 9, True, 0.0)
# 4. a hand-written tree: f1 <= 0.25 -> 1, else f2 <= -0.5 -> 2, else 3; 255 where a feature is NaN
want = np.where(F[0] <= 0.25, 1, np.where(F[1] <= -0.5, 2, 3)).astype(np.uint8)
want[~np.all(np.isfinite(F), axis=0)] = 255
got = gdal.Open(f"{RUN}/hand.tif").ReadAsArray()
check(np.array_equal(got, want), f"hand-written model: map as the tree says ({np.sum(got != want)} cells differ)")
sys.exit(1 if fails else 0)
