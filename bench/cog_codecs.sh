#!/usr/bin/env bash
# bench/cog_codecs.sh — the COG writer's tile codecs and levels on real layers:
# file size and the cost of tiling + compressing (overviews included), for
# docs/performance.md ("COG tile compression"). Not a test.
#
# Layers (each written by the verb that makes it, 1 rank, 1 thread):
#   ndvi   Float32, a 2048 x 2048 crop of bench/rs.sh's Landsat NDVI input (BENCH_RS_DIR)
#   slope  Float32, dem slope of the bundled SRTM tile (1201 x 1201)
#   fill   Float64, dem fill of the same tile
#   accum  Float64, dem accum of its flow directions
#   water  UInt8,   rs water (NDWI, Otsu) of the bundled Landsat 8 scene (627 x 603)
# For each codec/level (SX_COG_COMPRESS / SX_COG_LEVEL) it prints the COG's
# bytes and either the "<layer>: COG tiles" seconds of the run's performance
# table (default; needs a quiet machine) or, with BENCH_CALLGRIND=1, the
# instructions executed inside sx_cog_write_blocks (valgrind --tool=callgrind),
# which do not depend on the machine's load.
#
# Run bench/rs.sh once first (it builds the 8000 x 8000 inputs), or set
# BENCH_RS_DIR to a directory holding red.tif and nir.tif.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export OMP_NUM_THREADS=1 SX_NC_DEFLATE=0
bin=$PWD/build/bin/sanxiang
rsdir=${BENCH_RS_DIR:-/tmp/sanxiang-bench-rs/8000}
work=${BENCH_DIR:-/tmp/sanxiang-bench-cog}
mkdir -p "$work/o"
dem=$PWD/data/dem/N47E009.SRTM3.tif
l8=$PWD/data/remote_sensing/landsat8
for b in red nir; do
  [ -s "$work/${b}2k.tif" ] || gdal_translate -q -srcwin 0 0 2048 2048 -co TILED=YES "$rsdir/$b.tif" "$work/${b}2k.tif"
done
"$bin" dem fill "$dem" -o "$work/fill_in.tif" >/dev/null 2>&1
"$bin" dem flowdir "$work/fill_in.tif" -o "$work/flowdir_in.tif" >/dev/null 2>&1

layer_cmd() {
  case $1 in
    ndvi) echo "$bin rs index ndvi --reflectance none -b nir=$work/nir2k.tif -b red=$work/red2k.tif -o $work/o/ndvi.tif" ;;
    slope) echo "$bin dem slope $dem -o $work/o/slope.tif" ;;
    fill) echo "$bin dem fill $dem -o $work/o/fill.tif" ;;
    accum) echo "$bin dem accum $work/flowdir_in.tif -o $work/o/accum.tif" ;;
    water) echo "$bin rs water --index ndwi --otsu -b green=$l8/l8_B3.tif -b nir=$l8/l8_B5.tif -o $work/o/water.tif" ;;
  esac
}
var_of() { case $1 in ndvi) echo ndvi ;; slope) echo slope ;; fill) echo elevation ;; accum) echo accumulation ;; water) echo water ;; esac; }

echo "| layer | type | cells | codec | level | COG bytes | ratio to NONE | $([ -n "${BENCH_CALLGRIND:-}" ] && echo "instructions / cell" || echo "COG tiles s") |"
echo "|---|---|---|---|---|---|---|---|"
for layer in ndvi slope fill accum water; do
  none_bytes=""
  for cl in "NONE 0" "DEFLATE 1" "DEFLATE 3" "DEFLATE 6" "ZSTD -5" "ZSTD -3" "ZSTD -1" "ZSTD 1" "ZSTD 3" "ZSTD 9"; do
    set -- $cl
    export SX_COG_COMPRESS=$1 SX_COG_LEVEL=$2
    cmd=$(layer_cmd $layer)
    if [ -n "${BENCH_CALLGRIND:-}" ]; then
      valgrind --tool=callgrind --toggle-collect=sx_cog_write_blocks --callgrind-out-file="$work/cg.out" $cmd >/dev/null 2>&1
      cost=$(callgrind_annotate "$work/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    else
      cost=$($cmd 2>&1 | awk -v v="$(var_of $layer): COG tiles" 'index($0, v) {print $(NF)}')
    fi
    f=$work/o/$layer.tif
    read -r nx ny type < <(/usr/bin/python3 -c "from osgeo import gdal; d = gdal.Open('$f'); b = d.GetRasterBand(1); \
print(d.RasterXSize, d.RasterYSize, gdal.GetDataTypeName(b.DataType))")
    bytes=$(stat -c %s "$f")
    [ -z "$none_bytes" ] && none_bytes=$bytes
    if [ -n "${BENCH_CALLGRIND:-}" ]; then cost=$(/usr/bin/python3 -c "print('%.0f' % ($cost / ($nx * $ny)))"); fi
    echo "| $layer | $type | $((nx * ny)) | $1 | $2 | $bytes | $(/usr/bin/python3 -c "print('%.3f' % ($bytes / $none_bytes))") | $cost |"
  done
done
