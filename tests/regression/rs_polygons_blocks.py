#!/usr/bin/python3
"""The parallel polygonizer on regions made to cross the ranks' block edges,
against GDALPolygonize over the whole raster.

usage: rs_polygons_blocks.py BIN OUT

A 24 x 40 class map (rows split 12|12 at 2 ranks, 8|8|8 at 3, 6|6|6|6 at 4)
holds a U whose arms meet only in the last block (pieces of one region in
every block), a ring whose hole crosses block edges with an island in the
hole, cells touching at a corner across every block edge (one 8-connected
region, separate 4-connected ones), a zigzag chain through all blocks, and
three-class noise (holes, diagonal pinches). `rs patches` (before: class 1
everywhere, so the code raster is 1000 + class where the class is not 1)
runs 4- and 8-connected at 1-4 ranks. Checked: the layers at 2-4 ranks equal
1 rank's feature for feature (gpkg_same.py); at every rank count the
patches are GDALPolygonize's regions of the code raster (same count; each
matched by code and first cell has the same area and a symmetric difference
of area 0 with GDAL's polygon), cells = area / cell area.
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
H, W = 24, 40
c = np.ones((H, W), np.uint8)
c[1:21, 2:4] = 2                    # U: left arm
c[1:21, 8:10] = 2                   # right arm
c[19:21, 2:10] = 2                  # joined in the last block only
c[3:15, 12:21] = 3                  # ring ...
c[5:13, 14:19] = 1                  # ... its hole across the edges 5|6, 7|8, 11|12
c[8:10, 16] = 3                     # an island in the hole
for r0, col in ((5, 23), (11, 25), (7, 27), (15, 29), (17, 23), (11, 21)):
    c[r0, col] = 4                  # corner touches across block edges
    c[r0 + 1, col + 1] = 4
for r in range(H):
    c[r, 31 + r % 2] = 5            # zigzag through every block
rng = np.random.default_rng(3)
c[:, 34:] = rng.integers(1, 4, (H, W - 34))
c[22:, :30] = rng.integers(1, 3, (2, 30))
gt = (500000.0, 10.0, 0.0, 3000000.0, 0.0, -10.0)
srs = osr.SpatialReference()
srs.ImportFromEPSG(32650)


def tif(path, a):
    ds = gdal.GetDriverByName("GTiff").Create(path, W, H, 1, gdal.GDT_Byte)
    ds.SetGeoTransform(gt)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(a)
    ds = None


tif(f"{out}/before.tif", np.ones((H, W), np.uint8))
tif(f"{out}/after.tif", c)
fails = 0


def check(ok, what):
    global fails
    fails += 0 if ok else 1
    print(("ok   " if ok else "FAIL ") + what)


def first_cell(g):
    ring = g.GetGeometryRef(0)
    return min((round((ring.GetY(k) - gt[3]) / gt[5]), round((ring.GetX(k) - gt[0]) / gt[1]))
               for k in range(ring.GetPointCount()))


def gdal_regions(raster, conn):
    ds = gdal.Open(raster)
    band = ds.GetRasterBand(1)
    mem = ogr.GetDriverByName("Memory").CreateDataSource("m")
    lyr = mem.CreateLayer("p", srs, ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
    gdal.Polygonize(band, band, lyr, 0, ["8CONNECTED=8"] if conn == 8 else [])
    return {(f.GetField(0), first_cell(f.GetGeometryRef())): f.GetGeometryRef().Clone() for f in lyr}


for conn in (4, 8):
    for np_ in range(1, 5):
        d = f"{out}/np{np_}"
        os.makedirs(d, exist_ok=True)
        cmd = ["mpirun", "--oversubscribe", "-np", str(np_), bin_, "rs", "patches", "--before", f"{out}/before.tif",
               "--after", f"{out}/after.tif", "--connectivity", str(conn), "-o", f"{d}/c{conn}"]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        ref = gdal_regions(f"{d}/c{conn}.tif", conn)
        got = {}
        src = ogr.Open(f"{d}/c{conn}.gpkg")
        for f in src.GetLayerByName("patches"):
            g = f.GetGeometryRef()
            got[(f.GetField("change_code"), first_cell(g))] = (g.Clone(), f.GetField("cells"), f.GetField("patch_id"))
        check(len(got) == len(ref) and set(got) == set(ref),
              f"{conn}-connected at {np_} ranks: {len(got)} patches, GDALPolygonize {len(ref)}")
        bad = [k for k in ref if k in got and not (abs(got[k][0].GetArea() - ref[k].GetArea()) < 1e-6 and
                                                   got[k][0].SymDifference(ref[k]).GetArea() < 1e-6 and
                                                   got[k][1] * 100 == round(ref[k].GetArea()))]
        check(not bad, f"{conn}-connected at {np_} ranks: every patch has GDAL's area and shape ({len(bad)} differ)")
        ids = [got[k][2] for k in sorted(got, key=lambda k: k[1])]
        check(ids == list(range(1, len(ids) + 1)), f"{conn}-connected at {np_} ranks: ids in raster-scan order")
        if np_ > 1:
            same = subprocess.run([sys.executable, f"{here}/gpkg_same.py", f"{out}/np1/c{conn}.gpkg", f"{d}/c{conn}.gpkg",
                                   "patches"], stdout=subprocess.DEVNULL).returncode == 0
            check(same, f"{conn}-connected: the layer at {np_} ranks equals 1 rank's (gpkg_same.py)")
sys.exit(1 if fails else 0)
