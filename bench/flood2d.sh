#!/usr/bin/env bash
# bench/flood2d.sh — local inertial flood solver throughput: cell updates per
# second per core at 1 and 2 ranks with 1 OpenMP thread each, and at 1 rank
# with 2 threads, on a > 4e6-cell projected DEM; set against the machine's
# memory bandwidth (STREAM triad, bench/triad.c). Not a test: prints markdown
# tables for docs/performance.md.
#
# Input: the bundled N47E009 SRTM tile (Lake Constance - Raetikon) warped to
# UTM 32N at 40 m (1903 x 2793 = 5.3 M cells), 50 mm/h of rain on every
# cell so the whole grid is wet and every cell does full work, free outflow on
# all edges. The figure is the solver's own timing of its stepping loop (the
# log line "N steps in T s"), so reading and writing are excluded; each
# configuration runs BENCH_REPEAT times (default 3) and the fastest counts.
#
# Bytes per cell update, counted from the arrays one step touches for this job
# (uniform roughness and rain): read z, h, qx, qy (4 x 8 B) and the four float
# statistics (4 x 4 B); write h', qx', qy' (3 x 8 B, plus the same again read
# for write-allocation) and the statistics that changed (at most 4 x 4 B):
# 112 B. A roughness raster or a rain raster adds 8 B each.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
work=${BENCH_DIR:-/tmp/sanxiang-bench-flood2d}
repeat=${BENCH_REPEAT:-3}
bytes=112
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
    checkpoint_minutes: 0
    boundaries:
      west: {type: free, slope: 0.01}
      east: {type: free, slope: 0.01}
      north: {type: free, slope: 0.01}
      south: {type: free, slope: 0.01}
YAML
cc -O3 -fopenmp -o "$work/triad" bench/triad.c
triad() { OMP_NUM_THREADS=$1 OMP_PROC_BIND=spread "$work/triad" | awk '{print $3}'; } # GB/s with write-allocate
run() { # ranks threads -> "steps seconds" (fastest of $repeat)
  local best="" line
  for _ in $(seq "$repeat"); do
    # Open MPI binds each rank to one core when ranks <= 2: threads need --bind-to none
    line=$(OMP_NUM_THREADS=$2 mpirun --bind-to none -np "$1" build/bin/sanxiang flood2d "$work/job.yaml" --out "$work/out_np$1_t$2" 2>&1 |
      sed -n 's/.*flood2d: \([0-9]*\) steps in \([0-9.]*\) s:.*/\1 \2/p')
    if [ -z "$best" ] || [ "$(echo "${line#* } < ${best#* }" | bc -l)" = 1 ]; then best=$line; fi
  done
  echo "$best"
}
bw1=$(triad 1)
bw2=$(triad 2)
echo "Memory bandwidth (STREAM triad, counting write-allocate): 1 thread $bw1 GB/s, 2 threads $bw2 GB/s"
echo
echo "| ranks x threads | cells | steps | stepping time (s) | cell updates/s | per core | GB/s at $bytes B/update | of triad |"
echo "|---|---|---|---|---|---|---|---|"
for cfg in "1 1" "2 1" "1 2"; do
  set -- $cfg
  read -r steps secs < <(run "$1" "$2")
  cores=$(($1 * $2))
  rate=$(echo "$cells * $steps / $secs" | bc -l)
  gbs=$(echo "$rate * $bytes / 1000000000" | bc -l)
  bw=$([ "$cores" = 1 ] && echo "$bw1" || echo "$bw2")
  printf "| %d x %d | %s | %s | %.2f | %.3g | %.3g | %.1f | %.0f %% |\n" "$1" "$2" "$cells" "$steps" "$secs" "$rate" \
    "$(echo "$rate / $cores" | bc -l)" "$gbs" "$(echo "100 * $gbs / $bw" | bc -l)"
done
