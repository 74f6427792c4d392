#!/usr/bin/env bash
# bench/flood2d.sh — local inertial flood solver throughput: cell updates per
# second per core at 1 and 2 ranks (1 OpenMP thread each) on a > 4e6-cell
# projected DEM. Not a test: prints a markdown table for docs/performance.md.
#
# Input: the bundled N47E009 SRTM tile (Lake Constance - Raetikon) warped to
# UTM 32N at 40 m (about 1900 x 2800 = 5.3 M cells), 50 mm/h of rain on every
# cell so the whole grid is wet and every cell does full work, free outflow on
# all edges. The figure is the solver's own timing of its stepping loop (the
# log line "N steps in T s"), so reading and writing are excluded.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
work=${BENCH_DIR:-/tmp/sanxiang-bench-flood2d}
mkdir -p "$work"
dem=$work/n47e009_utm32_40m.tif
if [ ! -s "$dem" ]; then
  gdalwarp -q -t_srs EPSG:32632 -tr 40 40 -r bilinear -co TILED=YES -co COMPRESS=DEFLATE \
    data/dem/N47E009.SRTM3.tif "$dem"
fi
cells=$(gdalinfo "$dem" | sed -n 's/^Size is \([0-9]*\), \([0-9]*\)/\1*\2/p' | bc)
cat > "$work/job.yaml" <<YAML
job: bench_flood2d
inputs:
  dem: $dem
steps:
  - step: flood2d
    dem: dem
    duration_s: ${BENCH_SECONDS:-300}
    report_interval_s: ${BENCH_SECONDS:-300}
    rain_mm_h: 50
    h_dry: 0.0001
    dt_max: 5
    snapshots: false
    cog: false
    checkpoint_minutes: 0
    boundaries:
      west: {type: free, slope: 0.01}
      east: {type: free, slope: 0.01}
      north: {type: free, slope: 0.01}
      south: {type: free, slope: 0.01}
YAML
run() { # ranks -> "steps seconds"
  OMP_NUM_THREADS=1 mpirun -np "$1" build/bin/sanxiang flood2d "$work/job.yaml" --out "$work/out_np$1" 2>&1 |
    sed -n 's/.*flood2d: \([0-9]*\) steps in \([0-9.]*\) s:.*/\1 \2/p'
}
echo "| ranks x threads | cells | steps | stepping time (s) | cell updates/s | per core |"
echo "|---|---|---|---|---|---|"
for np in 1 2; do
  read -r steps secs < <(run "$np")
  rate=$(echo "$cells * $steps / $secs" | bc -l)
  printf "| %d x 1 | %s | %s | %.2f | %.3g | %.3g |\n" "$np" "$cells" "$steps" "$secs" "$rate" "$(echo "$rate / $np" | bc -l)"
done
