# Remote-sensing pipeline end to end (issue 3): indices and band math against
# numpy and gdal_calc.py, N-rank output equal to 1-rank output bit for bit,
# and the error contract for bad inputs.
set(SX_RS_BIN $<TARGET_FILE:sanxiang_cli>)
set(SX_RS_CMP $<TARGET_FILE:rastercmp>)
set(SX_RS_LS ${SX_DATA_DIR}/remote_sensing/landsat8)
set(SX_RS_OUT ${SX_TEST_OUT}/rs)
set(SX_RS_EXPECT ${CMAKE_CURRENT_SOURCE_DIR}/regression/expect_error.sh)

# <name>_equal_np2..4: every file of DIR/np<N>/ (ARGN) equals DIR/np1/'s bit for
# bit — values, and the bytes of the COGs (the runs write them with the same
# command line from their own DIR/np<N>/, so their provenance is the same);
# needs the fixtures <name>_np1 and <name>_np<N> that wrote them. Every COG of
# DIR/np<N>/ passes GDAL's validator.
function(sx_rs_equal name dir)
  foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
    set(cmds "")
    foreach(f ${ARGN})
      string(APPEND cmds "${SX_RS_CMP} --exact ${dir}/np1/${f} ${dir}/np${np}/${f} && ")
      if(f MATCHES "\\.tif$")
        string(APPEND cmds "cmp ${dir}/np1/${f} ${dir}/np${np}/${f} && ${SX_PY} ${SX_COG_VALIDATOR} -q --full-check=yes ${dir}/np${np}/${f} && ")
      endif()
    endforeach()
    add_test(NAME ${name}_equal_np${np} COMMAND sh -c "${cmds} true")
    set_tests_properties(${name}_equal_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                         FIXTURES_REQUIRED "${name}_np1;${name}_np${np}")
  endforeach()
endfunction()

# Every index and a band-math expression against numpy; DN NDVI against gdal_calc.py.
add_test(NAME rs_index_run
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_index_run.sh ${SX_RS_BIN} 2 ${SX_RS_OUT}/index ${SX_RS_LS})
set_tests_properties(rs_index_run PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_SETUP rs_index PROCESSORS 2 TIMEOUT 600)
add_test(NAME rs_index_vs_numpy
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_index_check.py ${SX_RS_OUT}/index ${SX_RS_LS})
set_tests_properties(rs_index_vs_numpy PROPERTIES LABELS regression FIXTURES_REQUIRED rs_index)

# The whole Awesome Spectral Indices catalogue by name (issue 19): every formula on
# real Landsat 8, Sentinel-2-like and Sentinel-1 windows against numpy's evaluation of
# the catalogue's own formula (about 500 rs_index steps in three job runs), and the
# compiled-in table equal to what make_c_table.py generates from the JSON.
set(SX_RS_ASI ${SX_DATA_DIR}/remote_sensing/awesome_spectral_indices)
add_test(NAME rs_catalogue_vs_numpy
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_catalogue_check.py ${SX_RS_BIN} 1
                 ${SX_RS_OUT}/catalogue ${SX_RS_ASI} ${SX_TEST_DATA_DIR}/rs/asi)
set_tests_properties(rs_catalogue_vs_numpy PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" TIMEOUT 600)
add_test(NAME rs_catalogue_table_generated
         COMMAND sh -c "${SX_PY} ${SX_RS_ASI}/make_c_table.py ${SX_RS_OUT}/index_catalogue.c && cmp ${SX_RS_OUT}/index_catalogue.c ${CMAKE_SOURCE_DIR}/src/rs/index_catalogue.c")
set_tests_properties(rs_catalogue_table_generated PROPERTIES LABELS unit)

# N ranks == 1 rank, bit for bit (EVI: three bands, constants folded).
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  file(MAKE_DIRECTORY ${SX_RS_OUT}/evi/np${np})
  add_test(NAME rs_evi_np${np}
           COMMAND ${SX_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG} ${np} ${SX_RS_BIN} rs index evi
                   -b nir=${SX_RS_LS}/l8_B5.tif -b red=${SX_RS_LS}/l8_B4.tif -b blue=${SX_RS_LS}/l8_B2.tif
                   --format cog,nc -o evi.tif
           WORKING_DIRECTORY ${SX_RS_OUT}/evi/np${np})
  set_tests_properties(rs_evi_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_SETUP rs_evi_np${np} PROCESSORS ${np} TIMEOUT 600)
endforeach()
sx_rs_equal(rs_evi ${SX_RS_OUT}/evi evi.tif evi.nc)

# Bad inputs: one clear message naming the file (or band) and what to do, the
# same exit status on every rank, at 1-4 ranks, for every verb: grids that do
# not match (index, change, flood, composite), wrong CRS (index; zonal below),
# missing band (index, water, calc), missing and corrupt files (index, mask,
# warp, zonal), a bad expression (calc).
set(SX_RS_BAD ${SX_RS_OUT}/bad)
set(SX_RS_L7 ${SX_DATA_DIR}/remote_sensing/stars/L7_ETMs.tif)
add_test(NAME rs_bad_inputs_setup
         COMMAND sh -c "mkdir -p ${SX_RS_BAD} && head -c 20000 ${SX_RS_LS}/l8_B4.tif > ${SX_RS_BAD}/corrupt_B4.tif && \
gdal_translate -q -a_srs EPSG:4490 ${SX_RS_LS}/l8_B4.tif ${SX_RS_BAD}/cgcs2000_B4.tif")
set_tests_properties(rs_bad_inputs_setup PROPERTIES LABELS regression FIXTURES_SETUP rs_bad)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  set(x ${SX_RS_BAD}/x${np})
  add_test(NAME rs_bad_grid_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 3 "cells but band" "L7_ETMs.tif" "rs warp" -- ${SX_RS_BIN} rs index ndvi
                   -b nir=${SX_RS_LS}/l8_B5.tif -b red=${SX_RS_L7} -o ${x}.tif)
  add_test(NAME rs_bad_grid_change_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 3 "cells but band" "L7_ETMs.tif" "rs warp" -- ${SX_RS_BIN} rs change
                   --before ${SX_RS_LS}/l8_B5.tif --after ${SX_RS_L7} --gain 0.1 --loss 0.1 -o ${x}.tif)
  add_test(NAME rs_bad_grid_flood_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 3 "cells but band" "L7_ETMs.tif" "rs warp" -- ${SX_RS_BIN} rs flood
                   --before ${SX_RS_LS}/l8_B5.tif --after ${SX_RS_L7} -o ${x}.tif)
  add_test(NAME rs_bad_grid_composite_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 3 "cells but band" "L7_ETMs.tif" "rs warp" -- ${SX_RS_BIN} rs composite
                   --method median --scene "red=${SX_RS_LS}/l8_B4.tif,nir=${SX_RS_LS}/l8_B5.tif"
                   --scene "red=${SX_RS_LS}/l8_B4.tif,nir=${SX_RS_L7}" -o ${x}.tif)
  add_test(NAME rs_bad_crs_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 3 "different CRS" "cgcs2000_B4.tif" "rs warp" -- ${SX_RS_BIN} rs index ndvi
                   -b nir=${SX_RS_LS}/l8_B5.tif -b red=${SX_RS_BAD}/cgcs2000_B4.tif -o ${x}.tif)
  add_test(NAME rs_missing_band_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 2 "needs band 'red'" "-b red=PATH" -- ${SX_RS_BIN} rs index ndvi
                   -b nir=${SX_RS_LS}/l8_B5.tif -o ${x}.tif)
  add_test(NAME rs_missing_band_catalogue_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 2 "needs band 'RE1' (rededge071" "-b RE1=PATH" -- ${SX_RS_BIN} rs index ndrei
                   -b N=${SX_RS_LS}/l8_B5.tif -o ${x}.tif)
  add_test(NAME rs_missing_constant_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 2 "needs the constant PAR" "--const PAR=VALUE" -- ${SX_RS_BIN} rs index NIRvP
                   -b N=${SX_RS_LS}/l8_B5.tif -b R=${SX_RS_LS}/l8_B4.tif -o ${x}.tif)
  add_test(NAME rs_unknown_index_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 2 "unknown index 'ndvx'" "rs index --list" -- ${SX_RS_BIN} rs index ndvx
                   -b N=${SX_RS_LS}/l8_B5.tif -o ${x}.tif)
  add_test(NAME rs_ambiguous_index_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 2 "BAI (Burned Area Index) and BaI (Bareness Index)" "spell it exactly" --
                   ${SX_RS_BIN} rs index bai -b N=${SX_RS_LS}/l8_B5.tif -o ${x}.tif)
  add_test(NAME rs_unused_constant_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 2 "--const L" "uses no constants" -- ${SX_RS_BIN} rs index ndvi --const L=1
                   -b N=${SX_RS_LS}/l8_B5.tif -b R=${SX_RS_LS}/l8_B4.tif -o ${x}.tif)
  add_test(NAME rs_missing_band_water_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 2 "needs band 'swir1'" "-b swir1=PATH" -- ${SX_RS_BIN} rs water --index mndwi
                   --otsu -b green=${SX_RS_LS}/l8_B3.tif -o ${x}.tif)
  add_test(NAME rs_missing_band_calc_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 2 "unknown name 'swir1'" "bands are: nir" -- ${SX_RS_BIN} rs calc
                   --expr "nir - swir1" -b nir=${SX_RS_LS}/l8_B5.tif -o ${x}.tif)
  add_test(NAME rs_missing_file_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} nonzero "no_such_B4.tif" "check the path" -- ${SX_RS_BIN} rs index ndvi
                   -b nir=${SX_RS_LS}/l8_B5.tif -b red=${SX_RS_BAD}/no_such_B4.tif -o ${x}.tif)
  add_test(NAME rs_corrupt_file_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} nonzero "corrupt_B4.tif" "corrupt or truncated" -- ${SX_RS_BIN} rs index ndvi
                   --reflectance none -b nir=${SX_RS_LS}/l8_B5.tif -b red=${SX_RS_BAD}/corrupt_B4.tif -o ${x}.tif)
  add_test(NAME rs_corrupt_file_mask_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} nonzero "corrupt_B4.tif" "corrupt or truncated" -- ${SX_RS_BIN} rs mask
                   --qa ${SX_RS_BAD}/corrupt_B4.tif -o ${x}.tif)
  add_test(NAME rs_corrupt_file_warp_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} nonzero "corrupt_B4.tif" "fetched again" -- ${SX_RS_BIN} rs warp
                   ${SX_RS_BAD}/corrupt_B4.tif ${SX_RS_LS}/l8_B5.tif -o ${x}.tif)
  add_test(NAME rs_corrupt_file_zonal_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} nonzero "corrupt_B4.tif" "corrupt or truncated" -- ${SX_RS_BIN} rs zonal
                   --raster ${SX_RS_BAD}/corrupt_B4.tif --zones ${SX_DATA_DIR}/remote_sensing/L8NY18/nycd.gpkg --id fid
                   -o ${x}.csv)
  add_test(NAME rs_bad_expr_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 2 "column 13" "unknown name 'nri'" -- ${SX_RS_BIN} rs calc
                   --expr "(nir - red)/nri" -b nir=${SX_RS_LS}/l8_B5.tif -b red=${SX_RS_LS}/l8_B4.tif -o ${x}.tif)
  set_tests_properties(rs_bad_grid_np${np} rs_bad_grid_change_np${np} rs_bad_grid_flood_np${np}
                       rs_bad_grid_composite_np${np} rs_bad_crs_np${np} rs_missing_band_np${np}
                       rs_missing_band_water_np${np} rs_missing_band_calc_np${np} rs_missing_file_np${np}
                       rs_corrupt_file_np${np} rs_corrupt_file_mask_np${np} rs_corrupt_file_warp_np${np}
                       rs_corrupt_file_zonal_np${np} rs_bad_expr_np${np} rs_missing_band_catalogue_np${np}
                       rs_missing_constant_np${np} rs_unknown_index_np${np} rs_ambiguous_index_np${np}
                       rs_unused_constant_np${np}
                       PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED rs_bad
                       PROCESSORS ${np})
endforeach()

# rs calc and rs mask (the verbs without an N-rank test elsewhere): N ranks ==
# 1 rank bit for bit at 2, 3 and 4 ranks on small inputs (calc: where, min,
# max, comparisons over Landsat bands; mask: Collection 1 BQA of the 3 km
# stack dilated by 2 cells, so the halo crosses rank boundaries).
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  set(d ${SX_RS_OUT}/verbs/np${np})
  file(MAKE_DIRECTORY ${d})
  add_test(NAME rs_calc_mask_np${np}
           COMMAND sh -c "\
${MPIEXEC_EXECUTABLE} --oversubscribe -np ${np} ${SX_RS_BIN} rs calc --reflectance none --expr 'where(nir > red and nir > 0, min(nir, 2 * red) - max(red, 100) / sqrt(abs(nir) + 1), -1)' \
-b nir=${SX_RS_LS}/l8_B5.tif -b red=${SX_RS_LS}/l8_B4.tif --format cog,nc -o calc.tif && \
${MPIEXEC_EXECUTABLE} --oversubscribe -np ${np} ${SX_RS_BIN} rs mask --qa ${SX_RS_OUT}/stack/LC08_L1TP_014032_20180903_20180912_01_T1_BQA.tif \
--qa-kind landsat-c1 --dilate 2 -o mask.tif"
           WORKING_DIRECTORY ${d})
  set_tests_properties(rs_calc_mask_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_stack FIXTURES_SETUP rs_calc_mask_np${np} PROCESSORS ${np} TIMEOUT 600)
endforeach()
sx_rs_equal(rs_calc_mask ${SX_RS_OUT}/verbs calc.tif calc.nc mask.tif)

# rs warp: mosaic of two half tiles == gdalwarp of the whole tile (no seam);
# CGCS2000 geographic and a Gauss-Krueger zone equal gdalwarp; N ranks == 1 rank.
set(SX_RS_WARP ${SX_RS_OUT}/warp)
add_test(NAME rs_warp_setup COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_warp_setup.sh ${SX_RS_WARP} ${SX_RS_LS})
set_tests_properties(rs_warp_setup PROPERTIES LABELS regression FIXTURES_SETUP rs_warp_in)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_warp_np${np}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_warp_run.sh ${SX_RS_BIN} ${np} ${SX_RS_WARP})
  set_tests_properties(rs_warp_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_warp_in FIXTURES_SETUP rs_warp_np${np} PROCESSORS ${np} TIMEOUT 600)
endforeach()
sx_rs_equal(rs_warp ${SX_RS_WARP} near_4490.tif bilinear_4490.tif gk4547.tif cubic_down.tif)
add_test(NAME rs_warp_vs_gdalwarp
         COMMAND sh -c "${SX_RS_CMP} --exact ${SX_RS_WARP}/np1/near_4490.tif ${SX_RS_WARP}/ref_near_4490.tif && \
${SX_RS_CMP} --exact ${SX_RS_WARP}/np1/bilinear_4490.tif ${SX_RS_WARP}/ref_bilinear_4490.tif && \
${SX_RS_CMP} --exact ${SX_RS_WARP}/np1/gk4547.tif ${SX_RS_WARP}/ref_gk4547.tif && \
/usr/bin/python3 -c \"from osgeo import gdal; import numpy as np, sys; a = gdal.Open('${SX_RS_WARP}/np1/near_4490.tif').ReadAsArray(); \
n = int(np.isnan(a).all(axis=1).sum() + np.isnan(a).all(axis=0).sum()); print('empty rows+cols', n); sys.exit(n > 0)\"")
set_tests_properties(rs_warp_vs_gdalwarp PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED rs_warp_np1)

# rs composite on the 19-scene L8NY18 stack: against numpy; N ranks == 1 rank.
set(SX_RS_STACK ${SX_RS_OUT}/stack)
add_test(NAME rs_stack_setup
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_stack_setup.sh ${SX_RS_STACK} ${SX_DATA_DIR}/remote_sensing/L8NY18)
set_tests_properties(rs_stack_setup PROPERTIES LABELS regression FIXTURES_SETUP rs_stack)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  if(np EQUAL 1)
    set(all all)
  else()
    set(all "")
  endif()
  add_test(NAME rs_composite_np${np}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_composite_run.sh ${SX_RS_BIN} ${np}
                   ${SX_RS_STACK}/np${np} ${SX_RS_STACK}/scenes.txt ${all})
  set_tests_properties(rs_composite_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_stack FIXTURES_SETUP rs_composite_np${np} PROCESSORS ${np} TIMEOUT 600)
endforeach()
sx_rs_equal(rs_composite ${SX_RS_STACK} median_red.tif median_nir.tif median_count.tif maxndvi_red.tif maxndvi_nir.tif
            maxndvi_scene.tif)
# Strips: with 7 rows of every scene at a time (many strips per block, the
# QA read 1 row beyond each strip for the dilation) the composites are
# identical to the default (one strip per block at this size), at 1 and 3 ranks.
foreach(np 1 3)
  set(strip_out ${SX_RS_STACK}/strip_np${np})
  add_test(NAME rs_composite_strips_np${np}
           COMMAND sh -c "mkdir -p ${strip_out} && \
${MPIEXEC_EXECUTABLE} --oversubscribe -np ${np} ${SX_RS_BIN} rs composite --scenes ${SX_RS_STACK}/scenes.txt --qa-kind landsat-c1 --dilate 1 --strip-rows 7 --method median -o ${strip_out}/median.tif && \
${MPIEXEC_EXECUTABLE} --oversubscribe -np ${np} ${SX_RS_BIN} rs composite --scenes ${SX_RS_STACK}/scenes.txt --qa-kind landsat-c1 --dilate 1 --strip-rows 7 --method max-ndvi -o ${strip_out}/maxndvi.tif && \
for f in median_red median_nir median_count maxndvi_red maxndvi_nir maxndvi_scene; do ${SX_RS_CMP} --exact ${SX_RS_STACK}/np1/$f.tif ${strip_out}/$f.tif || exit 1; done")
  set_tests_properties(rs_composite_strips_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_composite_np1 PROCESSORS ${np} TIMEOUT 600)
endforeach()
add_test(NAME rs_composite_vs_numpy
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_composite_check.py ${SX_RS_STACK}/np1
                 ${SX_RS_STACK}/scenes.txt)
set_tests_properties(rs_composite_vs_numpy PROPERTIES LABELS regression FIXTURES_REQUIRED rs_composite_np1)

# rs water (Otsu), flood, change: against numpy; N ranks == 1 rank.
set(SX_RS_WATER ${SX_RS_OUT}/water)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_water_np${np}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_water_run.sh ${SX_RS_BIN} ${np} ${SX_RS_WATER}/np${np}
                   ${SX_RS_LS} ${SX_RS_OUT}/index)
  set_tests_properties(rs_water_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_index FIXTURES_SETUP rs_water_np${np} PROCESSORS ${np} TIMEOUT 600)
endforeach()
sx_rs_equal(rs_water ${SX_RS_WATER} water.tif water_low.tif water_perm.tif flood.tif change.tif)
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS}) # the water and flood polygons: feature for feature, then byte for byte
  add_test(NAME rs_water_polygons_equal_np${np}
           COMMAND sh -c "${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/gpkg_same.py ${SX_RS_WATER}/np1/water.gpkg \
${SX_RS_WATER}/np${np}/water.gpkg water --bytes && ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/gpkg_same.py \
${SX_RS_WATER}/np1/flood.gpkg ${SX_RS_WATER}/np${np}/flood.gpkg flood --bytes")
  set_tests_properties(rs_water_polygons_equal_np${np} PROPERTIES LABELS regression
                       FIXTURES_REQUIRED "rs_water_np1;rs_water_np${np}")
endforeach()
add_test(NAME rs_water_vs_numpy
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_water_check.py ${SX_RS_WATER}/np1 ${SX_RS_OUT}/index)
set_tests_properties(rs_water_vs_numpy PROPERTIES LABELS regression FIXTURES_REQUIRED "rs_water_np1;rs_index")

# rs zonal: NYC community districts over the L8NY18 median NIR composite
# resampled to 300 m; against GDAL-rasterize + numpy; CSV identical at 1-4
# ranks (many 64-cell super-tiles); zones in EPSG:4326 are reprojected.
set(SX_RS_ZONAL ${SX_RS_OUT}/zonal)
set(SX_RS_NYCD ${SX_DATA_DIR}/remote_sensing/L8NY18/nycd.gpkg)
add_test(NAME rs_zonal_setup
         COMMAND sh -c "mkdir -p ${SX_RS_ZONAL} && gdalwarp -q -overwrite -tr 300 300 -r near ${SX_RS_STACK}/np1/median_nir.tif ${SX_RS_ZONAL}/nir300.tif && \
rm -f ${SX_RS_ZONAL}/nycd_4326.geojson && ogr2ogr -f GeoJSON -t_srs EPSG:4326 ${SX_RS_ZONAL}/nycd_4326.geojson ${SX_RS_NYCD}")
set_tests_properties(rs_zonal_setup PROPERTIES LABELS regression FIXTURES_REQUIRED rs_composite_np1 FIXTURES_SETUP rs_zonal_in)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_zonal_np${np}
           COMMAND ${SX_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG} ${np} ${SX_RS_BIN} rs zonal --raster ${SX_RS_ZONAL}/nir300.tif
                   --zones ${SX_RS_NYCD} --id fid --tile 64 -o ${SX_RS_ZONAL}/zonal_np${np}.csv)
  set_tests_properties(rs_zonal_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_zonal_in FIXTURES_SETUP rs_zonal_np${np} PROCESSORS ${np})
endforeach()
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_zonal_equal_np${np} COMMAND ${CMAKE_COMMAND} -E compare_files ${SX_RS_ZONAL}/zonal_np1.csv ${SX_RS_ZONAL}/zonal_np${np}.csv)
  set_tests_properties(rs_zonal_equal_np${np} PROPERTIES LABELS "regression;mpi" FIXTURES_REQUIRED "rs_zonal_np1;rs_zonal_np${np}")
endforeach()
add_test(NAME rs_zonal_vs_numpy
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_zonal_check.py ${SX_RS_ZONAL}/zonal_np1.csv
                 ${SX_RS_ZONAL}/nir300.tif ${SX_RS_NYCD})
set_tests_properties(rs_zonal_vs_numpy PROPERTIES LABELS regression FIXTURES_REQUIRED rs_zonal_np1)
add_test(NAME rs_zonal_reprojected
         COMMAND sh -c "${MPIEXEC_EXECUTABLE} --oversubscribe -np 2 ${SX_RS_BIN} rs zonal --raster ${SX_RS_ZONAL}/nir300.tif --zones ${SX_RS_ZONAL}/nycd_4326.geojson \
--id fid --tile 64 -o ${SX_RS_ZONAL}/zonal_4326.csv && cut -d, -f2- ${SX_RS_ZONAL}/zonal_4326.csv > ${SX_RS_ZONAL}/a.txt && \
cut -d, -f2- ${SX_RS_ZONAL}/zonal_np1.csv > ${SX_RS_ZONAL}/b.txt && cmp ${SX_RS_ZONAL}/a.txt ${SX_RS_ZONAL}/b.txt")
set_tests_properties(rs_zonal_reprojected PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED "rs_zonal_np1;rs_zonal_in" PROCESSORS 2)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_zonal_wrong_crs_np${np}
           COMMAND sh -c "${SX_RS_EXPECT} ${np} 3 'cannot be transformed' 'zones_metres_as_wgs84.geojson' -- ${SX_RS_BIN} rs zonal --raster ${SX_RS_ZONAL}/nir300.tif \
--zones ${CMAKE_CURRENT_SOURCE_DIR}/data/rs/zones_metres_as_wgs84.geojson --id id -o ${SX_RS_ZONAL}/x.csv")
  set_tests_properties(rs_zonal_wrong_crs_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_zonal_in PROCESSORS ${np})
endforeach()

# The demo job's remote-sensing steps (NDVI, Otsu water, NDVI by NYC district):
# N-rank outputs equal the 1-rank outputs (the demo runs are in demo.cmake).
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_demo_equal_np${np}
           COMMAND sh -c "${SX_RS_CMP} --exact ${SX_TEST_OUT}/demo_np1/ndvi.tif ${SX_TEST_OUT}/demo_np${np}/ndvi.tif && \
${SX_RS_CMP} --exact ${SX_TEST_OUT}/demo_np1/water.tif ${SX_TEST_OUT}/demo_np${np}/water.tif && \
cmp ${SX_TEST_OUT}/demo_np1/ndvi_nycd.csv ${SX_TEST_OUT}/demo_np${np}/ndvi_nycd.csv")
  set_tests_properties(rs_demo_equal_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED "demo_np1;demo_np${np}")
endforeach()
add_test(NAME rs_demo_cog_valid
         COMMAND sh -c "/usr/bin/python3 /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py ${SX_TEST_OUT}/demo_np2/ndvi.tif && \
/usr/bin/python3 /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py ${SX_TEST_OUT}/demo_np2/water.tif")
set_tests_properties(rs_demo_cog_valid PROPERTIES LABELS regression FIXTURES_REQUIRED demo_np2)

# Reflectance from Sentinel-2 product metadata (MTD_MSIL2A.xml of a SAFE
# layout, baseline 04.00) against numpy; the values used are in the outputs'
# provenance; --scale overrides the metadata.
add_test(NAME rs_s2_metadata
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_s2_meta.py ${SX_RS_BIN} 2 ${SX_RS_OUT}/s2meta
                 ${SX_RS_LS} ${CMAKE_CURRENT_SOURCE_DIR}/data/rs/s2)
set_tests_properties(rs_s2_metadata PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 2 TIMEOUT 600)

# Every rs job step on real tiles: jobs/rs_landsat_ny18.yaml (warp mosaic,
# mask, calc, index, change, water, flood, composite in strips, zonal) at 1
# and 3 ranks; the products against numpy; 3 ranks == 1 rank bit for bit.
# Each rank count runs the same command in its own directory (`data` links to
# the repository's data), so the products' COGs are byte-identical too.
foreach(np 1 3)
  file(MAKE_DIRECTORY ${SX_RS_OUT}/job_np${np})
  add_test(NAME rs_job_ny18_np${np}
           COMMAND sh -c "ln -sfn ${CMAKE_SOURCE_DIR}/data data && \
exec ${MPIEXEC_EXECUTABLE} --oversubscribe ${MPIEXEC_NUMPROC_FLAG} ${np} ${SX_RS_BIN} run ${CMAKE_SOURCE_DIR}/jobs/rs_landsat_ny18.yaml --out ."
           WORKING_DIRECTORY ${SX_RS_OUT}/job_np${np})
  set_tests_properties(rs_job_ny18_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_SETUP rs_job_np${np} PROCESSORS ${np} TIMEOUT 900)
endforeach()
add_test(NAME rs_job_ny18_vs_numpy
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_job_check.py ${SX_RS_OUT}/job_np1)
set_tests_properties(rs_job_ny18_vs_numpy PROPERTIES LABELS regression FIXTURES_REQUIRED rs_job_np1)
set(cmds "")
foreach(f clouds_20180903 ndvi_clear_20180903 ndvi_20180428 ndvi_20180903 ndvi_change water_20180428 water_20180903 flood
          median_red median_nir median_count)
  string(APPEND cmds "${SX_RS_CMP} --exact ${SX_RS_OUT}/job_np1/${f}.tif ${SX_RS_OUT}/job_np3/${f}.tif && \
cmp ${SX_RS_OUT}/job_np1/${f}.tif ${SX_RS_OUT}/job_np3/${f}.tif && \
${SX_PY} ${SX_COG_VALIDATOR} -q --full-check=yes ${SX_RS_OUT}/job_np3/${f}.tif && ")
endforeach()
foreach(f red_20180903 qa_20180428)
  string(APPEND cmds "${SX_RS_CMP} --exact ${SX_RS_OUT}/job_np1/${f}.nc ${SX_RS_OUT}/job_np3/${f}.nc && ")
endforeach()
add_test(NAME rs_job_ny18_equal_np3
         COMMAND sh -c "${cmds} cmp ${SX_RS_OUT}/job_np1/median_nir_nycd.csv ${SX_RS_OUT}/job_np3/median_nir_nycd.csv")
set_tests_properties(rs_job_ny18_equal_np3 PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED "rs_job_np1;rs_job_np3")

# Chinese products' calibration from their own metadata (FY-3D MERSI-2
# Slope/Intercept + VIS_Cal_Coeff, CF scale_factor/add_offset, FY-4A AGRI
# CALChannel table, GF-1 WFV XML + coefficients CSV) against numpy, with the
# error contract for missing attributes and coefficients.
add_test(NAME rs_cn_products
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_cn_products.py ${SX_RS_BIN} 3 ${SX_RS_OUT}/cn
                 ${SX_RS_LS})
set_tests_properties(rs_cn_products PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 3 TIMEOUT 600)

# Per-band `scale` keys shared by the rs job steps: rs_composite and rs_index
# with scale = DN * S + O per band name vs reflectance none (numpy), and the
# error contract for a scale naming a missing band or the quality band.
add_test(NAME rs_job_scale
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_job_scale.py ${SX_RS_BIN} 2 ${SX_RS_OUT}/jobscale
                 ${SX_RS_STACK})
set_tests_properties(rs_job_scale PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED rs_stack
                     PROCESSORS 2 TIMEOUT 600)

# Every COG the rs tests wrote (each carries SANXIANG_PROVENANCE; inputs made
# with GDAL are skipped) passes GDAL's COG validator, leader/trailer included.
set_tests_properties(rs_s2_metadata PROPERTIES FIXTURES_SETUP rs_s2)
set_tests_properties(rs_cn_products PROPERTIES FIXTURES_SETUP rs_cn)
set(rs_fixtures rs_index rs_s2 rs_cn rs_job_np1 rs_job_np3)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  list(APPEND rs_fixtures rs_evi_np${np} rs_calc_mask_np${np} rs_warp_np${np} rs_composite_np${np} rs_water_np${np})
endforeach()
add_test(NAME rs_cogs_valid COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/cog_valid_tree.py 60 ${SX_RS_OUT})
set_tests_properties(rs_cogs_valid PROPERTIES LABELS regression FIXTURES_REQUIRED "${rs_fixtures}")

# Sentinel-1 GRD calibration (issue 19): the real annotation set of an S1A IW GRDH
# product (no measurement: the test makes sparse DN of the annotation's size) against
# numpy's bilinear LUT interpolation, 3 ranks == 1 rank; errors for a polarisation whose
# calibration file is missing, a product with two polarisations and no --pol, and a
# calibration annotation of another polarisation than the manifest says.
set(SX_RS_S1 ${SX_DATA_DIR}/remote_sensing/sentinel1)
set(SX_RS_S1_SAFE S1A_IW_GRDH_1SDV_20150222T170750_20150222T170815_004739_005DD8_3768.SAFE)
add_test(NAME rs_sarcal_vs_numpy
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_sarcal_check.py ${SX_RS_BIN} ${SX_RS_OUT}/sarcal
                 ${SX_RS_S1}/${SX_RS_S1_SAFE})
set_tests_properties(rs_sarcal_vs_numpy PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_SETUP rs_sarcal PROCESSORS 3 TIMEOUT 600)
# GF-3 (issue 19): sigma0 from QualifyValue and CalibrationConst of synthetic products of the
# published layout (L1A SLC dual-pol, L2 amplitude) against numpy, 3 ranks == 1 rank; errors.
add_test(NAME rs_gf3cal_vs_numpy
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_gf3cal_check.py ${SX_RS_BIN} ${SX_RS_OUT}/gf3cal)
set_tests_properties(rs_gf3cal_vs_numpy PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_SETUP rs_gf3cal PROCESSORS 3 TIMEOUT 600)
set(SX_RS_GF3 GF3_KAS_FSII_020253_E112.9_N28.2_20200524_L1A_HHHV_L10004829485)
foreach(np 1 3)
  add_test(NAME rs_gf3cal_which_pol_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 2 "has the polarisations HH HV" "give --pol" -- ${SX_RS_BIN} rs sarcal
                   ${SX_RS_OUT}/gf3cal/${SX_RS_GF3} -o ${SX_RS_OUT}/gf3cal/x.tif)
  add_test(NAME rs_gf3cal_missing_constant_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 3 "processinfo.CalibrationConst.HH" "NULL" -- ${SX_RS_BIN} rs sarcal
                   ${SX_RS_OUT}/gf3cal/badk_${SX_RS_GF3} --pol HH -o ${SX_RS_OUT}/gf3cal/x.tif)
  add_test(NAME rs_gf3cal_quantity_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 2 "sigma0 only" -- ${SX_RS_BIN} rs sarcal
                   ${SX_RS_OUT}/gf3cal/${SX_RS_GF3} --pol HV --quantity gamma0 -o ${SX_RS_OUT}/gf3cal/x.tif)
  set_tests_properties(rs_gf3cal_which_pol_np${np} rs_gf3cal_missing_constant_np${np} rs_gf3cal_quantity_np${np}
                       PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED rs_gf3cal
                       PROCESSORS ${np})
endforeach()
# Geocoding (issue 19): the annotation's geolocation grid as GCPs on the sarcal COG, and
# rs warp through them (thin-plate spline), identical at 1-4 ranks, grid points in place.
add_test(NAME rs_sargeo_gcps
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_sargeo_check.py ${SX_RS_BIN} ${SX_RS_OUT}/sargeo
                 ${SX_RS_S1}/${SX_RS_S1_SAFE})
set_tests_properties(rs_sargeo_gcps PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 4 TIMEOUT 600
                     FIXTURES_SETUP rs_sargeo)
add_test(NAME rs_sargeo_gcps_no_crs_np2
         COMMAND ${SX_RS_EXPECT} 2 nonzero "gcps_nocrs.tif" "have no CRS" -- ${SX_RS_BIN} rs warp
                 ${SX_RS_OUT}/sargeo/gcps_nocrs.tif --t-srs EPSG:4326 -o ${SX_RS_OUT}/sargeo/x.tif)
set_tests_properties(rs_sargeo_gcps_no_crs_np2 PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED rs_sargeo PROCESSORS 2)
foreach(np 1 3)
  add_test(NAME rs_sarcal_missing_calibration_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 3 "calibration annotation of VH" "is missing" -- ${SX_RS_BIN} rs sarcal
                   ${SX_RS_OUT}/sarcal/${SX_RS_S1_SAFE} --pol VH -o ${SX_RS_OUT}/sarcal/vh.tif)
  add_test(NAME rs_sarcal_which_pol_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 2 "has the polarisations VV VH" "give --pol" -- ${SX_RS_BIN} rs sarcal
                   ${SX_RS_OUT}/sarcal/${SX_RS_S1_SAFE} -o ${SX_RS_OUT}/sarcal/x.tif)
  add_test(NAME rs_sarcal_mismatched_pol_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 3 "is the VH annotation, not VV" "disagree" -- ${SX_RS_BIN} rs sarcal
                   ${SX_RS_OUT}/sarcal/mismatch/${SX_RS_S1_SAFE} --pol vv -o ${SX_RS_OUT}/sarcal/x.tif)
  set_tests_properties(rs_sarcal_missing_calibration_np${np} rs_sarcal_which_pol_np${np} rs_sarcal_mismatched_pol_np${np}
                       PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED rs_sarcal
                       PROCESSORS ${np})
endforeach()

# Speckle filters (issue 19): Lee (1980), boxcar and median on the Sentinel-1 VV tile
# (linear, with nodata) against numpy sliding windows; lee and median at 2-4 ranks
# byte-identical to 1 rank; an even window is refused.
add_test(NAME rs_speckle_vs_numpy
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_speckle_check.py ${SX_RS_BIN} ${SX_RS_OUT}/speckle
                 ${SX_RS_S1}/S1A__IW___A_20150309T173017_VV_grd_mli_geo_norm_db.tif)
set_tests_properties(rs_speckle_vs_numpy PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_SETUP rs_speckle PROCESSORS 4 TIMEOUT 600)
add_test(NAME rs_speckle_even_size
         COMMAND ${SX_RS_EXPECT} 2 2 "must be odd" -- ${SX_RS_BIN} rs speckle ${SX_RS_OUT}/speckle/vv_linear.tif
                 --size 6 -o ${SX_RS_OUT}/speckle/x.tif)
set_tests_properties(rs_speckle_even_size PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED rs_speckle PROCESSORS 2)

# SAR water (issue 19): split-based and Otsu thresholds on the Sentinel-1 VV tile against
# numpy, split at 1-4 ranks byte-identical, polygon areas; a unimodal histogram is refused
# by both methods with one error naming the fix.
add_test(NAME rs_sarwater_vs_numpy
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_sarwater_check.py ${SX_RS_BIN} ${SX_RS_OUT}/sarwater
                 ${SX_RS_S1}/S1A__IW___A_20150309T173017_VV_grd_mli_geo_norm_db.tif)
set_tests_properties(rs_sarwater_vs_numpy PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_SETUP rs_sarwater PROCESSORS 4 TIMEOUT 600)
foreach(np 1 3)
  add_test(NAME rs_sarwater_unimodal_otsu_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 3 "not bimodal" "give --threshold DB" -- ${SX_RS_BIN} rs sarwater
                   ${SX_RS_OUT}/sarwater/unimodal_db.tif --method otsu -o ${SX_RS_OUT}/sarwater/x.tif)
  add_test(NAME rs_sarwater_unimodal_split_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 3 "has a bimodal histogram" "give --threshold DB" -- ${SX_RS_BIN} rs sarwater
                   ${SX_RS_OUT}/sarwater/unimodal_db.tif --tile 64 -o ${SX_RS_OUT}/sarwater/x.tif)
  add_test(NAME rs_sarwater_hand_grid_np${np}
           COMMAND ${SX_RS_EXPECT} ${np} 3 "N47E009.SRTM3.tif" "rs warp" -- ${SX_RS_BIN} rs sarwater
                   ${SX_RS_S1}/S1A__IW___A_20150309T173017_VV_grd_mli_geo_norm_db.tif --hand
                   ${SX_DATA_DIR}/dem/N47E009.SRTM3.tif -o ${SX_RS_OUT}/sarwater/x.tif)
  set_tests_properties(rs_sarwater_unimodal_otsu_np${np} rs_sarwater_unimodal_split_np${np} rs_sarwater_hand_grid_np${np} PROPERTIES
                       LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED rs_sarwater PROCESSORS ${np})
endforeach()

# The SAR job (jobs/rs_sar_rhone.yaml): runs at 1 and 3 ranks with the same water map and
# speckle-filtered backscatter (values), the water COG valid.
foreach(np 1 3)
  file(MAKE_DIRECTORY ${SX_RS_OUT}/sarjob_np${np})
  add_test(NAME rs_sar_job_np${np}
           COMMAND sh -c "ln -sfn ${CMAKE_SOURCE_DIR}/data data && \
exec ${MPIEXEC_EXECUTABLE} --oversubscribe ${MPIEXEC_NUMPROC_FLAG} ${np} ${SX_RS_BIN} run ${CMAKE_SOURCE_DIR}/jobs/rs_sar_rhone.yaml --out ."
           WORKING_DIRECTORY ${SX_RS_OUT}/sarjob_np${np})
  set_tests_properties(rs_sar_job_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_SETUP rs_sarjob_np${np} PROCESSORS ${np} TIMEOUT 600)
endforeach()
add_test(NAME rs_sar_job_equal_np3
         COMMAND sh -c "${SX_RS_CMP} --exact ${SX_RS_OUT}/sarjob_np1/water.tif ${SX_RS_OUT}/sarjob_np3/water.tif && \
${SX_RS_CMP} --exact ${SX_RS_OUT}/sarjob_np1/vv_lee_db.tif ${SX_RS_OUT}/sarjob_np3/vv_lee_db.tif && \
${SX_PY} ${SX_COG_VALIDATOR} -q --full-check=yes ${SX_RS_OUT}/sarjob_np3/water.tif")
set_tests_properties(rs_sar_job_equal_np3 PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED "rs_sarjob_np1;rs_sarjob_np3")
