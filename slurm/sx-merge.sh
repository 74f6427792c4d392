#!/usr/bin/env bash
# sx-merge.sh BATCH_DIR LAYER LIST — merge an array batch (see
# merge-batch.sbatch). Runs without Slurm too. Exit 3 when a task is missing.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: sx-merge.sh BATCH_DIR LAYER LIST" >&2; exit 2; }
dir=$1 layer=$2 list=$3
n=$(grep -vc '^[[:space:]]*\(#\|$\)' "$list" || true)
[ "$n" -gt 0 ] || { echo "sx-merge: $list lists no tasks" >&2; exit 3; }
tifs=() missing=()
for i in $(seq 1 "$n"); do
  t=$dir/task-$i
  if [ -s "$t/run.json" ] && [ -s "$t/$layer.tif" ]; then tifs+=("$t/$layer.tif"); else missing+=("$i"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "sanxiang: error: sx-merge: task(s) ${missing[*]} of $n in $dir have no $layer.tif or run.json; rerun them (sbatch --array=${missing[*]// /,} ...) before merging" >&2
  exit 3
fi
out=$dir/merged
mkdir -p "$out"
rm -f "$out/.$layer.vrt.part" "$out/.$layer.tif.part" "$out/.batch.json.part"
gdalbuildvrt -q "$out/.$layer.vrt.part" "${tifs[@]}"
gdal_translate -q -of COG -co COMPRESS=DEFLATE -co PREDICTOR=YES -co RESAMPLING=AVERAGE \
  "$out/.$layer.vrt.part" "$out/.$layer.tif.part"
/usr/bin/python3 - "$dir" "$n" "$layer" "$list" > "$out/.batch.json.part" <<'PY'
import json, sys
d, n, layer, lst = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
entries = [l.strip() for l in open(lst) if l.strip() and not l.lstrip().startswith("#")]
tasks = []
for i in range(1, n + 1):
    rec = json.load(open(f"{d}/task-{i}/run.json"))
    prov = rec.get("provenance", rec)
    tasks.append({"task": i, "entry": entries[i - 1], "output": f"task-{i}/{layer}.tif",
                  "job_sha256": prov.get("job_sha256"), "commit": prov.get("commit"), "overrides": prov.get("overrides")})
json.dump({"batch": d, "layer": layer, "tasks": tasks, "merged": f"merged/{layer}.tif"}, sys.stdout, indent=1)
PY
mv "$out/.$layer.tif.part" "$out/$layer.tif"
mv "$out/.batch.json.part" "$out/batch.json"
rm -f "$out/.$layer.vrt.part"
echo "sx-merge: $n task(s) merged into $out/$layer.tif"
