#!/usr/bin/python3
"""rs patches against an independent labelling of the same class maps.

usage: rs_patches_check.py BEFORE.tif AFTER.tif OUT CONNECTIVITY MMU_CELLS [CLASSES.csv]

The reference labels the changed cells (both maps mapped, classes differ)
into 4- or 8-connected components of one from -> to pair with a breadth-first
search written here (not GDAL), numbers them by their first cell in raster
order, drops those under MMU_CELLS cells, and takes areas as the sum of the
cells' ground areas: in a projected CRS the cell size, in a geographic CRS
dlambda * integral of M(phi) N(phi) cos(phi) dphi over the row (meridian and
prime-vertical radii of the CRS's ellipsoid, 16-point Gauss-Legendre), a
different route from the authalic closed form sanxiang uses. Checked against
OUT.gpkg (layer patches) and OUT_transitions.csv: the set of patches and their
ids, classes, names, cells, area (1e-9 relative), centroid (mean of the cell
centres, 1e-9 of a cell), and every transition's cells, area (1e-4 m^2 per
cell) and kept patches.
"""
import collections
import csv
import sys

import numpy as np
from osgeo import gdal, ogr, osr

bpath, apath, out, conn, mmu = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
names = {}
if len(sys.argv) > 6:
    names = {int(r["class"]): r["name"] for r in csv.DictReader(open(sys.argv[6], encoding="utf-8"))}
fails = 0


def check(cond, what):
    global fails
    if not cond:
        fails += 1
        if fails < 20:
            print("FAIL " + what)


ds = gdal.Open(bpath)
b = ds.GetRasterBand(1).ReadAsArray().astype(int)
dsa = gdal.Open(apath)
a = dsa.GetRasterBand(1).ReadAsArray().astype(int)
gt = ds.GetGeoTransform()
srs = osr.SpatialReference(wkt=ds.GetProjection())
H, W = b.shape
valid = (b != 255) & (a != 255)
if srs.IsGeographic():
    A, f = srs.GetSemiMajor(), 1 / srs.GetInvFlattening()
    e2 = f * (2 - f)
    x, w = np.polynomial.legendre.leggauss(16)
    row_area = np.empty(H)
    for j in range(H):
        p1, p2 = np.radians(gt[3] + gt[5] * (j + 1)), np.radians(gt[3] + gt[5] * j)
        phi = 0.5 * (p2 - p1) * x + 0.5 * (p1 + p2)
        s2 = np.sin(phi) ** 2
        mn = A * (1 - e2) / (1 - e2 * s2) ** 1.5 * A / np.sqrt(1 - e2 * s2) * np.cos(phi)
        row_area[j] = np.radians(abs(gt[1])) * 0.5 * (p2 - p1) * np.dot(w, mn)
else:
    row_area = np.full(H, abs(gt[1] * gt[5]) * srs.GetLinearUnits() ** 2)

label = -np.ones((H, W), int)
nb = [(-1, 0), (1, 0), (0, -1), (0, 1)] + ([(-1, -1), (-1, 1), (1, -1), (1, 1)] if conn == 8 else [])
ref = []
for j in range(H):
    for i in range(W):
        if label[j, i] >= 0 or not valid[j, i] or a[j, i] == b[j, i]:
            continue
        key = (b[j, i], a[j, i])
        q = collections.deque([(j, i)])
        label[j, i] = len(ref)
        cells = []
        while q:
            y, x0 = q.popleft()
            cells.append((y, x0))
            for dy, dx in nb:
                yy, xx = y + dy, x0 + dx
                if 0 <= yy < H and 0 <= xx < W and label[yy, xx] < 0 and valid[yy, xx] and \
                        (b[yy, xx], a[yy, xx]) == key:
                    label[yy, xx] = len(ref)
                    q.append((yy, xx))
        ys = np.array([c[0] for c in cells])
        xs = np.array([c[1] for c in cells])
        ref.append(dict(frm=key[0], to=key[1], cells=len(cells), area=row_area[ys].sum(),
                        cx=gt[0] + gt[1] * (xs.mean() + 0.5), cy=gt[3] + gt[5] * (ys.mean() + 0.5)))
kept = [p for p in ref if p["cells"] >= mmu]

src = ogr.Open(out + ".gpkg")
lyr = src.GetLayerByName("patches")
got = []
for feat in lyr:
    d = {k: feat.GetField(k) for k in ("patch_id", "from_class", "to_class", "change_code", "cells", "area_m2", "area_ha",
                                       "centroid_x", "centroid_y", "from_name", "to_name")}
    geom = feat.GetGeometryRef()
    d["geom_area"] = geom.GetArea() if geom is not None else float("nan")
    got.append(d)
got.sort(key=lambda d: d["patch_id"])
check(len(got) == len(kept), "%d patches, reference %d (of %d before the MMU)" % (len(got), len(kept), len(ref)))
cell = abs(gt[1])
for k, (f, p) in enumerate(zip(got, kept)):
    what = "patch %d" % (k + 1)
    check(f.get("patch_id") == k + 1, what + " id %s" % f.get("patch_id"))
    check((f.get("from_class"), f.get("to_class")) == (p["frm"], p["to"]),
          what + " classes %s->%s vs %d->%d" % (f.get("from_class"), f.get("to_class"), p["frm"], p["to"]))
    check(f.get("change_code") == p["frm"] * 1000 + p["to"], what + " code")
    check(f.get("cells") == p["cells"], what + " cells %s vs %d" % (f.get("cells"), p["cells"]))
    check(abs(f.get("area_m2") - p["area"]) <= 1e-9 * p["area"], what + " area %.12g vs %.12g" %
          (f.get("area_m2"), p["area"]))
    check(abs(f.get("area_ha") * 1e4 - f.get("area_m2")) <= 1e-9 * p["area"], what + " ha")
    check(abs(f.get("centroid_x") - p["cx"]) <= 1e-9 * cell and abs(f.get("centroid_y") - p["cy"]) <= 1e-9 * cell,
          what + " centroid")
    if names:
        check(f.get("from_name") == names.get(p["frm"]) and f.get("to_name") == names.get(p["to"]),
              what + " names %r %r" % (f.get("from_name"), f.get("to_name")))
    check(abs(f["geom_area"] / abs(gt[1] * gt[5]) - p["cells"]) < 1e-6, what + " geometry")

rows = {(int(r["from_class"]), int(r["to_class"])): r for r in csv.DictReader(open(out + "_transitions.csv", encoding="utf-8"))}
pairs = collections.Counter()
area = collections.defaultdict(float)
for j in range(H):
    for i in range(W):
        if valid[j, i]:
            pairs[(b[j, i], a[j, i])] += 1
            area[(b[j, i], a[j, i])] += row_area[j]
check(set(rows) == set(pairs), "transition pairs %s vs %s" % (sorted(rows), sorted(pairs)))
for key, n in pairs.items():
    r = rows.get(key)
    if not r:
        continue
    check(int(r["cells"]) == n, "transition %s cells %s vs %d" % (key, r["cells"], n))
    check(abs(float(r["area_m2"]) - area[key]) <= 1e-4 * n + 1e-9 * area[key], "transition %s area %s vs %.10g" %
          (key, r["area_m2"], area[key]))
    kp = [p for p in kept if (p["frm"], p["to"]) == key]
    check(int(r["patches"]) == len(kp) and int(r["patch_cells"]) == sum(p["cells"] for p in kp),
          "transition %s patches %s vs %d" % (key, r["patches"], len(kp)))
    if names:
        check(r["from_name"] == names.get(key[0], "") and r["to_name"] == names.get(key[1], ""), "transition names")
print("%s: %d patches (%d before the MMU), %d transitions, %d failure(s)" % (out, len(kept), len(ref), len(rows), fails))
sys.exit(1 if fails else 0)
