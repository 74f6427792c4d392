# CF-HDF5 files written by the mpi_h5cf test open in xarray (netCDF4 engine)
# with coordinates, grid mapping, fill value and time decoded.
foreach(np 1 3)
  add_test(NAME h5cf_xarray_np${np}
           COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/check_cf_xarray.py ${SX_TEST_OUT}/h5cf_np${np}.nc)
  set_tests_properties(h5cf_xarray_np${np} PROPERTIES LABELS regression DEPENDS mpi_h5cf_np${np}
                       FIXTURES_REQUIRED h5cf_np${np})
  set_tests_properties(mpi_h5cf_np${np} PROPERTIES FIXTURES_SETUP h5cf_np${np})
endforeach()
