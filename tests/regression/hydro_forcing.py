#!/usr/bin/env python3
"""Forcing and network options of the hydro_forecast job, checked independently with numpy.

hydro_forcing.py SANXIANG OUTDIR CASE
  idw        gauge weights by IDW (p = 2) from the two-rectangle sub-basins and three gauges
             (tests/data/hydro), gauge rain = Chengcun P01..P03 (real): areal_rain.csv equals
             numpy's IDW average over the same lattice of cell centres; 1 rank == 3 ranks.
  grid_tif   gridded rain as one GeoTIFF per step ({step} pattern) on an 8 x 6 grid of 2 km cells in
             CGCS2000 / GK zone 38 (EPSG:4547) whose cells carry the real Chengcun gauge rain (cell k
             takes gauge k mod 10, times 1 + 0.05 k); sub-basins given in EPSG:4326 (reprojected by
             sanxiang): a rectangle, a triangle and one smaller than a cell (centroid rule). numpy
             computes the pixel-centre means from the original vertices; 1 rank == 3 ranks; a NaN in
             a used cell, a missing file and a grid without CRS are refused naming file/time/cell.
  grid_nc    the same rain as one netCDF-4 variable (time, y, x) with CF dates, forcing with dates.
  evap_grid  areal evaporation from a (time, y, x) netCDF (forcing without E): the E_<id> columns of
             areal_rain.csv equal numpy's pixel-centre means; 1 rank == 3 ranks; a NaN in a used
             cell is refused naming the evaporation grid, time and cell.
  grid_imerg the rain on a 0.1 degree EPSG:4326 grid, hourly, as a (time, lat, lon) netCDF and as an
             IMERG-layout HDF5 (/Grid/precipitation (time, lon, lat), mm/hr, half-hourly, lat
             ascending): the forecasts are identical, 1 rank == 3 ranks; areal rain equals numpy's
             mean weighted by spherical band areas |sin φ1 - sin φ2| (not the unweighted one); wrong dims, a fill value in
             a used cell and a missing half hour are refused naming the time.
  watershed  `dem watershed` on a hand-made 9 x 4 D8 grid (rows 0-1 flow S, row 2 flows E, row 3 N;
             outlets on row 2 at columns 8, 2, 4 = ids 1, 2, 3): by hand areas 16, 12, 8 km2 and
             downstream_id 0, 3, 1 — at 1 and 3 ranks; then a forecast on `network: {from_watershed}`
             equals the same network given as a table, bit for bit.
"""
import csv
import os
import subprocess
import sys

import numpy as np

SX, OUT, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
HERE = os.getcwd()
DATA = os.path.join(HERE, "tests", "data", "hydro")
CC = os.path.join(HERE, "data", "hydrology", "xinanjiang_chengcun", "chengcun_forcing.csv")
os.makedirs(OUT, exist_ok=True)


def run_job(text, name, np_=1, expect_ok=True):
    job = os.path.join(OUT, name + ".yaml")
    open(job, "w").write(text)
    out = os.path.join(OUT, name + "_np%d" % np_)
    cmd = ["mpirun", "--oversubscribe", "-np", str(np_), SX, "run", job, "--out", out]
    print("+", " ".join(cmd), flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True)
    print(p.stderr[-3000:])
    if expect_ok:
        assert p.returncode == 0, p.returncode
    return out if expect_ok else p


def chengcun_rows(n):
    rows = list(csv.DictReader(open(CC)))[:n]
    return rows


def three_gauge_forcing(n=120):
    path = os.path.join(OUT, "three_gauges.csv")
    with open(path, "w") as f:
        f.write("time,G1,G2,G3,E\n")
        for r in chengcun_rows(n):
            f.write("%s,%s,%s,%s,%s\n" % (r["time"], r["P01"], r["P02"], r["P03"], r["EM"]))
    return path, np.array([[float(r[k]) for k in ("P01", "P02", "P03")] for r in chengcun_rows(n)])


def read_areal(out):
    rows = list(csv.DictReader(open(os.path.join(out, "areal_rain.csv"))))
    return rows, {k: np.array([float(r[k]) for r in rows]) for k in rows[0] if k != "time"}


JOB_HEAD = """job: {name}
inputs:
  forcing: {forcing}
output_dir: {out}
steps:
  - step: hydro_forecast
    basin: test
    model: gr4j
    forcing: forcing
    gauges: [G1, G2, G3]
    evaporation: E
    start: "1"
    issue: "100"
    lead: 10
    dt_hours: 24
    ensemble: {{members: 20, rain_sigma: 0.3, seed: 7, perturb: {{X1: 0.2, X4: 0.1}}}}
"""


def idw_weights(x0, x1, y0, y1, gx, gy, p, grid):
    """Mean over the grid x grid lattice of cell centres of the IDW point weights."""
    cx = x0 + (np.arange(grid) + 0.5) * (x1 - x0) / grid
    cy = y0 + (np.arange(grid) + 0.5) * (y1 - y0) / grid
    X, Y = np.meshgrid(cx, cy)
    d2 = (X[..., None] - gx) ** 2 + (Y[..., None] - gy) ** 2
    u = d2 ** (-p / 2)
    return (u / u.sum(axis=-1, keepdims=True)).reshape(-1, len(gx)).mean(axis=0)


def case_idw():
    forcing, g = three_gauge_forcing()
    text = JOB_HEAD.format(name="idw", forcing=forcing, out=OUT) + """    gauge_weights: {{polygons: {poly}, locations: {loc}, method: idw, power: 2, grid: 50}}
    subbasins:
      - {{id: west, area: 1.0, down: out}}
      - {{id: east, area: 2.0, down: out}}
      - {{id: out, warning: 0.05}}
""".format(poly=os.path.join(DATA, "subbasins.geojson"), loc=os.path.join(DATA, "gauges.csv"))
    a = run_job(text, "idw", 1)
    b = run_job(text, "idw", 3)
    for f in ("areal_rain.csv", "forecast.csv"):
        assert open(os.path.join(a, f)).read() == open(os.path.join(b, f)).read(), f + " differs 1 vs 3 ranks"
    gx, gy = np.array([500.0, 1500, 2500]), np.array([500.0, 500, 500])
    ww = idw_weights(0, 1000, 0, 1000, gx, gy, 2, 50)
    we = idw_weights(1000, 3000, 0, 1000, gx, gy, 2, 50)
    print("numpy IDW weights west", ww, "east", we)
    rows, ar = read_areal(a)
    assert len(rows) == 110
    for name, w in (("west", ww), ("east", we)):
        ref = g[:110] @ w
        err = np.max(np.abs(ar[name] - ref))
        print(name, "max |areal - numpy| =", err)
        assert err < 1e-9, (name, err)
    # IDW differs from Thiessen here (west would be G1 only)
    assert np.max(np.abs(ar["west"] - g[:110, 0])) > 0.1
    # both `weights` and gauge_weights on a sub-basin: refused
    bad = text.replace("{id: west, area: 1.0, down: out}", "{id: west, area: 1.0, down: out, weights: [1, 0, 0]}")
    p = run_job(bad, "idw_both", 2, expect_ok=False)
    assert p.returncode != 0 and "not both" in p.stderr, p.stderr
    # a gauge without location: refused naming it
    bad = text.replace("gauges: [G1, G2, G3]", "gauges: [G1, G2, E]").replace("evaporation: E", "evaporation: G3")
    p = run_job(bad, "idw_noloc", 2, expect_ok=False)
    assert p.returncode != 0 and "gauge 'E' has no location" in p.stderr, p.stderr


GT = (500000.0, 2000.0, 0.0, 3312000.0, 0.0, -2000.0)  # 8 x 6 cells, EPSG:4547
NX, NY = 8, 6
X0, YB = GT[0], GT[3] + NY * GT[5]
POLYS = {  # in the grid's CRS; edges on cell edges or >= 200 m from every cell centre
    "rect": [(X0 + 8000, YB + 2000), (X0 + 16000, YB + 2000), (X0 + 16000, YB + 10000), (X0 + 8000, YB + 10000)],
    "tri": [(X0, YB), (X0 + 8000, YB), (X0, YB + 6000)],
    "tiny": [(X0 + 100, YB + 10100), (X0 + 900, YB + 10100), (X0 + 900, YB + 10900), (X0 + 100, YB + 10900)],
}


def rain_cube(n):
    g = np.array([[float(r["P%02d" % (k + 1)]) for k in range(10)] for r in chengcun_rows(n)])
    k = np.arange(NX * NY)
    cube = g[:, k % 10] * (1 + 0.05 * k)
    cube = cube.reshape(n, NY, NX)
    cube[:, 0, NX - 1] = np.nan  # a no-data corner no sub-basin uses
    return cube


def inside(poly, x, y):
    """Ray casting, numpy (independent of GDAL/GEOS)."""
    res = np.zeros(x.shape, bool)
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1]):
        c = ((y1 > y) != (y2 > y)) & (x < (x2 - x1) * (y - y1) / np.where(y2 == y1, 1, y2 - y1) + x1)
        res ^= c
    return res


def numpy_areal(cube, gt=GT, polys=POLYS, weight=None):
    """Pixel-centre means; weight (NY x NX) for area-weighted means (geographic grids)."""
    cx = gt[0] + (np.arange(NX) + 0.5) * gt[1]
    cy = gt[3] + (np.arange(NY) + 0.5) * gt[5]
    X, Y = np.meshgrid(cx, cy)
    w = np.ones((NY, NX)) if weight is None else weight
    out = {}
    for name, poly in polys.items():
        m = inside(poly, X, Y)
        if not m.any():  # centroid rule
            px, py = np.mean([p[0] for p in poly]), np.mean([p[1] for p in poly])
            m = np.zeros_like(m)
            m[int((py - gt[3]) // gt[5]), int((px - gt[0]) // gt[1])] = True
        out[name] = (cube[:, m] * w[m]).sum(axis=1) / w[m].sum()
        print(name, "cells", int(m.sum()))
    return out


def write_polys(path, polys, epsg):
    from osgeo import ogr, osr
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName("GeoJSON").CreateDataSource(path)
    lyr = ds.CreateLayer("subbasins", srs, ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("name", ogr.OFTString))
    for name, poly in polys.items():
        ring = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in poly + poly[:1]:
            ring.AddPoint_2D(x, y)
        g = ogr.Geometry(ogr.wkbPolygon)
        g.AddGeometry(ring)
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("name", name)
        f.SetGeometry(g)
        lyr.CreateFeature(f)
    ds = None


def write_polys_4326(path):
    """POLYS (EPSG:4547) transformed to EPSG:4326 by GDAL/PROJ, for sanxiang to reproject back."""
    from osgeo import osr
    src, dst = osr.SpatialReference(), osr.SpatialReference()
    src.ImportFromEPSG(4547)
    dst.ImportFromEPSG(4326)
    for s_ in (src, dst):
        s_.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(src, dst)
    write_polys(path, {k: [ct.TransformPoint(x, y)[:2] for x, y in v] for k, v in POLYS.items()}, 4326)


def write_tif(path, a, crs=True):
    from osgeo import gdal, osr
    ds = gdal.GetDriverByName("GTiff").Create(path, NX, NY, 1, gdal.GDT_Float32)
    ds.SetGeoTransform(GT)
    if crs:
        s_ = osr.SpatialReference()
        s_.ImportFromEPSG(4547)
        ds.SetProjection(s_.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(a)
    ds = None


def grid_job(name, forcing, rain_grid, out, start=None, issue=None, dt=24):
    return """job: {name}
inputs:
  forcing: {forcing}
output_dir: {out}
steps:
  - step: hydro_forecast
    basin: test
    model: gr4j
    forcing: forcing
    evaporation: E
    start: "{start}"
    issue: "{issue}"
    lead: 10
    dt_hours: {dt}
    rain_grid: {rain_grid}
    ensemble: {{members: 10, rain_sigma: 0.3, seed: 3}}
    subbasins:
      - {{id: rect, area: 64.0, down: out}}
      - {{id: tri, area: 24.0, down: out, k: 24, x: 0.2}}
      - {{id: tiny, area: 0.64, down: out}}
      - {{id: out}}
""".format(name=name, forcing=forcing, out=out, rain_grid=rain_grid, dt=dt,
           start=start or ("2000-01-01" if "nc" in name else "1"), issue=issue or ("2000-04-09" if "nc" in name else "100"))


def check_areal(out, cube, rows):
    _, ar = read_areal(out)
    ref = numpy_areal(cube[rows])
    for name in POLYS:
        err = np.max(np.abs(ar[name] - ref[name]))
        print(name, "max |areal - numpy| =", err)
        assert err < 1e-12 * max(1, np.max(ref[name])), (name, err)


def case_grid_tif():
    n = 120
    cube = rain_cube(n)
    d = os.path.join(OUT, "tif")
    os.makedirs(d, exist_ok=True)
    for t in range(n):
        write_tif(os.path.join(d, "rain_%d.tif" % (t + 1)), cube[t])
    poly = os.path.join(OUT, "subbasins_4326.geojson")
    write_polys_4326(poly)
    forcing, _ = three_gauge_forcing(n)
    rg = "{{pattern: '{d}/rain_{{step}}.tif', polygons: {poly}, id_field: name}}".format(d=d, poly=poly)
    a = run_job(grid_job("grid_tif", forcing, rg, OUT), "grid_tif", 1)
    b = run_job(grid_job("grid_tif", forcing, rg, OUT), "grid_tif", 3)
    for f in ("areal_rain.csv", "forecast.csv"):
        assert open(os.path.join(a, f)).read() == open(os.path.join(b, f)).read(), f + " differs 1 vs 3 ranks"
    check_areal(a, cube.astype("float32").astype(float), slice(0, 110))
    # refusals: NaN in a used cell (rect covers columns 4..7, rows 1..4), missing file, no CRS
    bad = cube[41].copy()
    bad[2, 5] = np.nan
    write_tif(os.path.join(d, "rain_42.tif"), bad)
    p = run_job(grid_job("grid_tif", forcing, rg, OUT), "grid_bad", 3, expect_ok=False)
    assert p.returncode != 0 and "rain_42.tif' time 42, cell (column 5, row 2)" in p.stderr, p.stderr
    write_tif(os.path.join(d, "rain_42.tif"), cube[41], crs=False)
    p = run_job(grid_job("grid_tif", forcing, rg, OUT), "grid_bad", 2, expect_ok=False)
    assert p.returncode != 0 and "rain_42.tif' (time 42) is not on the grid" in p.stderr, p.stderr
    os.remove(os.path.join(d, "rain_42.tif"))
    p = run_job(grid_job("grid_tif", forcing, rg, OUT), "grid_bad", 2, expect_ok=False)
    assert p.returncode != 0 and "rain grid for time 42 is missing" in p.stderr, p.stderr
    write_tif(os.path.join(d, "rain_42.tif"), cube[41])
    write_tif(os.path.join(d, "rain_1.tif"), cube[0], crs=False)
    p = run_job(grid_job("grid_tif", forcing, rg, OUT), "grid_bad", 1, expect_ok=False)
    assert p.returncode != 0 and "has no CRS" in p.stderr, p.stderr


def cube_nc(path, cube, var, days):
    """A (time, y, x) CF netCDF-4 of cube on the projected grid GT (EPSG:4547); returns the xarray Dataset."""
    import xarray as xr
    from osgeo import osr
    s_ = osr.SpatialReference()
    s_.ImportFromEPSG(4547)
    x = GT[0] + (np.arange(NX) + 0.5) * GT[1]
    y = GT[3] + (np.arange(NY) + 0.5) * GT[5]
    ds = xr.Dataset({var: (("time", "y", "x"), cube.astype("float32"),
                           {"units": "mm", "grid_mapping": "crs", "_FillValue": np.float32(np.nan)}),
                     "crs": ((), 0, {"crs_wkt": s_.ExportToWkt(), "spatial_ref": s_.ExportToWkt()})},
                    coords={"time": days, "y": ("y", y, {"units": "m", "standard_name": "projection_y_coordinate"}),
                            "x": ("x", x, {"units": "m", "standard_name": "projection_x_coordinate"})})
    ds.to_netcdf(path, format="NETCDF4", encoding={"time": {"units": "hours since 2000-01-01 00:00:00"}})
    return ds


def case_grid_nc():
    import datetime
    n = 120
    cube = rain_cube(n)
    days = [datetime.datetime(2000, 1, 1) + datetime.timedelta(days=t) for t in range(n)]
    nc = os.path.join(OUT, "rain.nc")
    ds = cube_nc(nc, cube, "precipitation", days)
    poly = os.path.join(OUT, "subbasins_4326_nc.geojson")
    write_polys_4326(poly)
    path = os.path.join(OUT, "dated.csv")
    with open(path, "w") as f:
        f.write("time,E\n")
        for t, r in enumerate(chengcun_rows(n)):
            f.write("%s,%s\n" % (days[t].strftime("%Y-%m-%d"), r["EM"]))
    rg = "{{netcdf: {nc}, variable: precipitation, polygons: {poly}, id_field: name}}".format(nc=nc, poly=poly)
    a = run_job(grid_job("grid_nc", path, rg, OUT), "grid_nc", 1)
    b = run_job(grid_job("grid_nc", path, rg, OUT), "grid_nc", 3)
    assert open(os.path.join(a, "forecast.csv")).read() == open(os.path.join(b, "forecast.csv")).read()
    check_areal(a, cube.astype("float32").astype(float), slice(0, 110))
    # a missing time step: drop day 50 from the file
    ds.isel(time=[t for t in range(n) if t != 49]).to_netcdf(
        nc, format="NETCDF4", encoding={"time": {"units": "hours since 2000-01-01 00:00:00"}})
    p = run_job(grid_job("grid_nc", path, rg, OUT), "grid_nc_bad", 2, expect_ok=False)
    assert p.returncode != 0 and "has no time step 2000-02-19" in p.stderr, p.stderr


def case_evap_grid():
    """evap_grid: areal evaporation per sub-basin from a (time, y, x) netCDF, rain from another; numpy check."""
    import datetime
    n = 120
    days = [datetime.datetime(2000, 1, 1) + datetime.timedelta(days=t) for t in range(n)]
    em = np.array([float(r["EM"]) for r in chengcun_rows(n)])
    k = np.arange(NX * NY)
    ecube = (em[:, None] * (0.8 + 0.01 * k)).reshape(n, NY, NX)
    ecube[:, 0, NX - 1] = np.nan  # a no-data corner no sub-basin uses
    rnc, enc = os.path.join(OUT, "rain_e.nc"), os.path.join(OUT, "evap.nc")
    cube_nc(rnc, rain_cube(n), "precipitation", days)
    cube_nc(enc, ecube, "evaporation", days)
    poly = os.path.join(OUT, "subbasins_4326_evap.geojson")
    write_polys_4326(poly)
    path = os.path.join(OUT, "dated_noe.csv")
    with open(path, "w") as f:  # no E column: evaporation comes from the grid
        f.write("time,note\n")
        for t in range(n):
            f.write("%s,0\n" % days[t].strftime("%Y-%m-%d"))
    rg = "{{netcdf: {nc}, variable: precipitation, polygons: {poly}, id_field: name}}\n    evap_grid: " \
         "{{netcdf: {enc}, variable: evaporation, polygons: {poly}, id_field: name}}".format(nc=rnc, enc=enc, poly=poly)
    job = grid_job("grid_nc_evap", path, rg, OUT).replace("    evaporation: E\n", "")
    a = run_job(job, "evap", 1)
    b = run_job(job, "evap", 3)
    for f in ("areal_rain.csv", "forecast.csv"):
        assert open(os.path.join(a, f)).read() == open(os.path.join(b, f)).read(), f + " differs 1 vs 3 ranks"
    _, ar = read_areal(a)
    ref = numpy_areal(ecube.astype("float32").astype(float)[:110])
    for name in POLYS:
        err = np.max(np.abs(ar["E_" + name] - ref[name]))
        print(name, "max |areal E - numpy| =", err)
        assert err < 1e-12 * max(1, np.max(ref[name])), (name, err)
    # the evaporation changes the forecast (vs. the same run with E = 0 from a zero grid)
    cube_nc(enc, 0 * ecube, "evaporation", days)
    z = run_job(job, "evap_zero", 1)
    assert open(os.path.join(z, "forecast.csv")).read() != open(os.path.join(a, "forecast.csv")).read()
    # a NaN in a used cell is refused naming the evaporation grid, time and cell
    bad = ecube.copy()
    bad[41, 2, 5] = np.nan
    cube_nc(enc, bad, "evaporation", days)
    p = run_job(job, "evap_bad", 2, expect_ok=False)
    assert p.returncode != 0 and "evaporation grid" in p.stderr and "time 2000-02-11, cell (column 5, row 2): no data" \
        in p.stderr, p.stderr


# A geographic (EPSG:4326) version of the grid: 0.1 degree cells, same cell layout as GT.
LON0, LAT1 = 112.0, 29.0  # west edge, north edge
GTG = (LON0, 0.1, 0.0, LAT1, 0.0, -0.1)
POLYS_GEO = {k: [(LON0 + (x - X0) / 20000.0, LAT1 - 0.1 * NY + (y - YB) / 20000.0) for x, y in v]
             for k, v in POLYS.items()}


def band_weights(gt):
    """Spherical band area of each row between its latitude edges (independent of sanxiang's code)."""
    edges = np.radians(gt[3] + np.arange(NY + 1) * gt[5])
    return np.repeat(np.abs(np.sin(edges[:-1]) - np.sin(edges[1:]))[:, None], NX, axis=1)


def hourly_geo(n):
    """Hourly dated forcing, the (time, lat, lon) netCDF on the geographic grid, polygons; returns the pieces."""
    import datetime
    import xarray as xr
    from osgeo import osr
    cube = rain_cube(n).astype("float32")
    hours = [datetime.datetime(2000, 1, 1) + datetime.timedelta(hours=t) for t in range(n)]
    s_ = osr.SpatialReference()
    s_.ImportFromEPSG(4326)
    lon = GTG[0] + (np.arange(NX) + 0.5) * GTG[1]
    lat = GTG[3] + (np.arange(NY) + 0.5) * GTG[5]
    ds = xr.Dataset({"precipitation": (("time", "lat", "lon"), cube,
                                       {"units": "mm", "grid_mapping": "crs", "_FillValue": np.float32(np.nan)}),
                     "crs": ((), 0, {"crs_wkt": s_.ExportToWkt(), "spatial_ref": s_.ExportToWkt()})},
                    coords={"time": hours,
                            "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude"}),
                            "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"})})
    nc = os.path.join(OUT, "rain_geo.nc")
    ds.to_netcdf(nc, format="NETCDF4", encoding={"time": {"units": "hours since 2000-01-01 00:00:00"}})
    poly = os.path.join(OUT, "subbasins_geo.geojson")
    write_polys(poly, POLYS_GEO, 4326)
    path = os.path.join(OUT, "hourly.csv")
    with open(path, "w") as f:
        f.write("time,E\n")
        for t, r in enumerate(chengcun_rows(n)):
            f.write("%s,%s\n" % (hours[t].strftime("%Y-%m-%d %H:%M"), float(r["EM"]) / 24))
    return cube, nc, poly, path


def write_imerg(path, cube, drop=None, fill_at=None, coord="f8"):
    """IMERG V07 layout: /Grid/precipitation (time, lon, lat) in mm/hr, half-hourly, lat ascending,
    time in seconds since 1970. Hour k of cube (mm) becomes two half-hours whose rates integrate to it:
    even hours (h, h), odd hours (2h, 0) — exact in float32, so the sums equal the hourly values."""
    import netCDF4
    n = cube.shape[0]
    rates = np.empty((2 * n, NY, NX), "float32")
    rates[0::2], rates[1::2] = cube, cube
    rates[2::4], rates[3::4] = 2 * cube[1::2], 0
    if fill_at is not None:
        rates[fill_at] = -9999.9
    t0 = 946684800  # 2000-01-01 00:00:00 UTC
    keep = [k for k in range(2 * n) if k != drop]
    if os.path.exists(path):
        os.remove(path)
    ds = netCDF4.Dataset(path, "w", format="NETCDF4")
    g = ds.createGroup("Grid")
    g.createDimension("time", len(keep))
    g.createDimension("lon", NX)
    g.createDimension("lat", NY)
    tv = g.createVariable("time", "i4", ("time",))
    tv.units = "seconds since 1970-01-01 00:00:00 UTC"
    tv[:] = [t0 + 1800 * k for k in keep]
    g.createVariable("lon", coord, ("lon",))[:] = GTG[0] + (np.arange(NX) + 0.5) * GTG[1]
    g.createVariable("lat", coord, ("lat",))[:] = (GTG[3] + (np.arange(NY) + 0.5) * GTG[5])[::-1]
    v = g.createVariable("precipitation", "f4", ("time", "lon", "lat"), fill_value=np.float32(-9999.9))
    v.units = "mm/hr"
    v.DimensionNames = "time,lon,lat"
    v[:] = np.transpose(rates[:, ::-1, :], (0, 2, 1))[keep]  # (time, y, x) north-up -> (time, lon, lat) south-up
    ds.close()


def case_grid_imerg():
    n = 120
    cube, nc, poly, forcing = hourly_geo(n)
    h5 = os.path.join(OUT, "imerg.HDF5")
    write_imerg(h5, cube)
    kw = dict(start="2000-01-01 00:00", issue="2000-01-05 13:00", dt=1)
    ref = run_job(grid_job("grid_nc_geo", forcing, "{{netcdf: {nc}, variable: precipitation, polygons: {poly}, "
                                                   "id_field: name}}".format(nc=nc, poly=poly), OUT, **kw), "geo_nc", 1)
    rg = "{{hdf5: {h5}, polygons: {poly}, id_field: name}}".format(h5=h5, poly=poly)
    a = run_job(grid_job("grid_imerg", forcing, rg, OUT, **kw), "imerg", 1)
    b = run_job(grid_job("grid_imerg", forcing, rg, OUT, **kw), "imerg", 3)
    for f in ("areal_rain.csv", "forecast.csv"):
        r, x, y = (open(os.path.join(d, f)).read() for d in (ref, a, b))
        assert x == r, f + ": IMERG layout differs from the (time, y, x) run"
        assert y == x, f + ": IMERG 1 vs 3 ranks differ"
    # area weights on the geographic grid: numpy's spherical band areas; the unweighted mean differs
    _, ar = read_areal(a)
    ref = numpy_areal(cube.astype(float), GTG, POLYS_GEO, band_weights(GTG))
    flat = numpy_areal(cube.astype(float), GTG, POLYS_GEO)
    for name in POLYS_GEO:
        err, off = np.max(np.abs(ar[name] - ref[name])), np.max(np.abs(flat[name] - ref[name]))
        print(name, "max |areal - numpy band-area mean| =", err, " unweighted differs by", off)
        assert err <= 1e-12 * max(1, np.max(ref[name])), (name, err)
        assert name == "tiny" or off > 1e3 * max(err, 1e-15), (name, off)
    # float32 lon/lat as in real IMERG files: accepted, areal rain within float32 rounding of the weights
    write_imerg(h5, cube, coord="f4")
    c32 = run_job(grid_job("grid_imerg", forcing, rg, OUT, **kw), "imerg_f32", 1)
    _, a32 = read_areal(c32)
    for name in POLYS_GEO:
        assert np.max(np.abs(a32[name] - ar[name])) <= 1e-6 * max(1, np.max(ar[name])), name
    # an explicit dims that contradicts the file's dimension scales is refused
    p = run_job(grid_job("grid_imerg", forcing, rg[:-1] + ", dims: 'time,lat,lon'}", OUT, **kw), "imerg_bad", 1,
                expect_ok=False)
    assert p.returncode != 0 and "dims 'time,lat,lon' contradicts the file, whose '/Grid/precipitation' is (time, lon, lat)" in p.stderr, p.stderr
    # fill value inside a sub-basin (rect uses north-up column 5, row 2), half hour 2000-01-02 03:30
    write_imerg(h5, cube, fill_at=(2 * 27 + 1, 2, 5))
    p = run_job(grid_job("grid_imerg", forcing, rg, OUT, **kw), "imerg_bad", 2, expect_ok=False)
    assert p.returncode != 0 and "time 2000-01-02 03:00, cell (column 5, row 2): no data" in p.stderr, p.stderr
    # a missing half hour
    write_imerg(h5, cube, drop=2 * 50 + 1)
    p = run_job(grid_job("grid_imerg", forcing, rg, OUT, **kw), "imerg_bad", 3, expect_ok=False)
    assert p.returncode != 0 and "no record at 2000-01-03 02:30:00 UTC (needed for the step 2000-01-03 02:00)" \
        in p.stderr, p.stderr


def case_watershed():
    from osgeo import gdal, ogr, osr
    d = os.path.join(OUT, "ws")
    os.makedirs(d, exist_ok=True)
    p = np.full((4, 9), 1, np.int16)  # TauDEM: 1 E, 3 N, 7 S
    p[0:2, :] = 7
    p[3, :] = 3
    gt = (600000.0, 1000.0, 0.0, 3200000.0, 0.0, -1000.0)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4547)
    ds = gdal.GetDriverByName("GTiff").Create(os.path.join(d, "p.tif"), 9, 4, 1, gdal.GDT_Int16)
    ds.SetGeoTransform(gt)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(p)
    ds.GetRasterBand(1).SetNoDataValue(-32768)
    ds = None
    with open(os.path.join(d, "outlets.csv"), "w") as f:
        f.write("id,x,y\n")
        for k, col in enumerate((8, 2, 4)):
            f.write("%d,%.1f,%.1f\n" % (k + 1, gt[0] + (col + 0.5) * 1000, gt[3] - 2.5 * 1000))
    with open(os.path.join(d, "gauges.csv"), "w") as f:
        f.write("id,x,y\nG1,600500,3197500\nG2,604500,3196500\nG3,608500,3199500\n")
    for np_ in (1, 3):
        mp = ["mpirun", "--oversubscribe", "-np", str(np_), SX]
        subprocess.run(mp + ["dem", "accum", os.path.join(d, "p.tif"), "--encoding", "taudem", "-o",
                             os.path.join(d, "ad8_%d.tif" % np_)], check=True, capture_output=True)
        r = subprocess.run(mp + ["dem", "watershed", os.path.join(d, "p.tif"), "--encoding", "taudem", "--accum",
                                 os.path.join(d, "ad8_%d.tif" % np_), "--outlets", os.path.join(d, "outlets.csv"),
                                 "--snap", "0", "-o", os.path.join(d, "ws_%d.tif" % np_)], capture_output=True, text=True)
        print(r.stderr[-1500:])
        assert r.returncode == 0
        src = ogr.Open(os.path.join(d, "ws_%d.gpkg" % np_))
        got = sorted((f["basin_id"], round(f["area_km2"], 9), f["downstream_id"]) for f in src.GetLayer(0))
        print(np_, "ranks:", got)
        assert got == [(1, 16.0, 0), (2, 12.0, 3), (3, 8.0, 1)], got
    forcing, _ = three_gauge_forcing()
    gw = "{{polygons: {ws}, id_field: basin_id, locations: {g}, method: idw}}".format(
        ws=os.path.join(d, "ws_1.gpkg"), g=os.path.join(d, "gauges.csv"))
    head = JOB_HEAD.format(name="net", forcing=forcing, out=OUT) + "    gauge_weights: " + gw + "\n"
    a = run_job(head + """    network: {{from_watershed: {ws}}}
    subbasins:
      - {{id: 2, k: 24, x: 0.3}}
      - {{id: 3, k: 12, x: 0.2}}
      - {{id: 1, warning: 1.0}}
""".format(ws=os.path.join(d, "ws_3.gpkg")), "net_ws", 3)
    b = run_job(head + """    subbasins:
      - {id: 1, area: 16, warning: 1.0}
      - {id: 2, area: 12, down: 3, k: 24, x: 0.3}
      - {id: 3, area: 8, down: 1, k: 12, x: 0.2}
""", "net_table", 1)
    fa, fb = open(os.path.join(a, "forecast.csv")).read(), open(os.path.join(b, "forecast.csv")).read()
    assert fa == fb, "forecast on the watershed network differs from the table"
    assert "\n1," in fa and "\n3," in fa
    p = run_job(head + "    network: {{from_watershed: {g}}}\n".format(g=os.path.join(d, "gauges.csv")), "net_bad", 2,
                expect_ok=False)
    assert p.returncode != 0 and "lacks basin_id, area_km2 or downstream_id" in p.stderr, p.stderr


globals()["case_" + CASE]()
print("ok", CASE)
