# CF-HDF5 files written by the mpi_h5cf test open in xarray (netCDF4 engine)
# with coordinates, grid mapping, fill value and time decoded.
foreach(np 1 3)
  add_test(NAME h5cf_xarray_np${np}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check_cf_xarray.py ${SX_TEST_OUT}/h5cf_np${np}.nc)
  set_tests_properties(h5cf_xarray_np${np} PROPERTIES LABELS regression DEPENDS mpi_h5cf_np${np}
                       FIXTURES_REQUIRED h5cf_np${np})
  set_tests_properties(mpi_h5cf_np${np} PROPERTIES FIXTURES_SETUP h5cf_np${np})
endforeach()

# SX_NC_DEFLATE: level 0 writes uncompressed, same cells and statistics; a bad
# value is one clear error on every rank.
add_test(NAME h5cf_deflate_levels
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/h5cf_deflate.sh $<TARGET_FILE:sanxiang_cli> $<TARGET_FILE:rastercmp>
                 ${SX_TEST_OUT}/h5cf_deflate ${SX_DATA_DIR}/remote_sensing/landsat8 2)
set_tests_properties(h5cf_deflate_levels PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 2
                     TIMEOUT 300)
add_test(NAME h5cf_deflate_bad
         COMMAND ${CMAKE_COMMAND} -E env SX_NC_DEFLATE=x ${CMAKE_CURRENT_LIST_DIR}/expect_error.sh 2 nonzero
                 "SX_NC_DEFLATE='x'" "level 0..9" -- $<TARGET_FILE:sanxiang_cli> rs index ndvi
                 -b nir=${SX_DATA_DIR}/remote_sensing/landsat8/l8_B5.tif -b red=${SX_DATA_DIR}/remote_sensing/landsat8/l8_B4.tif
                 --format cog,nc -o ${SX_TEST_OUT}/h5cf_deflate/bad.tif)
set_tests_properties(h5cf_deflate_bad PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}" PROCESSORS 2)
