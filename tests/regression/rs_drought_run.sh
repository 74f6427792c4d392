#!/bin/sh
# rs_drought_run.sh BIN NP OUT TREND_DIR — rs vhi and rs spi on NP ranks into
# OUT/np<NP>/ (inputs from rs_trend_setup.py and rs_drought_setup.py).
set -eu
bin=$1; np=$2; out=$3; trend=$4
mkdir -p "$out/np$np"
cd "$out/np$np" # same command line at every rank count: relative output names
run() { mpirun --oversubscribe -np "$np" "$bin" "$@"; }
run rs vhi --ndvi $(cat ../ndvi.txt) --bt ../bt/bt_*.tif --format cog,nc -o vhi.tif
run rs vhi --ndvi "$trend"/rand/d*.tif --strip-rows 4 -o vci.tif
run rs spi --list ../precip.txt --start-month 4 -o spi.tif
run rs spi ../precip/p_*.tif --start-month 4 --scales 12 --strip-rows 5 -o spi12.tif
