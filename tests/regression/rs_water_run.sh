#!/bin/sh
# rs_water_run.sh BIN NP OUT LANDSAT_DIR INDEX_DIR — water (Otsu and fixed),
# flood and change on NP ranks into OUT.
set -eu
bin=$1; np=$2; out=$3; ls=$4; ix=$5
mkdir -p "$out"
cd "$out" # same command line at every rank count: relative output names
run() { mpirun --oversubscribe -np "$np" "$bin" rs "$@"; }
G="-b green=$ls/l8_B3.tif -b swir1=$ls/l8_B6.tif"
run water --index mndwi --otsu $G -o "water.tif" --polygons
run water --index mndwi --threshold -0.35 $G -o "water_low.tif"
run water --index mndwi --threshold 0 $G -o "water_perm.tif"
run flood --before "water.tif" --after "water_low.tif" --permanent "water_perm.tif" \
  -o "flood.tif" --polygons
run change --before "$ix/ndwi.tif" --after "$ix/mndwi.tif" --gain 0.1 --loss 0.05 -o "change.tif"
