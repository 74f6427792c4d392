# flood2d end to end: the Olinda example job (shortened) at 1-4 ranks gives
# identical products; an interrupted and resumed run equals an uninterrupted
# one; the products are valid (COG, GeoPackage with areas, CF time series);
# bad inputs give one clear error.
set(F2D_BIN $<TARGET_FILE:sanxiang_cli>)
set(SX_EXPECT ${CMAKE_CURRENT_SOURCE_DIR}/regression/expect_error.sh)
set(SX_COG_VALIDATOR /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py)
set(F2D_JOB jobs/flood2d_olinda.yaml)
set(F2D_SHORT --set steps.0.duration_s=10800 --set steps.0.report_interval_s=1800)
string(REPLACE ";" " " F2D_SHORT_STR "${F2D_SHORT}")

# np2 also runs 2 OpenMP threads per rank; np3 checkpoints every 3 s of
# wall time: neither may change a bit of the products.
set(F2D_EXTRA_1 "")
set(F2D_EXTRA_2 "")
set(F2D_EXTRA_3 --set steps.0.checkpoint_minutes=0.05)
set(F2D_EXTRA_4 "")
# Each rank count runs in its own directory (`data` links to the repository's
# data) with `--out .`, so the command lines — part of the products'
# provenance — are equal and the COGs byte-identical, except np3's, whose
# checkpoint override is (rightly) recorded: its products are compared by value.
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  file(MAKE_DIRECTORY ${SX_TEST_OUT}/flood2d_np${np})
  string(REPLACE ";" " " extra "${F2D_EXTRA_${np}}")
  string(REPLACE ";" " " short "${F2D_SHORT}")
  add_test(NAME flood2d_olinda_np${np}
           COMMAND sh -c "ln -sfn ${CMAKE_SOURCE_DIR}/data data && \
exec ${MPIEXEC_EXECUTABLE} --oversubscribe ${MPIEXEC_NUMPROC_FLAG} ${np} ${F2D_BIN} flood2d ${CMAKE_SOURCE_DIR}/${F2D_JOB} ${short} ${extra} --out ."
           WORKING_DIRECTORY ${SX_TEST_OUT}/flood2d_np${np})
  set(env "${SX_TEST_ENV}")
  if(np EQUAL 2)
    list(REMOVE_ITEM env "OMP_NUM_THREADS=1")
    list(APPEND env "OMP_NUM_THREADS=2")
  endif()
  set_tests_properties(flood2d_olinda_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${env}"
                       FIXTURES_SETUP flood2d_np${np} PROCESSORS ${np} TIMEOUT 900)
endforeach()
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  set(bytes "")
  if(NOT F2D_EXTRA_${np})
    foreach(layer max_depth arrival_time max_velocity max_hazard)
      string(APPEND bytes " && cmp ${SX_TEST_OUT}/flood2d_np1/${layer}.tif ${SX_TEST_OUT}/flood2d_np${np}/${layer}.tif")
    endforeach()
  endif()
  add_test(NAME flood2d_equal_np${np}
           COMMAND sh -c "/usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/flood2d_compare.py \
${SX_TEST_OUT}/flood2d_np1 ${SX_TEST_OUT}/flood2d_np${np}${bytes}")
  set_tests_properties(flood2d_equal_np${np} PROPERTIES LABELS "regression;mpi"
                       FIXTURES_REQUIRED "flood2d_np1;flood2d_np${np}")
endforeach()
# The extent polygons (traced in parallel, sx_polygonize.h) are GDALPolygonize's 4-connected
# regions of max depth >= 0.1 m (the job's extent depth), with area_m2 their areas, at every rank count.
foreach(np RANGE 1 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME flood2d_extent_vs_gdal_np${np}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/polygons_vs_gdal.py
                   ${SX_TEST_OUT}/flood2d_np${np}/max_depth.tif ${SX_TEST_OUT}/flood2d_np${np}/flood_extent.gpkg
                   flood_extent flooded 4 --min 0.1 --area area_m2 1)
  set_tests_properties(flood2d_extent_vs_gdal_np${np} PROPERTIES LABELS regression FIXTURES_REQUIRED flood2d_np${np})
endforeach()
# With netCDF outputs only, the extent is traced from the staged max_depth.nc (it used to look for
# the final name before the step's products were committed, and the run failed).
file(MAKE_DIRECTORY ${SX_TEST_OUT}/flood2d_nc)
add_test(NAME flood2d_extent_nc_np2
         COMMAND sh -c "ln -sfn ${CMAKE_SOURCE_DIR}/data data && \
${MPIEXEC_EXECUTABLE} --oversubscribe ${MPIEXEC_NUMPROC_FLAG} 2 ${F2D_BIN} flood2d ${CMAKE_SOURCE_DIR}/${F2D_JOB} \
${F2D_SHORT_STR} --set steps.0.outputs=nc --out . && test ! -e max_depth.tif && \
/usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/polygons_vs_gdal.py 'NETCDF:\"max_depth.nc\":max_depth' \
flood_extent.gpkg flood_extent flooded 4 --min 0.1 --area area_m2 1"
         WORKING_DIRECTORY ${SX_TEST_OUT}/flood2d_nc)
set_tests_properties(flood2d_extent_nc_np2 PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 2
                     TIMEOUT 900)

# The restart test runs the whole 26 h of the job (≈ 2 s on one core), so a
# signal sent after a report always lands with thousands of steps still to
# go; its reference is the same job run once without interruption.
set(F2D_RESTART --set steps.0.report_interval_s=1800)
add_test(NAME flood2d_restart_ref
         COMMAND ${F2D_BIN} flood2d ${F2D_JOB} ${F2D_RESTART} --out ${SX_TEST_OUT}/flood2d_restart_ref
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(flood2d_restart_ref PROPERTIES LABELS "regression" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_SETUP flood2d_restart_ref TIMEOUT 900)
add_test(NAME flood2d_restart
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/regression/flood2d_restart.sh ${F2D_BIN} ${SX_TEST_OUT}/flood2d_restart
                 ${SX_TEST_OUT}/flood2d_restart_ref ${CMAKE_CURRENT_SOURCE_DIR}/regression/flood2d_compare.py
                 -- ${F2D_JOB} ${F2D_RESTART}
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(flood2d_restart PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED flood2d_restart_ref PROCESSORS 3 TIMEOUT 900)

add_test(NAME flood2d_products_valid
         COMMAND sh -c "for f in max_depth arrival_time max_velocity max_hazard; do \
/usr/bin/python3 ${SX_COG_VALIDATOR} -q --full-check=yes ${SX_TEST_OUT}/flood2d_np2/$f.tif || exit 1; done && \
/usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/flood2d_products.py ${SX_TEST_OUT}/flood2d_np2 7")
set_tests_properties(flood2d_products_valid PROPERTIES LABELS regression FIXTURES_REQUIRED flood2d_np2)

# Bad input: one message naming the problem, the same status on every rank.
set(F2D_BAD ${CMAKE_CURRENT_SOURCE_DIR}/data/flood2d)
foreach(np 1 3)
  add_test(NAME flood2d_err_inflow_outside_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "inflow 'river'" "outside the DEM" -- ${F2D_BIN} flood2d ${F2D_JOB}
                   --set steps.0.inflows.0.x=100000 --out ${SX_TEST_OUT}/flood2d_err)
  add_test(NAME flood2d_err_manning_grid_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "Manning roughness raster" "does not match the DEM" -- ${F2D_BIN} flood2d ${F2D_JOB}
                   --set steps.0.manning_raster=data/dem/N47E009.SRTM3.tif --out ${SX_TEST_OUT}/flood2d_err)
  add_test(NAME flood2d_err_unstable_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "cfl = 2" "unstable" -- ${F2D_BIN} flood2d ${F2D_JOB}
                   --set steps.0.cfl=2 --out ${SX_TEST_OUT}/flood2d_err)
  add_test(NAME flood2d_err_empty_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "nothing to flood" -- ${F2D_BIN} flood2d ${F2D_BAD}/empty.yaml
                   --out ${SX_TEST_OUT}/flood2d_err)
  add_test(NAME flood2d_err_hydrograph_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "bad_hydrograph.csv:6" "time_s,discharge_m3s" -- ${F2D_BIN} flood2d ${F2D_JOB}
                   --set steps.0.inflows.0.hydrograph=${F2D_BAD}/bad_hydrograph.csv --out ${SX_TEST_OUT}/flood2d_err)
  add_test(NAME flood2d_err_geographic_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "geographic" -- ${F2D_BIN} flood2d ${F2D_JOB}
                   --set inputs.dem=data/dem/N47E009.SRTM3.tif --out ${SX_TEST_OUT}/flood2d_err)
  set_tests_properties(flood2d_err_inflow_outside_np${np} flood2d_err_manning_grid_np${np} flood2d_err_unstable_np${np}
                       flood2d_err_empty_np${np} flood2d_err_hydrograph_np${np} flood2d_err_geographic_np${np}
                       PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()

# Inputs whose old messages misled (an all-nodata DEM read as "no rainfall"): each names the file, the
# first bad cell in raster order (the same at 1 and 3 ranks) and what to do.
set(F2D_BADGEN ${SX_TEST_OUT}/flood2d_bad)
add_test(NAME flood2d_bad_inputs_prepare
         COMMAND sh -c "mkdir -p ${F2D_BADGEN} && /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/flood2d_bad_inputs.py \
${CMAKE_SOURCE_DIR}/data/dem/olinda_dem_utm25s.tif ${F2D_BADGEN}")
set_tests_properties(flood2d_bad_inputs_prepare PROPERTIES FIXTURES_SETUP flood2d_bad LABELS regression)
set(F2D_1H --set steps.0.duration_s=3600 --out ${SX_TEST_OUT}/flood2d_err)
foreach(np 1 3)
  add_test(NAME flood2d_err_dem_all_nodata_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "all_nodata_dem.tif" "has no valid cell" "nodata value is -9999" "gdal_edit.py"
                   -- ${F2D_BIN} flood2d ${F2D_BAD}/empty.yaml --set inputs.dem=${F2D_BADGEN}/all_nodata_dem.tif
                   --set steps.0.rain_mm_h=10 --out ${SX_TEST_OUT}/flood2d_err)
  add_test(NAME flood2d_err_dem_inf_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "inf_dem.tif" "+inf at row 30, column 20" "make such cells nodata"
                   -- ${F2D_BIN} flood2d ${F2D_JOB} --set inputs.dem=${F2D_BADGEN}/inf_dem.tif ${F2D_1H})
  add_test(NAME flood2d_err_inflow_nodata_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "inflow 'river'" "hole_dem.tif" "column 39, row 71"
                   "nearest data cell is column 39, row 68"
                   -- ${F2D_BIN} flood2d ${F2D_JOB} --set inputs.dem=${F2D_BADGEN}/hole_dem.tif ${F2D_1H})
  add_test(NAME flood2d_err_manning_nodata_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "manning_hole.tif" "is nodata at column 50, row 40" "and 1 other cell"
                   "where the DEM 'data/dem/olinda_dem_utm25s.tif' has data"
                   -- ${F2D_BIN} flood2d ${F2D_JOB} --set steps.0.manning_raster=${F2D_BADGEN}/manning_hole.tif ${F2D_1H})
  add_test(NAME flood2d_err_manning_range_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "manning_percent.tif" "has 5 s m^-1/3 at column 0, row 0" "and 12320 other cells"
                   "[0, 1]" -- ${F2D_BIN} flood2d ${F2D_JOB} --set steps.0.manning_raster=${F2D_BADGEN}/manning_percent.tif
                   ${F2D_1H})
  add_test(NAME flood2d_err_hydrograph_outside_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "inflow 'river'" "late_hydrograph.csv" "outside the run's 0 .. 3600 s"
                   "seconds from the start of the run"
                   -- ${F2D_BIN} flood2d ${F2D_JOB} --set steps.0.inflows.0.hydrograph=${F2D_BADGEN}/late_hydrograph.csv
                   ${F2D_1H})
  add_test(NAME flood2d_err_level_below_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "nothing to flood" "initial_level -5 m is below every DEM cell (the lowest is -1 m)"
                   -- ${F2D_BIN} flood2d ${F2D_BAD}/empty.yaml --set steps.0.initial_level=-5
                   --out ${SX_TEST_OUT}/flood2d_err)
  set_tests_properties(flood2d_err_dem_all_nodata_np${np} flood2d_err_dem_inf_np${np} flood2d_err_inflow_nodata_np${np}
                       flood2d_err_manning_nodata_np${np} flood2d_err_manning_range_np${np}
                       flood2d_err_hydrograph_outside_np${np} flood2d_err_level_below_np${np}
                       PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                       FIXTURES_REQUIRED flood2d_bad)
endforeach()

# The forecast -> inundation hand-off: the Chengcun forecast job writes forecast.csv, the
# flood2d_forecast job (shortened to 12 h) reads the outlet's p50 from it through --set, and its
# inflow volumes equal the integral of that forecast hydrograph (computed independently in Python).
set(F2D_FC ${SX_TEST_OUT}/flood2d_fc_hydro)
add_test(NAME flood2d_forecast_source
         COMMAND ${SX_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG} 2 ${F2D_BIN} run jobs/hydro_forecast_chengcun.yaml --out ${F2D_FC}
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(flood2d_forecast_source PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_SETUP flood2d_fc_hydro PROCESSORS 2 TIMEOUT 300)
add_test(NAME flood2d_forecast_np2
         COMMAND ${SX_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG} 2 ${F2D_BIN} flood2d jobs/flood2d_forecast.yaml
                 --set steps.0.inflows.0.hydrograph.forecast=${F2D_FC}/forecast.csv
                 --set steps.0.duration_s=43200 --set steps.0.report_interval_s=10800 --out ${SX_TEST_OUT}/flood2d_fc
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(flood2d_forecast_np2 PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED flood2d_fc_hydro FIXTURES_SETUP flood2d_fc PROCESSORS 2 TIMEOUT 900)
add_test(NAME flood2d_forecast_inflow
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/regression/flood2d_forecast_inflow.py ${F2D_FC}/forecast.csv
                 outlet p50 0.6 24 ${SX_TEST_OUT}/flood2d_fc)
set_tests_properties(flood2d_forecast_inflow PROPERTIES LABELS regression FIXTURES_REQUIRED flood2d_fc)
foreach(np 1 3)
  add_test(NAME flood2d_err_forecast_node_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "hydrograph.node" "has no node 'Outlet'" -- ${F2D_BIN} flood2d jobs/flood2d_forecast.yaml
                   --set steps.0.inflows.0.hydrograph.forecast=${F2D_BAD}/chengcun_forecast.csv
                   --set steps.0.inflows.0.hydrograph.node=Outlet --out ${SX_TEST_OUT}/flood2d_err)
  add_test(NAME flood2d_err_forecast_column_np${np}
           COMMAND ${SX_EXPECT} ${np} 3 "hydrograph.column" "no column 'P50'" -- ${F2D_BIN} flood2d jobs/flood2d_forecast.yaml
                   --set steps.0.inflows.0.hydrograph.forecast=${F2D_BAD}/chengcun_forecast.csv
                   --set steps.0.inflows.0.hydrograph.column=P50 --out ${SX_TEST_OUT}/flood2d_err)
  set_tests_properties(flood2d_err_forecast_node_np${np} flood2d_err_forecast_column_np${np}
                       PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()
