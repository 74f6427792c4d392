#!/bin/sh
# h5cf_deflate.sh BIN RASTERCMP OUT LANDSAT_DIR NP
# SX_NC_DEFLATE=0 writes the netCDF uncompressed and changes nothing else: the
# same cells (netCDF and COG) and the same COG statistics as the default
# (shuffle + DEFLATE level 1), whose filters are checked with netCDF4.
set -eu
bin=$1 cmp=$2 out=$3 ls=$4 np=$5
mkdir -p "$out"
run() { mpirun --oversubscribe -np "$np" "$bin" rs index ndvi -b nir="$ls/l8_B5.tif" -b red="$ls/l8_B4.tif" --format cog,nc -o "$1"; }
run "$out/ndvi_default.tif"
SX_NC_DEFLATE=0 run "$out/ndvi_raw.tif"
"$cmp" --exact "$out/ndvi_default.tif" "$out/ndvi_raw.tif"
"$cmp" --exact "NETCDF:$out/ndvi_default.nc:ndvi" "NETCDF:$out/ndvi_raw.nc:ndvi"
/usr/bin/python3 - "$out/ndvi_default.nc" "$out/ndvi_raw.nc" <<'PY'
import sys
import netCDF4
fd = netCDF4.Dataset(sys.argv[1])["ndvi"].filters()
fr = netCDF4.Dataset(sys.argv[2])["ndvi"].filters()
print("default:", fd, "SX_NC_DEFLATE=0:", fr)
assert fd["zlib"] and fd["shuffle"] and fd["complevel"] == 1, fd
assert not fr["zlib"] and not fr["shuffle"], fr
PY
