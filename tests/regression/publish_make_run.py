#!/usr/bin/python3
"""Makes a small run directory over Hunan for the publish tests:

  publish_make_run.py BOUNDARIES OUT_DIR

* flood_zones.tif: Byte classes 1-4 per prefecture ((code // 100) % 4 + 1),
  0 (nodata) outside Hunan, 0.01 degree grid in EPSG:4326; its kind
  (hazard_class) is stated by SANXIANG_KIND metadata, not by its name;
* flood_depth.tif: Float32 depth in metres, a smooth field over the
  province, -9999 (nodata) outside it (a continuous layer);
* both carry Chinese long names (最大淹没水深, 洪水风险分区), which must reach
  the STAC titles, the QML/SLD titles and the viewer's layer list as UTF-8;
* stations.geojson: two gauge points (Xiangtan and Changsha gauges on the
  Xiang River) with attributes and a forecast hydrograph image each
  (hydrographs/<code>.png, a synthetic curve), EPSG:4326;
* zonal_hazard.csv: per-prefecture cell count and share of hazard class >= 3
  (city_code key), notes.csv: a table without a code column;
* run.json: a provenance record as `sanxiang run` writes it.
"""
import json
import os
import shutil
import sys

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
bnd, out = sys.argv[1], sys.argv[2]
shutil.rmtree(out, ignore_errors=True)  # a stale layer from an earlier version must not be published
os.makedirs(out)
x0, y0, dx, nx, ny = 108.7, 30.2, 0.01, 570, 570
srs = osr.SpatialReference()
srs.ImportFromEPSG(4326)
mem = gdal.GetDriverByName("MEM").Create("", nx, ny, 1, gdal.GDT_Int32)
mem.SetGeoTransform((x0, dx, 0, y0, 0, -dx))
mem.SetProjection(srs.ExportToWkt())
src = ogr.Open(bnd)
lay = src.GetLayer(0)
ds_mem = ogr.GetDriverByName("Memory").CreateDataSource("")
ml = ds_mem.CreateLayer("b", lay.GetSpatialRef(), ogr.wkbUnknown)
ml.CreateField(ogr.FieldDefn("cls", ogr.OFTInteger))
for f in lay:
    g = ogr.Feature(ml.GetLayerDefn())
    g.SetGeometry(f.GetGeometryRef().Clone())
    g.SetField("cls", (int(f.GetField("id")) // 100) % 4 + 1)
    ml.CreateFeature(g)
gdal.RasterizeLayer(mem, [1], ml, options=["ATTRIBUTE=cls"])
cls = mem.GetRasterBand(1).ReadAsArray().astype(np.uint8)


def write(name, arr, dtype, nodata, long_name, units, kind=None):
    ds = gdal.GetDriverByName("GTiff").Create(os.path.join(out, name), nx, ny, 1, dtype, ["TILED=YES", "COMPRESS=DEFLATE"])
    ds.SetGeoTransform((x0, dx, 0, y0, 0, -dx))
    ds.SetProjection(srs.ExportToWkt())
    b = ds.GetRasterBand(1)
    b.SetNoDataValue(nodata)
    b.SetMetadataItem("long_name", long_name)
    b.SetUnitType(units)
    if kind:
        ds.SetMetadataItem("SANXIANG_KIND", kind)
    b.WriteArray(arr)
    ds = None


write("flood_zones.tif", cls, gdal.GDT_Byte, 0, "洪水风险分区 flood zones", "1", kind="hazard_class")
yy, xx = np.mgrid[0:ny, 0:nx]
depth = (1.5 + 1.4 * np.sin(xx / 37.0) * np.cos(yy / 53.0)).astype(np.float32)
depth[cls == 0] = -9999
write("flood_depth.tif", depth, gdal.GDT_Float32, -9999, "最大淹没水深", "m")



def hydrograph(path, peak_hour):
    """A 320x160 RGB PNG line chart of a synthetic forecast hydrograph."""
    w, h = 320, 160
    img = np.full((3, h, w), 255, np.uint8)
    img[:, h - 20, 20:] = 0  # time axis
    img[:, 10:h - 20, 20] = 0  # discharge axis
    t = np.arange(20, w)
    q = np.exp(-((t - 20 - peak_hour) / 40.0) ** 2)
    rows = (h - 25 - q * (h - 45)).astype(int)
    for dy in (0, 1):
        img[0, rows + dy, t], img[1, rows + dy, t], img[2, rows + dy, t] = 33, 113, 181
    ds = gdal.GetDriverByName("MEM").Create("", w, h, 3, gdal.GDT_Byte)
    for b in range(3):
        ds.GetRasterBand(b + 1).WriteArray(img[b])
    gdal.GetDriverByName("PNG").CreateCopy(path, ds)


os.makedirs(os.path.join(out, "hydrographs"), exist_ok=True)
hydrograph(os.path.join(out, "hydrographs", "62402600.png"), 120)
hydrograph(os.path.join(out, "hydrographs", "62403000.png"), 150)
gj = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"station": "湘潭", "code": "62402600", "warning_level_m": 38.0,
                                       "hydrograph": "hydrographs/62402600.png"},
     "geometry": {"type": "Point", "coordinates": [112.93, 27.86]}},
    {"type": "Feature", "properties": {"station": "长沙", "code": "62403000", "warning_level_m": 35.0,
                                       "hydrograph": "hydrographs/62403000.png"},
     "geometry": {"type": "Point", "coordinates": [112.96, 28.20]}}]}
json.dump(gj, open(os.path.join(out, "stations.geojson"), "w"), ensure_ascii=False)
# A zonal table as a domain would write it: share of each prefecture's cells in hazard class >= 3
# (joined to the boundaries by city_code), and a table without a code column (left out with a warning).
codes = {}
lay.ResetReading()
idx = gdal.GetDriverByName("MEM").Create("", nx, ny, 1, gdal.GDT_Int32)
idx.SetGeoTransform((x0, dx, 0, y0, 0, -dx))
idx.SetProjection(srs.ExportToWkt())
ml2 = ds_mem.CreateLayer("c", lay.GetSpatialRef(), ogr.wkbUnknown)
ml2.CreateField(ogr.FieldDefn("code", ogr.OFTInteger))
for f in lay:
    g = ogr.Feature(ml2.GetLayerDefn())
    g.SetGeometry(f.GetGeometryRef().Clone())
    g.SetField("code", int(f.GetField("id")))
    ml2.CreateFeature(g)
gdal.RasterizeLayer(idx, [1], ml2, options=["ATTRIBUTE=code"])
zone = idx.GetRasterBand(1).ReadAsArray()
with open(os.path.join(out, "zonal_hazard.csv"), "w") as fh:
    fh.write("city_code,cells,high_hazard_share\n")
    for c in sorted(set(zone.ravel().tolist()) - {0}):
        m = zone == c
        fh.write(f"{c},{int(m.sum())},{float((cls[m] >= 3).mean()):.6f}\n")
with open(os.path.join(out, "notes.csv"), "w") as fh:
    fh.write("note,author\nsynthetic test run,sanxiang tests\n")
json.dump({"provenance": {"software": "sanxiang", "version": "test", "commit": "test", "utc_time": "2026-07-01T06:00:00Z"},
           "configuration": {"job": "hunan_test"}}, open(os.path.join(out, "run.json"), "w"))
print(f"run directory {out}: flood_zones.tif, flood_depth.tif, stations.geojson (+ hydrographs), zonal_hazard.csv, notes.csv, run.json")
