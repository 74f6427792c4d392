#!/usr/bin/python3
"""Makes a run directory with one 3-band raster for the multi-band publish
tests, from the bundled Landsat 8 crop (data/remote_sensing/landsat8, CC0):

  publish_make_rgb_run.py LANDSAT_DIR OUT_DIR

* landsat_rgb.tif: bands 4, 3, 2 (red, green, blue) of the crop, UInt16
  digital numbers, WGS 84 / UTM 16N as delivered, each band with a
  description ("B4 red (0.64-0.67 um)" ...) that names its colour, so
  publish must find eo:common_name from the description alone;
* run.json: a provenance record as `sanxiang run` writes it.
"""
import json
import os
import shutil
import sys

from osgeo import gdal

gdal.UseExceptions()
src, out = sys.argv[1], sys.argv[2]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
bands = [("l8_B4.tif", "B4 red (0.64-0.67 um)"), ("l8_B3.tif", "B3 green (0.53-0.59 um)"), ("l8_B2.tif", "B2 blue (0.45-0.51 um)")]
vrt = gdal.BuildVRT("", [os.path.join(src, f) for f, _ in bands], separate=True)
ds = gdal.Translate(os.path.join(out, "landsat_rgb.tif"), vrt, creationOptions=["TILED=YES", "COMPRESS=DEFLATE"])
for i, (_, desc) in enumerate(bands):
    ds.GetRasterBand(i + 1).SetDescription(desc)
    ds.GetRasterBand(i + 1).SetUnitType("1")
ds.SetMetadataItem("SANXIANG_KIND", "generic")
ds = None
json.dump({"provenance": {"version": "test", "software": "sanxiang", "commit": "test", "utc_time": "2015-08-04T16:30:00Z"},
           "configuration": {"job": "landsat_rgb_test"}}, open(os.path.join(out, "run.json"), "w"))
print(f"run directory {out}: landsat_rgb.tif (3 bands: {', '.join(d for _, d in bands)}), run.json")
