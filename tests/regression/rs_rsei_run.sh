#!/bin/sh
# rs_rsei_run.sh BIN NP OUT LANDSAT_DIR — RSEI components of the Landsat 8
# test scene (TOA reflectance from its MTL) with rs index / rs calc, LST from
# OUT/lst.tif (rs_rsei_setup.py), then rs rsei, on NP ranks into OUT/np<NP>/.
set -eu
bin=$1; np=$2; out=$3; ls=$4
mkdir -p "$out/np$np"
cd "$out/np$np" # same command line at every rank count: relative output names
run() { mpirun --oversubscribe -np "$np" "$bin" "$@"; }
B="-b blue=$ls/l8_B2.tif -b green=$ls/l8_B3.tif -b red=$ls/l8_B4.tif -b nir=$ls/l8_B5.tif -b swir1=$ls/l8_B6.tif -b swir2=$ls/l8_B7.tif"
run rs index ndvi -b nir="$ls/l8_B5.tif" -b red="$ls/l8_B4.tif" -o ndvi.tif
# Tasseled-cap wetness for OLI reflectance, Baig et al. (2014)
run rs calc $B --expr '0.1511*blue + 0.1973*green + 0.3283*red + 0.3407*nir - 0.7117*swir1 - 0.4559*swir2' -o wet.tif
# NDBSI = (SI + IBI) / 2 (Xu 2013; SI Rikimaru et al. 2002, IBI Xu 2008)
B5="-b blue=$ls/l8_B2.tif -b green=$ls/l8_B3.tif -b red=$ls/l8_B4.tif -b nir=$ls/l8_B5.tif -b swir1=$ls/l8_B6.tif"
run rs calc $B5 --expr '(((swir1 + red) - (nir + blue)) / ((swir1 + red) + (nir + blue)) + (2*swir1/(swir1 + nir) - (nir/(nir + red) + green/(green + swir1))) / (2*swir1/(swir1 + nir) + (nir/(nir + red) + green/(green + swir1)))) / 2' -o ndbsi.tif
run rs rsei --ndvi ndvi.tif --wet wet.tif --ndbsi ndbsi.tif --lst ../lst.tif --format cog,nc -o rsei.tif
