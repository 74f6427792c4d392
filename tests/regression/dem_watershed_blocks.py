#!/usr/bin/python3
"""`dem watershed` polygons on basins made to cross the ranks' block edges
and to hold together only through cell corners, at 1-4 ranks.

usage: dem_watershed_blocks.py BIN OUT

A 24 x 40 grid of ESRI flow directions: a diagonal chain of cells flowing
south-east through every block (rows split 12|12 at 2 ranks, 8|8|8 at 3,
6|6|6|6 at 4) to an outlet on the last row that drains off the grid; every
other cell flows north-east, so the cells of one diagonal parity reach the
chain and the others leave the grid. Basin 1 (the last-row outlet) and basin
2 (an outlet half-way down the chain) are thus checkerboards: one 8-connected
polygon each (66 and 170 cells), all but a few separate cells 4-connected. Checked: one polygon
per basin; at every rank count GDALPolygonize's 8-connected regions with
their areas (polygons_vs_gdal.py), area_km2 = cells x cell area, basin 2
drains to 1 and 1 to nothing; the layers at 2-4 ranks equal 1 rank's
feature for feature (gpkg_same.py).
"""
import os
import subprocess
import sys

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
bin_, out = os.path.abspath(sys.argv[1]), sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(out, exist_ok=True)
H, W, C0 = 24, 40, 8
E, SE, S, NE = 1, 2, 4, 128
d = np.full((H, W), NE, np.uint8)
for r in range(H):
    d[r, C0 + r] = SE
d[H - 1, C0 + H - 1] = S
gt = (500000.0, 30.0, 0.0, 3000000.0, 0.0, -30.0)
srs = osr.SpatialReference()
srs.ImportFromEPSG(32650)


def tif(path, a, t):
    ds = gdal.GetDriverByName("GTiff").Create(path, W, H, 1, t)
    ds.SetGeoTransform(gt)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(a)
    ds = None


tif(f"{out}/dir.tif", d, gdal.GDT_Byte)
tif(f"{out}/acc.tif", np.ones((H, W), np.float32), gdal.GDT_Float32)
with open(f"{out}/outlets.csv", "w") as f:
    f.write("x,y\n")
    for r, c in ((H - 1, C0 + H - 1), (12, C0 + 12)):
        f.write("%.1f,%.1f\n" % (gt[0] + (c + 0.5) * gt[1], gt[3] + (r + 0.5) * gt[5]))
fails = 0


def check(ok, what):
    global fails
    fails += 0 if ok else 1
    print(("ok   " if ok else "FAIL ") + what)


for np_ in range(1, 5):
    o = f"{out}/np{np_}"
    os.makedirs(o, exist_ok=True)
    subprocess.run(["mpirun", "--oversubscribe", "-np", str(np_), bin_, "dem", "watershed", f"{out}/dir.tif", "--accum",
                    f"{out}/acc.tif", "--outlets", f"{out}/outlets.csv", "--snap", "0", "-o", f"{o}/ws.tif"],
                   check=True, stdout=subprocess.DEVNULL)
    lab = gdal.Open(f"{o}/ws.tif").ReadAsArray()
    src = ogr.Open(f"{o}/ws.gpkg")
    feats = [(f.GetField("basin_id"), f.GetField("area_km2"), f.GetField("downstream_id")) for f in
             src.GetLayerByName("basins")]
    src = None
    check(sorted(b for b, _, _ in feats) == [1, 2] and (lab == 1).sum() > 50 and (lab == 2).sum() > 50,
          "%d ranks: one polygon per basin (%d and %d cells)" % (np_, (lab == 1).sum(), (lab == 2).sum()))
    check(all(abs(a * 1e6 - (lab == b).sum() * 900.0) < 1e-6 for b, a, _ in feats) and
          {b: dn for b, _, dn in feats} == {1: 0, 2: 1}, "%d ranks: area_km2 = cells x 900 m2, 2 drains to 1" % np_)
    r = subprocess.run([sys.executable, f"{here}/polygons_vs_gdal.py", f"{o}/ws.tif", f"{o}/ws.gpkg", "basins",
                        "basin_id", "8", "--area", "area_km2", "1e6"], stdout=subprocess.PIPE, text=True)
    print(r.stdout, end="")
    check(r.returncode == 0, "%d ranks: GDALPolygonize's regions and areas" % np_)
    if np_ > 1:
        same = subprocess.run([sys.executable, f"{here}/gpkg_same.py", f"{out}/np1/ws.gpkg", f"{o}/ws.gpkg", "basins"],
                              stdout=subprocess.DEVNULL).returncode == 0
        check(same, "the layer at %d ranks equals 1 rank's (gpkg_same.py)" % np_)
sys.exit(1 if fails else 0)
