#!/usr/bin/env bash
# bench/publish.sh — delivering a large raster to the one map: `sanxiang
# publish` (reprojection + COG of every layer, STAC, styles, web preview) at
# 1 and 2 ranks beside gdalwarp writing the same COG directly, on the same
# input in one run. Not a test: prints a markdown table for
# docs/performance.md.
#
# Input: slope of the bundled N47E009 SRTM tile mosaicked 4 x 4 (4804 x 4804
# cells of Float32 in EPSG:4326, made once with `sanxiang dem slope`), as the
# only layer of a run directory; target EPSG:32632 (UTM 32N), bilinear, as a
# province's delivery CRS would be. gdalwarp writes one COG (DEFLATE +
# predictor, AVERAGE overviews) and nothing else; publish writes the package.
# Each time is the median of BENCH_REPEAT (default 3) rounds, the commands of
# a round run in turn.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
work=${BENCH_DIR:-/tmp/sanxiang-bench-publish}
mkdir -p "$work"
. bench/dem_mosaic.sh
big=$work/dem_4x4.tif
dem_mosaic 4 "$big"
layer=$work/run/slope.tif
if [ ! -s "$layer" ]; then # a run directory (run.json + the layer), as a job leaves it
  printf 'job: bench_publish\ninputs:\n  dem: %s\noutput_dir: %s\nsteps:\n  - step: slope\n    input: dem\n    output: slope\n' \
    "$big" "$work/run" >"$work/job.yaml"
  OMP_NUM_THREADS=1 mpirun -np 2 build/bin/sanxiang run "$work/job.yaml" >"$work/job.log" 2>&1
fi
cells=$(gdalinfo "$layer" | sed -n 's/^Size is \([0-9]*\), \([0-9]*\)/\1*\2/p' | bc)
rep=${BENCH_REPEAT:-3}
co="-of COG -co COMPRESS=DEFLATE -co PREDICTOR=YES -co OVERVIEW_RESAMPLING=AVERAGE -co BLOCKSIZE=512"

declare -A times mem
run() { # label cmd...
  local label=$1; shift
  rm -rf "$work/out_$label" "$work/out_$label.tif"
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/$label.log" 2>&1
  read -r t m <"$work/time.txt"
  times[$label]="${times[$label]:-} $t"; mem[$label]=$m
}
labels=(gdalwarp gdalwarp_mt sx1 sx2)
for _ in $(seq "$rep"); do
  run gdalwarp gdalwarp -q -t_srs EPSG:32632 -r bilinear $co "$layer" "$work/out_gdalwarp.tif"
  run gdalwarp_mt gdalwarp -q -multi -wo NUM_THREADS=2 -t_srs EPSG:32632 -r bilinear $co -co NUM_THREADS=2 \
    "$layer" "$work/out_gdalwarp_mt.tif"
  run sx1 env OMP_NUM_THREADS=1 mpirun -np 1 build/bin/sanxiang publish "$work/run" -o "$work/out_sx1" --crs EPSG:32632
  run sx2 env OMP_NUM_THREADS=1 mpirun -np 2 build/bin/sanxiang publish "$work/run" -o "$work/out_sx2" --crs EPSG:32632
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ref=$(echo "${times[gdalwarp]}" | median)
echo "Reprojecting and delivering $cells cells (Float32, EPSG:4326 -> EPSG:32632, bilinear):"
echo "| tool | command | seconds (median of $rep) | vs gdalwarp | peak RSS MB |"
echo "|---|---|---|---|---|"
declare -A desc=([gdalwarp]="gdalwarp → COG, 1 thread" [gdalwarp_mt]="gdalwarp -multi, 2 warp + 2 compression threads → COG"
      [sx1]="sanxiang publish, 1 rank (package: COG, STAC, styles, preview)"
      [sx2]="sanxiang publish, 2 ranks (package: COG, STAC, styles, preview)")
for l in "${labels[@]}"; do
  t=$(echo "${times[$l]}" | median)
  printf '| %s | %s | %.2f | %.2f | %d |\n' "${l%%_*}" "${desc[$l]}" "$t" "$(echo "$ref / $t" | bc -l)" $((mem[$l] / 1024))
done
