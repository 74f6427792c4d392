#!/bin/sh
# rs_composite_run.sh BIN NP OUT SCENES [all] — composites of the L8NY18 stack on NP ranks.
set -eu
bin=$1; np=$2; out=$3; scenes=$4; all=${5:-}
mkdir -p "$out"
cd "$out" # same command line at every rank count: relative output names
run() { mpirun --oversubscribe -np "$np" "$bin" rs composite --scenes "$scenes" --qa-kind landsat-c1 --dilate 1 "$@"; }
run --method median -o "median.tif"
run --method max-ndvi -o "maxndvi.tif"
if [ -n "$all" ]; then
  run --method mean -o "mean.tif"
  run --method p90 -o "p90.tif"
fi
