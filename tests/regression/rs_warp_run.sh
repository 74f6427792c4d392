#!/bin/sh
# rs_warp_run.sh BIN NP OUT — the warp cases on NP ranks, into OUT/npNP/.
set -eu
bin=$1; np=$2; out=$3
d="$out/np$np"; mkdir -p "$d"
cd "$d" # same command line at every rank count: relative output names
run() { mpirun --oversubscribe -np "$np" "$bin" rs warp "$@"; }
run "$out/west.tif" "$out/east.tif" --t-srs EPSG:4490 --tr 0.00025 --te -87.45 30.66 -87.33 30.79 -r near -o "near_4490.tif"
run "$out/west.tif" "$out/east.tif" --t-srs EPSG:4490 --tr 0.00025 --te -87.45 30.66 -87.33 30.79 -r bilinear -o "bilinear_4490.tif"
run "$out/hunan.tif" --t-srs EPSG:4547 --tr 20 --te 300000 3100000 320000 3120000 -r near -o "gk4547.tif"
# downsampling (kernels widen): rank-exact only because the scale is fixed per grid
run "$out/west.tif" "$out/east.tif" --t-srs EPSG:4490 --tr 0.0005 --te -87.45 30.66 -87.33 30.79 -r cubic -o "cubic_down.tif"
