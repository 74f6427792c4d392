#!/usr/bin/python3
"""Independent check of rs zonal with GDAL's Python rasterizer and numpy.

usage: rs_zonal_check.py CSV RASTER ZONES

Burns each zone (feature order, later features win, pixel-centre rule: GDAL's
default) into the raster's grid, then computes count, sum, mean, min, max,
population std and median per zone with numpy in float64 from the float32
cell values. Count, min, max and median must match exactly; sum, mean and std
to 1e-12 relative (summation order differs).
"""
import csv
import sys

import numpy as np
from osgeo import gdal, ogr

csv_path, raster, zones = sys.argv[1:4]
ds = gdal.Open(raster)
v = ds.GetRasterBand(1).ReadAsArray().astype(np.float32).astype(np.float64)
nd = ds.GetRasterBand(1).GetNoDataValue()
valid = ~np.isnan(v) if nd is None or np.isnan(nd) else (v != nd) & ~np.isnan(v)
mem = gdal.GetDriverByName("MEM").Create("", ds.RasterXSize, ds.RasterYSize, 1, gdal.GDT_Int32)
mem.SetGeoTransform(ds.GetGeoTransform())
mem.SetProjection(ds.GetProjection())
mem.GetRasterBand(1).Fill(-1)
src = ogr.Open(zones)
lyr = src.GetLayer(0)
mlyr_ds = ogr.GetDriverByName("Memory").CreateDataSource("")
feats = list(lyr)
for i, f in enumerate(feats):
    ml = mlyr_ds.CreateLayer(f"z{i}", lyr.GetSpatialRef())
    nf = ogr.Feature(ml.GetLayerDefn())
    nf.SetGeometry(f.GetGeometryRef().Clone())
    ml.CreateFeature(nf)
    gdal.RasterizeLayer(mem, [1], ml, burn_values=[i])
z = mem.GetRasterBand(1).ReadAsArray()
rows = list(csv.DictReader(open(csv_path)))
fails = 0
for i, row in enumerate(rows):
    x = v[(z == i) & valid]
    if int(row["count"]) != x.size:
        print(f"zone {i}: count {row['count']} vs {x.size}")
        fails += 1
        continue
    if x.size == 0:
        continue
    exact = {"min": x.min(), "max": x.max(), "median": np.median(x)}
    close = {"sum": x.sum(), "mean": x.mean(), "std": x.std()}
    for k, want in exact.items():
        if float(row[k]) != want:
            print(f"zone {i}: {k} {row[k]} vs {want!r}")
            fails += 1
    for k, want in close.items():
        if abs(float(row[k]) - want) > 1e-12 * max(1.0, abs(want)):
            print(f"zone {i}: {k} {row[k]} vs {want!r}")
            fails += 1
print(f"{len(rows)} zones, {sum(int(r['count']) for r in rows)} cells, {fails} mismatches")
sys.exit(1 if fails or not rows else 0)
