#!/usr/bin/python3
"""Two rs patches GeoPackages hold the same layer: the same features in the
same order with equal attributes and byte-equal geometries (WKB).

usage: rs_patches_same.py A.gpkg B.gpkg
"""
import sys

from osgeo import ogr


def rows(path):
    src = ogr.Open(path)
    lyr = src.GetLayerByName("patches")
    out = []
    for f in lyr:
        out.append((f.GetFID(), tuple(f.GetField(i) for i in range(f.GetFieldCount())),
                    bytes(f.GetGeometryRef().ExportToWkb())))
    return out


a, b = rows(sys.argv[1]), rows(sys.argv[2])
diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
ok = len(a) == len(b) and not diff and len(a) > 0
print("%s vs %s: %d and %d features, %d differ" % (sys.argv[1], sys.argv[2], len(a), len(b), len(diff)))
sys.exit(0 if ok else 1)
