#!/usr/bin/python3
"""Inputs of the rs patches tests: pairs of class maps with known structure.

usage: rs_patches_setup.py DIR

utm_{before,after}.tif: 157 x 131 cells of 30 m (EPSG:32649), blocky random
classes 1-5 with changes, nodata (255) holes, a change stripe through every
row (so it crosses every rank's block) and diagonal-only neighbours (where 4-
and 8-connectivity differ). geo_{before,after}.tif: the same pattern on a
0.001 degree CGCS2000 grid (EPSG:4490) at 28-29 N. classes.csv: names.
shifted.tif: a map on another grid; fraction.tif: a class value 2.5.
"""
import os
import sys

import numpy as np
from osgeo import gdal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from class_tif import write_tif  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
H, W = 131, 157
rng = np.random.default_rng(20)
coarse = rng.integers(1, 6, size=(H // 6 + 1, W // 6 + 1))
before = np.kron(coarse, np.ones((6, 6), int))[:H, :W].astype(np.uint8)
after = before.copy()
flip = np.kron(rng.random((H // 3 + 1, W // 3 + 1)) < 0.3, np.ones((3, 3), bool))[:H, :W]
after[flip] = rng.integers(1, 6, size=flip.sum())
after[:, 70:73] = np.where(before[:, 70:73] == 4, 5, 4)   # a stripe of change through all rows
after[rng.random((H, W)) < 0.02] = 3                    # single-cell changes, some touching at corners
for i in range(5):                                      # a diagonal chain: one patch if 8-connected
    after[10 + i, 20 + i] = 1 if before[10 + i, 20 + i] != 1 else 2
before[rng.random((H, W)) < 0.01] = 255
after[100:104, 100:110] = 255


def write(name, a, epsg, gt, dtype=gdal.GDT_Byte):
    write_tif(f"{out}/{name}", a, gt, epsg, dtype)


utm = (500000, 30, 0, 3100000, 0, -30)
geo = (112.0, 0.001, 0, 29.0, 0, -0.001)
write("utm_before.tif", before, 32649, utm)
write("utm_after.tif", after, 32649, utm)
write("geo_before.tif", before, 4490, geo)
write("geo_after.tif", after, 4490, geo)
write("shifted.tif", after, 32649, (500030, 30, 0, 3100000, 0, -30))
frac = after.astype(np.float32)
frac[50, 60] = 2.5
write("fraction.tif", frac, 32649, utm, gdal.GDT_Float32)
with open(f"{out}/classes.csv", "w", encoding="utf-8") as f:
    f.write("class,name\n1,耕地\n2,林地\n3,草地\n4,水域\n5,\"建设用地, 城镇\"\n")
print(f"{int((before != after).sum())} changed cells")
with open(f"{out}/badnames.csv", "w", encoding="utf-8") as f:
    f.write("id,label\n1,a\n")
