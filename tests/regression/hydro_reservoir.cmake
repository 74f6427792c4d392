# sanxiang hydro reservoir end to end: Ponce's linear-reservoir example through
# the command (m3 and 1e4 m3 curves), the rfaR reservoirs in US units with the
# water balance closed to round-off, 1 vs 3 ranks, the job step, operating
# rules checked by hand, and every refusal (one message naming file, row or option; status 3 for data, 2 for
# the command line).
set(SX_RESV_PY ${CMAKE_CURRENT_SOURCE_DIR}/regression/hydro_reservoir.py)
foreach(case linear rfar ranks job rules)
  add_test(NAME hydro_reservoir_${case}
           COMMAND /usr/bin/python3 ${SX_RESV_PY} $<TARGET_FILE:sanxiang_cli> ${SX_TEST_OUT}/hydro_reservoir ${case}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(hydro_reservoir_${case} PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" TIMEOUT 300)
endforeach()
set_tests_properties(hydro_reservoir_ranks PROPERTIES LABELS "regression;mpi" PROCESSORS 3)

set(SX_RESV_D ${SX_TEST_DATA_DIR}/hydro)
function(sx_resv_error name np status pattern)
  add_test(NAME hydro_reservoir_error_${name}
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/regression/expect_error.sh ${np} ${status} "${pattern}" --
                   $<TARGET_FILE:sanxiang_cli> hydro reservoir --inflow ${SX_RESV_D}/reservoir_inflow.csv
                   -o ${SX_TEST_OUT}/hydro_reservoir/x.csv ${ARGN})
  set_tests_properties(hydro_reservoir_error_${name} PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}"
                       PROCESSORS ${np})
endfunction()
sx_resv_error(not_monotonic 2 3 "reservoir_nonmonotonic.csv:5: storage_1e4m3 1200 does not rise above 1300"
  --curves ${SX_RESV_D}/reservoir_nonmonotonic.csv)
sx_resv_error(level_outside 1 3 "--initial-level: level 99.5 m is outside the curve"
  --curves ${SX_RESV_D}/reservoir_small.csv --initial-level 99.5)
sx_resv_error(storage_outside 1 3 "--initial-storage: storage 4 1e4 m3 is outside the curve"
  --curves ${SX_RESV_D}/reservoir_small.csv --initial-storage 4)
sx_resv_error(both_initial 2 2 "give --initial-level or --initial-storage, not both"
  --curves ${SX_RESV_D}/reservoir_small.csv --initial-level 100 --initial-storage 1)
sx_resv_error(overtop 2 3 "time 2024-06-01 02:00: the reservoir would rise above the top of the curve"
  --curves ${SX_RESV_D}/reservoir_small.csv --initial-level 100)
sx_resv_error(steady_outside 1 3 "outflow = inflow: the first inflow 5 m3/s is outside the outflow range of the curve"
  --curves ${SX_RESV_D}/reservoir_floor.csv)
sx_resv_error(no_storage 1 3 "reservoir_no_storage.csv:1: header has no storage column"
  --curves ${SX_RESV_D}/reservoir_no_storage.csv)
sx_resv_error(bad_cell 1 3 "reservoir_bad_cell.csv:3: storage = 'abc' is not a finite number"
  --curves ${SX_RESV_D}/reservoir_bad_cell.csv)
sx_resv_error(dt_mismatch 1 2 "--dt = 2 h but"
  --curves ${SX_RESV_D}/reservoir_small.csv --dt 2)
# operating rules: contradictory levels, a stage above the safe discharge, an order at a time the inflow
# does not have, a misspelt key
sx_resv_error(rules_contradictory 2 3 "reservoir_rules_contradictory.yaml:2:20: flood_limit_level: flood_limit_level (汛限水位) 107 is not below flood_control_high_level (防洪高水位) 106"
  --curves ${SX_RESV_D}/reservoir_pool.csv --rules ${SX_RESV_D}/reservoir_rules_contradictory.yaml)
sx_resv_error(rules_stage 1 3 "reservoir_rules_stage.yaml: stages[1].max_release 500 m3/s exceeds safe_discharge 300 m3/s"
  --curves ${SX_RESV_D}/reservoir_pool.csv --rules ${SX_RESV_D}/reservoir_rules_stage.yaml)
sx_resv_error(rules_order_time 1 3 "reservoir_orders_late.csv: time 2024-06-01 09:00 is not a time of the inflow"
  --curves ${SX_RESV_D}/reservoir_pool.csv --rules ${SX_RESV_D}/reservoir_rules_late.yaml)
sx_resv_error(rules_typo 1 3 "reservoir_rules_typo.yaml:3:16: safe_dischage: unknown key 'safe_dischage'"
  --curves ${SX_RESV_D}/reservoir_pool.csv --rules ${SX_RESV_D}/reservoir_rules_typo.yaml)
sx_resv_error(rules_missing 1 nonzero "reservoir_rules_none.yaml"
  --curves ${SX_RESV_D}/reservoir_pool.csv --rules ${SX_RESV_D}/reservoir_rules_none.yaml)
