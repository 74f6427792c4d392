#!/usr/bin/python3
"""Inputs of the rs sample tests.

usage: rs_sample_setup.py DIR

map.tif: 157 x 131 cells of 30 m (EPSG:32649, 32 x 32 tiles, so 2-4 ranks
cut it into different blocks), blocky classes 1, 2, 3 and a rare class 7
(a few small blocks), nodata (255) holes. ref.tif (Float32, NaN nodata):
the map with a fifth of the blocks relabelled, NaN in a band of rows and 255
in a few cells (both unlabelled). exclude.gpkg (EPSG:4326): 90 points at
cell centres (some in class 7), one polygon over 3 x 3 cells and two points
off the map. olofsson.tif: 400 x 250 cells with the proportions of Olofsson
et al. (2014, section 5): 2000, 1500, 32 000 and 64 500 cells of classes
1-4. Bad inputs: shifted.tif (a reference on another grid), fraction.tif
(a map value 2.5), badref.tif (a reference value 3.5 on a mapped cell),
outside.gpkg (exclude points all off the map).
"""
import os
import sys

import numpy as np
from osgeo import gdal, ogr, osr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from class_tif import write_tif  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
H, W = 131, 157
GT = (500000.0, 30.0, 0.0, 3100000.0, 0.0, -30.0)
rng = np.random.default_rng(77)
coarse = rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2], size=(H // 5 + 1, W // 5 + 1))
cls = np.kron(coarse, np.ones((5, 5), int))[:H, :W].astype(np.uint8)
for r, c in [(12, 30), (70, 140), (120, 8), (45, 77)]:
    cls[r:r + 4, c:c + 4] = 7                         # 4 blocks of 16: 64 cells of class 7
cls[rng.random((H, W)) < 0.01] = 255
cls[60:64, 20:50] = 255
ref = cls.astype(np.float32)
relabel = np.kron(rng.random((H // 5 + 1, W // 5 + 1)) < 0.2, np.ones((5, 5), bool))[:H, :W]
ref[relabel] = rng.choice([1, 2, 3, 7], size=relabel.sum())
ref[cls == 255] = rng.choice([1, 2, 3], size=(cls == 255).sum())
ref[90:96, :] = np.nan
ref[rng.random((H, W)) < 0.005] = 255


def write(name, a, gt=GT, dtype=gdal.GDT_Byte, nodata=255.0, epsg=32649):
    write_tif(f"{out}/{name}", a, gt, epsg, dtype, nodata)


write("map.tif", cls)
write("ref.tif", ref, dtype=gdal.GDT_Float32, nodata=float("nan"))
write("shifted.tif", ref, gt=(500030.0, 30.0, 0.0, 3100000.0, 0.0, -30.0), dtype=gdal.GDT_Float32, nodata=float("nan"))
frac = cls.astype(np.float32)
frac[50, 60] = 2.5
write("fraction.tif", frac, dtype=gdal.GDT_Float32)
bad = ref.copy()
bad[30, 40] = 3.5
assert cls[30, 40] != 255
write("badref.tif", bad, dtype=gdal.GDT_Float32, nodata=float("nan"))

rows = [8, 6, 128, 258]  # x 250 = 2000, 1500, 32 000, 64 500
olof = np.repeat(np.arange(1, 5, dtype=np.uint8), rows)[:, None] * np.ones((1, 250), np.uint8)
write("olofsson.tif", olof, gt=(400000.0, 30.0, 0.0, 4500000.0, 0.0, -30.0))

utm = osr.SpatialReference()
utm.ImportFromEPSG(32649)
wgs = osr.SpatialReference()
wgs.ImportFromEPSG(4326)
wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
utm.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
to_wgs = osr.CoordinateTransformation(utm, wgs)


def points(name, cells, polygon=None, off=()):
    drv = ogr.GetDriverByName("GPKG")
    if os.path.exists(f"{out}/{name}"):
        drv.DeleteDataSource(f"{out}/{name}")
    ds = drv.CreateDataSource(f"{out}/{name}")
    lyr = ds.CreateLayer("training", wgs, ogr.wkbUnknown)
    lyr.CreateField(ogr.FieldDefn("class", ogr.OFTInteger))
    geoms = []
    for r, c in cells:
        x, y = GT[0] + (c + 0.5) * GT[1], GT[3] + (r + 0.5) * GT[5]
        geoms.append(ogr.CreateGeometryFromWkt(f"POINT ({x} {y})"))
    for x, y in off:
        geoms.append(ogr.CreateGeometryFromWkt(f"POINT ({x} {y})"))
    if polygon:
        geoms.append(ogr.CreateGeometryFromWkt(polygon))
    for g in geoms:
        g.Transform(to_wgs)
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("class", 1)
        f.SetGeometry(g)
        lyr.CreateFeature(f)
    ds = None


valid = np.argwhere(cls != 255)
pick = valid[rng.choice(len(valid), 80, replace=False)]
rare = np.argwhere(cls == 7)[rng.choice(64, 10, replace=False)]
x0, y0 = GT[0] + 100 * 30, GT[3] - 20 * 30      # cells (20..22, 100..102): centres inside, edges not
square = f"POLYGON (({x0 + 1} {y0 - 1}, {x0 + 89} {y0 - 1}, {x0 + 89} {y0 - 89}, {x0 + 1} {y0 - 89}, {x0 + 1} {y0 - 1}))"
points("exclude.gpkg", [tuple(p) for p in pick] + [tuple(p) for p in rare], square,
       off=[(GT[0] - 500, GT[3] + 500), (GT[0] + 10000, GT[3] - 10000)])
points("outside.gpkg", [], off=[(GT[0] - 500, GT[3] + 500), (GT[0] - 900, GT[3] + 900)])
print("map classes:", {int(c): int((cls == c).sum()) for c in (1, 2, 3, 7)})
