# sanxiang hydro end to end: GR4J vs the INRAE Excel series, Ponce's Muskingum
# table, XAJ on Chengcun with the GB/T 22482 table, calibration equal at 1 and
# 3 ranks, and every forcing/parameter error path (one message, status 3/2).
set(SX_HYDRO_PY ${CMAKE_CURRENT_SOURCE_DIR}/regression/hydro_cli.py)
set(SX_HYDRO_ERR ${CMAKE_CURRENT_SOURCE_DIR}/regression/expect_error.sh)
set(SX_HYDRO_DATA ${SX_TEST_DATA_DIR}/hydro)
foreach(case gr4j ponce chengcun calib calibjob thiessen)
  add_test(NAME hydro_cli_${case}
           COMMAND /usr/bin/python3 ${SX_HYDRO_PY} $<TARGET_FILE:sanxiang_cli> ${SX_TEST_OUT}/hydro ${case}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(hydro_cli_${case} PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" TIMEOUT 600)
endforeach()
set_tests_properties(hydro_cli_calib hydro_cli_calibjob PROPERTIES LABELS "regression;mpi" PROCESSORS 3)

function(sx_hydro_error name np status pattern)
  add_test(NAME hydro_error_${name}
           COMMAND ${SX_HYDRO_ERR} ${np} ${status} "${pattern}" -- $<TARGET_FILE:sanxiang_cli> hydro ${ARGN})
  set_tests_properties(hydro_error_${name} PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS ${np})
endfunction()
set(X -o ${SX_TEST_OUT}/hydro/x.csv)
sx_hydro_error(gap 2 3 "missing time step(s) between 2024-06-01 01:00 and 2024-06-01 03:00"
  run gr4j --forcing ${SX_HYDRO_DATA}/gap.csv ${X})
sx_hydro_error(nan 1 3 "time 2024-06-01 01:00: P is nan"
  run gr4j --forcing ${SX_HYDRO_DATA}/nan.csv ${X})
sx_hydro_error(nan_3ranks 3 3 "nan.csv"
  run xaj --forcing ${SX_HYDRO_DATA}/nan.csv ${X})
sx_hydro_error(negative_value 1 3 "time 2: P = -3 is negative"
  run xaj --forcing ${SX_HYDRO_DATA}/negative.csv ${X})
sx_hydro_error(empty 1 3 "time 2: P is empty"
  run xaj --forcing ${SX_HYDRO_DATA}/empty.csv ${X})
sx_hydro_error(no_e 1 3 "no 'E' column"
  run xaj --forcing ${SX_HYDRO_DATA}/no_e.csv ${X})
sx_hydro_error(backwards 2 3 "backwards.csv:5: time 2024-06-01 00:30 does not follow 2024-06-01 01:00; times must increase"
  run gr4j --forcing ${SX_HYDRO_DATA}/backwards.csv ${X})
# a spreadsheet export (UTF-8 BOM, CRLF, comment lines, quoted cells) is read as the table reader reads it
add_test(NAME hydro_forcing_bom
         COMMAND $<TARGET_FILE:sanxiang_cli> hydro run gr4j --forcing ${SX_HYDRO_DATA}/bom_crlf.csv
                 -o ${SX_TEST_OUT}/hydro/bom.csv)
set_tests_properties(hydro_forcing_bom PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}")
sx_hydro_error(w0_gt_wm 2 3 "W0 = WU + WL + WD = 125 mm exceeds WM = 120"
  run xaj --forcing ${SX_HYDRO_DATA}/good_hourly.csv --param WUM=20 --param WLM=60 --param WM=120 --init WU=20 --init WL=60 --init WD=45 ${X})
sx_hydro_error(wdm 1 3 "WDM"
  run xaj --forcing ${SX_HYDRO_DATA}/good_hourly.csv --param WM=50 ${X})
sx_hydro_error(bad_param 1 2 "gr4j has no parameter 'X7'"
  run gr4j --forcing ${SX_HYDRO_DATA}/good_hourly.csv --param X7=1 ${X})
sx_hydro_error(out_of_range 1 3 "X1 = -1 is outside its valid range"
  run gr4j --forcing ${SX_HYDRO_DATA}/good_hourly.csv --param X1=-1 ${X})
sx_hydro_error(bad_model 1 2 "MODEL: must be one of xaj|gr4j, got 'hbv'"
  run hbv --forcing ${SX_HYDRO_DATA}/good_hourly.csv ${X})
sx_hydro_error(route_x 1 3 "Muskingum X = 0.7 must lie in [0, 0.5]"
  route muskingum --inflow ${SX_HYDRO_DATA}/good_hourly.csv --k 2 --x 0.7 --dt 1 ${X})
sx_hydro_error(calib_no_q 3 3 "header has no 'Q' column"
  calibrate gr4j --forcing ${SX_HYDRO_DATA}/good_hourly.csv ${X})

# The Chengcun forecast job: 1 vs 3 ranks, outputs, hot-start cycle, refusals.
add_test(NAME hydro_job_chengcun
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/hydro_job.py $<TARGET_FILE:sanxiang_cli>
                 ${SX_TEST_OUT}/hydro_job
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(hydro_job_chengcun PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 3
                     TIMEOUT 600)
sx_hydro_error(thiessen_field 2 3 "has no field 'name'"
  thiessen --polygons ${SX_HYDRO_DATA}/subbasins.geojson --gauges ${SX_HYDRO_DATA}/gauges.csv --id-field name ${X})
sx_hydro_error(thiessen_header 2 3 "good_hourly.csv: the header is 'time,P,E', not gauge locations; give a CSV with the columns id,x,y"
  thiessen --polygons ${SX_HYDRO_DATA}/subbasins.geojson --gauges ${SX_HYDRO_DATA}/good_hourly.csv ${X})
sx_hydro_error(thiessen_dup 1 3 "gauges_dup.csv:4: gauge id 'G1' is used twice (also on line 2)"
  thiessen --polygons ${SX_HYDRO_DATA}/subbasins.geojson --gauges ${SX_HYDRO_DATA}/gauges_dup.csv ${X})

# Bad forecast job input: every rank stops with one message naming the problem.
function(sx_hydro_job_error name np status pattern)
  add_test(NAME hydro_job_error_${name}
           COMMAND ${SX_HYDRO_ERR} ${np} ${status} "${pattern}" -- $<TARGET_FILE:sanxiang_cli> run
                   jobs/hydro_forecast_chengcun.yaml --out ${SX_TEST_OUT}/hydro_job_err ${ARGN})
  set_tests_properties(hydro_job_error_${name} PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}"
                       PROCESSORS ${np} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endfunction()
sx_hydro_job_error(gauge 2 3 "header has no 'P99' column" --set steps.0.gauges.3=P99)
sx_hydro_job_error(down 3 3 "drains to 'sea', which is not a sub-basin" --set steps.0.subbasins.4.down=sea)
# dated hourly rows with the job's dt_hours 24: refused naming the file and the step, not run 24x off in discharge
sx_hydro_job_error(dt_hours 2 3 "dt_hours = 24 but the forcing tests/data/hydro/chengcun_hourly.csv steps 1 h"
  --set inputs.forcing=tests/data/hydro/chengcun_hourly.csv "--set" "steps.0.start=2024-06-01 00:00"
  "--set" "steps.0.issue=2024-06-01 20:00" --set steps.0.lead=5)
sx_hydro_job_error(cycle 2 3 "downstream links form a cycle u05 -> u06 -> u07 -> u05"
  --set steps.0.subbasins.4.down=u06 --set steps.0.subbasins.5.down=u07 --set steps.0.subbasins.6.down=u05)
sx_hydro_job_error(weights 2 3 "gauge weights sum to" --set steps.0.subbasins.0.weights.0=0.5)
sx_hydro_job_error(issue 2 3 "time '9999' is not in the forcing" --set steps.0.issue=9999)
sx_hydro_job_error(lead 2 3 "extend the forecast rain or shorten the lead" --set steps.0.lead=500)
sx_hydro_job_error(param 2 3 "WM = 5000 is outside its valid range" --set steps.0.params.WM=5000)
sx_hydro_job_error(state 2 4 "cannot read the hot-start state" --set steps.0.state_in=/nonexistent/state.h5)
# ensemble parameter sets: unknown column, value out of bounds, another model's sets
sx_hydro_job_error(sets_column 2 3 "'X7' is not a parameter of xaj"
  --set steps.0.ensemble.parameter_sets=${SX_HYDRO_DATA}/sets_unknown_column.csv)
sx_hydro_job_error(sets_bounds 2 3 "line 3: WM = 9000 is outside its valid range"
  --set steps.0.ensemble.parameter_sets=${SX_HYDRO_DATA}/sets_out_of_bounds.csv)
sx_hydro_job_error(sets_model 3 3 "line 2 is a 'gr4j' parameter set but the forecast runs xaj"
  --set steps.0.ensemble.parameter_sets=${SX_HYDRO_DATA}/sets_gr4j.csv)

# Forcing and network options of the forecast job (IDW, gridded rain, network from a
# watershed GeoPackage), each checked against an independent numpy computation.
foreach(case idw grid_tif grid_nc grid_imerg evap_grid watershed)
  add_test(NAME hydro_forcing_${case}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/hydro_forcing.py $<TARGET_FILE:sanxiang_cli>
                   ${SX_TEST_OUT}/hydro_forcing ${case}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(hydro_forcing_${case} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 3
                       TIMEOUT 600)
endforeach()
