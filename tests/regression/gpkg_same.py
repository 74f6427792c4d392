#!/usr/bin/python3
"""Two GeoPackages hold the same layer: the same CRS and the same features in
the same order (FIDs), with equal attributes and byte-equal geometries (WKB).
The files themselves differ in GDAL's write timestamp
(gpkg_contents.last_change), so this is how outputs written at different
rank counts are compared.

usage: gpkg_same.py A.gpkg B.gpkg LAYER
"""
import sys

from osgeo import ogr


def rows(path, name):
    src = ogr.Open(path)
    lyr = src.GetLayerByName(name)
    srs = lyr.GetSpatialRef()
    out = [srs.ExportToWkt() if srs else ""]
    for f in lyr:
        out.append((f.GetFID(), tuple(f.GetField(i) for i in range(f.GetFieldCount())),
                    bytes(f.GetGeometryRef().ExportToWkb())))
    return out


a, b = rows(sys.argv[1], sys.argv[3]), rows(sys.argv[2], sys.argv[3])
diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
ok = len(a) == len(b) and not diff and len(a) > 1
print("%s vs %s: %d and %d features, %d differ (0 = the CRS)" % (sys.argv[1], sys.argv[2], len(a) - 1, len(b) - 1,
                                                                  len(diff)))
sys.exit(0 if ok else 1)
