#!/usr/bin/env bash
# bench/rs.sh — NDVI and a median composite of 5 scenes: sanxiang at 1 and 2
# ranks, gdal_calc.py and GRASS (r.mapcalc, r.series) on the same input in one
# run, and Orfeo ToolBox for NDVI. Not a test: prints a markdown table (seconds, ratio to gdal_calc.py,
# achieved GB/s) and the machine's measured memory bandwidth, for
# docs/performance.md.
#
# Input: the bundled Landsat 8 scene (data/remote_sensing/landsat8, 627 x 603
# UInt16 digital numbers) tiled side by side (shifted geotransforms, one VRT)
# and cut to BENCH_SIZE x BENCH_SIZE (default 8000) into tiled, uncompressed
# GeoTIFFs: red (B4) and nir (B5) for NDVI, and 5 "scenes" for the composite
# (bands B2..B6, each tiled with a different phase so the 5 values at a cell
# come from different places of the real scene).
#
# GB/s counts the logical bytes: inputs read once (2 bytes a cell) plus one
# Float32 output (4 bytes a cell). sanxiang writes a COG with overviews and
# statistics (and, for the composite, the count layer too); those extra
# bytes are not counted, so its GB/s is a lower bound.
#
# Every command runs BENCH_REPS times (default 3), the commands of a task in
# turn (A/B/C..., then again), and the table gives the median wall time and
# the largest peak RSS. The parallel efficiency 1 -> 2 ranks is
# t(1) / (2 t(2)).
#
# Test it small: BENCH_SIZE=1000 BENCH_REPS=1 nice -n 19 bench/rs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
size=${BENCH_SIZE:-8000}
nsc=5
work=${BENCH_DIR:-/tmp/sanxiang-bench-rs}/$size
mkdir -p "$work"
bin=$PWD/build/bin/sanxiang
src=data/remote_sensing/landsat8
py=/usr/bin/python3
calc=$(command -v gdal_calc.py || echo /usr/bin/gdal_calc.py)
export OMP_NUM_THREADS=1 OMPI_MCA_rmaps_base_oversubscribe=1

# tile BAND PHASE OUT: the scene's band tiled to size x size, starting PHASE cells into the scene.
tile() {
  local band=$1 phase=$2 out=$3
  [ -s "$out" ] && return
  local list=() gt nx ny
  read -r nx ny gt < <($py -c "from osgeo import gdal; d = gdal.Open('$src/l8_$band.tif'); g = d.GetGeoTransform(); \
print(d.RasterXSize, d.RasterYSize, ' '.join(map(repr, g)))")
  read -r x0 dx _ y0 _ dy <<<"$gt"
  local n=$(( (size + phase) / (nx < ny ? nx : ny) + 1 ))
  for j in $(seq 0 $((n - 1))); do for i in $(seq 0 $((n - 1))); do
    local f=$work/t_${band}_${i}_${j}.vrt
    gdal_translate -q -of VRT -a_ullr $($py -c "print($x0 + $i*$nx*$dx, $y0 + $j*$ny*$dy, $x0 + ($i+1)*$nx*$dx, $y0 + ($j+1)*$ny*$dy)") \
      "$src/l8_$band.tif" "$f"
    list+=("$f")
  done; done
  gdalbuildvrt -q "$work/m_$band.vrt" "${list[@]}"
  gdal_translate -q -srcwin "$phase" "$phase" "$size" "$size" -a_ullr $($py -c "print(0, $size*30, $size*30, 0)") \
    -co TILED=YES -co BLOCKXSIZE=256 -co BLOCKYSIZE=256 -co BIGTIFF=IF_SAFER "$work/m_$band.vrt" "$out.tmp.tif"
  mv "$out.tmp.tif" "$out"
  rm -f "$work"/t_"${band}"_*.vrt "$work/m_$band.vrt"
}
tile B4 0 "$work/red.tif"
tile B5 0 "$work/nir.tif"
scenes=()
k=0
for b in B2 B3 B4 B5 B6; do
  tile "$b" $((37 * k + 11)) "$work/s$k.tif"
  scenes+=("$work/s$k.tif")
  k=$((k + 1))
done
: > "$work/scenes.txt"
for f in "${scenes[@]}"; do echo "red=$f" >> "$work/scenes.txt"; done
cells=$((size * size))

# run CMD...: prints "seconds max_rss_kb"
run() { /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || { echo "FAILED: $* ($(grep -v "^---" "$work/stderr.txt" | tail -3 | tr "\n" " "))" >&2; echo "nan 0"; return; }; cat "$work/time.txt"; }
reps=${BENCH_REPS:-3}
# Every tool starts without the previous run's output in place: replacing a
# fresh file of 250-350 MB costs its unlink (0.1-0.25 s on this ext4) to
# whichever tool runs next, which is not the tool's work. Untimed.
clear_outputs() { rm -f "$work"/gc_*.tif "$work"/grass_*.tif "$work"/otb_*.tif "$work"/sx_*.tif "$work"/sx_*.nc; }
# rounds NAME=CMD ...: runs the commands in turn, reps rounds; sets T[NAME] (median s) and M[NAME] (max KB)
declare -A T M
rounds() {
  local r spec name t m; declare -A all=()
  for r in $(seq "$reps"); do
    for spec in "$@"; do
      name=${spec%%=*}
      clear_outputs
      read -r t m < <(eval "run ${spec#*=}")
      all[$name]+="$t "
      [ "${M[$name]:-0}" -ge "$m" ] 2>/dev/null || M[$name]=$m
    done
  done
  for spec in "$@"; do
    name=${spec%%=*}
    T[$name]=$($py -c "import statistics, sys; print('%.2f' % statistics.median(map(float, sys.argv[1:])))" ${all[$name]})
  done
}
gbs() { $py -c "b, t = float('$1'), float('$2'); print('%.3g' % (b / t / 1e9) if t == t and t > 0 else 'n/a')"; }
ratio() { $py -c "a, t = float('$1'), float('$2'); print('%.2f' % (a / t) if a == a and t == t and t > 0 else 'n/a')"; }

# Memory bandwidth: numpy copy of a 256 MiB array, best of 5, bytes read + written.
bw=$($py -c "
import numpy as np, time
a = np.ones(2**25); b = np.empty_like(a); best = 1e9
for _ in range(5):
    t = time.perf_counter(); np.copyto(b, a); best = min(best, time.perf_counter() - t)
print('%.2f' % (2 * a.nbytes / best / 1e9))")

ndvi_bytes=$((cells * (2 + 2 + 4)))
comp_bytes=$((cells * (2 * nsc + 4)))
rows=() summary=()
row() { rows+=("| $1 | $2 | $3 | $4 | $(gbs "$5" "$3") | $(( $6 / 1024 )) |"); }

# NDVI
gc_ndvi="$py $calc --quiet -A $work/nir.tif -B $work/red.tif --type=Float32 --overwrite --co TILED=YES \
--calc='(A.astype(numpy.float32) - B) / (A.astype(numpy.float32) + B)' --outfile=$work/gc_ndvi.tif"
cog_opts="-q -of COG -co COMPRESS=DEFLATE -co PREDICTOR=YES -co BLOCKSIZE=512 -co OVERVIEW_RESAMPLING=AVERAGE -co NUM_THREADS=1 -co BIGTIFF=IF_SAFER"
# gdal_calc.py's output turned into what sanxiang delivers (a COG: DEFLATE + predictor, 512 blocks,
# AVERAGE overviews, statistics; one thread), timed as one pipeline.
gc_ndvi_cog="sh -c \"$gc_ndvi && gdalinfo -stats $work/gc_ndvi.tif >/dev/null && rm -f $work/gc_ndvi.tif.aux.xml && \
gdal_translate $cog_opts $work/gc_ndvi.tif $work/gc_ndvi_cog.tif\""
sx_ndvi() { echo "mpirun --oversubscribe -np $1 $bin rs index ndvi --reflectance none -b nir=$work/nir.tif -b red=$work/red.tif -o $work/sx_ndvi_$1.tif ${2:-}"; }
# like for like with gdal_calc.py's bare GeoTIFF: sanxiang's COG without compression (still tiled, with
# overviews and statistics)
rounds gc="$gc_ndvi" gccog="$gc_ndvi_cog" sx1="$(sx_ndvi 1)" sx2="$(sx_ndvi 2)" sx2nc="$(sx_ndvi 2 '--format cog,nc')" \
  sx2raw="env SX_COG_COMPRESS=NONE $(sx_ndvi 2)"
row "NDVI" "gdal_calc.py (numpy, bare GTiff: no compression, overviews or statistics)" "${T[gc]}" "1.00" "$ndvi_bytes" "${M[gc]}"
row "NDVI" "gdal_calc.py + gdalinfo -stats + gdal_translate -of COG (what sanxiang delivers)" "${T[gccog]}" "$(ratio "${T[gc]}" "${T[gccog]}")" "$ndvi_bytes" "${M[gccog]}"
for np in 1 2; do
  row "NDVI" "sanxiang rs index, $np rank(s) (COG)" "${T[sx$np]}" "$(ratio "${T[gc]}" "${T[sx$np]}")" "$ndvi_bytes" "${M[sx$np]}"
done
row "NDVI" "sanxiang rs index, 2 ranks, --format cog,nc (COG + CF netCDF)" "${T[sx2nc]}" "$(ratio "${T[gc]}" "${T[sx2nc]}")" "$ndvi_bytes" "${M[sx2nc]}"
row "NDVI" "sanxiang rs index, 2 ranks, uncompressed COG (SX_COG_COMPRESS=NONE)" "${T[sx2raw]}" "$(ratio "${T[gc]}" "${T[sx2raw]}")" "$ndvi_bytes" "${M[sx2raw]}"
summary+=("NDVI, 2 ranks: $(ratio "${T[gccog]}" "${T[sx2]}")x faster than gdal_calc.py + COG, $(ratio "${T[gc]}" "${T[sx2]}")x gdal_calc.py's bare GTiff; parallel efficiency 1 -> 2 ranks $($py -c "print('%.0f %%' % (100 * ${T[sx1]} / (2 * ${T[sx2]})))").")
# median composite
letters=(A B C D E)
args=""
for k in 0 1 2 3 4; do args+=" -${letters[$k]} ${scenes[$k]}"; done
gc_med="$py $calc --quiet $args --type=Float32 --overwrite --co TILED=YES \
--calc='numpy.median(numpy.stack([A, B, C, D, E]).astype(numpy.float32), axis=0)' --outfile=$work/gc_median.tif"
gc_med_cog="sh -c \"$gc_med && gdalinfo -stats $work/gc_median.tif >/dev/null && rm -f $work/gc_median.tif.aux.xml && \
gdal_translate $cog_opts $work/gc_median.tif $work/gc_median_cog.tif\""
sx_med() { echo "mpirun --oversubscribe -np $1 $bin rs composite --method median --reflectance none --scenes $work/scenes.txt -o $work/sx_median_$1.tif"; }
rounds gcm="$gc_med" gcmcog="$gc_med_cog" sxm1="$(sx_med 1)" sxm2="$(sx_med 2)"
row "median of 5" "gdal_calc.py (numpy.median, bare GTiff)" "${T[gcm]}" "1.00" "$comp_bytes" "${M[gcm]}"
row "median of 5" "gdal_calc.py + gdalinfo -stats + gdal_translate -of COG" "${T[gcmcog]}" "$(ratio "${T[gcm]}" "${T[gcmcog]}")" "$comp_bytes" "${M[gcmcog]}"
for np in 1 2; do
  row "median of 5" "sanxiang rs composite, $np rank(s) (COG + count COG)" "${T[sxm$np]}" "$(ratio "${T[gcm]}" "${T[sxm$np]}")" "$comp_bytes" "${M[sxm$np]}"
done
t_gc=${T[gc]}; t_gcm=${T[gcm]}
# GRASS: inputs linked with r.external (read through GDAL, no import), output exported to GTiff.
if command -v grass >/dev/null; then
  loc=$work/grass_loc
  rm -rf "$loc"
  grass -c "$work/red.tif" -e "$loc" >/dev/null 2>&1
  link="r.external -o input=$work/red.tif output=red --o --q && r.external -o input=$work/nir.tif output=nir --o --q"
  for k in 0 1 2 3 4; do link+=" && r.external -o input=${scenes[$k]} output=s$k --o --q"; done
  run grass "$loc/PERMANENT" --exec sh -c "$link && g.region raster=red" >/dev/null
  clear_outputs
  read -r t m < <(run grass "$loc/PERMANENT" --exec sh -c "r.mapcalc --o --q 'ndvi = float(nir - red) / float(nir + red)' && \
r.out.gdal -c -f --o --q input=ndvi output=$work/grass_ndvi.tif type=Float32 createopt=TILED=YES")
  row "NDVI" "GRASS r.mapcalc + r.out.gdal, 1 process" "$t" "$(ratio "$t_gc" "$t")" "$ndvi_bytes" "$m"
  clear_outputs
  read -r t m < <(run grass "$loc/PERMANENT" --exec sh -c "r.series --o --q input=s0,s1,s2,s3,s4 method=median output=med && \
r.out.gdal -c -f --o --q input=med output=$work/grass_median.tif type=Float32 createopt=TILED=YES")
  row "median of 5" "GRASS r.series + r.out.gdal, 1 process" "$t" "$(ratio "$t_gcm" "$t")" "$comp_bytes" "$m"
else
  rows+=("| NDVI, median | GRASS | not installed (apt-get install grass-core) | | | |")
fi

# Orfeo ToolBox (Debian's otb-bin): BandMath with the NDVI expression, and RadiometricIndices on a
# two-band VRT stack (red, nir); both write a bare tiled GeoTIFF like gdal_calc.py, with OTB's default
# threads (every core) and RAM hint.
if command -v otbcli_BandMath >/dev/null; then
  gdalbuildvrt -q -separate "$work/otb_stack.vrt" "$work/red.tif" "$work/nir.tif"
  otb_bm="otbcli_BandMath -il $work/nir.tif $work/red.tif -out '$work/otb_ndvi.tif?&gdal:co:TILED=YES' float -exp '(im1b1 - im2b1) / (im1b1 + im2b1)'"
  otb_ri="otbcli_RadiometricIndices -in $work/otb_stack.vrt -channels.red 1 -channels.nir 2 -list Vegetation:NDVI -out '$work/otb_ri.tif?&gdal:co:TILED=YES' float"
  rounds otbbm="$otb_bm" otbri="$otb_ri"
  row "NDVI" "Orfeo ToolBox otbcli_BandMath (bare GTiff, $(getconf _NPROCESSORS_ONLN) threads)" "${T[otbbm]}" "$(ratio "$t_gc" "${T[otbbm]}")" "$ndvi_bytes" "${M[otbbm]}"
  row "NDVI" "Orfeo ToolBox otbcli_RadiometricIndices (bare GTiff, $(getconf _NPROCESSORS_ONLN) threads)" "${T[otbri]}" "$(ratio "$t_gc" "${T[otbri]}")" "$ndvi_bytes" "${M[otbri]}"
  summary+=("NDVI, 2 ranks vs Orfeo ToolBox BandMath (bare GTiff): $(ratio "${T[otbbm]}" "${T[sx2]}")x.")
else
  rows+=("| NDVI | Orfeo ToolBox | not installed (scripts/setup.sh --bench) | | | |")
fi

echo "Input: $size x $size cells ($cells), UInt16, tiled GeoTIFF; $(getconf _NPROCESSORS_ONLN) cores; $(gdalinfo --version | cut -d, -f1)."
echo "Measured memory bandwidth (numpy copy, 256 MiB, read + write): $bw GB/s."
echo
echo "| task | tool | seconds | speed-up vs gdal_calc.py | achieved GB/s | peak RSS MB |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
printf '%s\n' "${summary[@]}"
