#!/bin/sh
# rs_classify_job.sh BIN NP OUT — jobs/rs_landsat_ny18_ecology.yaml (composites,
# trend, FVC, RSEI, random-forest land cover with its held-back test, NDVI
# change and vegetation-cover change patches on the L8NY18 series) on NP ranks into OUT/np<NP>/run, from the
# source tree (its data paths are relative to it).
set -eu
bin=$1; np=$2; out=$3
src=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out/np$np"
cd "$src"
mpirun --oversubscribe -np "$np" "$bin" run jobs/rs_landsat_ny18_ecology.yaml --out "$out/np$np/run"
grep -q '^overall,' "$out/np$np/run/landcover_test.csv"
# the change patches: a GeoPackage layer and a transition table whose patch areas add up
ogrinfo -so "$out/np$np/run/fvc_patches.gpkg" patches | grep "Feature Count: [1-9]" > /dev/null
/usr/bin/python3 - "$out/np$np/run/fvc_patches_transitions.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows and all(int(r['patch_cells']) <= int(r['cells']) for r in rows), 'patch cells exceed the pair cells'
assert all(r['patches'] == '0' for r in rows if r['from_class'] == r['to_class']), 'patches on unchanged pairs'
assert all(r['from_name'] for r in rows), 'class names missing'
PY
