# Time series and ecology products (issue 20): rs trend against an independent
# numpy implementation on a random stack (ties, NaN, declared nodata) and the
# L8NY18 NDVI stack; N ranks == 1 rank bit for bit (COGs byte-identical);
# the error contract for mismatched grids, too few dates, unordered times.
set(SX_SERIES_OUT ${SX_TEST_OUT}/rs/series)
set(SX_SERIES_TREND ${SX_SERIES_OUT}/trend)
add_test(NAME rs_trend_setup
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_trend_setup.py ${SX_SERIES_TREND} ${SX_TEST_OUT}/rs/stack)
set_tests_properties(rs_trend_setup PROPERTIES LABELS regression FIXTURES_REQUIRED rs_stack FIXTURES_SETUP rs_trend_in)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_trend_np${np}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_trend_run.sh ${SX_BIN} ${np} ${SX_SERIES_TREND})
  set_tests_properties(rs_trend_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_trend_in FIXTURES_SETUP rs_trend_np${np} PROCESSORS ${np} TIMEOUT 600)
endforeach()
set(files "")
foreach(case rand_hr rand ny18_hr ny18)
  foreach(out slope intercept z p class)
    list(APPEND files ${case}_${out}.tif)
  endforeach()
endforeach()
sx_rs_equal(rs_trend ${SX_SERIES_TREND} ${files} rand_hr_slope.nc rand_hr_p.nc rand_hr_class.nc)
add_test(NAME rs_trend_vs_numpy
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_trend_check.py ${SX_SERIES_TREND})
set_tests_properties(rs_trend_vs_numpy PROPERTIES LABELS regression FIXTURES_REQUIRED rs_trend_np1)

set(SX_SERIES_L7 ${SX_DATA_DIR}/remote_sensing/stars/L7_ETMs.tif)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  set(r ${SX_SERIES_TREND}/rand)
  set(x ${SX_SERIES_TREND}/bad_np${np})
  add_test(NAME rs_trend_bad_grid_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "cells but band" "L7_ETMs.tif" "rs warp" -- ${SX_BIN} rs trend
                   ${r}/d01.tif ${r}/d02.tif ${SX_SERIES_L7} ${r}/d04.tif -o ${x}.tif)
  add_test(NAME rs_trend_one_date_np${np}
           COMMAND ${SX_EXPECT} ${np} 2 "at least 3 dates" "got 1: ${r}/d01.tif" "--list FILE" -- ${SX_BIN} rs trend
                   ${r}/d01.tif -o ${x}.tif)
  add_test(NAME rs_trend_bad_times_np${np}
           COMMAND ${SX_EXPECT} ${np} 2 "time order" "layer 3 (${r}/d03.tif)" -- ${SX_BIN} rs trend
                   ${r}/d01.tif ${r}/d02.tif ${r}/d03.tif --times 2001,2002,2002 --per year -o ${x}.tif)
  add_test(NAME rs_trend_per_year_np${np}
           COMMAND ${SX_EXPECT} ${np} 2 "--per year needs the date of every layer" "--times" -- ${SX_BIN} rs trend
                   ${r}/d01.tif ${r}/d02.tif ${r}/d03.tif --per year -o ${x}.tif)
  set_tests_properties(rs_trend_bad_grid_np${np} rs_trend_one_date_np${np} rs_trend_bad_times_np${np}
                       rs_trend_per_year_np${np}
                       PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED rs_trend_in
                       PROCESSORS ${np})
endforeach()

# rs fvc: end-members from exact whole-raster percentiles (inverted CDF)
# equal numpy's, FVC equal numpy's cell for cell, on the Landsat 8 scene,
# an L8NY18 date and a layer full of ties; N ranks == 1 rank; bad settings.
set(SX_SERIES_FVC ${SX_SERIES_OUT}/fvc)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_fvc_np${np}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_fvc_run.sh ${SX_BIN} ${np} ${SX_SERIES_FVC}
                   ${SX_DATA_DIR}/remote_sensing/landsat8)
  set_tests_properties(rs_fvc_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_trend_in FIXTURES_SETUP rs_fvc_np${np} PROCESSORS ${np} TIMEOUT 600)
  set(x ${SX_SERIES_FVC}/bad_np${np})
  add_test(NAME rs_fvc_bad_percentiles_np${np}
           COMMAND ${SX_EXPECT} ${np} 2 "must be below" -- ${SX_BIN} rs fvc --ndvi ${SX_SERIES_TREND}/rand/d01.tif
                   --soil-percentile 95 --veg-percentile 5 -o ${x}.tif)
  add_test(NAME rs_fvc_bad_endmembers_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "d01.tif" "is not above NDVI_soil" "--ndvi-soil" -- ${SX_BIN} rs fvc
                   --ndvi ${SX_SERIES_TREND}/rand/d01.tif --ndvi-soil 0.8 --ndvi-veg 0.2 -o ${x}.tif)
  set_tests_properties(rs_fvc_bad_percentiles_np${np} rs_fvc_bad_endmembers_np${np}
                       PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED rs_trend_in
                       PROCESSORS ${np})
endforeach()
sx_rs_equal(rs_fvc ${SX_SERIES_FVC} fvc.tif fvc.nc fvc_given.tif fvc_ny18.tif fvc_ties.tif)
add_test(NAME rs_fvc_vs_numpy COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_fvc_check.py ${SX_SERIES_FVC})
set_tests_properties(rs_fvc_vs_numpy PROPERTIES LABELS regression FIXTURES_REQUIRED rs_fvc_np1)

# rs vhi (VCI, TCI, VHI) and rs spi (1-, 3-, 6-, 12-month SPI) against numpy
# (no scipy: an independent gamma CDF series); N ranks == 1 rank; bad inputs.
set(SX_SERIES_DROUGHT ${SX_SERIES_OUT}/drought)
add_test(NAME rs_drought_setup
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_drought_setup.py ${SX_SERIES_DROUGHT} ${SX_SERIES_TREND})
set_tests_properties(rs_drought_setup PROPERTIES LABELS regression FIXTURES_REQUIRED rs_trend_in
                     FIXTURES_SETUP rs_drought_in)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_drought_np${np}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_drought_run.sh ${SX_BIN} ${np} ${SX_SERIES_DROUGHT}
                   ${SX_SERIES_TREND})
  set_tests_properties(rs_drought_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_drought_in FIXTURES_SETUP rs_drought_np${np} PROCESSORS ${np} TIMEOUT 900)
  set(d ${SX_SERIES_DROUGHT})
  set(x ${d}/bad_np${np})
  add_test(NAME rs_vhi_bad_grid_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "cells but band" "L7_ETMs.tif" "rs warp" -- ${SX_BIN} rs vhi
                   --ndvi ${d}/bt/bt_01.tif ${d}/bt/bt_02.tif --bt ${d}/bt/bt_03.tif ${SX_SERIES_L7} -o ${x}.tif)
  add_test(NAME rs_vhi_bad_count_np${np}
           COMMAND ${SX_EXPECT} ${np} 2 "2 NDVI layers but 3 brightness" -- ${SX_BIN} rs vhi
                   --ndvi ${d}/bt/bt_01.tif ${d}/bt/bt_02.tif --bt ${d}/bt/bt_01.tif ${d}/bt/bt_02.tif ${d}/bt/bt_03.tif
                   -o ${x}.tif)
  add_test(NAME rs_vhi_one_year_np${np}
           COMMAND ${SX_EXPECT} ${np} 2 "at least 2 years" "bt_01.tif" -- ${SX_BIN} rs vhi --ndvi ${d}/bt/bt_01.tif
                   -o ${x}.tif)
  add_test(NAME rs_spi_short_np${np}
           COMMAND ${SX_EXPECT} ${np} 2 "at least 24 months" "got 3: first ${d}/precip/p_001.tif" -- ${SX_BIN} rs spi
                   ${d}/precip/p_001.tif ${d}/precip/p_002.tif ${d}/precip/p_003.tif -o ${x}.tif)
  set_tests_properties(rs_vhi_bad_grid_np${np} rs_vhi_bad_count_np${np} rs_vhi_one_year_np${np} rs_spi_short_np${np}
                       PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED rs_drought_in
                       PROCESSORS ${np})
endforeach()
set(files vhi_vci_1.tif vhi_tci_17.tif vhi_vhi_9.tif vhi_vhi_9.nc vci_vci_12.tif)
foreach(t 1 6 40 72)
  list(APPEND files spi_spi1_${t}.tif spi_spi3_${t}.tif spi_spi6_${t}.tif spi12_spi12_${t}.tif)
endforeach()
sx_rs_equal(rs_drought ${SX_SERIES_DROUGHT} ${files})
add_test(NAME rs_drought_vs_numpy
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_drought_check.py ${SX_SERIES_DROUGHT} ${SX_SERIES_TREND})
set_tests_properties(rs_drought_vs_numpy PROPERTIES LABELS regression FIXTURES_REQUIRED rs_drought_np1)
# every one of the 351 drought COGs byte-identical at 2-4 ranks (the sample above is also validated as COG)
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_drought_all_equal_np${np}
           COMMAND sh -c "cd ${SX_SERIES_DROUGHT}/np1 && n=0 && for f in *.tif; do cmp $f ../np${np}/$f || exit 1; n=$((n+1)); done && echo $n files identical && test $n -eq 351")
  set_tests_properties(rs_drought_all_equal_np${np} PROPERTIES LABELS "regression;mpi"
                       FIXTURES_REQUIRED "rs_drought_np1;rs_drought_np${np}")
endforeach()

# rs rsei on the Landsat 8 scene (NDVI, Baig wetness and NDBSI through
# rs index / rs calc, a stand-in LST): loadings and RSEI against numpy's PCA;
# N ranks == 1 rank; a grid mismatch gives one error.
set(SX_SERIES_RSEI ${SX_SERIES_OUT}/rsei)
add_test(NAME rs_rsei_setup
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_rsei_setup.py ${SX_SERIES_RSEI}
                 ${SX_DATA_DIR}/remote_sensing/landsat8)
set_tests_properties(rs_rsei_setup PROPERTIES LABELS regression FIXTURES_SETUP rs_rsei_in)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_rsei_np${np}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_rsei_run.sh ${SX_BIN} ${np} ${SX_SERIES_RSEI}
                   ${SX_DATA_DIR}/remote_sensing/landsat8)
  set_tests_properties(rs_rsei_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_rsei_in FIXTURES_SETUP rs_rsei_np${np} PROCESSORS ${np} TIMEOUT 600)
  add_test(NAME rs_rsei_bad_grid_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "cells but band" "L7_ETMs.tif" "rs warp" -- ${SX_BIN} rs rsei
                   --ndvi ${SX_SERIES_RSEI}/lst.tif --wet ${SX_SERIES_RSEI}/lst.tif --ndbsi ${SX_SERIES_L7}
                   --lst ${SX_SERIES_RSEI}/lst.tif -o ${SX_SERIES_RSEI}/bad_np${np}.tif)
  set_tests_properties(rs_rsei_bad_grid_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_rsei_in PROCESSORS ${np})
endforeach()
sx_rs_equal(rs_rsei ${SX_SERIES_RSEI} rsei.tif rsei.nc wet.tif ndbsi.tif)
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_rsei_csv_equal_np${np}
           COMMAND ${CMAKE_COMMAND} -E compare_files ${SX_SERIES_RSEI}/np1/rsei_pca.csv ${SX_SERIES_RSEI}/np${np}/rsei_pca.csv)
  set_tests_properties(rs_rsei_csv_equal_np${np} PROPERTIES LABELS "regression;mpi"
                       FIXTURES_REQUIRED "rs_rsei_np1;rs_rsei_np${np}")
endforeach()
add_test(NAME rs_rsei_vs_numpy COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_rsei_check.py ${SX_SERIES_RSEI})
set_tests_properties(rs_rsei_vs_numpy PROPERTIES LABELS regression FIXTURES_REQUIRED rs_rsei_np1)

# rs accuracy: Olofsson et al. (2014)'s worked example (a 10^7-cell map with the
# paper's mapped areas, its 640 sample units) reproduces the published areas,
# confidence intervals and accuracies; tables identical at 1-4 ranks; a mapped
# class with one sample unit and a point off the map give one error each.
set(SX_SERIES_ACC ${SX_SERIES_OUT}/accuracy)
set(SX_ACC_XLSX "")
if(SX_HAVE_XLSX)
  set(SX_ACC_XLSX --xlsx)
endif()
add_test(NAME rs_accuracy_setup
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_accuracy_setup.py ${SX_SERIES_ACC})
set_tests_properties(rs_accuracy_setup PROPERTIES LABELS regression FIXTURES_SETUP rs_accuracy_in)
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_accuracy_np${np}
           COMMAND ${SX_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG} ${np} ${SX_BIN} rs accuracy --map ${SX_SERIES_ACC}/olofsson_map.tif
                   --samples ${SX_SERIES_ACC}/olofsson_sample.gpkg -o ${SX_SERIES_ACC}/np${np}/acc.csv ${SX_ACC_XLSX})
  set_tests_properties(rs_accuracy_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_accuracy_in FIXTURES_SETUP rs_accuracy_np${np} PROCESSORS ${np} TIMEOUT 600)
  add_test(NAME rs_accuracy_one_sample_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "map class 2 has 1 sample" "at least 2 per map class" -- ${SX_BIN} rs accuracy
                   --map ${SX_SERIES_ACC}/olofsson_map.tif --samples ${SX_SERIES_ACC}/one_sample.gpkg
                   -o ${SX_SERIES_ACC}/bad_np${np}.csv)
  add_test(NAME rs_accuracy_outside_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "outside.gpkg" "lies outside the map" -- ${SX_BIN} rs accuracy
                   --map ${SX_SERIES_ACC}/olofsson_map.tif --samples ${SX_SERIES_ACC}/outside.gpkg
                   -o ${SX_SERIES_ACC}/bad_np${np}.csv)
  set_tests_properties(rs_accuracy_one_sample_np${np} rs_accuracy_outside_np${np}
                       PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED rs_accuracy_in
                       PROCESSORS ${np})
endforeach()
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME rs_accuracy_equal_np${np}
           COMMAND sh -c "cmp ${SX_SERIES_ACC}/np1/acc.csv ${SX_SERIES_ACC}/np${np}/acc.csv && cmp ${SX_SERIES_ACC}/np1/acc_matrix.csv ${SX_SERIES_ACC}/np${np}/acc_matrix.csv && \
if [ -f ${SX_SERIES_ACC}/np1/acc.xlsx ]; then cmp ${SX_SERIES_ACC}/np1/acc.xlsx ${SX_SERIES_ACC}/np${np}/acc.xlsx; fi")
  set_tests_properties(rs_accuracy_equal_np${np} PROPERTIES LABELS "regression;mpi"
                       FIXTURES_REQUIRED "rs_accuracy_np1;rs_accuracy_np${np}")
endforeach()
add_test(NAME rs_accuracy_olofsson
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_accuracy_check.py ${SX_SERIES_ACC}/np1/acc.csv
                 ${SX_SERIES_ACC}/np1/acc_matrix.csv)
set_tests_properties(rs_accuracy_olofsson PROPERTIES LABELS regression FIXTURES_REQUIRED rs_accuracy_np1)
# --xlsx: the workbook (read with the standard library, not GDAL) holds the CSV numbers.
if(SX_HAVE_XLSX)
  foreach(np 1 3)
    add_test(NAME rs_accuracy_xlsx_np${np}
             COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_accuracy_xlsx_check.py
                     ${SX_SERIES_ACC}/np${np}/acc.xlsx ${SX_SERIES_ACC}/np${np}/acc.csv ${SX_SERIES_ACC}/np${np}/acc_matrix.csv)
    set_tests_properties(rs_accuracy_xlsx_np${np} PROPERTIES LABELS regression FIXTURES_REQUIRED rs_accuracy_np${np})
  endforeach()
endif()

# The job steps rs_trend, rs_fvc, rs_vhi in one job file (layers by input name,
# list file, an earlier step's output) equal the command-line products.
add_test(NAME rs_series_job
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_series_job.sh ${SX_BIN} ${SX_CMP} ${SX_SERIES_OUT})
set_tests_properties(rs_series_job PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 2
                     FIXTURES_REQUIRED "rs_trend_np1;rs_fvc_np1;rs_drought_np1" TIMEOUT 600)
