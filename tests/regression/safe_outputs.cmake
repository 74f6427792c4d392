# Outputs that never destroy, escape or half-exist, and inputs refused instead of giving wrong
# results (issue 14): each refusal at 1 and 3 ranks, with the files checked afterwards.
foreach(case foreign_file dir_in_way rerun_own job_escape job_absolute job_empty job_symlink job_name job_half
             state_out max_evals warp_no_crs dem_inf huge_raster)
  foreach(np 1 3)
    add_test(NAME safe_outputs_${case}_np${np}
             COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/safe_outputs.py ${SX_BIN} ${SX_EXPECT}
                     ${SX_TEST_OUT}/safe_outputs ${np} ${case})
    set_tests_properties(safe_outputs_${case}_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                         PROCESSORS ${np} TIMEOUT 300)
  endforeach()
endforeach()

# Steps hand layers over in memory (issue 15): fill -> flowdir -> accum reads the DEM once.
foreach(np 1 3)
  add_test(NAME chain_memory_np${np}
           COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/chain_memory.py ${SX_BIN} ${SX_TEST_OUT}/chain_memory
                   ${np})
  set_tests_properties(chain_memory_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       PROCESSORS ${np} TIMEOUT 600)
endforeach()
