#!/usr/bin/python3
"""The worked example of Olofsson et al. (2014, RSE 148:42-57, section 5,
table 8) as a map and a sample, for rs accuracy.

usage: rs_accuracy_setup.py OUT

OUT/olofsson_map.tif: 2500 x 4000 cells of 30 m (UTM 18N), classes 1
deforestation, 2 forest gain, 3 stable forest, 4 stable non-forest in bands
of rows with exactly the paper's mapped pixels (200 000, 150 000, 3 200 000,
6 450 000). OUT/olofsson_sample.gpkg: the paper's 640 sample units, each a
point in a cell of its map class, with field `reference` giving the paper's
reference class (table 8 counts). OUT/one_sample.gpkg: the same with a single
unit of map class 2; OUT/outside.gpkg: one point off the map.
"""
import os
import sys

import numpy as np
from osgeo import gdal, ogr, osr

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
W, H = 2500, 4000
rows = [80, 60, 1280, 2580]  # x 2500 = 200 000, 150 000, 3 200 000, 6 450 000
counts = [[66, 0, 5, 4], [0, 55, 8, 12], [1, 0, 153, 11], [2, 1, 9, 313]]
cls = np.repeat(np.arange(1, 5, dtype=np.uint8), rows)[:, None] * np.ones((1, W), np.uint8)
srs = osr.SpatialReference()
srs.ImportFromEPSG(32618)
ds = gdal.GetDriverByName("GTiff").Create(f"{out}/olofsson_map.tif", W, H, 1, gdal.GDT_Byte,
                                          ["TILED=YES", "COMPRESS=DEFLATE"])
ds.SetGeoTransform((400000, 30, 0, 4500000, 0, -30))
ds.SetProjection(srs.ExportToWkt())
ds.GetRasterBand(1).SetNoDataValue(255)
ds.GetRasterBand(1).WriteArray(cls)
ds = None
rng = np.random.default_rng(2014)
top = np.concatenate([[0], np.cumsum(rows)])


def write(path, units):
    drv = ogr.GetDriverByName("GPKG")
    if os.path.exists(path):
        drv.DeleteDataSource(path)
    src = drv.CreateDataSource(path)
    lyr = src.CreateLayer("sample", srs, ogr.wkbPoint)
    lyr.CreateField(ogr.FieldDefn("reference", ogr.OFTInteger))
    for x, y, ref in units:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("reference", int(ref))
        g = ogr.Geometry(ogr.wkbPoint)
        g.AddPoint_2D(float(x), float(y))
        f.SetGeometry(g)
        lyr.CreateFeature(f)
    src = None


units = []
for i in range(4):
    for j in range(4):
        for _ in range(counts[i][j]):
            r = rng.integers(top[i], top[i + 1])
            c = rng.integers(0, W)
            units.append((400000 + 30 * c + 15, 4500000 - 30 * r - 15, j + 1))
write(f"{out}/olofsson_sample.gpkg", units)
first2 = next(k for k, u in enumerate(units) if 4500000 - (u[1] + 15) >= 30 * top[1] * 1 and
              4500000 - (u[1] + 15) < 30 * top[2])
write(f"{out}/one_sample.gpkg", [u for k, u in enumerate(units) if not (30 * top[1] <= 4500000 - (u[1] + 15) < 30 * top[2])
                                 or k == first2])
write(f"{out}/outside.gpkg", units[:10] + [(300000, 4500000, 1)])
print(f"{len(units)} sample units")
