# Finds every dependency through imported targets and stops at configure time
# with the Debian package to install when one is missing.
# scripts/setup.sh installs all of them.
# Installed beside sanxiangConfig.cmake, it finds them again for a program
# that links sanxiang (SX_PACKAGE_CONFIG set): there a missing one makes
# sanxiang_FOUND false instead of stopping, and the test-only ones are skipped.
# Safe to include twice (the sx:: targets are made once).

macro(sx_require found what package)
  if(NOT ${found} AND SX_PACKAGE_CONFIG)
    set(sanxiang_FOUND FALSE)
    set(sanxiang_NOT_FOUND_MESSAGE "sanxiang needs ${what}; install it (Debian: apt-get install ${package})")
    return()
  elseif(NOT ${found})
    message(FATAL_ERROR "sanxiang: ${what} not found. Install it with: "
                        "sudo apt-get install ${package}   (or run scripts/setup.sh)")
  endif()
endmacro()

find_package(MPI COMPONENTS C)
sx_require(MPI_C_FOUND "MPI (Open MPI)" "libopenmpi-dev openmpi-bin")

find_package(OpenMP COMPONENTS C)
sx_require(OpenMP_C_FOUND "OpenMP for C" "gcc (libgomp1)")

# Parallel HDF5: Debian installs it beside the serial one; ask for the MPI flavour.
set(HDF5_PREFER_PARALLEL TRUE)
# (not when cross-compiling: the host's h5pcc would describe the host's HDF5; scripts/cross-aarch64.sh)
if(EXISTS /usr/bin/h5pcc AND NOT HDF5_C_COMPILER_EXECUTABLE AND NOT CMAKE_CROSSCOMPILING)
  set(HDF5_C_COMPILER_EXECUTABLE /usr/bin/h5pcc)
endif()
find_package(HDF5 COMPONENTS C HL)
sx_require(HDF5_FOUND "HDF5" "libhdf5-openmpi-dev")
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "sanxiang: the HDF5 found (${HDF5_C_LIBRARIES}) is not the parallel build. "
                      "Install libhdf5-openmpi-dev (scripts/setup.sh) and remove any HDF5_ROOT pointing at a serial HDF5.")
endif()
if(NOT TARGET sx::hdf5)
  add_library(sx::hdf5 INTERFACE IMPORTED)
  target_include_directories(sx::hdf5 INTERFACE ${HDF5_C_INCLUDE_DIRS})
  target_compile_definitions(sx::hdf5 INTERFACE ${HDF5_C_DEFINITIONS})
  target_link_libraries(sx::hdf5 INTERFACE ${HDF5_C_LIBRARIES} ${HDF5_C_HL_LIBRARIES} ${HDF5_HL_LIBRARIES})
endif()

find_package(GDAL CONFIG QUIET)
if(NOT GDAL_FOUND)
  find_package(GDAL MODULE)
endif()
sx_require(GDAL_FOUND "GDAL" "libgdal-dev gdal-bin")

set(BLA_VENDOR OpenBLAS)
find_package(BLAS)
sx_require(BLAS_FOUND "OpenBLAS" "libopenblas-dev")
find_package(LAPACK)
sx_require(LAPACK_FOUND "LAPACK (OpenBLAS)" "libopenblas-dev")
find_path(LAPACKE_INCLUDE_DIR lapacke.h)
find_library(LAPACKE_LIBRARY lapacke)
if(NOT LAPACKE_INCLUDE_DIR OR NOT LAPACKE_LIBRARY)
  sx_require(FALSE "LAPACKE" "liblapacke-dev")
endif()
find_path(OPENBLAS_CBLAS_INCLUDE_DIR cblas.h PATH_SUFFIXES openblas-pthread openblas)
if(NOT TARGET sx::lapacke)
  add_library(sx::lapacke INTERFACE IMPORTED)
  target_include_directories(sx::lapacke INTERFACE ${LAPACKE_INCLUDE_DIR} ${OPENBLAS_CBLAS_INCLUDE_DIR})
  target_link_libraries(sx::lapacke INTERFACE ${LAPACKE_LIBRARY})
endif()

find_package(PkgConfig)
sx_require(PKG_CONFIG_FOUND "pkg-config" "pkg-config")
pkg_check_modules(YAML IMPORTED_TARGET yaml-0.1)
sx_require(YAML_FOUND "libyaml" "libyaml-dev")
if(NOT TARGET sx::yaml)
  add_library(sx::yaml ALIAS PkgConfig::YAML)
endif()

# The parallel COG writer compresses tiles itself (src/io/cog_codec.c).
pkg_check_modules(DEFLATE IMPORTED_TARGET libdeflate)
sx_require(DEFLATE_FOUND "libdeflate" "libdeflate-dev")
if(NOT TARGET sx::deflate)
  add_library(sx::deflate ALIAS PkgConfig::DEFLATE)
endif()
pkg_check_modules(ZSTD IMPORTED_TARGET libzstd)
sx_require(ZSTD_FOUND "libzstd" "libzstd-dev")
if(NOT TARGET sx::zstd)
  add_library(sx::zstd ALIAS PkgConfig::ZSTD)
endif()
# `sanxiang serve`: GNU libmicrohttpd (HTTP, byte ranges by sendfile, connection limits)
pkg_check_modules(MHD IMPORTED_TARGET libmicrohttpd)
sx_require(MHD_FOUND "libmicrohttpd" "libmicrohttpd-dev")
if(NOT TARGET sx::microhttpd)
  add_library(sx::microhttpd ALIAS PkgConfig::MHD)
endif()

if(SX_BUILD_TESTS AND NOT SX_PACKAGE_CONFIG)
  pkg_check_modules(CMOCKA IMPORTED_TARGET cmocka)
  sx_require(CMOCKA_FOUND "cmocka" "libcmocka-dev")
  add_library(sx::cmocka ALIAS PkgConfig::CMOCKA)
endif()
