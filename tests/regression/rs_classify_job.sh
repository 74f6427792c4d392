#!/bin/sh
# rs_classify_job.sh BIN NP OUT [XLSX] — jobs/rs_landsat_ny18_ecology.yaml (composites,
# trend, FVC, RSEI, random-forest land cover with its held-back test, the rule-label
# reference, a stratified sample of the map and its accuracy, NDVI change and
# vegetation-cover change patches on the L8NY18 series) on NP ranks into OUT/np<NP>/run,
# from the source tree (its data paths are relative to it). XLSX: 1 when the build
# writes workbooks (else the accuracy step runs without --xlsx).
set -eu
bin=$1; np=$2; out=$3; xlsx=${4:-1}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
mkdir -p "$out/np$np"
cd "$src"
job=jobs/rs_landsat_ny18_ecology.yaml
set --
if [ "$xlsx" != 1 ]; then # the index of the rs_accuracy step, to switch its workbook off
  i=$(awk '/^steps:/ {s = 1; next} s && /^  - / {if (/step: rs_accuracy/) {print n; exit} n++}' "$job")
  set -- --set "steps.$i.xlsx=false"
fi
mpirun --oversubscribe -np "$np" "$bin" run "$job" --out "$out/np$np/run" "$@"
run=$out/np$np/run
grep -q '^overall,' "$run/landcover_test.csv"
# the change patches: a GeoPackage layer and a transition table whose patch areas add up
ogrinfo -so "$run/fvc_patches.gpkg" patches | grep "Feature Count: [1-9]" > /dev/null
/usr/bin/python3 - "$run/fvc_patches_transitions.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows and all(int(r['patch_cells']) <= int(r['cells']) for r in rows), 'patch cells exceed the pair cells'
assert all(r['patches'] == '0' for r in rows if r['from_class'] == r['to_class']), 'patches on unchanged pairs'
assert all(r['from_name'] for r in rows), 'class names missing'
PY
# the reference: the training labels' rules, so every training point's class is the rule label of its cell
/usr/bin/python3 - "$run/rules_0903.tif" data/remote_sensing/L8NY18/training/ny18_training.gpkg <<'PY'
import sys
from osgeo import gdal, ogr
ds = gdal.Open(sys.argv[1]); gt = ds.GetGeoTransform(); ref = ds.ReadAsArray()
src = ogr.Open(sys.argv[2])  # kept: its features need it
pts = list(src.GetLayer(0))
bad = [f.GetFID() for f in pts
       if ref[int((f.GetGeometryRef().GetY() - gt[3]) // gt[5]), int((f.GetGeometryRef().GetX() - gt[0]) // gt[1])]
       != f.GetField('class')]
assert pts and not bad, 'training points whose class is not the rule label: %s' % bad
PY
# the accuracy sample: the documented design redrawn independently (no training cell, no unlabelled
# cell, reference = the rule label), and the accuracy tables of rs accuracy
/usr/bin/python3 "$here/rs_sample_check.py" "$run/landcover_sample" 2018 --map "$run/landcover.tif" \
  --reference "$run/rules_0903.tif" --exclude data/remote_sensing/L8NY18/training/ny18_training.gpkg --total 200 --min 25
grep -q '^overall,2615,1,200,' "$run/landcover_accuracy.csv"
[ -s "$run/landcover_accuracy_matrix.csv" ]
if [ "$xlsx" = 1 ]; then
  /usr/bin/python3 "$here/rs_accuracy_xlsx_check.py" "$run/landcover_accuracy.xlsx" "$run/landcover_accuracy.csv" \
    "$run/landcover_accuracy_matrix.csv"
fi
