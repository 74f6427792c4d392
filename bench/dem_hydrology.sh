#!/usr/bin/env bash
# bench/dem_hydrology.sh — depression filling, flow directions and flow
# accumulation: sanxiang at 1 and 2 ranks beside GRASS (r.fill.dir,
# r.watershed) and SAGA (Fill Sinks XXL, Wang & Liu; D8 flow accumulation) on
# the same inputs in one run. Not a test: prints markdown tables for
# docs/performance.md.
#
# Inputs: the bundled N47E009 SRTM tile (1.44 M cells), that tile mosaicked
# 4 x 4 and cut to 4000 x 4000 (16 M cells; BENCH_MID=0 skips it), and with
# BENCH_BIG=1 the tile mosaicked 9 x 9 (10 809 x 10 809 = 1.17e8 cells).
# BENCH_TOOLS (default "sanxiang grass saga") picks the tools; BENCH_TIMEOUT
# (seconds, default 1800) stops a tool that runs longer, reported as "> T".
# Install GRASS and SAGA with scripts/setup.sh --bench.
#
# Per sanxiang step the table gives the wall time of the command (read,
# compute, COG write), its compute phase (the slowest rank's, from
# the run's performance table), compute cells per second per core (cells /
# ranks / compute seconds: one core per rank) and the peak resident memory
# of the largest process per cell of its block (cells / ranks). The ratio
# table compares wall times: `dem fill` with SAGA's Fill Sinks XXL, and
# fill + flowdir + accum with GRASS r.watershed (one serial process doing
# all three; GRASS and SAGA times include their import).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
work=${BENCH_DIR:-/tmp/sanxiang-bench-dem}
mkdir -p "$work"
bin=build/bin/sanxiang
tile=data/dem/N47E009.SRTM3.tif

. bench/dem_mosaic.sh
inputs=("$tile")
if [ "${BENCH_MID:-1}" = 1 ]; then dem_mosaic 4 "$work/dem_16m.tif" 4000; inputs+=("$work/dem_16m.tif"); fi
if [ "${BENCH_BIG:-0}" = 1 ]; then dem_mosaic 9 "$work/dem_9x9.tif"; inputs+=("$work/dem_9x9.tif"); fi

tools=${BENCH_TOOLS:-sanxiang grass saga}
limit=${BENCH_TIMEOUT:-1800}
want() { case " $tools " in *" $1 "*) return 0;; esac; return 1; }
# run LOG CMD...: prints "seconds max_rss_kb" (max over the processes /usr/bin/time sees); output to LOG
run() {
  local log=$1 rc=0; shift
  /usr/bin/time -f "%e %M" -o "$work/time.txt" timeout -s KILL "$limit" "$@" >"$log" 2>&1 || rc=$?
  if [ $rc -eq 0 ]; then cat "$work/time.txt"
  elif [ $rc -eq 137 ] || [ $rc -eq 124 ]; then echo "> 0"; echo "stopped after $limit s: $*" >&2
  else echo "nan 0"; echo "FAILED ($rc): $* (see $log)" >&2; fi
}
# compute seconds of phase "$2: compute" in log $1 (the max column of the performance table)
compute() { awk -v p="$2: compute" 'index($0, p) { print $NF }' "$1" | tail -1; }
f2() { python3 -c "import sys; v=sys.argv[1]; print('' if v in ('','nan','>') else f'{float(v):.{sys.argv[2]}f}')" "$1" "$2"; }
r2() { python3 -c "import sys; a,b=sys.argv[1:3]; print(f'{float(a)/float(b):.2f}' if a and b and a != '>' and b != '>' and float(b) else '')" "$1" "$2"; }
per() { python3 -c "import sys; a,b=sys.argv[1:3]; print('' if not a or not b or float(b)==0 else f'{float(a)/float(b):,.0f}')" "$1" "$2"; }

rows=() ratios=()
for in in "${inputs[@]}"; do
  cells=$(gdalinfo "$in" | sed -n 's/^Size is \([0-9]*\), \([0-9]*\)/\1*\2/p' | bc)
  name=$(basename "$in" .tif)
  declare -A wall=()
  if want sanxiang; then
    for np in 1 2; do
      tot=0
      for step in fill flowdir accum; do
        case $step in
          fill) args="dem fill $in -o $work/fel.tif";;
          flowdir) args="dem flowdir $work/fel.tif -o $work/p.tif";;
          accum) args="dem accum $work/p.tif -o $work/acc.tif";;
        esac
        read -r s m < <(run "$work/$step.log" mpirun --oversubscribe -np $np env OMP_NUM_THREADS=1 $bin $args)
        c=$(compute "$work/$step.log" $step)
        block=$(echo "$cells / $np" | bc)
        rows+=("| $name | $cells | sanxiang $step | $np | $(f2 "$s" 2) | $(f2 "$c" 3) | $(per "$block" "$c") | $(per "$((m * 1024))" "$block") |")
        [ "$s" = ">" ] || tot=$(echo "$tot + $s" | bc -l)
        [ $step = fill ] && wall[fill$np]=$s
      done
      wall[chain$np]=$tot
      rows+=("| $name | $cells | sanxiang fill + flowdir + accum (three commands) | $np | $(f2 "$tot" 2) | | | |")
      # the same chain as one job: fill and flowdir handed over in memory, only the accumulation written
      cat > "$work/chain.yaml" <<EOF
job: bench-chain
inputs: {dem: $in}
steps:
  - {step: fill, input: dem, output: fel, intermediate: true}
  - {step: flowdir, input: fel, output: p, intermediate: true}
  - {step: accum, input: p, output: acc}
EOF
      rm -rf "$work/chain_run"
      read -r s m < <(run "$work/chain.log" mpirun --oversubscribe -np $np env OMP_NUM_THREADS=1 $bin run \
        "$work/chain.yaml" --out "$work/chain_run")
      wall[job$np]=$s
      rows+=("| $name | $cells | sanxiang job fill → flowdir → accum (in memory, one COG) | $np | $(f2 "$s" 2) | | | $(per "$((m * 1024))" "$block") |")
    done
  fi
  if want grass && command -v grass >/dev/null; then
    loc=$work/grass_loc; rm -rf "$loc"
    grass -c "$in" -e "$loc" >/dev/null 2>&1
    read -r s m < <(run "$work/grass.log" grass "$loc/PERMANENT" --exec sh -c "r.in.gdal -o input=$in output=dem --o && \
g.region raster=dem && r.watershed -s elevation=dem accumulation=acc drainage=dir --o")
    wall[grass]=$s
    rows+=("| $name | $cells | GRASS r.watershed -s (A* through depressions, no fill) | 1 | $(f2 "$s" 2) | | | $(per "$((m * 1024))" "$cells") |")
    read -r s m < <(run "$work/grass_fill.log" grass "$loc/PERMANENT" --exec sh -c "r.in.gdal -o input=$in output=dem --o && \
g.region raster=dem && r.fill.dir input=dem output=fel direction=dir --o")
    rows+=("| $name | $cells | GRASS r.fill.dir | 1 | $(f2 "$s" 2) | | | $(per "$((m * 1024))" "$cells") |")
  elif want grass; then rows+=("| $name | $cells | GRASS | - | not installed (scripts/setup.sh --bench) | | | |"); fi
  if want saga && command -v saga_cmd >/dev/null; then
    read -r s m < <(run "$work/saga_fill.log" saga_cmd ta_preprocessor 5 -ELEV "$in" -FILLED "$work/saga_fel.sdat" -MINSLOPE 0)
    wall[saga]=$s
    rows+=("| $name | $cells | SAGA Fill Sinks XXL (Wang & Liu), MINSLOPE 0 | 1 | $(f2 "$s" 2) | | | $(per "$((m * 1024))" "$cells") |")
    read -r s m < <(run "$work/saga_acc.log" saga_cmd ta_hydrology 0 -ELEVATION "$work/saga_fel.sdat" -FLOW "$work/saga_acc.sdat" -METHOD 0)
    rows+=("| $name | $cells | SAGA D8 flow accumulation of that fill | 1 | $(f2 "$s" 2) | | | $(per "$((m * 1024))" "$cells") |")
  elif want saga; then rows+=("| $name | $cells | SAGA | - | not installed (scripts/setup.sh --bench) | | | |"); fi
  for np in 1 2; do
    [ -n "${wall[fill$np]:-}" ] && ratios+=("| $name | $np | $(r2 "${wall[saga]:-}" "${wall[fill$np]:-}") | $(r2 "${wall[grass]:-}" "${wall[chain$np]:-}") | $(r2 "${wall[grass]:-}" "${wall[job$np]:-}") |")
  done
  unset wall
done

echo "| input | cells | tool / step | ranks | wall s | compute s | compute cells/s per core | peak RSS B/cell of block |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "| input | sanxiang ranks | SAGA Fill Sinks XXL / dem fill (wall) | GRASS r.watershed / three commands (wall) | GRASS r.watershed / one job (wall) |"
echo "|---|---|---|---|---|"
printf '%s\n' "${ratios[@]}"
