# Indicators end to end through the sanxiang command: COINr's ASEM example
# against the reference scores (every unit, every aggregate, 2 decimals and
# ranks), the Hunan plan table, the Monte Carlo job at 1 and 3 ranks (byte-
# identical tables), and the errors a planner can meet.
set(SX_PY /usr/bin/python3)
set(SX_ECON_OUT ${SX_TEST_OUT}/econ)
set(SX_ECON_CHECK ${CMAKE_CURRENT_SOURCE_DIR}/regression/econ_check.py)

add_test(NAME econ_asem_index
         COMMAND ${SX_BIN} econ index jobs/asem_coinr.yaml --out ${SX_ECON_OUT}/asem
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(econ_asem_index PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_SETUP econ_asem)
add_test(NAME econ_asem_vs_coinr
         COMMAND ${SX_PY} ${SX_ECON_CHECK} asem ${SX_ECON_OUT}/asem/index/scores.csv
                 ${SX_DATA_DIR}/indicators/coinr_asem/ASEM_python_results.csv)
set_tests_properties(econ_asem_vs_coinr PROPERTIES LABELS regression FIXTURES_REQUIRED econ_asem)
if(XLSXWRITER_LIBRARY)
  add_test(NAME econ_asem_xlsx
           COMMAND ${SX_PY} ${SX_ECON_CHECK} xlsx ${SX_ECON_OUT}/asem/index/index.xlsx ${SX_ECON_OUT}/asem/index/scores.csv
                   "Scores and ranks" "Weights" "Data quality" "Units coverage" "Treated data" "Normalised data")
  set_tests_properties(econ_asem_xlsx PROPERTIES LABELS regression FIXTURES_REQUIRED econ_asem)
endif()

# XLSX input: the ASEM panel and dictionary saved as one workbook by an independent
# writer (panel under two title rows) score exactly like the CSV files; a wrong sheet
# or a missing column is named with the workbook and the sheet.
set(SX_ECON_XLSX ${SX_ECON_OUT}/asem_input.xlsx)
add_test(NAME econ_asem_xlsx_input
         COMMAND sh -c "${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/econ_csv2xlsx.py ${SX_ECON_XLSX} \
'Panel=${SX_DATA_DIR}/indicators/coinr_asem/ASEM_iData.csv@2' 'Meta=${SX_DATA_DIR}/indicators/coinr_asem/ASEM_iMeta.csv' \
'NoFlights=${CMAKE_CURRENT_SOURCE_DIR}/data/econ/missing_column.csv' && \
${SX_BIN} econ index jobs/asem_coinr.yaml --set steps.0.data=${SX_ECON_XLSX} --set steps.0.data_sheet=Panel \
--set steps.0.data_header_row=3 --set steps.0.dictionary=${SX_ECON_XLSX} --set steps.0.dictionary_sheet=Meta \
--out ${SX_ECON_OUT}/asem_xlsx && \
for t in scores weights data_quality units_quality treated normalised; do \
cmp ${SX_ECON_OUT}/asem/index/$t.csv ${SX_ECON_OUT}/asem_xlsx/index/$t.csv || exit 1; done"
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(econ_asem_xlsx_input PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED econ_asem FIXTURES_SETUP econ_xlsx_in)
foreach(np 1 3)
  add_test(NAME econ_xlsx_no_sheet_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "asem_input.xlsx" "no sheet 'Data'" "'Panel', 'Meta'"
                   -- ${SX_BIN} econ index jobs/asem_coinr.yaml --set steps.0.data=${SX_ECON_XLSX} --set steps.0.data_sheet=Data
                   --out ${SX_ECON_OUT}/bad_np${np})
  add_test(NAME econ_xlsx_no_column_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "asem_input.xlsx[NoFlights]" "no column for indicator 'Flights'"
                   -- ${SX_BIN} econ index jobs/asem_coinr.yaml --set steps.0.data=${SX_ECON_XLSX} --set steps.0.data_sheet=NoFlights
                   --out ${SX_ECON_OUT}/bad_np${np})
  set_tests_properties(econ_xlsx_no_sheet_np${np} econ_xlsx_no_column_np${np} PROPERTIES LABELS "regression;mpi"
                       ENVIRONMENT "${SX_TEST_ENV}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} FIXTURES_REQUIRED econ_xlsx_in)
endforeach()

# Panel-wide normalisation through the job file (hand-checked numbers: unit_econ_panel);
# the Monte Carlo step refuses it (it normalises within the scored year).
add_test(NAME econ_asem_panel_scope
         COMMAND sh -c "${SX_BIN} econ index jobs/asem_coinr.yaml --set steps.0.data=${SX_DATA_DIR}/indicators/coinr_asem/ASEM_iData_p.csv \
--set steps.0.normalise_scope=panel --out ${SX_ECON_OUT}/asem_panel && \
grep -q 'over all 5 years of the panel' ${SX_ECON_OUT}/asem_panel/index/methodology.md"
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(econ_asem_panel_scope PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}")
foreach(year 2010 2020)
  add_test(NAME econ_prefecture_panel_${year}
           COMMAND sh -c "${SX_BIN} econ index jobs/hunan_prefecture_panel.yaml --set steps.0.year=${year} --out ${SX_ECON_OUT}/pref_panel_${year} && \
${SX_PY} ${SX_ECON_CHECK} panel ${SX_ECON_OUT}/pref_panel_${year}/index/scores.csv ${SX_DATA_DIR}/indicators/hunan_prefecture_census_panel.csv ${year}"
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(econ_prefecture_panel_${year} PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}")
endforeach()
add_test(NAME econ_mc_panel_scope
         COMMAND ${SX_EXPECT} 1 3 "normalise_scope" "within the scored year"
                 -- ${SX_BIN} econ uncertainty jobs/asem_uncertainty.yaml --set steps.0.normalise_scope=panel --out ${SX_ECON_OUT}/bad_mc)
set_tests_properties(econ_mc_panel_scope PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

# Factor-based (PCA + varimax) weights of the ASEM pillars against an independent numpy
# implementation (R's SVD varimax iteration instead of Kaiser's pairwise sweeps).
add_test(NAME econ_asem_pca_varimax
         COMMAND sh -c "${SX_BIN} econ index jobs/asem_coinr.yaml --set steps.0.weights=pca --out ${SX_ECON_OUT}/asem_pca && \
${SX_PY} ${SX_ECON_CHECK} pca ${SX_ECON_OUT}/asem_pca/index/weights.csv ${SX_ECON_OUT}/asem_pca/index/normalised.csv \
${SX_DATA_DIR}/indicators/coinr_asem/ASEM_iMeta.csv"
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(econ_asem_pca_varimax PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}")

add_test(NAME econ_hunan_targets
         COMMAND sh -c "${SX_BIN} econ targets jobs/hunan_fyp_targets.yaml --out ${SX_ECON_OUT}/fyp && \
${SX_PY} ${SX_ECON_CHECK} targets ${SX_ECON_OUT}/fyp/targets/targets.csv"
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(econ_hunan_targets PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}")

foreach(np 1 3)
  add_test(NAME econ_uncertainty_np${np}
           COMMAND ${SX_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG} ${np} ${SX_BIN} econ uncertainty jobs/asem_uncertainty.yaml
                   --set steps.0.samples=500 --out ${SX_ECON_OUT}/mc_np${np}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(econ_uncertainty_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_SETUP econ_mc_np${np} PROCESSORS ${np})
endforeach()
add_test(NAME econ_uncertainty_equal
         COMMAND sh -c "cmp ${SX_ECON_OUT}/mc_np1/uncertainty/uncertainty.csv ${SX_ECON_OUT}/mc_np3/uncertainty/uncertainty.csv && \
cmp ${SX_ECON_OUT}/mc_np1/uncertainty/sensitivity.csv ${SX_ECON_OUT}/mc_np3/uncertainty/sensitivity.csv && \
cmp ${SX_ECON_OUT}/mc_np1/uncertainty/scores.csv ${SX_ECON_OUT}/mc_np3/uncertainty/scores.csv && \
if [ -f ${SX_ECON_OUT}/mc_np1/uncertainty/index.xlsx ]; then \
cmp ${SX_ECON_OUT}/mc_np1/uncertainty/index.xlsx ${SX_ECON_OUT}/mc_np3/uncertainty/index.xlsx; fi")
set_tests_properties(econ_uncertainty_equal PROPERTIES LABELS "regression;mpi" FIXTURES_REQUIRED "econ_mc_np1;econ_mc_np3")
# two OpenMP threads in one rank and an odd batch size: the same tables, byte for byte
set(SX_TEST_ENV_T2 ${SX_TEST_ENV})
list(REMOVE_ITEM SX_TEST_ENV_T2 "OMP_NUM_THREADS=1")
list(APPEND SX_TEST_ENV_T2 "OMP_NUM_THREADS=2")
add_test(NAME econ_uncertainty_threads
         COMMAND sh -c "${SX_BIN} econ uncertainty jobs/asem_uncertainty.yaml --set steps.0.samples=500 --set steps.0.batch=7 \
--out ${SX_ECON_OUT}/mc_t2 && \
cmp ${SX_ECON_OUT}/mc_np1/uncertainty/uncertainty.csv ${SX_ECON_OUT}/mc_t2/uncertainty/uncertainty.csv && \
cmp ${SX_ECON_OUT}/mc_np1/uncertainty/sensitivity.csv ${SX_ECON_OUT}/mc_t2/uncertainty/sensitivity.csv"
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(econ_uncertainty_threads PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV_T2}"
                     FIXTURES_REQUIRED econ_mc_np1 PROCESSORS 2)

add_test(NAME econ_uncertainty_charts COMMAND ${SX_PY} ${SX_ECON_CHECK} svg ${SX_ECON_OUT}/mc_np1/uncertainty 51)
set_tests_properties(econ_uncertainty_charts PROPERTIES LABELS regression FIXTURES_REQUIRED econ_mc_np1)

# Errors: one message, same status on every rank.
set(SX_ECON_BAD ${CMAKE_CURRENT_SOURCE_DIR}/data/econ)
foreach(np 1 3)
  add_test(NAME econ_bad_number_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "bad_number.csv" "row 2" "LPI" "not a number"
                   -- ${SX_BIN} econ index jobs/asem_coinr.yaml --set steps.0.data=${SX_ECON_BAD}/bad_number.csv
                   --out ${SX_ECON_OUT}/bad_np${np})
  add_test(NAME econ_missing_indicator_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "missing_column.csv" "Flights"
                   -- ${SX_BIN} econ index jobs/asem_coinr.yaml --set steps.0.data=${SX_ECON_BAD}/missing_column.csv
                   --out ${SX_ECON_OUT}/bad_np${np})
  add_test(NAME econ_bad_impute_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "--set steps.0.impute" "spline" "group_mean"
                   -- ${SX_BIN} econ index jobs/asem_coinr.yaml --set steps.0.impute=spline --out ${SX_ECON_OUT}/bad_np${np})
  add_test(NAME econ_wrong_verb_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "hunan_fyp_targets.yaml" "econ_index"
                   -- ${SX_BIN} econ index jobs/hunan_fyp_targets.yaml --out ${SX_ECON_OUT}/bad_np${np})
  add_test(NAME econ_bad_weights_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "bad_weights.yaml:11:" "steps[0].weights" "magic" "entropy"
                   -- ${SX_BIN} econ index ${SX_ECON_BAD}/bad_weights.yaml --out ${SX_ECON_OUT}/bad_np${np})
  set_tests_properties(econ_bad_weights_np${np} econ_bad_number_np${np} econ_missing_indicator_np${np} econ_bad_impute_np${np} econ_wrong_verb_np${np}
                       PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()

# A prefecture index joined to census outlines: the GeoPackage opens in GDAL with
# 14 polygons, every one scored; outlines without a CRS are refused unless the
# job names one (never guessed).
add_test(NAME econ_prefecture_gpkg
         COMMAND sh -c "${SX_BIN} econ index jobs/hunan_prefecture_index.yaml --out ${SX_ECON_OUT}/pref && \
${SX_PY} ${SX_ECON_CHECK} gpkg ${SX_ECON_OUT}/pref/index/scores.gpkg 14"
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(econ_prefecture_gpkg PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}")
foreach(np 1 3)
  add_test(NAME econ_boundary_no_crs_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "have no CRS" "boundary_crs"
                   -- ${SX_BIN} econ index jobs/hunan_prefecture_index.yaml --set steps.0.boundary_crs=
                   --out ${SX_ECON_OUT}/nocrs_np${np})
  set_tests_properties(econ_boundary_no_crs_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()

# AHP judgements in the job replace the dictionary weights of a parent's children.
add_test(NAME econ_prefecture_ahp
         COMMAND sh -c "${SX_BIN} econ index ${SX_ECON_BAD}/prefecture_ahp.yaml --out ${SX_ECON_OUT}/ahp && \
grep -q '^urbanisation,urbanisation,2,Index,1,,0.750000,0.750000$' ${SX_ECON_OUT}/ahp/index/weights.csv && \
grep -q '^age_structure,age_structure,2,Index,1,,0.250000,0.250000$' ${SX_ECON_OUT}/ahp/index/weights.csv && \
grep -q 'CR 0.0000 (acceptable)' ${SX_ECON_OUT}/ahp/index/methodology.md"
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(econ_prefecture_ahp PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}")
add_test(NAME econ_bad_ahp
         COMMAND ${SX_EXPECT} 2 3 "not reciprocal" -- ${SX_BIN} econ index ${SX_ECON_BAD}/bad_ahp.yaml --out ${SX_ECON_OUT}/bad_ahp)
set_tests_properties(econ_bad_ahp PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

# Target tracking with yearly values (synthetic, hand-checked numbers in tests/data/econ/README.md).
add_test(NAME econ_targets_values
         COMMAND sh -c "${SX_BIN} econ targets jobs/hunan_fyp_targets.yaml --set steps.0.values=${SX_ECON_BAD}/synthetic_values.csv \
--out ${SX_ECON_OUT}/fyp_values && \
grep -q ',2022,31.4000,27.4800,47.23,59.57,132.68,yes,' ${SX_ECON_OUT}/fyp_values/targets/targets.csv && \
grep -q ',2022,14500.0000,16888.0000,22.34,16.84,12.39,no,' ${SX_ECON_OUT}/fyp_values/targets/targets.csv && \
${SX_PY} -c \"import xml.dom.minidom as m; m.parse('${SX_ECON_OUT}/fyp_values/targets/trends.svg')\""
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(econ_targets_values PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}")
