#!/usr/bin/env bash
# bench/slope.sh — terrain products: sanxiang at 1 and 2 ranks beside gdaldem
# and GRASS r.slope.aspect on the same input in one run. Not a test: prints
# markdown tables for docs/performance.md.
#
# Input: the bundled N47E009 SRTM tile mosaicked 4 x 4 (4804 x 4804 cells,
# 23 M cells) into a tiled GeoTIFF, so the run is long enough to time.
# Rows: slope alone (sanxiang dem slope, gdaldem slope, r.slope.aspect), and
# six products in one pass (sanxiang dem terrain: slope, aspect, hillshade,
# TPI, TRI, roughness) against gdaldem run six times. Each time is the best
# of BENCH_REPEAT (default 3) runs; sanxiang's compute phase (the slowest
# rank's, from its performance table) gives compute cells/s per core (one
# core per rank), and the peak resident memory of the largest process is
# divided by the cells of its block. gdaldem and GRASS write one GeoTIFF (or
# raster map) per product; sanxiang writes a COG with overviews and
# statistics per product.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
work=${BENCH_DIR:-/tmp/sanxiang-bench-slope}
mkdir -p "$work"
. bench/dem_mosaic.sh
big=$work/dem_4x4.tif
dem_mosaic 4 "$big"
cells=$(gdalinfo "$big" | sed -n 's/^Size is \([0-9]*\), \([0-9]*\)/\1*\2/p' | bc)
rep=${BENCH_REPEAT:-3}

# best LABEL CMD...: the fastest of $rep runs; sets T (seconds), M (peak RSS kB of that run), C (compute s)
best() {
  local label=$1; shift
  T=""; M=0; C=""
  for _ in $(seq "$rep"); do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/$label.log" 2>&1
    read -r t m <"$work/time.txt"
    if [ -z "$T" ] || [ "$(echo "$t < $T" | bc -l)" = 1 ]; then
      T=$t; M=$m; C=$(awk '/: compute/ { print $NF }' "$work/$label.log" | tail -1)
    fi
  done
}
row() { # tool command ranks
  local np=$3 block
  block=$(echo "$cells / $np" | bc)
  python3 - "$1" "$2" "$np" "$T" "$C" "$M" "$block" "$REF" <<'PY'
import sys
tool, cmd, np, t, c, m, block, ref = sys.argv[1:]
t, block = float(t), int(block)
cps = f"{block / float(c):,.0f}" if c else ""
print(f"| {tool} | {cmd} | {np} | {t:.2f} | {c or ''} | {cps} | {int(m) * 1024 / block:.1f} | {float(ref) / t:.2f} |")
PY
}
header() {
  echo "| tool | command | ranks | best of $rep (s) | compute s | compute cells/s per core | peak RSS B/cell of block | vs $1 |"
  echo "|---|---|---|---|---|---|---|---|"
}

echo "Slope of $cells cells:"
header gdaldem
best gdaldem gdaldem slope -q -s 111120 -of GTiff -co TILED=YES -co COMPRESS=DEFLATE "$big" "$work/gdaldem.tif"; REF=$T
C=""; row "gdaldem $(gdalinfo --version | cut -d, -f1 | cut -d' ' -f2)" "gdaldem slope -s 111120 (GTiff, DEFLATE)" 1
if command -v grass >/dev/null; then
  loc=$work/grass_loc; rm -rf "$loc"; grass -c "$big" -e "$loc" >/dev/null 2>&1
  best grass grass "$loc/PERMANENT" --exec sh -c "r.in.gdal -o input=$big output=dem --o && g.region raster=dem && \
r.slope.aspect elevation=dem slope=slope --o"
  C=""; row "GRASS" "r.in.gdal + r.slope.aspect slope= (import included)" 1
fi
for np in 1 2; do
  best sx$np env OMP_NUM_THREADS=1 mpirun -np $np build/bin/sanxiang dem slope "$big" -o "$work/sx$np.tif"
  row "sanxiang" "dem slope (COG)" $np
done
echo
echo "Six products (slope, aspect, hillshade, TPI, TRI, roughness) of $cells cells:"
header "gdaldem x 6"
export big work
best gdaldem6 bash -c 'for p in slope aspect hillshade TPI TRI roughness; do
  gdaldem $p -q -s 111120 -of GTiff -co TILED=YES -co COMPRESS=DEFLATE "$big" "$work/g_$p.tif"; done'; REF=$T
C=""; row "gdaldem" "6 x gdaldem -s 111120 (GTiff, DEFLATE)" 1
for np in 1 2; do
  best sx6_$np env OMP_NUM_THREADS=1 mpirun -np $np build/bin/sanxiang dem terrain "$big" -o "$work/t.tif" \
    --products slope aspect hillshade tpi tri roughness
  row "sanxiang" "dem terrain, 6 products in one pass (COG each)" $np
done
