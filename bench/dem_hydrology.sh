#!/usr/bin/env bash
# bench/dem_hydrology.sh — fill + flowdir + accum: sanxiang at 1 and 2 ranks,
# and GRASS (r.fill.dir, r.watershed) / SAGA (ta_preprocessor 4, ta_hydrology 0)
# when installed, on the same input in one run. Not a test: prints a markdown
# table (seconds, cells/s, peak RSS per cell) for docs/performance.md.
#
# Inputs: the bundled N47E009 tile (1.44 M cells) and, with BENCH_BIG=1, that
# tile mosaicked 9 x 9 (10,809 x 10,809 = 1.17e8 cells).
# BENCH_TOOLS (default "sanxiang grass grass-fill saga") picks the tools (grass:
# r.watershed alone; grass-fill: r.fill.dir then r.watershed); BENCH_TIMEOUT
# (seconds, default 1800) stops a tool that runs longer, reported as "> T".
# Install GRASS and SAGA with scripts/setup.sh --bench.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
work=${BENCH_DIR:-/tmp/sanxiang-bench-dem}
mkdir -p "$work"
bin=build/bin/sanxiang
inputs=(data/dem/N47E009.SRTM3.tif)
if [ "${BENCH_BIG:-0}" = 1 ]; then
  big=$work/dem_9x9.tif
  if [ ! -s "$big" ]; then
    list=()
    for j in $(seq 0 8); do for i in $(seq 0 8); do
      f=$work/t_${i}_${j}.vrt
      gdal_translate -q -of VRT -a_ullr $(python3 -c "print(9+$i-0.5/1200, 48-$j+0.5/1200, 10+$i+0.5/1200, 47-$j-0.5/1200)") \
        data/dem/N47E009.SRTM3.tif "$f"
      list+=("$f")
    done; done
    gdalbuildvrt -q "$work/mosaic.vrt" "${list[@]}"
    gdal_translate -q -co TILED=YES -co COMPRESS=DEFLATE -co BIGTIFF=YES "$work/mosaic.vrt" "$big"
  fi
  inputs+=("$big")
fi

# run CMD...: prints "seconds max_rss_kb" (max over the processes /usr/bin/time sees)
tools=${BENCH_TOOLS:-sanxiang grass grass-fill saga}
limit=${BENCH_TIMEOUT:-1800}
want() { case " $tools " in *" $1 "*) return 0;; esac; return 1; }
run() {
  local rc=0
  /usr/bin/time -f "%e %M" -o "$work/time.txt" timeout -s KILL "$limit" "$@" >/dev/null 2>&1 || rc=$?
  if [ $rc -eq 0 ]; then cat "$work/time.txt"
  elif [ $rc -eq 137 ] || [ $rc -eq 124 ]; then echo "> 0"; echo "stopped after $limit s: $*" >&2
  else echo "nan 0"; echo "FAILED ($rc): $*" >&2; fi
}
# row INPUT CELLS TOOL RANKS SECONDS RSS_KB
row() {
  if [ "$5" = ">" ]; then echo "| $1 | $2 | $3 | $4 | > $limit (stopped) | < $(echo "$2 / $limit" | bc) | |"
  else echo "| $1 | $2 | $3 | $4 | $5 | $(echo "$2 / $5" | bc) | $(echo "$6 * 1024 / $2" | bc) |"; fi
}

echo "| input | cells | tool | ranks | fill+flowdir+accum s | cells/s | peak RSS B/cell |"
echo "|---|---|---|---|---|---|---|"
for in in "${inputs[@]}"; do
  cells=$(gdalinfo "$in" | sed -n 's/^Size is \([0-9]*\), \([0-9]*\)/\1*\2/p' | bc)
  name=$(basename "$in")
  if want sanxiang; then
    for np in 1 2; do
      tot=0; rss=0
      for step in "dem fill $in -o $work/fel.tif" "dem flowdir $work/fel.tif -o $work/p.tif" "dem accum $work/p.tif -o $work/acc.tif"; do
        read -r s m < <(run mpirun --oversubscribe -np $np $bin $step)
        [ "$s" = ">" ] && { tot=">"; break; }
        tot=$(echo "$tot + $s" | bc -l); [ "$m" -gt "$rss" ] && rss=$m
      done
      row "$name" "$cells" sanxiang $np "$tot" "$rss"
    done
  fi
  if want grass || want grass-fill; then
    if command -v grass >/dev/null; then
      loc=$work/grass_loc; rm -rf "$loc"
      grass -c "$in" -e "$loc" >/dev/null 2>&1
      if want grass-fill; then
        read -r s m < <(run grass "$loc/PERMANENT" --exec sh -c "r.in.gdal -o input=$in output=dem --o && g.region raster=dem && \
r.fill.dir input=dem output=fel direction=dir --o && r.watershed -s elevation=fel accumulation=acc --o")
        row "$name" "$cells" "GRASS r.fill.dir + r.watershed" 1 "$s" "$m"
      fi
      want grass && read -r s m < <(run grass "$loc/PERMANENT" --exec sh -c "r.in.gdal -o input=$in output=dem --o && g.region raster=dem && \
r.watershed -s elevation=dem accumulation=acc drainage=dir --o")
      want grass && row "$name" "$cells" "GRASS r.watershed alone (A* routing through depressions, no fill)" 1 "$s" "$m"
    else
      echo "| $name | $cells | GRASS | - | not installed (scripts/setup.sh --bench) | | |"
    fi
  fi
  if want saga; then
    if command -v saga_cmd >/dev/null; then
      read -r s m < <(run sh -c "saga_cmd ta_preprocessor 4 -ELEV $in -FILLED $work/saga_fel.sdat && \
saga_cmd ta_hydrology 0 -ELEVATION $work/saga_fel.sdat -FLOW $work/saga_acc.sdat -METHOD 0")
      row "$name" "$cells" "SAGA fill (Wang & Liu) + D8" 1 "$s" "$m"
    else
      echo "| $name | $cells | SAGA | - | not installed (scripts/setup.sh --bench) | | |"
    fi
  fi
done
