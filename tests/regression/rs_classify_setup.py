#!/usr/bin/python3
"""Small inputs for rs classify (issue 20).

usage: rs_classify_setup.py OUT

OUT/f1.tif, f2.tif, f3.tif: three Float32 feature layers of 64 x 45 cells of
30 m (UTM 18N), smooth fields plus noise, with a NaN block in f1 (nodata
cells: the map is 255 there and samples on them are dropped).
OUT/points.gpkg: 240 sample points (field `class`, 1 .. 3) at cell centres,
labelled by a rule on f1, f2 with 8 % of the labels flipped; some lie on
the NaN block. OUT/polygons.gpkg: six rectangles, two per class.
OUT/few.gpkg: class 3 with only 3 points (too few). OUT/extra.gpkg: points
of classes 1, 2 and 7 (7 is not in a model trained on points.gpkg).
OUT/other_grid.tif: f2 on a grid one column narrower (mismatched grid).
OUT/hand_model.txt: a hand-written one-tree model (f1 <= 0.25: class 1,
else f2 <= -0.5: class 2, else class 3), checked cell by cell;
OUT/bad_model.txt: the same with a child link out of range.
"""
import os
import sys

import numpy as np
from osgeo import gdal, ogr, osr

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
W, H, X0, Y0, R = 64, 45, 500000.0, 4500000.0, 30.0
rng = np.random.default_rng(20)
yy, xx = np.mgrid[0:H, 0:W]
f1 = np.sin(xx / 9.0) + 0.6 * np.cos(yy / 7.0) + 0.15 * rng.standard_normal((H, W))
f2 = np.cos((xx + yy) / 11.0) + 0.15 * rng.standard_normal((H, W))
f3 = rng.standard_normal((H, W))
f1 = f1.astype(np.float32)
f1[30:36, 5:14] = np.nan
srs = osr.SpatialReference()
srs.ImportFromEPSG(32618)


def raster(name, a, w=W):
    ds = gdal.GetDriverByName("GTiff").Create(f"{out}/{name}", w, H, 1, gdal.GDT_Float32)
    ds.SetGeoTransform([X0, R, 0, Y0, 0, -R])
    ds.SetProjection(srs.ExportToWkt())
    b = ds.GetRasterBand(1)
    b.SetNoDataValue(float("nan"))
    b.WriteArray(a[:, :w].astype(np.float32))
    ds = None


raster("f1.tif", f1)
raster("f2.tif", f2)
raster("f3.tif", f3)
raster("other_grid.tif", f2, W - 1)


def rule(r, c):
    a, b = float(f1[r, c]), float(f2[r, c])
    if not np.isfinite(a):
        a = 0.0
    return 1 if a + 0.4 * b > 0.5 else (2 if b > 0.1 else 3)


def layer(name, geoms):
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(f"{out}/{name}")
    lyr = ds.CreateLayer("samples", srs, ogr.wkbUnknown)
    lyr.CreateField(ogr.FieldDefn("class", ogr.OFTInteger))
    for g, c in geoms:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("class", int(c))
        f.SetGeometry(ogr.CreateGeometryFromWkt(g))
        lyr.CreateFeature(f)
    ds = None


def point(r, c):
    return f"POINT ({X0 + (c + 0.5) * R} {Y0 - (r + 0.5) * R})"


cells = rng.choice(W * H, 240, replace=False)
pts = []
for k in cells:
    r, c = divmod(int(k), W)
    cl = rule(r, c)
    if rng.random() < 0.08:
        cl = 1 + (cl % 3)
    pts.append((point(r, c), cl))
pts += [(point(32, 8), 2), (point(33, 10), 1)]  # on the NaN block: dropped
layer("points.gpkg", pts)


def rect(c0, r0, c1, r1):
    x0, x1 = X0 + c0 * R + 1, X0 + c1 * R - 1
    y0, y1 = Y0 - r0 * R - 1, Y0 - r1 * R + 1
    return f"POLYGON (({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))"


polys = []
for cl in (1, 2, 3):
    found = [(r, c) for r in range(2, H - 4, 3) for c in range(2, W - 4, 3)
             if all(rule(r + i, c + j) == cl and np.isfinite(f1[r + i, c + j]) for i in range(3) for j in range(3))]
    for r, c in (found[0], found[len(found) // 2]):
        polys.append((rect(c, r, c + 3, r + 3), cl))
layer("polygons.gpkg", polys)
layer("few.gpkg", [p for p in pts if p[1] != 3] + [p for p in pts if p[1] == 3][:3])
layer("extra.gpkg", [p for p in pts if p[1] != 3][:40] + [(point(1, 1), 7)])

head = "sanxiang-random-forest 1\nfeatures 3 f1 f2 f3\nclasses 3 1 2 3\nparams seed 1 mtry 3 min_node 1 max_depth 0\n"
with open(f"{out}/hand_model.txt", "w") as f:
    f.write(head + "trees 1\ntree 0 5\nS 0 0.25 1 2\nL 1\nS 1 -0.5 3 4\nL 2\nL 3\n")
with open(f"{out}/bad_model.txt", "w") as f:
    f.write(head + "trees 1\ntree 0 5\nS 0 0.25 1 7\nL 1\nS 1 -0.5 3 4\nL 2\nL 3\n")
