#!/usr/bin/python3
"""Open a sanxiang CF-HDF5 file with xarray (netCDF4 engine) and check that
the coordinates, the grid mapping, the fill value and the time axis decode
as a user of xarray expects. Usage: check_cf_xarray.py FILE.nc"""
import sys

import numpy as np
import xarray as xr

path = sys.argv[1]
ds = xr.open_dataset(path)
errors = []
if ds.sizes.get("x") != 37 or ds.sizes.get("y") != 23 or ds.sizes.get("time") != 3:
    errors.append(f"sizes {dict(ds.sizes)}")
x, y = ds["x"].values, ds["y"].values
if not np.allclose(x[:2], [600015.0, 600045.0]) or not np.allclose(y[:2], [3119985.0, 3119955.0]):
    errors.append(f"cell-centre coordinates x={x[:2]} y={y[:2]}")
if ds["elev"].attrs.get("grid_mapping") != "crs" and ds["elev"].encoding.get("grid_mapping") != "crs":
    errors.append("elev has no grid_mapping=crs")
wkt = ds["crs"].attrs.get("crs_wkt", "")
if "UTM zone 49N" not in wkt:
    errors.append("crs_wkt missing UTM zone 49N")
elev = ds["elev"].values
if not np.isnan(elev[7, 5]):
    errors.append(f"_FillValue not masked: {elev[7, 5]}")
if elev[3, 4] != np.float32(4 * 0.5 + 3 * 100.0):
    errors.append(f"elev[3,4] = {elev[3, 4]}")
t = ds["time"].values
if str(t[1]) [:19] != "2024-06-01T06:00:00":
    errors.append(f"time axis decodes as {t}")
depth = ds["depth"].values
if depth[2, 1, 1] != 2000 + 37 + 1:
    errors.append(f"depth[2,1,1] = {depth[2, 1, 1]}")
if errors:
    print(f"{path}: " + "; ".join(errors))
    sys.exit(1)
print(f"{path}: opens in xarray with coordinates, CRS, fill value and time")
