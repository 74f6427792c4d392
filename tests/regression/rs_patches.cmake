# rs patches: change patches between two class maps against an independent
# breadth-first labelling (rs_patches_check.py) — 4-connected on a UTM grid
# with class names, 8-connected with a minimum mapping unit on a geographic
# (CGCS2000) grid with ellipsoidal areas; the same layer, raster and
# transition table at 1-4 ranks; one error each for maps on different grids,
# a fractional class, a bad --mmu and a class table without its columns.
set(SX_PATCHES_OUT ${SX_TEST_OUT}/rs/patches)
add_test(NAME rs_patches_setup
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_patches_setup.py ${SX_PATCHES_OUT}/in)
set_tests_properties(rs_patches_setup PROPERTIES LABELS regression FIXTURES_SETUP rs_patches_in)
set(SX_PATCHES_CHECK ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_patches_check.py)
set(SX_PATCHES_IN ${SX_PATCHES_OUT}/in)
string(REPLACE ";" " " SX_PATCHES_MPX "${SX_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG}") # two runs in one shell command
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  set(o ${SX_PATCHES_OUT}/np${np})
  add_test(NAME rs_patches_np${np}
           COMMAND sh -c "${SX_PATCHES_MPX} ${np} ${SX_BIN} rs patches --before ${SX_PATCHES_IN}/utm_before.tif \
--after ${SX_PATCHES_IN}/utm_after.tif --classes ${SX_PATCHES_IN}/classes.csv -o ${o}/utm && \
${SX_PATCHES_MPX} ${np} ${SX_BIN} rs patches --before ${SX_PATCHES_IN}/geo_before.tif \
--after ${SX_PATCHES_IN}/geo_after.tif --connectivity 8 --mmu 3cells -o ${o}/geo")
  set_tests_properties(rs_patches_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_patches_in FIXTURES_SETUP rs_patches_np${np} PROCESSORS ${np})
  add_test(NAME rs_patches_grid_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "shifted.tif" "one grid" -- ${SX_BIN} rs patches
                   --before ${SX_PATCHES_IN}/utm_before.tif --after ${SX_PATCHES_IN}/shifted.tif -o ${o}/bad)
  add_test(NAME rs_patches_fraction_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "fraction.tif" "value 2.5 at cell (60, 50)" -- ${SX_BIN} rs patches
                   --before ${SX_PATCHES_IN}/utm_before.tif --after ${SX_PATCHES_IN}/fraction.tif -o ${o}/bad)
  set_tests_properties(rs_patches_grid_np${np} rs_patches_fraction_np${np} PROPERTIES LABELS "regression;mpi"
                       ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED rs_patches_in PROCESSORS ${np})
endforeach()
add_test(NAME rs_patches_utm_reference
         COMMAND ${SX_PY} ${SX_PATCHES_CHECK} ${SX_PATCHES_IN}/utm_before.tif ${SX_PATCHES_IN}/utm_after.tif
                 ${SX_PATCHES_OUT}/np1/utm 4 0 ${SX_PATCHES_IN}/classes.csv)
add_test(NAME rs_patches_geo_reference
         COMMAND ${SX_PY} ${SX_PATCHES_CHECK} ${SX_PATCHES_IN}/geo_before.tif ${SX_PATCHES_IN}/geo_after.tif
                 ${SX_PATCHES_OUT}/np1/geo 8 3)
set_tests_properties(rs_patches_utm_reference rs_patches_geo_reference PROPERTIES LABELS regression
                     FIXTURES_REQUIRED rs_patches_np1)
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  set(cmds "")
  foreach(f utm geo)
    string(APPEND cmds "$<TARGET_FILE:rastercmp> --exact ${SX_PATCHES_OUT}/np1/${f}.tif ${SX_PATCHES_OUT}/np${np}/${f}.tif && "
           "cmp ${SX_PATCHES_OUT}/np1/${f}_transitions.csv ${SX_PATCHES_OUT}/np${np}/${f}_transitions.csv && "
           "${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/gpkg_same.py ${SX_PATCHES_OUT}/np1/${f}.gpkg "
           "${SX_PATCHES_OUT}/np${np}/${f}.gpkg patches --bytes && ")
  endforeach()
  add_test(NAME rs_patches_equal_np${np} COMMAND sh -c "${cmds} true")
  set_tests_properties(rs_patches_equal_np${np} PROPERTIES LABELS "regression;mpi"
                       FIXTURES_REQUIRED "rs_patches_np1;rs_patches_np${np}")
endforeach()
add_test(NAME rs_patches_bad_mmu
         COMMAND ${SX_EXPECT} 1 2 "--mmu '3acres'" "hectares" -- ${SX_BIN} rs patches --before ${SX_PATCHES_IN}/utm_before.tif
                 --after ${SX_PATCHES_IN}/utm_after.tif --mmu 3acres -o ${SX_PATCHES_OUT}/bad)
add_test(NAME rs_patches_bad_classes
         COMMAND ${SX_EXPECT} 2 3 "badnames.csv" "columns class and name" -- ${SX_BIN} rs patches
                 --before ${SX_PATCHES_IN}/utm_before.tif --after ${SX_PATCHES_IN}/utm_after.tif
                 --classes ${SX_PATCHES_IN}/badnames.csv -o ${SX_PATCHES_OUT}/bad)
set_tests_properties(rs_patches_bad_mmu rs_patches_bad_classes PROPERTIES LABELS "regression;mpi"
                     ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED rs_patches_in PROCESSORS 2)
add_test(NAME rs_patches_job
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_patches_job.sh ${SX_BIN} $<TARGET_FILE:rastercmp> ${SX_PY}
                 ${SX_PATCHES_OUT})
set_tests_properties(rs_patches_job PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 2
                     FIXTURES_REQUIRED rs_patches_np1)
# The parallel polygonizer on regions made to cross the ranks' block edges (a U
# over every block, a ring whose hole crosses edges, corner touches at edges,
# noise) against GDALPolygonize over the whole raster, 4- and 8-connected, and
# the same layer at 1-4 ranks.
add_test(NAME rs_polygons_blocks
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_polygons_blocks.py ${SX_BIN}
                 ${SX_TEST_OUT}/rs/polygons_blocks)
set_tests_properties(rs_polygons_blocks PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 4
                     TIMEOUT 600)
