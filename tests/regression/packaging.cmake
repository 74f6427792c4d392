# The install of a centre (docs/install.md): cmake --install into a temporary
# prefix that is then moved, the moved command run from another directory on a
# bundled job, the manual page, the example program built against the install
# with find_package and with pkg-config, the Lmod module loaded by Lmod, and the
# Spack recipe matched against the CMake build. About 30 s in all.
set(SX_PKG_CHECK ${CMAKE_CURRENT_SOURCE_DIR}/packaging/install_check.sh)
set(SX_PKG_OUT ${SX_TEST_OUT}/packaging)
add_test(NAME packaging_install COMMAND ${SX_PKG_CHECK} install ${CMAKE_BINARY_DIR} ${SX_PKG_OUT})
set_tests_properties(packaging_install PROPERTIES LABELS packaging FIXTURES_SETUP sx_installed RESOURCE_LOCK sx_pkg_prefix
                     TIMEOUT 120)
foreach(step run man cmake pkgconfig)
  add_test(NAME packaging_${step} COMMAND ${SX_PKG_CHECK} ${step} ${CMAKE_BINARY_DIR} ${SX_PKG_OUT}
           WORKING_DIRECTORY ${SX_PKG_OUT})
  set_tests_properties(packaging_${step} PROPERTIES LABELS packaging FIXTURES_REQUIRED sx_installed
                       RESOURCE_LOCK sx_pkg_prefix ENVIRONMENT "${SX_TEST_ENV}" TIMEOUT 300)
endforeach()
add_test(NAME packaging_lmod COMMAND ${SX_PKG_CHECK} lmod ${CMAKE_BINARY_DIR} ${SX_PKG_OUT})
set_tests_properties(packaging_lmod PROPERTIES LABELS packaging SKIP_RETURN_CODE 77 ENVIRONMENT "${SX_TEST_ENV}"
                     TIMEOUT 120)
# The recipe against CMake's find_package / pkg_check_modules calls; and the check itself must notice a
# dependency missing from the recipe and one the build does not use.
set(SX_SPACK_CHECK ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/packaging/check_spack.py ${CMAKE_SOURCE_DIR})
add_test(NAME packaging_spack COMMAND ${SX_SPACK_CHECK})
add_test(NAME packaging_spack_detects_missing COMMAND ${SX_SPACK_CHECK} --drop zstd)
add_test(NAME packaging_spack_detects_extra COMMAND ${SX_SPACK_CHECK} --add netcdf-c)
set_tests_properties(packaging_spack_detects_missing packaging_spack_detects_extra PROPERTIES WILL_FAIL TRUE)
set_tests_properties(packaging_spack packaging_spack_detects_missing packaging_spack_detects_extra
                     PROPERTIES LABELS packaging TIMEOUT 60)
