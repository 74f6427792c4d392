#!/bin/sh
# rs_stack_setup.sh OUT L8NY18_DIR — put the 19 Landsat 8 scenes of L8NY18
# (red B4, nir B5, quality BQA) on one 3 km UTM 18N grid with gdalwarp
# (nearest, fill 0 -> nodata 0) and write the scene list for rs composite.
set -eu
out=$1; src=$2
mkdir -p "$out"
: > "$out/scenes.txt"
for d in "$src"/LC08_*; do
  id=$(basename "$d")
  for b in B4 B5 BQA; do
    gdalwarp -q -overwrite -t_srs EPSG:32618 -te 390000 4440000 630000 4740000 -tr 3000 3000 -r near \
      -srcnodata 0 -dstnodata 0 -ot UInt16 "$d"/*_$b.TIF "$out/${id}_$b.tif"
  done
  echo "red=$out/${id}_B4.tif,nir=$out/${id}_B5.tif,qa=$out/${id}_BQA.tif" >> "$out/scenes.txt"
done
