#!/usr/bin/env bash
# A scene batch as a job array with its merge step: the bundled SRTM tile is
# cut into 4 tiles overlapping by two cells (what a 3x3 kernel needs to be
# seamless), array-batch.sbatch runs a slope job on each (one array
# task per tile, --set inputs.dem=<tile>), merge-batch.sbatch runs after the
# whole array (afterok) and mosaics the four slope layers into one COG with a
# batch manifest. Checks array task states, the manifest, and that the mosaic
# equals the slope of the whole tile computed in one run.
. "$(dirname "$0")/slurm_submit.sh"
root=$1; work=$2
rm -rf "$work"; mkdir -p "$work/tiles"
src=$root/data/dem/N47E009.SRTM3.tif
: > "$work/tiles.txt"
echo "# four quarter tiles of $src" >> "$work/tiles.txt"
for q in "0 0" "599 0" "0 599" "599 599"; do
  set -- $q
  f=$work/tiles/q_$1_$2.tif
  gdal_translate -q -srcwin "$1" "$2" 602 602 "$src" "$f" || fail "gdal_translate"
  echo "$f" >> "$work/tiles.txt"
done
arr=$(sx_submit --chdir="$root" --array=1-4 -o "$work/batch-%A_%a.log" -J tiles \
      --export=ALL,SX_OUT_BASE="$work" slurm/array-batch.sbatch "$work/tiles.txt" tests/data/jobs/slope_only.yaml inputs.dem) \
  || fail "sbatch refused the array"
merge=$(sx_submit --chdir="$root" -o "$work/merge-%j.log" --dependency=afterok:"$arr" --kill-on-invalid-dep=yes \
        slurm/merge-batch.sbatch "$work/tiles-$arr" slope "$work/tiles.txt") || fail "sbatch refused the merge"
s=$(sx_wait "$merge" 400)
echo "array $arr, merge $merge: $s"
for i in 1 2 3 4; do
  st=$(sx_state "${arr}_$i"); echo "task $i: $st $(sx_exit "${arr}_$i")"
  [ "$st" = COMPLETED ] || { cat "$work/batch-${arr}_$i.log"; fail "array task $i $st"; }
  grep -q "array task $i: inputs.dem=$work/tiles/" "$work/batch-${arr}_$i.log" || fail "task $i log does not name its tile"
done
cat "$work/merge-$merge.log"
[ "$s" = COMPLETED ] || fail "merge state $s"
m=$work/tiles-$arr/merged
[ -s "$m/slope.tif" ] && [ -s "$m/batch.json" ] || fail "merged outputs missing"
"$SX_BIN" dem slope "$src" -o "$work/whole.tif" > /dev/null || fail "slope of the whole tile"
/usr/bin/python3 - "$m" "$work/whole.tif" <<'PY' || fail "merged mosaic check"
import json, sys
import numpy as np
from osgeo import gdal
m, whole = sys.argv[1], sys.argv[2]
mos = gdal.Open(f"{m}/slope.tif")
assert (mos.RasterXSize, mos.RasterYSize) == (1201, 1201), (mos.RasterXSize, mos.RasterYSize)
a = mos.GetRasterBand(1).ReadAsArray()
ref = gdal.Open(whole)
r = ref.GetRasterBand(1).ReadAsArray()
assert np.array_equal(a, r), f"mosaic differs from the whole-tile slope in {(a != r).sum()} cells"
b = json.load(open(f"{m}/batch.json"))
assert [t["task"] for t in b["tasks"]] == [1, 2, 3, 4] and all(t["job_sha256"] for t in b["tasks"])
assert all(t["entry"].endswith(".tif") for t in b["tasks"])
print("mosaic of 4 array tasks equals the whole-tile slope, 1201x1201")
PY
echo "ok"
