# Optional XLSX output of the indicator tables through libxlsxwriter (Debian
# package libxlsxwriter-dev). Included from CMakeLists.txt after the library
# target exists; without the library the econ code reports, at run time, that
# XLSX output was not built (CSV tables are always written).
find_path(XLSXWRITER_INCLUDE_DIR xlsxwriter.h)
find_library(XLSXWRITER_LIBRARY xlsxwriter)
if(XLSXWRITER_INCLUDE_DIR AND XLSXWRITER_LIBRARY)
  message(STATUS "libxlsxwriter: ${XLSXWRITER_LIBRARY} (XLSX workbooks enabled)")
  target_include_directories(sanxiang PRIVATE ${XLSXWRITER_INCLUDE_DIR})
  target_link_libraries(sanxiang PRIVATE ${XLSXWRITER_LIBRARY})
  target_compile_definitions(sanxiang PRIVATE SX_HAVE_XLSXWRITER=1)
else()
  message(STATUS "libxlsxwriter not found: XLSX workbooks disabled (apt-get install libxlsxwriter-dev)")
endif()
