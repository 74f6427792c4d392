# One-map packages (issue 8): `sanxiang publish`, the publish job step, the
# STAC/COG/GeoPackage/style checks, CRS rules (CGCS2000 and Gauss-Kruger
# zones, GCJ-02 refused), `sanxiang serve`, and the viewer in headless Chromium.
set(SX_PUB_BIN $<TARGET_FILE:sanxiang_cli>)
set(SX_PUB_PY /usr/bin/python3)
set(SX_PUB_REG ${CMAKE_CURRENT_SOURCE_DIR}/regression)
set(SX_PUB_BND ${SX_DATA_DIR}/publish/hunan_prefectures_cn-atlas.geojson)
set(SX_PUB_CENSUS ${SX_DATA_DIR}/publish/census_city_2010-2020_hunan.csv)
set(SX_PUB_RUN ${SX_TEST_OUT}/publish_hunan_run)
set(SX_PUB_EXPECT ${CMAKE_CURRENT_SOURCE_DIR}/regression/expect_error.sh)

# A Hunan run directory: class raster, continuous raster, point layer, run.json.
add_test(NAME publish_make_run COMMAND ${SX_PUB_PY} ${SX_PUB_REG}/publish_make_run.py ${SX_PUB_BND} ${SX_PUB_RUN})
set_tests_properties(publish_make_run PROPERTIES LABELS regression FIXTURES_SETUP publish_run)

# Gauss-Kruger zones of CGCS2000: 114E (EPSG:4547, Changsha) and 108E (EPSG:4545), at 1 and 3 ranks.
foreach(case "4547;1" "4547;3" "4545;1")
  list(GET case 0 epsg)
  list(GET case 1 np)
  set(pkg ${SX_TEST_OUT}/publish_gk${epsg}_np${np})
  add_test(NAME publish_gk${epsg}_np${np}
           COMMAND ${SX_MPIEXEC} ${MPIEXEC_NUMPROC_FLAG} ${np} ${SX_PUB_BIN} publish ${SX_PUB_RUN} -o ${pkg} --crs EPSG:${epsg}
                   --boundaries ${SX_PUB_BND} --table ${SX_PUB_CENSUS} --rank-field popu_2020)
  set_tests_properties(publish_gk${epsg}_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED "publish_run;viewer_dist" FIXTURES_SETUP publish_gk${epsg}_np${np} PROCESSORS ${np})
  add_test(NAME publish_gk${epsg}_np${np}_package
           COMMAND ${SX_PUB_PY} ${SX_PUB_REG}/publish_check_package.py ${pkg} --crs EPSG:${epsg}
                   --layers flood_depth,flood_zones,stations,boundaries --kinds flood_zones=hazard_class,flood_depth=depth)
  add_test(NAME publish_gk${epsg}_np${np}_points
           COMMAND ${SX_PUB_PY} ${SX_PUB_REG}/publish_check_point.py ${SX_PUB_RUN}/flood_zones.tif
                   ${pkg}/hunan_test/flood_zones/flood_zones.tif 112.94 28.23 111.0 27.0 113.5 25.9 109.7 28.3 110.4 29.1)
  set_tests_properties(publish_gk${epsg}_np${np}_package publish_gk${epsg}_np${np}_points PROPERTIES LABELS regression
                       FIXTURES_REQUIRED "publish_run;publish_gk${epsg}_np${np}")
endforeach()
# Same package at 1 and 3 ranks, byte for byte, GeoPackages included (their write time is the tests'
# SOURCE_DATE_EPOCH); .aux.xml files are what the checkers' GDAL reads leave behind.
add_test(NAME publish_equal_np3
         COMMAND diff -r -x *.aux.xml ${SX_TEST_OUT}/publish_gk4547_np1 ${SX_TEST_OUT}/publish_gk4547_np3)
set_tests_properties(publish_equal_np3 PROPERTIES LABELS "regression;mpi" FIXTURES_REQUIRED "publish_gk4547_np1;publish_gk4547_np3")

# The demo job ends with a publish step: its package is checked too.
add_test(NAME publish_demo_package
         COMMAND ${SX_PUB_PY} ${SX_PUB_REG}/publish_check_package.py ${SX_TEST_OUT}/demo_np2/package --crs EPSG:4490
                 --layers accum,basins,basins_vector,boundaries,filled,flowdir,ndvi,slope,streams,streams_links,water,water_vector)
set_tests_properties(publish_demo_package PROPERTIES LABELS regression FIXTURES_REQUIRED demo_np2)
foreach(np RANGE 2 ${SX_MPI_MAX_TEST_RANKS})
  add_test(NAME publish_demo_equal_np${np}
           COMMAND ${SX_CMP} --exact ${SX_TEST_OUT}/demo_np1/package/demo/slope/slope.tif
                   ${SX_TEST_OUT}/demo_np${np}/package/demo/slope/slope.tif)
  set_tests_properties(publish_demo_equal_np${np} PROPERTIES LABELS "regression;mpi" FIXTURES_REQUIRED "demo_np1;demo_np${np}")
endforeach()

# CRS rules and bad input: one clear message, exit status 3, on every rank.
set(SX_PUB_DATAV ${CMAKE_CURRENT_SOURCE_DIR}/data/publish/datav_changsha.geojson)
add_test(NAME publish_gcj_datav_refused
         COMMAND ${SX_PUB_EXPECT} 2 3 "GCJ-02" "datav_changsha.geojson" "--datum" --
                 ${SX_PUB_BIN} publish ${SX_PUB_RUN} -o ${SX_TEST_OUT}/publish_gcj_1 --boundaries ${SX_PUB_DATAV})
add_test(NAME publish_gcj_stated_as_gcj_refused
         COMMAND ${SX_PUB_EXPECT} 2 3 "GCJ-02" "no official transformation" --
                 ${SX_PUB_BIN} publish ${SX_PUB_RUN} -o ${SX_TEST_OUT}/publish_gcj_2 --boundaries ${SX_PUB_DATAV}
                 --datum datav_changsha.geojson=GCJ-02)
add_test(NAME publish_gcj_target_refused
         COMMAND ${SX_PUB_EXPECT} 1 2 "GCJ-02" "EPSG:4490" -- ${SX_PUB_BIN} publish ${SX_PUB_RUN} -o ${SX_TEST_OUT}/publish_gcj_3 --crs GCJ-02)
add_test(NAME publish_unknown_crs
         COMMAND ${SX_PUB_EXPECT} 1 2 "EPSG:999999" "not known" -- ${SX_PUB_BIN} publish ${SX_PUB_RUN} -o ${SX_TEST_OUT}/publish_gcj_4 --crs EPSG:999999)
add_test(NAME publish_not_a_run
         COMMAND ${SX_PUB_EXPECT} 3 3 "run.json" -- ${SX_PUB_BIN} publish ${CMAKE_CURRENT_SOURCE_DIR}/data/publish -o ${SX_TEST_OUT}/publish_gcj_5)
add_test(NAME publish_table_without_code
         COMMAND ${SX_PUB_EXPECT} 2 3 "no_code.csv" "code column" -- ${SX_PUB_BIN} publish ${SX_PUB_RUN} -o ${SX_TEST_OUT}/publish_gcj_6
                 --boundaries ${SX_PUB_BND} --table ${CMAKE_CURRENT_SOURCE_DIR}/data/publish/no_code.csv)
# Two files whose names both become the layer folder "depth_1" ("depth 1.tif" and "depth.1.tif") are refused,
# not written into one folder (the second over the first, as before the names were compared once made safe).
add_test(NAME publish_same_folder_run
         COMMAND sh -c "rm -rf ${SX_TEST_OUT}/publish_same_folder_run && mkdir -p ${SX_TEST_OUT}/publish_same_folder_run && \
cp ${SX_PUB_RUN}/run.json ${SX_TEST_OUT}/publish_same_folder_run/ && \
cp ${SX_PUB_RUN}/flood_depth.tif '${SX_TEST_OUT}/publish_same_folder_run/depth 1.tif' && \
cp ${SX_PUB_RUN}/flood_depth.tif ${SX_TEST_OUT}/publish_same_folder_run/depth.1.tif")
set_tests_properties(publish_same_folder_run PROPERTIES LABELS regression FIXTURES_REQUIRED publish_run
                     FIXTURES_SETUP publish_same_folder_run)
add_test(NAME publish_same_folder_refused
         COMMAND ${SX_PUB_EXPECT} 2 3 "layer 'depth_1'" "depth 1.tif" "named 'depth.1'" "rename one" -- ${SX_PUB_BIN} publish
                 ${SX_TEST_OUT}/publish_same_folder_run -o ${SX_TEST_OUT}/publish_gcj_7)
set_tests_properties(publish_same_folder_refused PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED "publish_run;publish_same_folder_run" PROCESSORS 2)
set_tests_properties(publish_gcj_datav_refused publish_gcj_stated_as_gcj_refused publish_gcj_target_refused publish_unknown_crs
                     publish_not_a_run publish_table_without_code
                     PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED publish_run)
# ... and no package (not even a partial one) is left behind by those failures.
add_test(NAME publish_failures_leave_nothing
         COMMAND sh -c "test -z \"$(ls -a ${SX_TEST_OUT} | grep publish_gcj)\"")
set_tests_properties(publish_failures_leave_nothing PROPERTIES LABELS regression
                     DEPENDS "publish_gcj_datav_refused;publish_gcj_stated_as_gcj_refused;publish_gcj_target_refused;publish_unknown_crs;publish_not_a_run;publish_table_without_code;publish_same_folder_refused")
# What -o may write over (issue 14), at 1 and 3 ranks: a file, a directory of other work and a symbolic link are
# refused and left as they were; a package publish made is replaced; a failed publish leaves the old package intact;
# options that would do nothing (--table/--rank-field/--code-field without --boundaries, a --datum for no input,
# --stations without hydrographs) are refused; the job step names file, line and key.
foreach(np 1 3)
  add_test(NAME publish_target_np${np}
           COMMAND ${SX_PUB_REG}/publish_target_check.sh ${SX_PUB_EXPECT} ${SX_PUB_BIN} ${SX_PUB_RUN}
                   ${SX_TEST_OUT}/publish_target_np${np} ${np} ${CMAKE_CURRENT_SOURCE_DIR}/data/publish
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(publish_target_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED publish_run PROCESSORS ${np} TIMEOUT 600)
endforeach()
# Stating the datum (the file was converted) lets the same file through.
add_test(NAME publish_gcj_stated_wgs84
         COMMAND sh -c "${SX_PUB_BIN} publish ${SX_PUB_RUN} -o ${SX_TEST_OUT}/publish_stated --boundaries ${SX_PUB_DATAV} \
--datum datav_changsha.geojson=EPSG:4326 && ${SX_PUB_PY} ${SX_PUB_REG}/publish_check_package.py ${SX_TEST_OUT}/publish_stated --crs EPSG:4490")
set_tests_properties(publish_gcj_stated_wgs84 PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED publish_run)

# The web viewer: built from npm packages (scripts/viewer-build.sh; npm ci needs the registry once),
# a package of the demo run with the boundaries joined to the census table, served by `sanxiang serve`
# and checked in Debian's headless Chromium with playwright-core. Screenshot: test-out/viewer.png.
add_test(NAME viewer_build
         COMMAND scripts/viewer-build.sh
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(viewer_build PROPERTIES LABELS regression FIXTURES_SETUP viewer_dist TIMEOUT 600)
add_test(NAME publish_viewer_package
         COMMAND ${SX_PUB_BIN} publish ${SX_TEST_OUT}/demo_np2 -o ${SX_TEST_OUT}/publish_viewer --boundaries ${SX_PUB_BND}
                 --table ${SX_PUB_CENSUS} --rank-field popu_2020 --viewer ${CMAKE_SOURCE_DIR}/viewer/dist)
set_tests_properties(publish_viewer_package PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED "demo_np2;viewer_dist" FIXTURES_SETUP publish_viewer)
add_test(NAME serve_package COMMAND ${SX_PUB_REG}/publish_serve_check.sh ${SX_PUB_BIN} ${SX_TEST_OUT}/publish_viewer)
foreach(np 1 3)
  add_test(NAME serve_not_a_directory_np${np}
           COMMAND ${SX_PUB_EXPECT} ${np} 3 "no_such_package" "sanxiang publish" -- ${SX_PUB_BIN} serve ${SX_TEST_OUT}/no_such_package)
  set_tests_properties(serve_not_a_directory_np${np} PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS ${np})
endforeach()
add_test(NAME viewer_browser
         COMMAND node ${CMAKE_SOURCE_DIR}/tests/browser/viewer_test.mjs ${SX_TEST_OUT}/publish_viewer ${SX_PUB_BIN}
                 ${SX_TEST_OUT}/viewer.png ${CMAKE_SOURCE_DIR}/viewer)
set_tests_properties(serve_package viewer_browser PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED publish_viewer TIMEOUT 300)
# sx_pub_viewer_case(CASE RUN_FIXTURE RUN_DIR [publish options]): publish RUN_DIR with the Hunan boundaries joined to
# the census table into test-out/publish_viewer_CASE (fixture publish_viewer_CASE) and run the browser test on it
# (screenshots test-out/viewer_CASE.png and, with Chinese titles, viewer_CASE_layers.png).
function(sx_pub_viewer_case case run_fixture run_dir)
  set(pkg ${SX_TEST_OUT}/publish_viewer_${case})
  add_test(NAME publish_viewer_${case}_package
           COMMAND ${SX_PUB_BIN} publish ${run_dir} -o ${pkg} --boundaries ${SX_PUB_BND} --table ${SX_PUB_CENSUS}
                   --rank-field popu_2020 --viewer ${CMAKE_SOURCE_DIR}/viewer/dist ${ARGN})
  set_tests_properties(publish_viewer_${case}_package PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED "${run_fixture};viewer_dist" FIXTURES_SETUP publish_viewer_${case})
  add_test(NAME viewer_browser_${case}
           COMMAND node ${CMAKE_SOURCE_DIR}/tests/browser/viewer_test.mjs ${pkg} ${SX_PUB_BIN} ${SX_TEST_OUT}/viewer_${case}.png
                   ${CMAKE_SOURCE_DIR}/viewer)
  set_tests_properties(viewer_browser_${case} PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED publish_viewer_${case} TIMEOUT 300)
endfunction()
# The Hunan package: class and depth rasters with Chinese names, stations whose click shows the forecast hydrograph.
sx_pub_viewer_case(hunan publish_run ${SX_PUB_RUN})
# Tables in the run directory with a code column (zonal_hazard.csv) are joined to the boundaries too.
add_test(NAME publish_join_run_table
         COMMAND ${SX_PUB_PY} ${SX_PUB_REG}/publish_check_join.py
                 ${SX_TEST_OUT}/publish_gk4547_np1/hunan_test/boundaries/boundaries.gpkg ${SX_PUB_RUN}/zonal_hazard.csv city_code)
set_tests_properties(publish_join_run_table PROPERTIES LABELS regression FIXTURES_REQUIRED "publish_run;publish_gk4547_np1")
# A job file asking for a GCJ-02 package is refused naming the file, line and key.
add_test(NAME publish_job_bad_crs
         COMMAND ${SX_PUB_EXPECT} 2 3 "bad_crs.yaml:8:" "crs" "GCJ-02" --
                 ${SX_PUB_BIN} run ${CMAKE_CURRENT_SOURCE_DIR}/data/publish/bad_crs.yaml --out ${SX_TEST_OUT}/publish_bad_crs_job)
set_tests_properties(publish_job_bad_crs PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
# Multi-band rasters (a 3-band red/green/blue crop of the bundled Landsat 8 scene): every band kept with its
# description, per-band statistics and eo:common_name in STAC, and in the viewer a band choice plus an RGB composite.
set(SX_PUB_RGB_RUN ${SX_TEST_OUT}/publish_rgb_run)
add_test(NAME publish_make_rgb_run
         COMMAND ${SX_PUB_PY} ${SX_PUB_REG}/publish_make_rgb_run.py ${SX_DATA_DIR}/remote_sensing/landsat8 ${SX_PUB_RGB_RUN})
set_tests_properties(publish_make_rgb_run PROPERTIES LABELS regression FIXTURES_SETUP publish_rgb_run)
sx_pub_viewer_case(rgb publish_rgb_run ${SX_PUB_RGB_RUN})
add_test(NAME publish_rgb_check
         COMMAND ${SX_PUB_PY} ${SX_PUB_REG}/publish_check_package.py ${SX_TEST_OUT}/publish_viewer_rgb --crs EPSG:4490
                 --layers landsat_rgb,boundaries --common-names landsat_rgb=red:green:blue
                 --nodata-corners landsat_rgb)
set_tests_properties(publish_rgb_check PROPERTIES LABELS regression FIXTURES_REQUIRED publish_viewer_rgb)

# A flood forecast run (Chengcun, hydrograph_<station>.svg, no coordinates) published with a station location
# table: the forecast_stations layer, whose click in the viewer shows the forecast hydrograph.
set(SX_PUB_FC_RUN ${SX_TEST_OUT}/publish_forecast_run)
add_test(NAME publish_forecast_run
         COMMAND ${SX_PUB_BIN} run jobs/hydro_forecast_chengcun.yaml --out ${SX_PUB_FC_RUN} --set steps.0.ensemble.members=20
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(publish_forecast_run PROPERTIES LABELS regression ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_SETUP publish_forecast_run TIMEOUT 600)
sx_pub_viewer_case(forecast publish_forecast_run ${SX_PUB_FC_RUN}
                   --stations ${CMAKE_CURRENT_SOURCE_DIR}/data/publish/chengcun_stations.csv)
add_test(NAME publish_forecast_check
         COMMAND ${SX_PUB_PY} ${SX_PUB_REG}/publish_check_package.py ${SX_TEST_OUT}/publish_viewer_forecast --crs EPSG:4490
                 --layers forecast_stations,boundaries)
set_tests_properties(publish_forecast_check PROPERTIES LABELS regression FIXTURES_REQUIRED publish_viewer_forecast)
# Hydrographs without locations: published with a warning that says how to place them; a station table without lon/lat is refused.
add_test(NAME publish_forecast_no_locations
         COMMAND sh -c "${SX_PUB_BIN} publish ${SX_PUB_FC_RUN} -o ${SX_TEST_OUT}/publish_forecast_noloc --boundaries ${SX_PUB_BND} 2>&1 | grep -q -- '--stations CSV'")
add_test(NAME publish_forecast_bad_stations
         COMMAND ${SX_PUB_EXPECT} 2 3 "no_code.csv" "lon" -- ${SX_PUB_BIN} publish ${SX_PUB_FC_RUN} -o ${SX_TEST_OUT}/publish_forecast_bad
                 --stations ${CMAKE_CURRENT_SOURCE_DIR}/data/publish/no_code.csv)
set_tests_properties(publish_forecast_no_locations publish_forecast_bad_stations PROPERTIES LABELS regression
                     ENVIRONMENT "${SX_TEST_ENV}" FIXTURES_REQUIRED publish_forecast_run)
