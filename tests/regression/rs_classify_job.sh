#!/bin/sh
# rs_classify_job.sh BIN NP OUT — jobs/rs_landsat_ny18_ecology.yaml (composites,
# trend, FVC, RSEI, random-forest land cover with its held-back test, NDVI
# change on the L8NY18 series) on NP ranks into OUT/np<NP>/run, from the
# source tree (its data paths are relative to it).
set -eu
bin=$1; np=$2; out=$3
src=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out/np$np"
cd "$src"
mpirun --oversubscribe -np "$np" "$bin" run jobs/rs_landsat_ny18_ecology.yaml --out "$out/np$np/run"
grep -q '^overall,' "$out/np$np/run/landcover_test.csv"
