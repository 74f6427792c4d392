#!/usr/bin/python3
"""rs sample against an independent reading of its documented design.

usage: rs_sample_check.py OUT SEED --map MAP (--per-class N | --total N --min M)
                          [--reference REF] [--exclude FILE] [--expect N1,N2,...]

OUT.gpkg (layer sample) and OUT_strata.csv were written by
`sanxiang rs sample` with these options. From the rasters and the exclude
features alone (GDAL/OGR + numpy, Fractions for the allocation) this
recomputes the frame (mapped cells not under an exclude feature and, with a
reference, labelled), the stratum sizes (equal, or the minimum for classes
whose proportional share is below it — fixed one at a time, smallest share
first — and the rest by largest remainders), the keys
splitmix64(s + cell * golden) with s = splitmix64(seed ^ "sample") and the n_h
smallest per class. Checks: the layer holds exactly that sample in class,
then cell order; every point is at the centre of a cell (located from its
coordinates) whose map class is its map_class, and its reference equals
REF there; no excluded or unlabelled cell is drawn; the per-stratum counts
equal the allocation (and --expect); the stratum fields, the strata table
and the layer's CRS agree.
"""
import argparse
import csv
import sys
from fractions import Fraction

import numpy as np
from osgeo import gdal, ogr, osr

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("seed", type=int)
ap.add_argument("--map", required=True)
ap.add_argument("--per-class", type=int)
ap.add_argument("--total", type=int)
ap.add_argument("--min", type=int, default=50)
ap.add_argument("--reference")
ap.add_argument("--exclude")
ap.add_argument("--expect")
a = ap.parse_args()
fails = 0


def check(ok, what):
    global fails
    if not ok:
        fails += 1
        print("FAIL:", what)


M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
GOLD = 0x9E3779B97F4A7C15


def mix(z):
    """splitmix64's output function of z + golden ratio, on uint64 arrays (wrapping)."""
    with np.errstate(over="ignore"):
        z = z + np.uint64(GOLD)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


mds = gdal.Open(a.map)
gt = mds.GetGeoTransform()
band = mds.GetRasterBand(1)
mv = band.ReadAsArray().astype(np.float64)
nd = band.GetNoDataValue()
if nd is not None:
    mv[mv == nd] = np.nan
H, W = mv.shape
mapped = ~np.isnan(mv) & (mv != 255)
ref = None
labelled = np.ones_like(mapped)
if a.reference:
    rds = gdal.Open(a.reference)
    ref = rds.GetRasterBand(1).ReadAsArray().astype(np.float64)
    rnd = rds.GetRasterBand(1).GetNoDataValue()
    if rnd is not None and not np.isnan(rnd):
        ref[ref == rnd] = np.nan
    labelled = ~np.isnan(ref) & (ref != 255)
excluded = np.zeros_like(mapped)
if a.exclude:
    src = ogr.Open(a.exclude)
    lyr = src.GetLayer(0)
    msrs = osr.SpatialReference(wkt=mds.GetProjection())
    msrs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    vsrs = lyr.GetSpatialRef().Clone()
    vsrs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(vsrs, msrs)
    for f in lyr:
        g = f.GetGeometryRef().Clone()
        g.Transform(ct)
        if g.GetGeometryType() == ogr.wkbPoint:
            c, r = int(np.floor((g.GetX() - gt[0]) / gt[1])), int(np.floor((g.GetY() - gt[3]) / gt[5]))
            if 0 <= c < W and 0 <= r < H:
                excluded[r, c] = True
        else:
            for r in range(H):
                for c in range(W):
                    p = ogr.CreateGeometryFromWkt(f"POINT ({gt[0] + (c + 0.5) * gt[1]} {gt[3] + (r + 0.5) * gt[5]})")
                    if g.Contains(p):
                        excluded[r, c] = True
eligible = mapped & ~excluded & labelled
classes = sorted(int(c) for c in np.unique(mv[mapped]))
A = {c: int((mapped & (mv == c)).sum()) for c in classes}
E = {c: int((eligible & (mv == c)).sum()) for c in classes}

# allocation
if a.per_class:
    n = {c: a.per_class for c in classes}
else:
    fixed = {}
    while True:
        free = [c for c in classes if c not in fixed]
        r = a.total - a.min * len(fixed)
        s = sum(A[c] for c in free)
        share = {c: Fraction(r * A[c], s) for c in free}
        low = min(free, key=lambda c: (share[c], c))
        if share[low] < a.min:
            fixed[low] = a.min
        else:
            break
    n = dict(fixed)
    whole = {c: share[c].numerator // share[c].denominator for c in free}
    left = r - sum(whole.values())
    order = sorted(free, key=lambda c: (-(share[c] - whole[c]), c))
    for c in free:
        n[c] = whole[c] + (1 if c in order[:left] else 0)
check(sum(n.values()) == (a.per_class * len(classes) if a.per_class else a.total), "allocation sums to the total")
if a.expect:
    check([n[c] for c in classes] == [int(x) for x in a.expect.split(",")],
          "allocation %s, expected %s" % ([n[c] for c in classes], a.expect))

# the expected sample
SALT = 0x73616D706C65
s0 = mix(np.array([a.seed ^ SALT], dtype=np.uint64))[0]
cell = np.arange(H * W, dtype=np.uint64)
with np.errstate(over="ignore"):
    keys = mix(s0 + cell * np.uint64(GOLD))
want = []
for c in classes:
    idx = np.flatnonzero((eligible & (mv == c)).ravel())
    order = np.lexsort((idx, keys[idx]))
    want += [(c, int(i)) for i in sorted(idx[order[:n[c]]])]

# the layer
src = ogr.Open(a.out + ".gpkg")
lyr = src.GetLayerByName("sample")
msrs = osr.SpatialReference(wkt=mds.GetProjection())
check(lyr.GetSpatialRef() is not None and lyr.GetSpatialRef().IsSame(msrs), "layer CRS is the map's")
got = []
for k, f in enumerate(lyr):
    g = f.GetGeometryRef()
    x, y = g.GetX(), g.GetY()
    c, r = int(np.floor((x - gt[0]) / gt[1])), int(np.floor((y - gt[3]) / gt[5]))
    if not (0 <= c < W and 0 <= r < H):
        check(False, "feature %d at (%r, %r) off the map" % (f.GetFID(), x, y))
        continue
    check(x == gt[0] + (c + 0.5) * gt[1] and y == gt[3] + (r + 0.5) * gt[5], "feature %d not at a cell centre" % f.GetFID())
    mc = f.GetField("map_class")
    check(mapped[r, c] and mv[r, c] == mc, "feature %d: map_class %s, map %s" % (f.GetFID(), mc, mv[r, c]))
    check(f.GetField("col") == c and f.GetField("row") == r, "feature %d: col/row fields" % f.GetFID())
    check(f.GetField("sample_id") == k + 1, "feature %d: sample_id %s" % (f.GetFID(), f.GetField("sample_id")))
    check(not excluded[r, c], "feature %d on an excluded cell (%d, %d)" % (f.GetFID(), c, r))
    if ref is not None:
        check(labelled[r, c] and f.GetField("reference") == ref[r, c],
              "feature %d: reference %s, REF %s" % (f.GetFID(), f.GetField("reference"), ref[r, c]))
    else:
        check(f.GetFieldIndex("reference") < 0, "a reference field without --reference")
    check(f.GetField("stratum_pixels") == A.get(mc) and f.GetField("stratum_eligible") == E.get(mc)
          and f.GetField("stratum_sample") == n.get(mc), "feature %d: stratum fields" % f.GetFID())
    got.append((mc, r * W + c))
counts = {c: sum(1 for g in got if g[0] == c) for c in classes}
check(all(counts[c] == n[c] for c in classes), "per-stratum counts %s, allocation %s" % (counts, n))
check(got == want, "the sample differs from the independent draw (%d vs %d units, %d in common)"
      % (len(got), len(want), len(set(got) & set(want))))

rows = list(csv.DictReader(open(a.out + "_strata.csv")))
check([r["class"] for r in rows] == [str(c) for c in classes] + ["total"], "strata table classes")
for r in rows[:-1]:
    c = int(r["class"])
    check(int(r["mapped_pixels"]) == A[c] and int(r["eligible"]) == E[c] and int(r["sample"]) == n[c]
          and int(r["excluded"]) == int((mapped & excluded & (mv == c)).sum())
          and int(r["unlabelled"]) == int((mapped & ~excluded & ~labelled & (mv == c)).sum()),
          "strata row %s" % r)
print("%s: %d units in %d strata %s (eligible %s), %d failure(s)" % (a.out, len(got), len(classes), n, E, fails))
sys.exit(1 if fails else 0)
