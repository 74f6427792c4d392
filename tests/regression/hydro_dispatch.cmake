# Forecasting and dispatch (issue 17): reservoirs in the forecast network,
# capacity from structures, pre-release and compensation rules, ensembles at 1-4 ranks,
# and the refusals (one message naming file, row and key).
set(SX_DSP_PY ${CMAKE_CURRENT_SOURCE_DIR}/regression/hydro_dispatch.py)
set(SX_DSP_D ${SX_TEST_DATA_DIR}/hydro_dispatch)
foreach(case network structures ranks prerelease compensation levels alternatives job ensemble hotstart cli_structures alt_structures)
  add_test(NAME hydro_dispatch_${case}
           COMMAND /usr/bin/python3 ${SX_DSP_PY} $<TARGET_FILE:sanxiang_cli> ${SX_TEST_OUT}/hydro_dispatch ${case}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(hydro_dispatch_${case} PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" TIMEOUT 300)
endforeach()
set_tests_properties(hydro_dispatch_ranks PROPERTIES LABELS "regression;mpi" PROCESSORS 4)
set_tests_properties(hydro_dispatch_job PROPERTIES LABELS "regression;mpi" PROCESSORS 3)
set_tests_properties(hydro_dispatch_hotstart PROPERTIES LABELS "regression;mpi" PROCESSORS 3)

function(sx_dsp_error name np status pattern)
  add_test(NAME hydro_dispatch_error_${name}
           COMMAND ${SX_EXPECT} ${np} ${status} "${pattern}" -- $<TARGET_FILE:sanxiang_cli> ${ARGN})
  set_tests_properties(hydro_dispatch_error_${name} PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}"
                       PROCESSORS ${np} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endfunction()
set(SX_DSP_JOB run ${SX_DSP_D}/network.yaml --out ${SX_TEST_OUT}/hydro_dispatch/err)
sx_dsp_error(prerelease_level 1 3 "reservoir_rules_prerelease_bad.yaml:4:75: pre_release.lowest_level"
  hydro reservoir --inflow ${SX_TEST_DATA_DIR}/hydro/reservoir_prerelease_inflow.csv
  --curves ${SX_TEST_DATA_DIR}/hydro/reservoir_pool.csv --rules ${SX_TEST_DATA_DIR}/hydro/reservoir_rules_prerelease_bad.yaml
  -o ${SX_TEST_OUT}/hydro_dispatch/x.csv)
sx_dsp_error(contradictory_levels 2 3 "reservoir_rules_contradictory.yaml:2:20: flood_limit_level: flood_limit_level (汛限水位) 107 is not below"
  ${SX_DSP_JOB} --set steps.0.subbasins.1.reservoir.rules=${SX_TEST_DATA_DIR}/hydro/reservoir_rules_contradictory.yaml)
sx_dsp_error(bad_curve 2 3 "reservoir_nonmonotonic.csv:5: storage_1e4m3 1200 does not rise above 1300"
  ${SX_DSP_JOB} --set steps.0.subbasins.1.reservoir.curves=${SX_TEST_DATA_DIR}/hydro/reservoir_nonmonotonic.csv)
sx_dsp_error(missing_station 2 3 "steps[0].subbasins[1].reservoir.compensation.station: station 'nowhere' is not a sub-basin id"
  ${SX_DSP_JOB} --set steps.0.subbasins.1.reservoir.compensation.station=nowhere
  --set steps.0.subbasins.1.reservoir.compensation.safe_discharge=800)
sx_dsp_error(upstream_station 2 3 "network.yaml: reservoir 'upper': compensation control point 'up1' is not downstream"
  ${SX_DSP_JOB} --set steps.0.subbasins.1.reservoir.compensation.station=up1
  --set steps.0.subbasins.1.reservoir.compensation.safe_discharge=800)
sx_dsp_error(cli_structures_key 1 3 "--structures '{type: outlet, count: 2, crest: 52, area: 12, muu: 0.8}':1:52: muu: unknown key 'muu'"
  hydro reservoir --inflow ${SX_TEST_DATA_DIR}/hydro/reservoir_prerelease_inflow.csv
  --curves ${SX_DSP_D}/lower_zv.csv --structures "{type: outlet, count: 2, crest: 52, area: 12, muu: 0.8}"
  -o ${SX_TEST_OUT}/hydro_dispatch/x.csv)
sx_dsp_error(missing_rules 1 nonzero "no_such_rules.yaml"
  ${SX_DSP_JOB} --set steps.0.subbasins.1.reservoir.rules=${SX_DSP_D}/no_such_rules.yaml)
sx_dsp_error(rating_not_monotonic 2 3 "station 'ctrl' rating: at the breakpoint 38 m segment 1 gives 557.152 m3/s but segment 2 only 168.032"
  ${SX_DSP_JOB} --set steps.0.subbasins.5.station.rating.segments.1.a=10)
sx_dsp_error(warning_above_guaranteed 1 3 "warning_level: warning_level (警戒水位) 41 is not below guaranteed_level (保证水位) 40.5"
  ${SX_DSP_JOB} --set steps.0.subbasins.5.station.warning_level=41)
sx_dsp_error(alternative_not_reservoir 2 3 "steps[0].alternatives[1].reservoirs.side: 'side' is not a reservoir of this network"
  ${SX_DSP_JOB} --set steps.0.alternatives.1.reservoirs.side.rules=x.yaml)
sx_dsp_error(alternative_plan_time 2 3 "upper_plan_late.csv: time 2024-06-03 00:00 is not a time of the inflow"
  ${SX_DSP_JOB} --set steps.0.alternatives.2.reservoirs.upper.release=${SX_DSP_D}/upper_plan_late.csv)
sx_dsp_error(design_not_frequency 1 3 "upper_plan.csv:1: not a `hydro frequency` table"
  ${SX_DSP_JOB} --set steps.0.subbasins.5.station.return_periods.design=${SX_DSP_D}/upper_plan.csv)
# Corrections that re-run the network (DSRC, EnKF) and hindcasts do not route through reservoirs yet: refused.
sx_dsp_error(enkf_with_reservoirs 2 3 "correction.method enkf does not route through reservoir nodes yet"
  ${SX_DSP_JOB} --set steps.0.correction.method=enkf)
sx_dsp_error(hindcast_with_reservoirs 1 3 "a hindcast does not route through reservoir nodes yet"
  ${SX_DSP_JOB} --set steps.0.hindcast.from=2024-06-01)
