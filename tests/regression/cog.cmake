# The parallel COG writer (issue 15): mpi_cog_np<N> (tests/mpi/mpi_cog.c)
# writes every case into test-out/mpi_cog/np<N>/ and checks the values and
# overviews through GDAL; here every file is compared byte for byte with the
# 1-rank file, and GDAL's validator checks every file (leader and trailer bytes
# included) at every rank count.
set(SX_COG_OUT ${SX_TEST_OUT}/mpi_cog)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  set_tests_properties(mpi_cog_np${np} PROPERTIES FIXTURES_SETUP mpi_cog_np${np})
  add_test(NAME cog_valid_np${np}
           COMMAND sh -c "set -e; n=0; for f in ${SX_COG_OUT}/np${np}/*.tif; do \
${SX_PY} ${SX_COG_VALIDATOR} -q --full-check=yes \"$f\"; n=$((n + 1)); done; echo \"$n valid COGs\"; test $n -ge 19")
  set_tests_properties(cog_valid_np${np} PROPERTIES LABELS "regression;mpi" FIXTURES_REQUIRED mpi_cog_np${np})
endforeach()
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME cog_bytes_equal_np${np}
           COMMAND sh -c "set -e; for f in ${SX_COG_OUT}/np1/*.tif; do cmp \"$f\" ${SX_COG_OUT}/np${np}/$(basename \"$f\"); done")
  set_tests_properties(cog_bytes_equal_np${np} PROPERTIES LABELS "regression;mpi"
                       FIXTURES_REQUIRED "mpi_cog_np1;mpi_cog_np${np}")
endforeach()
