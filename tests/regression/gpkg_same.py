#!/usr/bin/python3
"""Two GeoPackages hold the same layer: the same CRS and the same features in
the same order (FIDs), with equal attributes and byte-equal geometries (WKB).
With --bytes the two files must also be byte for byte the same, which they are
when both were written with the same SOURCE_DATE_EPOCH (the tests set it: it
fixes GDAL's write timestamp, gpkg_contents.last_change); the feature
comparison runs first, so a difference is reported by feature.

usage: gpkg_same.py A.gpkg B.gpkg LAYER [--bytes]
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
if ok and "--bytes" in sys.argv[4:]:
    with open(sys.argv[1], "rb") as fa, open(sys.argv[2], "rb") as fb:
        same = fa.read() == fb.read()
    print("the files are %s" % ("byte for byte the same" if same else "NOT byte for byte the same"))
    ok = same
sys.exit(0 if ok else 1)
