#!/usr/bin/python3
"""Geocoding of calibrated Sentinel-1 GRD: `rs sarcal` GCPs and `rs warp` through them.

usage: rs_sargeo_check.py BIN OUT SAFE_DIR

SAFE_DIR is the real S1A IW GRDH annotation set (no measurement; s1_product.py
makes one, random DN 1..4000 in WIN). WIN spans one cell of the annotation's
geolocation grid (pixels 8883..10152, lines 0..2003), so its four corners are
grid points. Checks:
 1. the COG of `rs sarcal --srcwin WIN` carries every geolocationGridPoint of the
    annotation (parsed here with xml.etree) as a GCP: pixel - x0, line - y0,
    longitude, latitude, height, in WGS 84;
 2. `rs warp` of it to EPSG:4326 at 0.0003 degrees (thin-plate spline through
    the GCPs) is identical at 1, 2, 3 and 4 ranks (frame, CRS, every cell);
 3. at each grid point inside WIN (the four corners included) the geocoded
    cell containing its longitude/latitude holds the calibrated value of a
    source pixel within R = 3 pixels of the point's pixel/line (the cell
    centre is within half a cell diagonal, about 2 source pixels; nearest
    resampling copies values, so this is an exact membership test), or, at
    the corners, where that cell can fall just outside the footprint, one of
    its 8 neighbours does;
 4. the geocoded grid's extent is the corners' longitude/latitude range to
    within one output cell (two at the far edges, whose corner grid points
    are one pixel inside the image edge).
Leaves OUT/gcps_nocrs.tif (GCPs without a CRS) for the error test in rs.cmake.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from s1_product import copy_product  # noqa: E402

bin_, out, src = sys.argv[1:4]
P = copy_product(src, out)
x0, y0, nx, ny = WIN = (8883, 0, 1270, 2004)
rng = np.random.default_rng(4)
P.write_measurement(x0, y0, rng.integers(1, 4001, size=(ny, nx)).astype(np.uint16))


def run(np_, *args):
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), bin_, "rs", *args]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        print(r.stdout[-3000:])
        sys.exit("failed: " + " ".join(cmd))


fail = 0


def check(ok, what):
    global fail
    print(("ok   " if ok else "FAIL ") + what)
    fail |= not ok


cal = os.path.join(out, "sigma0.tif")
run(2, "sarcal", P.safe, "--pol", "VV", "--no-noise", "--srcwin", *map(str, WIN), "-o", cal)
pts = [[float(g.find(k).text) for k in ("pixel", "line", "longitude", "latitude", "height")]
       for g in ET.parse(P.path(P.annotation)).getroot().iter("geolocationGridPoint")]
pts = np.array(pts)
ds = gdal.Open(cal)
gcps = np.array([[g.GCPPixel, g.GCPLine, g.GCPX, g.GCPY, g.GCPZ] for g in ds.GetGCPs()])
srs = ds.GetGCPSpatialRef()
check(srs is not None and srs.GetAuthorityCode(None) == "4326", "GCPs in WGS 84 (EPSG:4326)")
want = pts - [x0, y0, 0, 0, 0]
check(gcps.shape == want.shape and np.allclose(gcps, want, rtol=1e-12, atol=1e-9),
      f"{len(gcps)} GCPs equal the annotation's {len(pts)} geolocation grid points (shifted by the window)")
S = ds.ReadAsArray().astype(float)
ds = None

TR = 0.0003  # degrees: about 21 x 33 m, 2-3 source pixels of 10 m
R = 3  # source pixels around a grid point that an output cell containing it may show (half a cell diagonal)
geo = {}
for np_ in (1, 2, 3, 4):
    f = os.path.join(out, f"geo_np{np_}.tif")
    run(np_, "warp", cal, "--t-srs", "EPSG:4326", "--tr", str(TR), "-o", f)
    d = gdal.Open(f)
    geo[np_] = (d.GetGeoTransform(), d.GetProjection(), np.nan_to_num(d.ReadAsArray(), nan=-1).tobytes())
for np_ in (2, 3, 4):
    check(geo[np_] == geo[1], f"geocoded grid at {np_} ranks identical to 1 rank (frame, CRS, every cell bit for bit)")

g = gdal.Open(os.path.join(out, "geo_np1.tif"))
gt = g.GetGeoTransform()
G = g.ReadAsArray().astype(float)
inside = [p for p in want if 0 <= p[0] <= nx - 1 and 0 <= p[1] <= ny - 1]
corners = [p for p in inside if p[0] in (0, nx - 1) and p[1] in (0, ny - 1)]
check(len(corners) == 4, f"{len(inside)} grid points inside the window, 4 of them its corners")
for p in inside:
    pi, li, lon, lat = p[:4]
    col, row = int((lon - gt[0]) // gt[1]), int((lat - gt[3]) // gt[5])
    near = {S[j, i] for j in range(int(li) - R, int(li) + R + 1) for i in range(int(pi) - R, int(pi) + R + 1)
            if 0 <= j < ny and 0 <= i < nx}
    reach = 1 if any((p[:2] == c[:2]).all() for c in corners) else 0
    cells = [G[r, c] for r in range(row - reach, row + reach + 1) for c in range(col - reach, col + reach + 1)
             if 0 <= r < G.shape[0] and 0 <= c < G.shape[1]]
    hit = any(v in near for v in cells if not np.isnan(v))
    check(hit, f"grid point pixel {pi + x0:.0f} line {li + y0:.0f} ({lon:.5f}, {lat:.5f}) -> cell ({col}, {row}) "
          "holds its source pixel's value")
lons, lats = np.array([c[2] for c in corners]), np.array([c[3] for c in corners])
ext = (gt[0], gt[3] + G.shape[0] * gt[5], gt[0] + G.shape[1] * gt[1], gt[3])
dx, dy = gt[1], -gt[5]
check(abs(ext[0] - lons.min()) <= 2 * dx and abs(ext[2] - lons.max()) <= 2 * dx and abs(ext[1] - lats.min()) <= 2 * dy
      and abs(ext[3] - lats.max()) <= 2 * dy,
      f"extent {ext} vs the corners' lon {lons.min():.6f}..{lons.max():.6f} lat {lats.min():.6f}..{lats.max():.6f}, "
      f"cell {dx:.3g} x {dy:.3g}")
# for the error test (rs.cmake): GCPs without a CRS
d = gdal.GetDriverByName("GTiff").Create(os.path.join(out, "gcps_nocrs.tif"), 8, 8, 1, gdal.GDT_Float32)
d.SetGCPs([gdal.GCP(float(x), float(y), 0, float(c), float(r)) for x, y, c, r in ((9.7, 50.4, 0, 0), (9.9, 50.4, 8, 0),
                                                                                 (9.7, 50.6, 0, 8), (9.9, 50.6, 8, 8))], "")
d = None
sys.exit(1 if fail else 0)
