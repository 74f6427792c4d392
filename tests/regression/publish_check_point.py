#!/usr/bin/python3
"""A class raster published in another CRS keeps its values where they were:

  publish_check_point.py SOURCE.tif PUBLISHED.tif LON LAT [LON LAT ...]

Reads the source at each lon/lat and the published COG at the same place
transformed into its CRS (e.g. a CGCS2000 Gauss-Kruger zone) with OSR, and
requires equal values (class layers are reprojected with NEAREST).
"""
import sys

from osgeo import gdal, osr

gdal.UseExceptions()


def value(ds, x, y):
    gt = ds.GetGeoTransform()
    col, row = int((x - gt[0]) / gt[1]), int((y - gt[3]) / gt[5])
    return int(ds.GetRasterBand(1).ReadAsArray(col, row, 1, 1)[0, 0])


src, pub = gdal.Open(sys.argv[1]), gdal.Open(sys.argv[2])
wgs = osr.SpatialReference()
wgs.ImportFromEPSG(4326)
wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
dst = osr.SpatialReference(wkt=pub.GetProjection())
dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
ct = osr.CoordinateTransformation(wgs, dst)
pts = [float(v) for v in sys.argv[3:]]
bad = 0
for lon, lat in zip(pts[::2], pts[1::2]):
    x, y, _ = ct.TransformPoint(lon, lat)
    a, b = value(src, lon, lat), value(pub, x, y)
    print(f"{lon} {lat} -> {x:.1f} {y:.1f}: source {a}, published {b}")
    bad += a != b or a == 0
sys.exit(1 if bad else 0)
