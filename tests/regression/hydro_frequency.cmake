# sanxiang hydro frequency (SL 44-2006): 《工程水文学》 tables 9-4 (historical floods,
# non-continuous series) and 7-3 (continuous) checked against independent computations,
# 1 vs 3 ranks, the job-file door, and the error contract for bad series (one message
# naming file, row and column or option; status 3, or 2 for a refused option).
set(SX_FREQ_PY ${CMAKE_CURRENT_SOURCE_DIR}/regression/hydro_frequency.py)
set(SX_FREQ_DATA ${SX_TEST_DATA_DIR}/hydro_frequency)
foreach(case table94 table73 job)
  add_test(NAME hydro_frequency_${case}
           COMMAND ${SX_PY} ${SX_FREQ_PY} ${SX_BIN} ${SX_TEST_OUT}/hydro_frequency_${case} ${case})
  set_tests_properties(hydro_frequency_${case} PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" TIMEOUT 300)
endforeach()
set_tests_properties(hydro_frequency_table94 PROPERTIES LABELS "regression;mpi" PROCESSORS 3)
set_tests_properties(hydro_frequency_job PROPERTIES LABELS "regression;mpi" PROCESSORS 3)

function(sx_freq_error name np status)
  add_test(NAME hydro_frequency_error_${name}
           COMMAND ${SX_EXPECT} ${np} ${status} ${ARGN})
  set_tests_properties(hydro_frequency_error_${name} PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}"
                       PROCESSORS ${np})
endfunction()
set(X -o ${SX_TEST_OUT}/hydro_frequency_err/x.csv)
set(ANN --series ${SX_FREQ_DATA}/table9-4_annual.csv)
sx_freq_error(bad_value 2 3 "bad_value.csv: row 2 (line 3), column 'value': 'abc' is not a number"
  -- ${SX_BIN} hydro frequency --series ${SX_FREQ_DATA}/bad_value.csv ${X})
sx_freq_error(dup_year 1 3 "dup_year.csv: row 4 (line 5), column 'year': 1951 appears again (first in row 2)"
  -- ${SX_BIN} hydro frequency --series ${SX_FREQ_DATA}/dup_year.csv ${X})
sx_freq_error(too_few 1 3 "too_few.csv: 3 floods in column 'value'; frequency analysis needs at least 5"
  -- ${SX_BIN} hydro frequency --series ${SX_FREQ_DATA}/too_few.csv ${X})
sx_freq_error(short_period 3 2 "--period: the historical period of 50 years is shorter than the 102 years 1878-1979"
  "table9-4_historical.csv" -- ${SX_BIN} hydro frequency ${ANN} --historical ${SX_FREQ_DATA}/table9-4_historical.csv
  --period 50 ${X})
sx_freq_error(small_extraordinary 1 3 "small_hist.csv: row 1 (line 2), column 'value': the extraordinary flood of 1900 (1300) is smaller than the flood of 1950 (1400"
  -- ${SX_BIN} hydro frequency ${ANN} --historical ${SX_FREQ_DATA}/small_hist.csv --period 102 ${X})
sx_freq_error(no_period 1 2 "--historical and --period go together"
  -- ${SX_BIN} hydro frequency ${ANN} --historical ${SX_FREQ_DATA}/table9-4_historical.csv ${X})
sx_freq_error(bad_fit 1 2 "--fit: must be one of moments|curve, got 'mle'"
  -- ${SX_BIN} hydro frequency ${ANN} --fit mle ${X})
