#!/bin/sh
# rs_fvc_run.sh BIN NP OUT LANDSAT_DIR — rs fvc on NP ranks into OUT/np<NP>/:
# the Landsat 8 test scene's NDVI (percentiles 5/95, and given end-members),
# one L8NY18 NDVI date (2/98) and a random layer full of ties with a declared
# nodata (OUT/../trend/rand/d05.tif, rs_trend_setup.py).
set -eu
bin=$1; np=$2; out=$3; ls=$4
mkdir -p "$out/np$np"
cd "$out/np$np" # same command line at every rank count: relative output names
run() { mpirun --oversubscribe -np "$np" "$bin" "$@"; }
run rs index ndvi -b nir="$ls/l8_B5.tif" -b red="$ls/l8_B4.tif" -o ndvi.tif
run rs fvc --ndvi ndvi.tif --format cog,nc -o fvc.tif
run rs fvc --ndvi ndvi.tif --ndvi-soil 0.1 --ndvi-veg 0.7 -o fvc_given.tif
run rs fvc --ndvi ../../trend/ny18/ndvi_20180710.tif --soil-percentile 2 --veg-percentile 98 -o fvc_ny18.tif
run rs fvc --ndvi ../../trend/rand/d05.tif --soil-percentile 10 --veg-percentile 90 -o fvc_ties.tif
