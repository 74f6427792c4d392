# rs sample: stratified random samples of a class map for accuracy assessment
# against an independent Python draw of the documented design
# (rs_sample_check.py) — with a reference raster and exclude features in
# another CRS (Olofsson allocation with a minimum), with equal allocation, and
# on a map with the proportions of Olofsson et al. (2014)'s example (75, 75,
# 162, 328); the same sample (features, fields, CRS; the files differ only in
# the output path their provenance names) and byte-identical strata tables at 1-4 ranks; one
# error each for a class with too few cells, a reference on another grid, a
# fractional map value, a bad reference value, a bad seed, both or neither
# size option, a total below the minimums and exclude points all off the map.
set(SX_SAMPLE_OUT ${SX_TEST_OUT}/rs/sample)
set(SX_SAMPLE_IN ${SX_SAMPLE_OUT}/in)
add_test(NAME rs_sample_setup
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_sample_setup.py ${SX_SAMPLE_IN})
set_tests_properties(rs_sample_setup PROPERTIES LABELS regression FIXTURES_SETUP rs_sample_in)
set(SX_SAMPLE_CHECK ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_sample_check.py)
string(REPLACE ";" " " SX_SAMPLE_MPX "${SX_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG}") # several runs in one shell command
set(SX_SAMPLE_TOT --map ${SX_SAMPLE_IN}/map.tif --reference ${SX_SAMPLE_IN}/ref.tif --exclude ${SX_SAMPLE_IN}/exclude.gpkg)
string(REPLACE ";" " " SX_SAMPLE_TOT_SH "${SX_SAMPLE_TOT}")
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  set(o ${SX_SAMPLE_OUT}/np${np})
  add_test(NAME rs_sample_np${np}
           COMMAND sh -c "${SX_SAMPLE_MPX} ${np} ${SX_BIN} rs sample ${SX_SAMPLE_TOT_SH} --total 300 --min-per-class 30 \
--seed 7 -o ${o}/tot.gpkg && \
${SX_SAMPLE_MPX} ${np} ${SX_BIN} rs sample --map ${SX_SAMPLE_IN}/map.tif --per-class 25 --seed 12345 -o ${o}/eq && \
${SX_SAMPLE_MPX} ${np} ${SX_BIN} rs sample --map ${SX_SAMPLE_IN}/olofsson.tif --total 640 --min-per-class 75 \
--seed 2014 -o ${o}/olof")
  set_tests_properties(rs_sample_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_sample_in FIXTURES_SETUP rs_sample_np${np} PROCESSORS ${np})
  add_test(NAME rs_sample_too_few_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "map class 7 has" "needs 60 sample units" "--per-class" -- ${SX_BIN} rs sample
                   ${SX_SAMPLE_TOT} --per-class 60 -o ${o}/bad)
  add_test(NAME rs_sample_grid_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "shifted.tif" "one grid" -- ${SX_BIN} rs sample --map ${SX_SAMPLE_IN}/map.tif
                   --reference ${SX_SAMPLE_IN}/shifted.tif --per-class 5 -o ${o}/bad)
  add_test(NAME rs_sample_fraction_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "fraction.tif" "value 2.5 at cell (60, 50)" -- ${SX_BIN} rs sample
                   --map ${SX_SAMPLE_IN}/fraction.tif --per-class 5 -o ${o}/bad)
  add_test(NAME rs_sample_bad_reference_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "reference" "badref.tif" "value 3.5 at cell (40, 30)" -- ${SX_BIN} rs sample
                   --map ${SX_SAMPLE_IN}/map.tif --reference ${SX_SAMPLE_IN}/badref.tif --per-class 5 -o ${o}/bad)
  set_tests_properties(rs_sample_too_few_np${np} rs_sample_grid_np${np} rs_sample_fraction_np${np}
                       rs_sample_bad_reference_np${np} PROPERTIES LABELS "regression;mpi"
                       ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED rs_sample_in PROCESSORS ${np})
endforeach()
add_test(NAME rs_sample_vs_python
         COMMAND sh -c "${SX_PY} ${SX_SAMPLE_CHECK} ${SX_SAMPLE_OUT}/np1/tot 7 ${SX_SAMPLE_TOT_SH} --total 300 --min 30 && \
${SX_PY} ${SX_SAMPLE_CHECK} ${SX_SAMPLE_OUT}/np1/eq 12345 --map ${SX_SAMPLE_IN}/map.tif --per-class 25 && \
${SX_PY} ${SX_SAMPLE_CHECK} ${SX_SAMPLE_OUT}/np1/olof 2014 --map ${SX_SAMPLE_IN}/olofsson.tif --total 640 --min 75 \
--expect 75,75,162,328")
set_tests_properties(rs_sample_vs_python PROPERTIES LABELS regression FIXTURES_REQUIRED rs_sample_np1)
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  set(cmds "")
  foreach(f tot eq olof)
    string(APPEND cmds "${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/gpkg_same.py ${SX_SAMPLE_OUT}/np1/${f}.gpkg "
           "${SX_SAMPLE_OUT}/np${np}/${f}.gpkg sample && "
           "cmp ${SX_SAMPLE_OUT}/np1/${f}_strata.csv ${SX_SAMPLE_OUT}/np${np}/${f}_strata.csv && ")
  endforeach()
  add_test(NAME rs_sample_equal_np${np} COMMAND sh -c "${cmds} true")
  set_tests_properties(rs_sample_equal_np${np} PROPERTIES LABELS "regression;mpi"
                       FIXTURES_REQUIRED "rs_sample_np1;rs_sample_np${np}")
endforeach()
set(x ${SX_SAMPLE_OUT}/bad)
add_test(NAME rs_sample_bad_seed
         COMMAND ${SX_EXPECT} 1 2 "--seed" -- ${SX_BIN} rs sample --map ${SX_SAMPLE_IN}/map.tif --per-class 5 --seed -1
                 -o ${x})
add_test(NAME rs_sample_no_size
         COMMAND ${SX_EXPECT} 1 nonzero "--per-class N" "--total N" -- ${SX_BIN} rs sample
                 --map ${SX_SAMPLE_IN}/map.tif -o ${x})
add_test(NAME rs_sample_both_sizes
         COMMAND ${SX_EXPECT} 1 nonzero "give --per-class or --total, not both" -- ${SX_BIN} rs sample
                 --map ${SX_SAMPLE_IN}/map.tif --per-class 5 --total 40 -o ${x})
add_test(NAME rs_sample_total_too_small_np2
         COMMAND ${SX_EXPECT} 2 2 "--total 100 cannot give each of the 4 mapped classes --min-per-class 30" -- ${SX_BIN}
                 rs sample --map ${SX_SAMPLE_IN}/map.tif --total 100 --min-per-class 30 -o ${x})
add_test(NAME rs_sample_exclude_off_map_np2
         COMMAND ${SX_EXPECT} 2 3 "none of the 2 exclude points of" "outside.gpkg" -- ${SX_BIN} rs sample
                 --map ${SX_SAMPLE_IN}/map.tif --exclude ${SX_SAMPLE_IN}/outside.gpkg --per-class 5 -o ${x})
set_tests_properties(rs_sample_bad_seed rs_sample_no_size rs_sample_both_sizes rs_sample_total_too_small_np2
                     rs_sample_exclude_off_map_np2 PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED rs_sample_in PROCESSORS 2)
