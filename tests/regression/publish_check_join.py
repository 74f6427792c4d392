#!/usr/bin/python3
"""Every row of an indicator table reached its unit in the published
boundaries GeoPackage (joined by division code), value for value:

  publish_check_join.py BOUNDARIES.gpkg TABLE.csv CODE_COLUMN
"""
import csv
import sys

from osgeo import ogr

gpkg, table, key = sys.argv[1:4]
ds = ogr.Open(gpkg)
lay = ds.GetLayer(0)
units = {}
for f in lay:
    units[str(f.GetField("id"))] = f
rows = list(csv.DictReader(open(table, encoding="utf-8-sig")))
bad = 0
for r in rows:
    f = units.get(r[key])
    if f is None:
        print(f"code {r[key]} of {table} has no boundary")
        bad += 1
        continue
    for col, v in r.items():
        if col == key or col in ("coord",):
            continue
        got = f.GetField(col)
        if got is None or abs(float(got) - float(v)) > 1e-9 * max(1.0, abs(float(v))):
            print(f"code {r[key]}: {col} = {got} in the package, {v} in the table")
            bad += 1
print(f"{len(rows)} rows of {table} joined to {len(units)} units; {bad} problem(s)")
sys.exit(1 if bad or not rows else 0)
