#!/bin/sh
# rs_patches_job.sh BIN CMP PY OUT — the rs_patches job step (maps and class
# table by input name) gives the command line's products (rs_patches_np1).
set -eu
bin=$1; cmp=$2; py=$3; out=$4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/job"
cd "$out/job"
cat > patches.yaml <<YAML
job: rs_patches
inputs:
  before: $out/in/utm_before.tif
  after: $out/in/utm_after.tif
  names: $out/in/classes.csv
output_dir: run
steps:
  - {step: rs_patches, before: before, after: after, classes: names, connectivity: 4, mmu: "0", output: utm}
YAML
mpirun --oversubscribe -np 2 "$bin" run patches.yaml
"$cmp" --exact run/utm.tif "$out/np1/utm.tif"
cmp run/utm_transitions.csv "$out/np1/utm_transitions.csv"
"$py" "$here/gpkg_same.py" run/utm.gpkg "$out/np1/utm.gpkg" patches
echo "job products equal the command-line products"
