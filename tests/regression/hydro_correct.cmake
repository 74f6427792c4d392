# sanxiang hydro correct (issue 18): AR and RLS correction at 1 and 3 ranks identical, the job step
# equal to the command, and the error contract (one message naming file, time and key). Uses
# sx_hydro_error from hydro.cmake (the regression files are included in name order).
set(SX_CORR_DATA ${SX_TEST_DATA_DIR}/hydro)
add_test(NAME hydro_correct_cli
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/hydro_correct.py ${SX_BIN} ${SX_TEST_OUT}/hydro_correct
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(hydro_correct_cli PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 3
                     TIMEOUT 600)
set(SX_CORR --sim ${SX_CORR_DATA}/correct_sim.csv --lead 6 -o ${SX_TEST_OUT}/hydro_correct/x.csv)
sx_hydro_error(correct_backwards 1 3 "correct_obs_backwards.csv:7: time 2024-07-01 04:00 does not follow 2024-07-01 05:00"
  correct --method ar --order 2 --obs ${SX_CORR_DATA}/correct_obs_backwards.csv --issue 2024-07-01T06:00 ${SX_CORR})
sx_hydro_error(correct_duplicate 3 3 "correct_obs_duplicate.csv:6: time 2024-07-01 03:00 does not follow 2024-07-01 03:00"
  correct --method rls --order 1 --obs ${SX_CORR_DATA}/correct_obs_duplicate.csv --issue 2024-07-01T06:00 ${SX_CORR})
sx_hydro_error(correct_issue_outside 1 2 "--issue '2024-07-03 06:00' is not a time of the simulation"
  correct --method ar --order 2 --obs ${SX_CORR_DATA}/correct_obs.csv --issue "2024-07-03 06:00" ${SX_CORR})
sx_hydro_error(correct_lead_past_end 3 2 "--lead 6 steps after --issue 2024-07-02 20:00 runs past the end"
  correct --method ar --order 2 --obs ${SX_CORR_DATA}/correct_obs.csv --issue "2024-07-02 20:00" ${SX_CORR})
sx_hydro_error(correct_too_few 1 3 "correct_obs_few.csv: 1 complete error row(s)"
  correct --method ar --order 3 --obs ${SX_CORR_DATA}/correct_obs_few.csv --issue 2024-07-02T06:00 ${SX_CORR})
sx_hydro_error(correct_offgrid 1 3 "correct_obs_offgrid.csv row 2: time 2024-07-01 00:30 is not a time of the simulation"
  correct --method rls --order 2 --obs ${SX_CORR_DATA}/correct_obs_offgrid.csv --issue 2024-07-01T06:00 ${SX_CORR})
sx_hydro_error(correct_lambda_ar 1 2 "--lambda applies to --method rls only"
  correct --method ar --order 2 --lambda 0.9 --obs ${SX_CORR_DATA}/correct_obs.csv --issue 2024-07-02T06:00 ${SX_CORR})
sx_hydro_error(correct_order 1 2 "--order"
  correct --method ar --order 11 --obs ${SX_CORR_DATA}/correct_obs.csv --issue 2024-07-02T06:00 ${SX_CORR})
