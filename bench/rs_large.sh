#!/usr/bin/env bash
# bench/rs_large.sh — one layer of 10^9 cells through `sanxiang rs calc` at
# 1 and 2 ranks (BENCH_RANKS, default "2"), reporting wall time, cells per
# second and the peak resident memory of the largest rank, beside
# gdal_calc.py + gdal_translate -of COG on the same input with BENCH_GDAL=1
# (slow: minutes). Not a test; prints a markdown table for
# docs/performance.md.
#
# Input: the bundled Landsat 8 NIR band (627 x 603 UInt16) tiled side by side
# to BENCH_SIZE x BENCH_SIZE (default 31623: 1.0e9 cells) in one VRT, written
# once as a tiled, uncompressed BigTIFF (2 GB; kept in BENCH_DIR between
# runs). The expression is a reflectance-style rescale of the digital
# numbers, (nir * 2.75e-5 - 0.2), so every cell is read, computed and
# written as Float32 (4 GB before compression).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
size=${BENCH_SIZE:-31623}
work=${BENCH_DIR:-/tmp/sanxiang-bench-large}
mkdir -p "$work"
py=/usr/bin/python3
bin=$PWD/build/bin/sanxiang
src=data/remote_sensing/landsat8/l8_B5.tif
big=$work/nir_$size.tif
export OMP_NUM_THREADS=1 OMPI_MCA_rmaps_base_oversubscribe=1

if [ ! -s "$big" ]; then
  # One VRT whose sources are the scene repeated on a grid (no file per copy).
  $py - "$src" "$size" "$work/mosaic.vrt" <<'PY'
import sys
from osgeo import gdal
src, size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
d = gdal.Open(src)
nx, ny, gt = d.RasterXSize, d.RasterYSize, d.GetGeoTransform()
nd = d.GetRasterBand(1).GetNoDataValue()
parts = [f'<VRTDataset rasterXSize="{size}" rasterYSize="{size}">',
         f'<SRS>{d.GetProjection()}</SRS>',
         f'<GeoTransform>{gt[0]}, {gt[1]}, 0, {gt[3]}, 0, {gt[5]}</GeoTransform>',
         '<VRTRasterBand dataType="UInt16" band="1">'
         + (f'<NoDataValue>{nd:g}</NoDataValue>' if nd is not None else '')]
for j in range(0, size, ny):
    for i in range(0, size, nx):
        w, h = min(nx, size - i), min(ny, size - j)
        parts.append(f'<SimpleSource><SourceFilename relativeToVRT="0">{src}</SourceFilename><SourceBand>1</SourceBand>'
                     f'<SrcRect xOff="0" yOff="0" xSize="{w}" ySize="{h}"/>'
                     f'<DstRect xOff="{i}" yOff="{j}" xSize="{w}" ySize="{h}"/></SimpleSource>')
parts.append('</VRTRasterBand></VRTDataset>')
open(out, "w").write("\n".join(parts))
PY
  gdal_translate -q -co TILED=YES -co BLOCKXSIZE=512 -co BLOCKYSIZE=512 -co BIGTIFF=YES -of GTiff "$work/mosaic.vrt" "$big.tmp"
  mv "$big.tmp" "$big"
fi
cells=$((size * size))
expr="nir * 2.75e-5 - 0.2"
rows=()
# run LABEL CMD...: one run; sets T (s) and M (peak RSS of the largest process, kB)
run() {
  local label=$1; shift
  rm -f "$work"/out_*.tif
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/$label.log" 2>&1 || { echo "FAILED: $* (see $work/$label.log)" >&2; T=nan; M=0; return; }
  read -r T M <"$work/time.txt"
}
row() { # tool ranks
  rows+=("$($py -c "
import sys
t, m, cells, np = float('$T'), int('$M'), $cells, int('$2')
print(f'| $1 | {np} | {t:.1f} | {cells / t / 1e6:.1f} | {m / 1024:.0f} | {m * 1024 / (cells / np):.2f} |')")")
}
for np in ${BENCH_RANKS:-2}; do
  run "sx$np" mpirun --oversubscribe -np "$np" "$bin" rs calc --expr "$expr" -b nir="$big" --reflectance none \
    -o "$work/out_sx$np.tif"
  row "sanxiang rs calc → COG (ZSTD, overviews, statistics)" "$np"
  size_out=$(stat -c %s "$work/out_sx$np.tif" 2>/dev/null || echo 0)
done
if [ "${BENCH_GDAL:-0}" = 1 ]; then
  calc=$(command -v gdal_calc.py || echo /usr/bin/gdal_calc.py)
  run gdal sh -c "$py $calc --quiet -A $big --type=Float32 --overwrite --co TILED=YES --co BIGTIFF=YES \
--calc='A * 2.75e-5 - 0.2' --outfile=$work/out_gc.tif && gdal_translate -q -of COG -co COMPRESS=DEFLATE \
-co PREDICTOR=YES -co BLOCKSIZE=512 -co OVERVIEW_RESAMPLING=AVERAGE -co BIGTIFF=YES $work/out_gc.tif $work/out_gc_cog.tif"
  row "gdal_calc.py + gdal_translate -of COG" 1
fi
echo "Input: $size x $size = $cells cells, UInt16, tiled BigTIFF; $(getconf _NPROCESSORS_ONLN) cores, $(free -g | awk '/Mem:/ {print $2}') GiB."
echo "sanxiang's COG: $size_out bytes."
echo
echo "| command | ranks | wall s | M cells/s | peak RSS of the largest process, MiB | peak bytes per cell of its block |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
