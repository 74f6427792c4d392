# correction: in hydro_forecast jobs (issue 18): ar, rls, dsrc and enkf on the Chengcun job, identical
# at 1-4 ranks, observations with gaps and late; and the error contract of bad observations and keys
# (sx_hydro_job_error from hydro.cmake).
add_test(NAME hydro_update_job
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/hydro_update.py ${SX_BIN} ${SX_TEST_OUT}/hydro_update
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(hydro_update_job PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 4
                     TIMEOUT 900)
set(SX_UPD --set steps.0.start=2500 --set steps.0.ensemble.members=0)
sx_hydro_job_error(update_backwards 2 3 "update_obs_backwards.csv:14: time 2610 does not follow 2611"
  ${SX_UPD} --set steps.0.correction.method=ar --set steps.0.correction.observations=tests/data/hydro/update_obs_backwards.csv)
sx_hydro_job_error(update_offgrid 1 3 "update_obs_offgrid.csv"
  ${SX_UPD} --set steps.0.correction.method=enkf --set steps.0.correction.observations=tests/data/hydro/update_obs_offgrid.csv)
sx_hydro_job_error(update_none_in_window 3 3 "update_obs_old.csv has no observation between 2674 and the issue time 2734"
  ${SX_UPD} --set steps.0.correction.method=dsrc --set steps.0.correction.window=61 --set steps.0.correction.steps=12
  --set steps.0.correction.observations=tests/data/hydro/update_obs_old.csv)
sx_hydro_job_error(update_key_method 1 3 "correction.lambda applies to method rls, not ar"
  ${SX_UPD} --set steps.0.correction.method=ar --set steps.0.correction.lambda=0.9)
sx_hydro_job_error(update_dsrc_window 1 3 "correction.window 12 must be at least correction.steps 24"
  ${SX_UPD} --set steps.0.correction.method=dsrc --set steps.0.correction.window=12 --set steps.0.correction.steps=24)
sx_hydro_job_error(hindcast_gap 2 3 "update_obs.csv has no observation at 2650, inside the hindcast's scored span 2604 .. 2735"
  ${SX_UPD} --set steps.0.lead=4 --set steps.0.hindcast.from=2600 --set steps.0.correction.method=ar
  --set steps.0.correction.observations=tests/data/hydro/update_obs.csv)
sx_hydro_job_error(hindcast_from 1 3 "hindcast.from '1999' must be a time of the forcing between start 2500 and issue 2734"
  ${SX_UPD} --set steps.0.hindcast.from=1999)
