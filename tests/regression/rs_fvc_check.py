#!/usr/bin/python3
"""Independent check of rs fvc with numpy.

usage: rs_fvc_check.py OUT   (OUT/np1 holds the outputs of rs_fvc_run.sh)

NDVI_soil / NDVI_veg = np.percentile(valid NDVI, p, method="inverted_cdf")
(the value where the cumulative histogram first reaches p %); FVC = (NDVI -
soil) / (veg - soil) clipped to [0, 1], as float32. Both must equal the
sanxiang values exactly (the end-members are read back from the
provenance), as must every cell.
"""
import json
import re
import sys

import numpy as np
from osgeo import gdal
from rs_series_lib import read

out = sys.argv[1]
cases = {
    "fvc": (f"{out}/np1/ndvi.tif", 5, 95, None),
    "fvc_given": (f"{out}/np1/ndvi.tif", None, None, (0.1, 0.7)),
    "fvc_ny18": (f"{out}/../trend/ny18/ndvi_20180710.tif", 2, 98, None),
    "fvc_ties": (f"{out}/../trend/rand/d05.tif", 10, 90, None),
}
fails = 0
for name, (src, ps, pv, given) in cases.items():
    ndvi = read(src)
    v = ndvi[~np.isnan(ndvi)]
    if given:
        soil, veg = given
    else:
        soil = np.percentile(v, ps, method="inverted_cdf")
        veg = np.percentile(v, pv, method="inverted_cdf")
    want = np.clip((ndvi - soil) / (veg - soil), 0, 1).astype(np.float32)
    path = f"{out}/np1/{name}.tif"
    got = gdal.Open(path).ReadAsArray()
    expr = json.loads(gdal.Open(path).GetMetadataItem("SANXIANG_PROVENANCE"))["rs"]["expr"]
    m = re.search(r"\(ndvi - (\S+)\) / \((\S+) - ", expr)
    used = (float(m.group(1)), float(m.group(2)))
    nan_bad = int((np.isnan(got) != np.isnan(want)).sum())
    both = ~np.isnan(got) & ~np.isnan(want)
    diff = int((got[both] != want[both]).sum())
    ok = nan_bad == 0 and diff == 0 and used == (soil, veg) and both.sum() > 0
    print(f"{'ok  ' if ok else 'FAIL'} {name}: NDVI_soil {used[0]:.9g} (numpy {soil:.9g}), NDVI_veg {used[1]:.9g} "
          f"(numpy {veg:.9g}), {int(both.sum())} cells, {len(np.unique(v))} distinct NDVI values, NaN mismatches "
          f"{nan_bad}, cells differing {diff}")
    fails += not ok
sys.exit(1 if fails else 0)
