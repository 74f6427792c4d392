# Forecasting and dispatch (issue 17): reservoirs in the forecast network,
# capacity from structures, pre-release and compensation rules, ensembles at 1-4 ranks,
# and the refusals (one message naming file, row and key).
set(SX_DSP_PY ${CMAKE_CURRENT_SOURCE_DIR}/regression/hydro_dispatch.py)
set(SX_DSP_D ${SX_TEST_DATA_DIR}/hydro_dispatch)
foreach(case network structures ranks)
  add_test(NAME hydro_dispatch_${case}
           COMMAND /usr/bin/python3 ${SX_DSP_PY} $<TARGET_FILE:sanxiang_cli> ${SX_TEST_OUT}/hydro_dispatch ${case}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(hydro_dispatch_${case} PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" TIMEOUT 300)
endforeach()
set_tests_properties(hydro_dispatch_ranks PROPERTIES LABELS "regression;mpi" PROCESSORS 4)
