# bench/dem_mosaic.sh — sourced by the DEM benchmarks: dem_mosaic N OUT [CROP]
# writes the bundled N47E009 SRTM tile N x N times side by side (shifted
# geotransforms) as one tiled DEFLATE GeoTIFF (BigTIFF), optionally cropped
# to its top-left CROP x CROP cells; nothing is done when OUT exists. Uses
# $work for the intermediate VRTs.
dem_mosaic() {
  local n=$1 out=$2 crop=${3:-} tile=data/dem/N47E009.SRTM3.tif list=()
  [ -s "$out" ] && return 0
  for j in $(seq 0 $((n - 1))); do for i in $(seq 0 $((n - 1))); do
    local f=$work/t${n}_${i}_${j}.vrt
    gdal_translate -q -of VRT -a_ullr $(python3 -c "print(9+$i-0.5/1200, 48-$j+0.5/1200, 10+$i+0.5/1200, 47-$j-0.5/1200)") \
      "$tile" "$f"
    list+=("$f")
  done; done
  gdalbuildvrt -q "$work/mosaic$n.vrt" "${list[@]}"
  gdal_translate -q ${crop:+-srcwin 0 0 $crop $crop} -co TILED=YES -co COMPRESS=DEFLATE -co BIGTIFF=YES \
    "$work/mosaic$n.vrt" "$out"
}
