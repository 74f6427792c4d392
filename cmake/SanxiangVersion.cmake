# Generates sanxiang/sx_version_gen.h with the project version and the git
# commit at build time (re-run on every build so the commit is never stale).
set(SX_VERSION_IN ${CMAKE_CURRENT_LIST_DIR}/sx_version_gen.h.in)
set(SX_VERSION_OUT ${CMAKE_BINARY_DIR}/generated/sanxiang/sx_version_gen.h)
add_custom_target(sx_version_header
  COMMAND ${CMAKE_COMMAND} -DSRC_DIR=${CMAKE_SOURCE_DIR} -DIN=${SX_VERSION_IN} -DOUT=${SX_VERSION_OUT}
          -DVERSION=${PROJECT_VERSION} -P ${CMAKE_CURRENT_LIST_DIR}/SanxiangVersionScript.cmake
  BYPRODUCTS ${SX_VERSION_OUT}
  COMMENT "Stamping version and git commit")
