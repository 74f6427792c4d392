#!/bin/sh
# rs_index_run.sh BIN NP OUT LANDSAT_DIR — every index, a band-math expression
# and a DN NDVI (plus gdal_calc.py's DN NDVI) on the Landsat 8 test scene,
# for rs_index_check.py to compare with numpy.
set -eu
bin=$1; np=$2; out=$3; ls=$4
mkdir -p "$out"
run() { mpirun --oversubscribe -np "$np" "$bin" "$@"; }
B="-b blue=$ls/l8_B2.tif -b green=$ls/l8_B3.tif -b red=$ls/l8_B4.tif -b nir=$ls/l8_B5.tif -b swir1=$ls/l8_B6.tif -b swir2=$ls/l8_B7.tif"
for ix in ndvi evi savi ndwi mndwi ndbi nbr; do
  # only the roles the index needs (extra bands would only be warned about)
  case $ix in
    ndvi|savi) bands="-b nir=$ls/l8_B5.tif -b red=$ls/l8_B4.tif" ;;
    evi) bands="-b nir=$ls/l8_B5.tif -b red=$ls/l8_B4.tif -b blue=$ls/l8_B2.tif" ;;
    ndwi) bands="-b green=$ls/l8_B3.tif -b nir=$ls/l8_B5.tif" ;;
    mndwi) bands="-b green=$ls/l8_B3.tif -b swir1=$ls/l8_B6.tif" ;;
    ndbi) bands="-b swir1=$ls/l8_B6.tif -b nir=$ls/l8_B5.tif" ;;
    nbr) bands="-b nir=$ls/l8_B5.tif -b swir2=$ls/l8_B7.tif" ;;
  esac
  run rs index $ix $bands -o "$out/$ix.tif"
done
run rs calc --expr 'where(nir > 0.3 and red < 0.1, sqrt(nir) - log(red + 1), max(nir, red, 0.05))' \
  -b nir=$ls/l8_B5.tif -b red=$ls/l8_B4.tif -o "$out/calc.tif"
run rs index ndvi --reflectance none -b nir=$ls/l8_B5.tif -b red=$ls/l8_B4.tif -o "$out/ndvi_dn.tif"
rm -f "$out/ndvi_gdalcalc.tif"
gdal_calc.py --quiet -A $ls/l8_B5.tif -B $ls/l8_B4.tif --type=Float64 \
  --calc='(A.astype(float) - B) / (A.astype(float) + B)' --outfile="$out/ndvi_gdalcalc.tif"
