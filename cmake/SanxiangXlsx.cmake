# Optional XLSX output of the indicator tables through libxlsxwriter (Debian
# package libxlsxwriter-dev). Included from CMakeLists.txt after the library
# targets exist; without the library the econ code reports, at run time, that
# XLSX output was not built (CSV tables are always written).
# SX_XLSX: AUTO (use it when found), ON (stop when missing), OFF (never).
set(SX_XLSX AUTO CACHE STRING "XLSX workbooks through libxlsxwriter: AUTO, ON or OFF")
set_property(CACHE SX_XLSX PROPERTY STRINGS AUTO ON OFF)
if(NOT SX_XLSX STREQUAL "OFF")
  find_path(XLSXWRITER_INCLUDE_DIR xlsxwriter.h)
  find_library(XLSXWRITER_LIBRARY xlsxwriter)
endif()
if(NOT SX_XLSX STREQUAL "OFF" AND XLSXWRITER_INCLUDE_DIR AND XLSXWRITER_LIBRARY)
  message(STATUS "libxlsxwriter: ${XLSXWRITER_LIBRARY} (XLSX workbooks enabled)")
  target_include_directories(sanxiang_objects PRIVATE ${XLSXWRITER_INCLUDE_DIR})
  target_compile_definitions(sanxiang_objects PRIVATE SX_HAVE_XLSXWRITER=1)
  foreach(lib ${SX_LIBRARIES})
    target_link_libraries(${lib} PRIVATE ${XLSXWRITER_LIBRARY})
  endforeach()
  set(SX_HAVE_XLSX TRUE)
elseif(SX_XLSX STREQUAL "ON")
  message(FATAL_ERROR "sanxiang: SX_XLSX=ON but libxlsxwriter was not found. Install it with: "
                      "sudo apt-get install libxlsxwriter-dev   (or run scripts/setup.sh), or set -DSX_XLSX=AUTO")
else()
  message(STATUS "libxlsxwriter not used: XLSX workbooks disabled (SX_XLSX=${SX_XLSX}; apt-get install libxlsxwriter-dev)")
  set(SX_HAVE_XLSX FALSE)
endif()
