#!/bin/sh
# rs_warp_setup.sh OUT LANDSAT_DIR — inputs and gdalwarp references for the
# warp tests: the Landsat 8 red band cut into two overlapping-free halves
# (west/east), the same band placed in Hunan on CGCS2000 (a synthetic
# georeference, to exercise a Gauss-Krueger zone), and gdalwarp's results.
set -eu
out=$1; ls=$2
mkdir -p "$out"
gdal_translate -q -srcwin 0 0 300 603 "$ls/l8_B4.tif" "$out/west.tif"
gdal_translate -q -srcwin 300 0 327 603 "$ls/l8_B4.tif" "$out/east.tif"
gdal_translate -q -a_srs EPSG:4490 -a_ullr 112.0 28.2 112.2 28.0 "$ls/l8_B4.tif" "$out/hunan.tif"
W="-et 0 -ovr NONE -ot Float32 -dstnodata nan -overwrite -q"
# whole scene, nearest: the mosaic of the halves must equal it (no seam)
gdalwarp $W -t_srs EPSG:4490 -tr 0.00025 0.00025 -te -87.45 30.66 -87.33 30.79 -r near "$ls/l8_B4.tif" "$out/ref_near_4490.tif"
# the halves, bilinear upsampling
gdalwarp $W -t_srs EPSG:4490 -tr 0.00025 0.00025 -te -87.45 30.66 -87.33 30.79 -r bilinear "$out/west.tif" "$out/east.tif" "$out/ref_bilinear_4490.tif"
# Gauss-Krueger 3-degree zone, central meridian 114 E (EPSG:4547)
gdalwarp $W -t_srs EPSG:4547 -tr 20 20 -te 300000 3100000 320000 3120000 -r near "$out/hunan.tif" "$out/ref_gk4547.tif"
