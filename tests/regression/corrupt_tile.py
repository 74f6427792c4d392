#!/usr/bin/python3
"""corrupt_tile.py SRC DST COL ROW — copy a tiled GeoTIFF and overwrite the
compressed bytes of one internal tile with garbage, so only the rank whose
block contains that tile fails to read (a real corrupt-file failure)."""
import shutil
import sys

from osgeo import gdal

src, dst, col, row = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
shutil.copyfile(src, dst)
ds = gdal.Open(dst)
band = ds.GetRasterBand(1)
off = int(band.GetMetadataItem(f"BLOCK_OFFSET_{col}_{row}", "TIFF"))
size = int(band.GetMetadataItem(f"BLOCK_SIZE_{col}_{row}", "TIFF"))
ds = None
with open(dst, "r+b") as f:
    f.seek(off)
    f.write(bytes((i * 37 + 11) % 256 for i in range(size)))
print(f"corrupted tile ({col},{row}): {size} bytes at offset {off}")
