#!/usr/bin/python3
"""A polygon layer of sanxiang's parallel polygonizer against GDALPolygonize
over the whole raster: the same regions with the same areas.

usage: polygons_vs_gdal.py RASTER GPKG LAYER FIELD CONN [--min T] [--area AFIELD SCALE]

GDAL's reference: band 1 of RASTER polygonized with itself as the mask
(cells equal to 0 are left out), 4- or 8-connected (CONN); with --min T the
band is first turned into 1 where value >= T and not nodata, else 0 (a flood
extent). A region is keyed by its value (FIELD in the layer) and its first
cell in raster-scan order. Checked: the same keys; each pair has the same
area and a symmetric difference of area 0; with --area, AFIELD x SCALE equals
the region's area (relative 1e-7: `dem watershed` sums its basins' areas in
integer units of 1e-4 m^2 per cell, so they may be off by 5e-5 m^2 a cell).
"""
import sys

import numpy as np
from osgeo import gdal, ogr

gdal.UseExceptions()
ogr.UseExceptions()
raster, gpkg, layer, field, conn = sys.argv[1:6]
opts = sys.argv[6:]
tmin = float(opts[opts.index("--min") + 1]) if "--min" in opts else None
afield, scale = (opts[opts.index("--area") + 1], float(opts[opts.index("--area") + 2])) if "--area" in opts else (None, 0)
ds = gdal.Open(raster)
gt = ds.GetGeoTransform()


def first_cell(g):
    ring = g.GetGeometryRef(0)
    return min((round((ring.GetY(k) - gt[3]) / gt[5]), round((ring.GetX(k) - gt[0]) / gt[1]))
               for k in range(ring.GetPointCount()))


band = ds.GetRasterBand(1)
if tmin is not None:
    a = band.ReadAsArray().astype(np.float64)
    nd = band.GetNoDataValue()
    m = gdal.GetDriverByName("MEM").Create("", ds.RasterXSize, ds.RasterYSize, 1, gdal.GDT_Byte)
    m.SetGeoTransform(gt)
    m.SetProjection(ds.GetProjection())
    m.GetRasterBand(1).WriteArray(((a >= tmin) & ((a != nd) if nd is not None else True)).astype(np.uint8))
    band = m.GetRasterBand(1)
mem = ogr.GetDriverByName("Memory").CreateDataSource("m")
lyr = mem.CreateLayer("p", None, ogr.wkbPolygon)
lyr.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
gdal.Polygonize(band, band, lyr, 0, ["8CONNECTED=8"] if conn == "8" else [])
ref = {(f.GetField(0), first_cell(f.GetGeometryRef())): f.GetGeometryRef().Clone() for f in lyr}
src = ogr.Open(gpkg)
got = {}
for f in src.GetLayerByName(layer):
    g = f.GetGeometryRef()
    got[(f.GetField(field), first_cell(g))] = (g.Clone(), f.GetField(afield) if afield else None)
fails = 0


def check(ok, what):
    global fails
    fails += 0 if ok else 1
    print(("ok   " if ok else "FAIL ") + what)


check(len(ref) > 0 and set(got) == set(ref), "%s: %d regions, GDALPolygonize %d, the same values and first cells"
      % (gpkg, len(got), len(ref)))
bad = [k for k in ref if k in got and not (abs(got[k][0].GetArea() - ref[k].GetArea()) <= 1e-9 * ref[k].GetArea() and
                                           got[k][0].SymDifference(ref[k]).GetArea() <= 1e-9 * ref[k].GetArea())]
check(not bad, "every region has GDAL's area and shape (%d differ)" % len(bad))
if afield:
    bad = [k for k in ref if k in got and abs(got[k][1] * scale - ref[k].GetArea()) > 1e-7 * ref[k].GetArea()]
    check(not bad, "%s x %g = the region's area (%d differ)" % (afield, scale, len(bad)))
sys.exit(1 if fails else 0)
