#!/usr/bin/python3
"""cog_valid_tree.py MIN_COUNT DIR [DIR ...] — every COG sanxiang wrote under
the directories (a .tif carrying the SANXIANG_PROVENANCE item; inputs made by
other tools are skipped) passes GDAL's COG validator with the full check
(block leader and trailer bytes). Fails if fewer than MIN_COUNT were found."""
import os
import sys

from osgeo import gdal
from osgeo_utils.samples.validate_cloud_optimized_geotiff import validate

gdal.UseExceptions()
need, dirs = int(sys.argv[1]), sys.argv[2:]
found, bad = 0, 0
for top in dirs:
    for root, _, files in os.walk(top):
        for name in sorted(files):
            if not name.endswith(".tif"):
                continue
            path = os.path.join(root, name)
            try:
                ds = gdal.Open(path)
            except RuntimeError:
                continue  # deliberately corrupt inputs of the error tests
            if ds.GetMetadataItem("SANXIANG_PROVENANCE") is None:
                continue
            found += 1
            _, errors, _ = validate(ds, full_check=True)
            if errors:
                bad += 1
                print("INVALID", path, "; ".join(errors))
print(f"{found} sanxiang COGs, {bad} invalid")
sys.exit(1 if bad or found < need else 0)
