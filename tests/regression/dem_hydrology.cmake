# DEM hydrology end to end: fill / flowdir / accum through the CLI and the
# demo job at 1-4 ranks (N-rank output == 1-rank output, bit for bit), against
# TauDEM's published fills and Barnes' flat-resolution outputs (reference data
# read at run time from SX_REF_DIR, never copied; skipped when absent), and
# the error contract for bad inputs.
set(SX_DEM_OUT ${SX_TEST_OUT}/dem_hydro)
set(SX_MPIRUN "${MPIEXEC_EXECUTABLE} --oversubscribe")
set(SX_REF_DIR "/work/shared/data/reference-only" CACHE PATH "reference-only data (read at run time by tests only)")
set(SX_OLINDA ${SX_DATA_DIR}/dem/olinda_dem_utm25s.tif)
file(MAKE_DIRECTORY ${SX_DEM_OUT})

# The demo job's hydrology layers are rank-count independent.
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  foreach(layer filled flowdir accum streams basins)
    add_test(NAME demo_equal_${layer}_np${np}
             COMMAND ${SX_CMP} --exact ${SX_TEST_OUT}/demo_np1/${layer}.tif ${SX_TEST_OUT}/demo_np${np}/${layer}.tif)
    set_tests_properties(demo_equal_${layer}_np${np} PROPERTIES LABELS "regression;mpi"
                         FIXTURES_REQUIRED "demo_np1;demo_np${np}" ENVIRONMENT "${SX_TEST_ENV}")
  endforeach()
endforeach()

# CLI chain on the projected Olinda DEM at 1-4 ranks, TauDEM codes, and D-infinity
# and MFD (Freeman; Quinn weighted) routing. Each rank
# count runs the same commands (relative output names) in its own directory,
# so the COGs, whose provenance holds the command line, are byte-identical.
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  set(o ${SX_DEM_OUT}/olinda_np${np})
  file(MAKE_DIRECTORY ${o})
  add_test(NAME dem_cli_chain_np${np}
           COMMAND sh -c "\
${SX_MPIRUN} -np ${np} ${SX_BIN} dem fill ${SX_OLINDA} -o fel.tif && \
${SX_MPIRUN} -np ${np} ${SX_BIN} dem flowdir fel.tif -o p.tif --encoding taudem && \
${SX_MPIRUN} -np ${np} ${SX_BIN} dem accum p.tif -o ad8.tif --encoding taudem --edge && \
${SX_MPIRUN} -np ${np} ${SX_BIN} dem accum p.tif -o wacc.tif --encoding taudem --weight ${SX_OLINDA} && \
${SX_MPIRUN} -np ${np} ${SX_BIN} dem streams ad8.tif --flowdir p.tif --encoding taudem --threshold 50 \
  -o ord.tif && \
ogr2ogr -f CSV links.csv ord_links.gpkg -lco GEOMETRY=AS_WKT && \
${SX_MPIRUN} -np ${np} ${SX_BIN} dem watershed p.tif --encoding taudem --accum ad8.tif \
  --outlets ${SX_TEST_DATA_DIR}/dem/olinda_outlets.csv -o ws.tif && \
${SX_MPIRUN} -np ${np} ${SX_BIN} dem slope ${SX_OLINDA} -o slope.tif && \
${SX_MPIRUN} -np ${np} ${SX_BIN} dem flowdir fel.tif -o ang.tif --method dinf && \
${SX_MPIRUN} -np ${np} ${SX_BIN} dem accum ang.tif -o adinf.tif --method dinf && \
${SX_MPIRUN} -np ${np} ${SX_BIN} dem accum fel.tif -o amfd.tif --method mfd && \
${SX_MPIRUN} -np ${np} ${SX_BIN} dem accum fel.tif -o aquinn.tif --method mfd --mfd quinn --weight ${SX_OLINDA} && \
ogr2ogr -f CSV ws.csv ws.gpkg -lco GEOMETRY=AS_WKT"
           WORKING_DIRECTORY ${o})
  set_tests_properties(dem_cli_chain_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_SETUP dem_chain_np${np} PROCESSORS ${np} TIMEOUT 600)
endforeach()
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME dem_cli_equal_np${np}
           COMMAND sh -c "cmp ${SX_DEM_OUT}/olinda_np1/ws.csv ${SX_DEM_OUT}/olinda_np${np}/ws.csv && for f in fel p ad8 ad8_edge wacc ord ws slope ang adinf amfd aquinn; do ${SX_CMP} --exact ${SX_DEM_OUT}/olinda_np1/$f.tif ${SX_DEM_OUT}/olinda_np${np}/$f.tif && \
cmp ${SX_DEM_OUT}/olinda_np1/$f.tif ${SX_DEM_OUT}/olinda_np${np}/$f.tif || exit 1; done && \
cmp ${SX_DEM_OUT}/olinda_np1/links.csv ${SX_DEM_OUT}/olinda_np${np}/links.csv && \
cmp ${SX_DEM_OUT}/olinda_np1/ws.gpkg ${SX_DEM_OUT}/olinda_np${np}/ws.gpkg && \
cmp ${SX_DEM_OUT}/olinda_np1/ord_links.gpkg ${SX_DEM_OUT}/olinda_np${np}/ord_links.gpkg")
  set_tests_properties(dem_cli_equal_np${np} PROPERTIES LABELS "regression;mpi"
                       FIXTURES_REQUIRED "dem_chain_np1;dem_chain_np${np}" ENVIRONMENT "${SX_TEST_ENV}")
endforeach()
# --epsilon (least strictly draining surface) on the real DEM, with nodata
# as outlets and as walls: the same file at 1-4 ranks.
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  file(MAKE_DIRECTORY ${SX_DEM_OUT}/eps_np${np})
  add_test(NAME dem_cli_eps_np${np}
           COMMAND sh -c "${SX_MPIRUN} -np ${np} ${SX_BIN} dem fill ${SX_OLINDA} --epsilon -o eps.tif && \
${SX_MPIRUN} -np ${np} ${SX_BIN} dem fill ${SX_DATA_DIR}/dem/N47E009.SRTM3.tif --epsilon --nodata-walls -o epsw.tif"
           WORKING_DIRECTORY ${SX_DEM_OUT}/eps_np${np})
  set_tests_properties(dem_cli_eps_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_SETUP dem_eps_np${np} PROCESSORS ${np} TIMEOUT 600)
endforeach()
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME dem_cli_eps_equal_np${np}
           COMMAND sh -c "${SX_CMP} --exact ${SX_DEM_OUT}/eps_np1/eps.tif ${SX_DEM_OUT}/eps_np${np}/eps.tif && \
${SX_CMP} --exact ${SX_DEM_OUT}/eps_np1/epsw.tif ${SX_DEM_OUT}/eps_np${np}/epsw.tif && \
cmp ${SX_DEM_OUT}/eps_np1/eps.tif ${SX_DEM_OUT}/eps_np${np}/eps.tif && cmp ${SX_DEM_OUT}/eps_np1/epsw.tif ${SX_DEM_OUT}/eps_np${np}/epsw.tif")
  set_tests_properties(dem_cli_eps_equal_np${np} PROPERTIES LABELS "regression;mpi"
                       FIXTURES_REQUIRED "dem_eps_np1;dem_eps_np${np}" ENVIRONMENT "${SX_TEST_ENV}")
endforeach()
# The epsilon fill's exchange rounds do not follow a river that meanders
# across block edges (33 rounds at 2 ranks before the plain fill went first).
add_test(NAME dem_meander_prepare COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/dem_meander.py ${SX_DEM_OUT})
set_tests_properties(dem_meander_prepare PROPERTIES FIXTURES_SETUP dem_meander LABELS regression)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME dem_eps_rounds_np${np}
           COMMAND sh -c "${SX_MPIRUN} -np ${np} ${SX_BIN} dem fill ${SX_DEM_OUT}/meander.tif --epsilon \
-o ${SX_DEM_OUT}/meander_eps_np${np}.tif 2>&1 | grep -E 'epsilon surface in [123] exchange rounds?$' && \
${SX_CMP} --exact ${SX_DEM_OUT}/meander_eps_np${np}.tif ${SX_DEM_OUT}/meander_eps_np1.tif")
  set_tests_properties(dem_eps_rounds_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED dem_meander PROCESSORS ${np})
  if(np GREATER 1)
    set_tests_properties(dem_eps_rounds_np${np} PROPERTIES DEPENDS dem_eps_rounds_np1)
  endif()
endforeach()

# Every COG of the chains passes GDAL's validator (leader/trailer bytes too).
set(dem_fixtures "")
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  list(APPEND dem_fixtures dem_chain_np${np} dem_eps_np${np})
endforeach()
add_test(NAME dem_cli_cog_valid
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/cog_valid_tree.py 36 ${SX_DEM_OUT})
set_tests_properties(dem_cli_cog_valid PROPERTIES LABELS regression FIXTURES_REQUIRED "${dem_fixtures}")
# Invariants of the chain on a real DEM: fill >= DEM, every data cell has a
# direction, the accumulation leaving the grid equals the number of cells.
add_test(NAME dem_cli_invariants
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/dem_invariants.py ${SX_OLINDA}
                 ${SX_DEM_OUT}/olinda_np2/fel.tif ${SX_DEM_OUT}/olinda_np2/p.tif ${SX_DEM_OUT}/olinda_np2/ad8.tif)
set_tests_properties(dem_cli_invariants PROPERTIES LABELS regression FIXTURES_REQUIRED dem_chain_np2)
# Nested sub-basins: basin 2 (snapped) is inside basin 1 and drains to it (downstream_id 1);
# basin 3 drains off the grid (0); areas are cells x 89.994^2 m (3150 and 728 cells). The chain's
# COGs keep the DEM's square cells exactly; until issue 15 they carried the geotransform after a
# round trip through the netCDF's coordinates (89.99406734945104 x -89.99406734945421 m instead
# of 89.99406734945116 square), on which D8 broke one tie the other way (3149 and 729 cells).
add_test(NAME dem_watershed_areas
         COMMAND sh -c "ogr2ogr -f CSV /vsistdout/ ${SX_DEM_OUT}/olinda_np2/ws.gpkg | grep -q '\"2\",25.51163[0-9]*,\"1\"' && \
ogr2ogr -f CSV /vsistdout/ ${SX_DEM_OUT}/olinda_np2/ws.gpkg | grep -q '\"3\",5.89602[0-9]*,\"0\"'")
set_tests_properties(dem_watershed_areas PROPERTIES LABELS regression FIXTURES_REQUIRED dem_chain_np2)
# The basin polygons (traced in parallel, sx_polygonize.h) are GDALPolygonize's 8-connected regions
# of the basin raster with their areas, at every rank count (equal across ranks: dem_cli_equal);
# and on basins made to cross every block edge and to hold together only through cell corners.
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME dem_watershed_vs_gdal_np${np}
           COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/polygons_vs_gdal.py ${SX_DEM_OUT}/olinda_np${np}/ws.tif
                   ${SX_DEM_OUT}/olinda_np${np}/ws.gpkg basins basin_id 8 --area area_km2 1e6)
  set_tests_properties(dem_watershed_vs_gdal_np${np} PROPERTIES LABELS regression FIXTURES_REQUIRED dem_chain_np${np})
endforeach()
add_test(NAME dem_watershed_blocks
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/dem_watershed_blocks.py ${SX_BIN} ${SX_DEM_OUT}/ws_blocks)
set_tests_properties(dem_watershed_blocks PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 4)

# Reference results (TauDEM-Test-Data fills; Barnes 2013 flat test DEMs).
set(SX_TAUDEM ${SX_REF_DIR}/taudem_test_data/Base)
add_test(NAME dem_fill_vs_taudem
         COMMAND sh -c "if [ ! -e ${SX_TAUDEM}/MED_01_01fel.tif ]; then echo 'reference data absent'; exit 77; fi; \
${SX_MPIRUN} -np 3 ${SX_BIN} dem fill ${SX_TAUDEM}/MED_01_01.tif -o ${SX_DEM_OUT}/med_fel.tif && \
${SX_CMP} --tol 1e-3 ${SX_DEM_OUT}/med_fel.tif ${SX_TAUDEM}/MED_01_01fel.tif && \
${SX_MPIRUN} -np 2 ${SX_BIN} dem fill ${SX_TAUDEM}/LoganVRT/output.vrt -o ${SX_DEM_OUT}/logan_fel.tif && \
${SX_CMP} --tol 1e-3 ${SX_DEM_OUT}/logan_fel.tif ${SX_TAUDEM}/loganvrtfel.tif")
set_tests_properties(dem_fill_vs_taudem PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" SKIP_RETURN_CODE 77)
add_test(NAME unit_hydrology_barnes_reference COMMAND test_hydrology)
set_tests_properties(unit_hydrology_barnes_reference PROPERTIES LABELS "unit;regression"
                     ENVIRONMENT "${SX_TEST_ENV};SX_REF_BARNES=${SX_REF_DIR}/barnes2013_flat_surfaces")

# Error contract on bad inputs, at 1 and 3 ranks.
add_test(NAME dem_bad_inputs_prepare COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/dem_bad_inputs.py ${SX_DEM_OUT})
set_tests_properties(dem_bad_inputs_prepare PROPERTIES FIXTURES_SETUP dem_bad LABELS regression)
foreach(np 1 3)
  add_test(NAME dem_err_nan_np${np} COMMAND ${SX_EXPECT} ${np} 3 "nan_nonodata.tif" "no nodata value" "col 6, row 5"
           -- ${SX_BIN} dem fill ${SX_DEM_OUT}/nan_nonodata.tif -o ${SX_DEM_OUT}/err_np${np}.tif)
  add_test(NAME dem_err_rotated_np${np} COMMAND ${SX_EXPECT} ${np} 3 "rotated.tif" "rotated"
           -- ${SX_BIN} dem flowdir ${SX_DEM_OUT}/rotated.tif -o ${SX_DEM_OUT}/err_np${np}.tif)
  add_test(NAME dem_err_nonsquare_np${np} COMMAND ${SX_EXPECT} ${np} 3 "nonsquare.tif" "non-square cells"
           -- ${SX_BIN} dem fill ${SX_DEM_OUT}/nonsquare.tif -o ${SX_DEM_OUT}/err_np${np}.tif)
  add_test(NAME dem_err_badcodes_np${np} COMMAND ${SX_EXPECT} ${np} 3 "badcodes.tif" "col 2, row 3" "ESRI"
           -- ${SX_BIN} dem accum ${SX_DEM_OUT}/badcodes.tif -o ${SX_DEM_OUT}/err_np${np}.tif)
  add_test(NAME dem_err_cycle_np${np} COMMAND ${SX_EXPECT} ${np} 3 "cycle.tif" "flow cycle" "col 2, row 3"
           "map x 500025, y 2999965" "sanxiang dem flowdir"
           -- ${SX_BIN} dem accum ${SX_DEM_OUT}/cycle.tif -o ${SX_DEM_OUT}/err_np${np}.tif)
  # a loop through every block: the same cell is named at any rank count
  add_test(NAME dem_err_cycle_ring_np${np} COMMAND ${SX_EXPECT} ${np} 3 "cycle_ring.tif" "col 5, row 5"
           "map x 500055, y 2999945" "116 cells never drain"
           -- ${SX_BIN} dem accum ${SX_DEM_OUT}/cycle_ring.tif -o ${SX_DEM_OUT}/err_np${np}.tif)
  add_test(NAME dem_err_angles_np${np} COMMAND ${SX_EXPECT} ${np} 3 "angles_bad.tif" "col 2, row 3" "D-infinity angle"
           -- ${SX_BIN} dem accum ${SX_DEM_OUT}/angles_bad.tif --method dinf -o ${SX_DEM_OUT}/err_np${np}.tif)
  set_tests_properties(dem_err_cycle_ring_np${np} dem_err_angles_np${np} PROPERTIES LABELS "regression;mpi"
                       ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED dem_bad)
  # the same rules through the other verbs that read a DEM or flow directions
  add_test(NAME dem_err_nan_flowdir_np${np} COMMAND ${SX_EXPECT} ${np} 3 "nan_nonodata.tif" "no nodata value" "col 6, row 5"
           -- ${SX_BIN} dem flowdir ${SX_DEM_OUT}/nan_nonodata.tif -o ${SX_DEM_OUT}/err_np${np}.tif)
  add_test(NAME dem_err_nan_eps_np${np} COMMAND ${SX_EXPECT} ${np} 3 "nan_nonodata.tif" "no nodata value" "col 6, row 5"
           -- ${SX_BIN} dem fill ${SX_DEM_OUT}/nan_nonodata.tif --epsilon -o ${SX_DEM_OUT}/err_np${np}.tif)
  add_test(NAME dem_err_rotated_fill_np${np} COMMAND ${SX_EXPECT} ${np} 3 "rotated.tif" "rotated"
           -- ${SX_BIN} dem fill ${SX_DEM_OUT}/rotated.tif -o ${SX_DEM_OUT}/err_np${np}.tif)
  add_test(NAME dem_err_rotated_accum_np${np} COMMAND ${SX_EXPECT} ${np} 3 "rotated.tif" "rotated"
           -- ${SX_BIN} dem accum ${SX_DEM_OUT}/rotated.tif -o ${SX_DEM_OUT}/err_np${np}.tif)
  add_test(NAME dem_err_badcodes_taudem_np${np} COMMAND ${SX_EXPECT} ${np} 3 "badcodes_taudem.tif" "col 5, row 1" "TauDEM"
           -- ${SX_BIN} dem accum ${SX_DEM_OUT}/badcodes_taudem.tif --encoding taudem -o ${SX_DEM_OUT}/err_np${np}.tif)
  add_test(NAME dem_err_badcodes_streams_np${np} COMMAND ${SX_EXPECT} ${np} 3 "badcodes.tif" "col 2, row 3" "ESRI"
           -- ${SX_BIN} dem streams ${SX_DEM_OUT}/badcodes.tif --flowdir ${SX_DEM_OUT}/badcodes.tif --threshold 2
              -o ${SX_DEM_OUT}/err_np${np}.tif)
  add_test(NAME dem_err_badcodes_watershed_np${np} COMMAND ${SX_EXPECT} ${np} 3 "3 is not an ESRI flow-direction code"
           -- ${SX_BIN} dem watershed ${SX_DEM_OUT}/badcodes.tif --accum ${SX_DEM_OUT}/badcodes.tif
              --outlets ${SX_DEM_OUT}/outlets_8x8.csv -o ${SX_DEM_OUT}/err_np${np}.tif)
  set_tests_properties(dem_err_nan_flowdir_np${np} dem_err_nan_eps_np${np} dem_err_rotated_fill_np${np}
                       dem_err_rotated_accum_np${np} dem_err_badcodes_taudem_np${np} dem_err_badcodes_streams_np${np}
                       dem_err_badcodes_watershed_np${np} PROPERTIES LABELS "regression;mpi"
                       ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED dem_bad)
  set_tests_properties(dem_err_nan_np${np} dem_err_rotated_np${np} dem_err_nonsquare_np${np} dem_err_badcodes_np${np}
                       dem_err_cycle_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED dem_bad)
endforeach()
add_test(NAME dem_err_encoding COMMAND ${SX_EXPECT} 1 2 "--encoding" "esri|taudem"
         -- ${SX_BIN} dem flowdir ${SX_OLINDA} --encoding arcgis -o ${SX_DEM_OUT}/err_enc.tif)
add_test(NAME dem_err_method COMMAND ${SX_EXPECT} 1 2 "--method" "d8|dinf|mfd" "'rho8'"
         -- ${SX_BIN} dem accum ${SX_OLINDA} --method rho8 -o ${SX_DEM_OUT}/err_method.tif)
add_test(NAME dem_err_flowdir_mfd COMMAND ${SX_EXPECT} 1 2 "MFD" "dem accum --method mfd"
         -- ${SX_BIN} dem flowdir ${SX_OLINDA} --method mfd -o ${SX_DEM_OUT}/err_mfd.tif)
set_tests_properties(dem_err_method dem_err_flowdir_mfd PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}")
add_test(NAME dem_err_weight_grid COMMAND ${SX_EXPECT} 2 3 "N47E009.SRTM3.tif" "not on the grid"
         -- ${SX_BIN} dem accum ${SX_DEM_OUT}/badcodes.tif --weight ${SX_DATA_DIR}/dem/N47E009.SRTM3.tif
            -o ${SX_DEM_OUT}/err_w.tif)
set_tests_properties(dem_err_weight_grid PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED dem_bad)
set_tests_properties(dem_err_encoding PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}")

# HAND (issue 19): `dem hand` on a 300 x 300 crop of the SRTM tile at 1-4 ranks equals an
# independent numpy implementation (pointer jumping) cell for cell, and a hand-checked 4 x 3
# case; a threshold no cell reaches and inputs on different grids are errors naming the fix.
add_test(NAME dem_hand_vs_numpy
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/dem_hand_check.py ${SX_BIN} ${SX_DEM_OUT}/hand
                 ${SX_DATA_DIR}/dem/N47E009.SRTM3.tif)
set_tests_properties(dem_hand_vs_numpy PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 4
                     FIXTURES_SETUP dem_hand TIMEOUT 600)
foreach(np 1 3)
  add_test(NAME dem_err_hand_threshold_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "reaches the stream threshold" "lower --threshold"
           -- ${SX_BIN} dem hand ${SX_DEM_OUT}/hand/fel.tif --flowdir ${SX_DEM_OUT}/hand/p.tif
              --accum ${SX_DEM_OUT}/hand/acc.tif --threshold 1e12 -o ${SX_DEM_OUT}/hand/err.tif)
  add_test(NAME dem_err_hand_grid_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "tiny_d.tif" "not on the grid"
           -- ${SX_BIN} dem hand ${SX_DEM_OUT}/hand/fel.tif --flowdir ${SX_DEM_OUT}/hand/tiny_d.tif
              --accum ${SX_DEM_OUT}/hand/acc.tif --threshold 100 -o ${SX_DEM_OUT}/hand/err.tif)
  set_tests_properties(dem_err_hand_threshold_np${np} dem_err_hand_grid_np${np} PROPERTIES LABELS "regression;mpi"
                       ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED dem_hand PROCESSORS ${np})
endforeach()
# The HAND job (jobs/dem_hand_constance.yaml): the same HAND at 1 and 3 ranks.
foreach(np 1 3)
  file(MAKE_DIRECTORY ${SX_DEM_OUT}/handjob_np${np})
  add_test(NAME dem_hand_job_np${np}
           COMMAND sh -c "${SX_MPIRUN} -np ${np} ${SX_BIN} run ${CMAKE_SOURCE_DIR}/jobs/dem_hand_constance.yaml --out ."
           WORKING_DIRECTORY ${SX_DEM_OUT}/handjob_np${np})
  set_tests_properties(dem_hand_job_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_SETUP dem_handjob_np${np} PROCESSORS ${np} TIMEOUT 600)
endforeach()
add_test(NAME dem_hand_job_equal_np3
         COMMAND ${SX_CMP} --exact ${SX_DEM_OUT}/handjob_np1/hand.tif ${SX_DEM_OUT}/handjob_np3/hand.tif)
set_tests_properties(dem_hand_job_equal_np3 PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED "dem_handjob_np1;dem_handjob_np3")
