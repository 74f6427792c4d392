#!/usr/bin/env bash
# bench/slope.sh — Horn slope: sanxiang at 1 and 2 ranks vs gdaldem slope, on
# the same input on the same machine in one run. Not a test: prints a table
# (markdown) to paste into docs/performance.md.
#
# Input: the bundled N47E009 SRTM tile mosaicked 4 x 4 (4804 x 4804 cells,
# 23 M cells) into a tiled GeoTIFF, so the run is long enough to time.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
work=${BENCH_DIR:-/tmp/sanxiang-bench-slope}
mkdir -p "$work"
src=data/dem/N47E009.SRTM3.tif
big=$work/dem_4x4.tif
if [ ! -s "$big" ]; then
  # 4 x 4 copies of the tile side by side (shifted geotransforms) -> one VRT -> tiled GeoTIFF.
  list=()
  for j in 0 1 2 3; do for i in 0 1 2 3; do
    f=$work/t_${i}_${j}.vrt
    gdal_translate -q -of VRT -a_ullr $(python3 -c "print(9+$i-0.5/1200, 48-$j+0.5/1200, 10+$i+0.5/1200, 47-$j-0.5/1200)") "$src" "$f"
    list+=("$f")
  done; done
  gdalbuildvrt -q "$work/mosaic.vrt" "${list[@]}"
  gdal_translate -q -co TILED=YES -co COMPRESS=DEFLATE -co BLOCKXSIZE=256 -co BLOCKYSIZE=256 "$work/mosaic.vrt" "$big"
fi
cells=$(gdalinfo "$big" | sed -n 's/^Size is \([0-9]*\), \([0-9]*\)/\1*\2/p' | bc)

time_cmd() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
best() { local b=""; for _ in 1 2 3; do t=$(time_cmd "$@"); if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi; done; echo "$b"; }

t_gdal=$(best gdaldem slope -q -s 111120 -of GTiff -co TILED=YES -co COMPRESS=DEFLATE "$big" "$work/gdaldem.tif")
t_sx1=$(best env OMP_NUM_THREADS=1 mpirun -np 1 build/bin/sanxiang dem slope "$big" -o "$work/sx1.tif")
t_sx2=$(best env OMP_NUM_THREADS=1 mpirun -np 2 build/bin/sanxiang dem slope "$big" -o "$work/sx2.tif")
echo "| tool | command | cells | best of 3 (s) | Mcells/s | vs gdaldem |"
echo "|---|---|---|---|---|---|"
printf "| gdaldem %s | gdaldem slope -s 111120 (GTiff, DEFLATE) | %s | %.2f | %.1f | 1.00 |\n" "$(gdalinfo --version | cut -d, -f1 | cut -d' ' -f2)" "$cells" "$t_gdal" "$(echo "$cells/$t_gdal/1000000" | bc -l)"
printf "| sanxiang, 1 rank | mpirun -np 1 sanxiang dem slope (netCDF + COG) | %s | %.2f | %.1f | %.2f |\n" "$cells" "$t_sx1" "$(echo "$cells/$t_sx1/1000000" | bc -l)" "$(echo "$t_gdal/$t_sx1" | bc -l)"
printf "| sanxiang, 2 ranks | mpirun -np 2 sanxiang dem slope (netCDF + COG) | %s | %.2f | %.1f | %.2f |\n" "$cells" "$t_sx2" "$(echo "$cells/$t_sx2/1000000" | bc -l)" "$(echo "$t_gdal/$t_sx2" | bc -l)"
