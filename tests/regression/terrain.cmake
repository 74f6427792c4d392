# Terrain products (sanxiang dem terrain): equal to gdaldem's slope, aspect,
# hillshade, TPI, TRI and roughness on projected DEMs (terrain_check.py says
# to what rounding), and every product, TWI included, the same at 1-4 ranks.
set(SX_MPIRUN "${MPIEXEC_EXECUTABLE} --oversubscribe")
set(SX_OLINDA ${SX_DATA_DIR}/dem/olinda_dem_utm25s.tif)
set(SX_DEM_OUT ${SX_TEST_OUT}/dem_hydro) # the Olinda chain's outputs (dem_hydrology.cmake)
set(SX_TERRAIN_OUT ${SX_TEST_OUT}/terrain)
file(MAKE_DIRECTORY ${SX_TERRAIN_OUT})
set(SX_TERRAIN_GDAL "gdaldem slope -q DEM G/slope.tif && gdaldem aspect -q DEM G/aspect.tif && \
gdaldem hillshade -q DEM G/hillshade.tif && gdaldem TPI -q DEM G/tpi.tif && gdaldem TRI -q DEM G/tri.tif && \
gdaldem roughness -q DEM G/roughness.tif")
set(SX_TERRAIN_OURS "-o O/t.tif --products slope aspect hillshade tpi tri roughness")

# Olinda (UTM 25S, float32) at 3 ranks; the SRTM tile warped to UTM 32N (1.03 M cells) at 2 ranks.
foreach(case olinda srtm_utm)
  set(d ${SX_TERRAIN_OUT}/${case})
  if(case STREQUAL olinda)
    set(dem ${SX_DATA_DIR}/dem/olinda_dem_utm25s.tif)
    set(np 3)
    set(prep "true")
  else()
    set(dem ${d}/dem.tif)
    set(np 2)
    set(prep "gdalwarp -q -overwrite -t_srs EPSG:32632 -tr 90 90 -r bilinear -ot Float32 ${SX_DATA_DIR}/dem/N47E009.SRTM3.tif ${dem}")
  endif()
  string(REPLACE "DEM" "${dem}" gd "${SX_TERRAIN_GDAL}")
  string(REPLACE "G/" "${d}/gdaldem/" gd "${gd}")
  string(REPLACE "O/" "${d}/ours/" ours "${SX_TERRAIN_OURS}")
  add_test(NAME terrain_vs_gdaldem_${case}
           COMMAND sh -c "mkdir -p ${d}/gdaldem ${d}/ours && ${prep} && ${gd} && \
${SX_MPIRUN} -np ${np} ${SX_BIN} dem terrain ${dem} ${ours} && \
${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/terrain_check.py ${dem} ${d}/ours/t_ ${d}/gdaldem")
  set_tests_properties(terrain_vs_gdaldem_${case} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       PROCESSORS ${np} TIMEOUT 600)
endforeach()

# All ten products in one pass at 1-4 ranks (TWI from the Olinda chain's accumulation): byte-identical COGs.
set(SX_TERRAIN_ALL slope aspect hillshade curvature profile_curvature plan_curvature tpi tri roughness twi)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  set(o ${SX_TERRAIN_OUT}/all_np${np})
  string(REPLACE ";" " " args "${SX_TERRAIN_ALL}")
  # the same command line in a directory of its own (it is part of the files' provenance)
  file(MAKE_DIRECTORY ${o})
  add_test(NAME terrain_all_np${np}
           COMMAND sh -c "${SX_MPIRUN} -np ${np} ${SX_BIN} dem terrain ${SX_OLINDA} -o t.tif --products ${args} \
--accum ${SX_DEM_OUT}/olinda_np1/ad8.tif --z-factor 1.5 --azimuth 200 --altitude 30"
           WORKING_DIRECTORY ${o})
  set_tests_properties(terrain_all_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_SETUP terrain_np${np} FIXTURES_REQUIRED dem_chain_np1 PROCESSORS ${np} TIMEOUT 600)
endforeach()
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  set(cmp "true")
  foreach(p ${SX_TERRAIN_ALL})
    string(APPEND cmp " && ${SX_CMP} --exact ${SX_TERRAIN_OUT}/all_np1/t_${p}.tif ${SX_TERRAIN_OUT}/all_np${np}/t_${p}.tif && cmp ${SX_TERRAIN_OUT}/all_np1/t_${p}.tif ${SX_TERRAIN_OUT}/all_np${np}/t_${p}.tif")
  endforeach()
  add_test(NAME terrain_equal_np${np} COMMAND sh -c "${cmp}")
  set_tests_properties(terrain_equal_np${np} PROPERTIES LABELS "regression;mpi"
                       FIXTURES_REQUIRED "terrain_np1;terrain_np${np}" ENVIRONMENT "${SX_TEST_ENV}")
endforeach()
add_test(NAME terrain_err_twi COMMAND ${SX_EXPECT} 1 2 "twi" "accumulation"
         -- ${SX_BIN} dem terrain ${SX_OLINDA} --products twi -o ${SX_TERRAIN_OUT}/err_twi.tif)
add_test(NAME terrain_err_product COMMAND ${SX_EXPECT} 1 2 "'slop'" "slope, aspect"
         -- ${SX_BIN} dem terrain ${SX_OLINDA} --products slop -o ${SX_TERRAIN_OUT}/err_p.tif)
add_test(NAME terrain_err_accum_grid COMMAND ${SX_EXPECT} 2 3 "N47E009.SRTM3.tif" "not on the grid"
         -- ${SX_BIN} dem terrain ${SX_OLINDA} --products twi -o ${SX_TERRAIN_OUT}/err_twi.tif
            --accum ${SX_DATA_DIR}/dem/N47E009.SRTM3.tif)
set_tests_properties(terrain_err_twi terrain_err_product terrain_err_accum_grid PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}")
