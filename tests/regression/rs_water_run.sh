#!/bin/sh
# rs_water_run.sh BIN NP OUT LANDSAT_DIR INDEX_DIR — water (Otsu and fixed),
# flood and change on NP ranks into OUT.
set -eu
bin=$1; np=$2; out=$3; ls=$4; ix=$5
mkdir -p "$out"
run() { mpirun --oversubscribe -np "$np" "$bin" rs "$@"; }
G="-b green=$ls/l8_B3.tif -b swir1=$ls/l8_B6.tif"
run water --index mndwi --otsu $G -o "$out/water.tif" --polygons
run water --index mndwi --threshold -0.35 $G -o "$out/water_low.tif"
run water --index mndwi --threshold 0 $G -o "$out/water_perm.tif"
run flood --before "$out/water.tif" --after "$out/water_low.tif" --permanent "$out/water_perm.tif" \
  -o "$out/flood.tif" --polygons
run change --before "$ix/ndwi.tif" --after "$ix/mndwi.tif" --gain 0.1 --loss 0.05 -o "$out/change.tif"
