# The demo job end to end: runs at 1-4 ranks, N-rank output equals the 1-rank
# output bit for bit, the COG validates, the run record and perf table exist.
#
# The command line is part of every file's provenance, so each rank count runs
# the same command (`run <job> --out .`) in its own directory, where `data`
# links to the repository's data (the job's inputs are relative paths): the
# COGs are then byte-identical.
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  file(MAKE_DIRECTORY ${SX_TEST_OUT}/demo_np${np})
  add_test(NAME demo_run_np${np}
           COMMAND sh -c "ln -sfn ${CMAKE_SOURCE_DIR}/data data && \
exec ${MPIEXEC_EXECUTABLE} --oversubscribe ${MPIEXEC_NUMPROC_FLAG} ${np} ${SX_BIN} run ${CMAKE_SOURCE_DIR}/jobs/demo.yaml --out ."
           WORKING_DIRECTORY ${SX_TEST_OUT}/demo_np${np})
  set_tests_properties(demo_run_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_SETUP demo_np${np} PROCESSORS ${np} TIMEOUT 600)
endforeach()

foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME demo_equal_cog_np${np}
           COMMAND ${SX_CMP} --exact ${SX_TEST_OUT}/demo_np1/slope.tif ${SX_TEST_OUT}/demo_np${np}/slope.tif)
  add_test(NAME demo_equal_nc_np${np}
           COMMAND ${SX_CMP} --exact "NETCDF:\"${SX_TEST_OUT}/demo_np1/slope.nc\":slope"
                   "NETCDF:\"${SX_TEST_OUT}/demo_np${np}/slope.nc\":slope")
  set_tests_properties(demo_equal_cog_np${np} demo_equal_nc_np${np} PROPERTIES LABELS "regression;mpi"
                       FIXTURES_REQUIRED "demo_np1;demo_np${np}" ENVIRONMENT "${SX_TEST_ENV}")
endforeach()

# Every COG of the run, byte for byte (provenance, statistics and tiles included).
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME demo_cog_bytes_np${np}
           COMMAND sh -c "set -e; n=0; for f in ${SX_TEST_OUT}/demo_np1/*.tif; do \
cmp \"$f\" ${SX_TEST_OUT}/demo_np${np}/$(basename \"$f\"); n=$((n + 1)); done; echo \"$n COGs identical\"; test $n -ge 8")
  set_tests_properties(demo_cog_bytes_np${np} PROPERTIES LABELS "regression;mpi" FIXTURES_REQUIRED "demo_np1;demo_np${np}")
endforeach()
add_test(NAME demo_cog_valid
         COMMAND sh -c "set -e; for f in ${SX_TEST_OUT}/demo_np2/*.tif ${SX_TEST_OUT}/demo_np2/package/*/*/*.tif; do \
${SX_PY} ${SX_COG_VALIDATOR} -q --full-check=yes \"$f\"; done")
add_test(NAME demo_run_record
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/check_run_record.py ${SX_TEST_OUT}/demo_np2 2)
set_tests_properties(demo_cog_valid demo_run_record PROPERTIES LABELS regression FIXTURES_REQUIRED demo_np2)

# Slope equals gdaldem's (same Horn method and edge rule) on a projected DEM.
add_test(NAME slope_vs_gdaldem
         COMMAND sh -c "gdaldem slope -q ${SX_DATA_DIR}/dem/olinda_dem_utm25s.tif ${SX_TEST_OUT}/olinda_gdaldem.tif && \
${MPIEXEC_EXECUTABLE} --oversubscribe -np 3 ${SX_BIN} dem slope ${SX_DATA_DIR}/dem/olinda_dem_utm25s.tif -o ${SX_TEST_OUT}/olinda_slope.tif && \
${SX_CMP} --tol 1e-4 ${SX_TEST_OUT}/olinda_slope.tif ${SX_TEST_OUT}/olinda_gdaldem.tif")
set_tests_properties(slope_vs_gdaldem PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}")

# Error contract: one clear message naming file, line and key; same status on every rank.
set(SX_JOBS ${CMAKE_SOURCE_DIR}/tests/data/jobs)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME job_bad_type_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "bad_type.yaml:7:" "steps[0].z_factor" "abc" -- ${SX_BIN} run ${SX_JOBS}/bad_type.yaml)
  add_test(NAME job_unknown_key_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "unknown_key.yaml:7:" "unitz" "units" -- ${SX_BIN} run ${SX_JOBS}/unknown_key.yaml)
  add_test(NAME job_missing_steps_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "missing_steps.yaml:" "steps" -- ${SX_BIN} run ${SX_JOBS}/missing_steps.yaml)
  add_test(NAME job_bad_yaml_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "bad_yaml.yaml:" -- ${SX_BIN} run ${SX_JOBS}/bad_yaml.yaml)
  add_test(NAME job_deep_nesting_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "deep_nesting.yaml:5:" "nested more than 64 deep" -- ${SX_BIN} run ${SX_JOBS}/deep_nesting.yaml)
  add_test(NAME job_missing_file_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "no_such_job.yaml" -- ${SX_BIN} run ${SX_JOBS}/no_such_job.yaml)
  add_test(NAME job_bad_set_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "--set" "units" -- ${SX_BIN} run jobs/demo.yaml --set steps.0.units=radians
                   --out ${SX_TEST_OUT}/bad_set)
  set_tests_properties(job_bad_type_np${np} job_unknown_key_np${np} job_missing_steps_np${np} job_bad_yaml_np${np}
                       job_deep_nesting_np${np} job_missing_file_np${np} job_bad_set_np${np}
                       PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()

# One rank alone meets a corrupt tile: every rank exits non-zero, one message
# names the file, and no output that looks complete is left behind.
add_test(NAME corrupt_tile_prepare
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/corrupt_tile.py
                 ${SX_DATA_DIR}/dem/N47E009.SRTM3.tif ${SX_TEST_OUT}/corrupt_N47E009.tif 4 4)
set_tests_properties(corrupt_tile_prepare PROPERTIES FIXTURES_SETUP corrupt_tile LABELS regression)
foreach(np 1 3 4)
  add_test(NAME corrupt_tile_one_rank_np${np}
           COMMAND sh -c "${SX_EXPECT} ${np} 4 corrupt_N47E009.tif -- ${SX_BIN} run ${SX_JOBS}/corrupt_input.yaml \
--set inputs.dem=${SX_TEST_OUT}/corrupt_N47E009.tif --out ${SX_TEST_OUT}/corrupt_np${np} && \
test ! -e ${SX_TEST_OUT}/corrupt_np${np}/slope.nc && test ! -e ${SX_TEST_OUT}/corrupt_np${np}/slope.tif && \
test -z \"$(ls -A ${SX_TEST_OUT}/corrupt_np${np} 2>/dev/null)\"")
  set_tests_properties(corrupt_tile_one_rank_np${np} PROPERTIES LABELS "regression;mpi" FIXTURES_REQUIRED corrupt_tile
                       ENVIRONMENT "${SX_TEST_ENV}")
endforeach()

# The command line itself. PASS_REGULAR_EXPRESSION ignores the exit status,
# so a sanitizer report or crash text fails the test explicitly.
set(SX_CRASH_REGEX "Sanitizer|runtime error|Segmentation fault|Aborted")
add_test(NAME cli_version COMMAND ${SX_BIN} version)
set_tests_properties(cli_version PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" FAIL_REGULAR_EXPRESSION "${SX_CRASH_REGEX}"
                     PASS_REGULAR_EXPRESSION "sanxiang [0-9.]+ \\(commit [0-9a-f]+.*HDF5 +1\\.[0-9.]+ \\(parallel\\).*GDAL +3\\..*OpenBLAS")
# version and help only print and do not start MPI: they work where MPI cannot start (a PML that does not
# exist makes MPI_Init fail: `sanxiang dem slope` must fail there) and print once under a launcher.
add_test(NAME cli_version_without_mpi
         COMMAND sh -c "OMPI_MCA_pml=no_such_pml ${SX_BIN} version | grep -q '^sanxiang [0-9]' && \
OMPI_MCA_pml=no_such_pml ${SX_BIN} help | grep -q 'commands:' && \
OMPI_MCA_pml=no_such_pml ${SX_BIN} help --man | grep -q '^.TH SANXIANG 1' && \
! OMPI_MCA_pml=no_such_pml ${SX_BIN} dem slope ${SX_DATA_DIR}/dem/N47E009.SRTM3.tif -o /dev/null/never.tif 2>/dev/null && \
test \"$(${MPIEXEC_EXECUTABLE} --oversubscribe -np 3 ${SX_BIN} version | grep -c '^sanxiang ')\" = 1 && \
test \"$(${MPIEXEC_EXECUTABLE} --oversubscribe -np 3 ${SX_BIN} help | grep -c '^commands:')\" = 1")
set_tests_properties(cli_version_without_mpi PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 3)
add_test(NAME cli_help COMMAND ${SX_BIN} help)
set_tests_properties(cli_help PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" FAIL_REGULAR_EXPRESSION "${SX_CRASH_REGEX}" PASS_REGULAR_EXPRESSION "run.*dem.*version")
add_test(NAME cli_run_help COMMAND ${SX_BIN} run --help)
set_tests_properties(cli_run_help PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" FAIL_REGULAR_EXPRESSION "${SX_CRASH_REGEX}" PASS_REGULAR_EXPRESSION "step: slope")
add_test(NAME cli_unknown_command COMMAND ${SX_EXPECT} 1 2 "unknown command 'frobnicate'" -- ${SX_BIN} frobnicate)
set_tests_properties(cli_unknown_command PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}")
