execute_process(COMMAND git -C ${SRC_DIR} rev-parse --short=12 HEAD
                OUTPUT_VARIABLE SX_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE rc ERROR_QUIET)
if(NOT rc EQUAL 0 OR SX_GIT_COMMIT STREQUAL "")
  set(SX_GIT_COMMIT "unknown")
else()
  execute_process(COMMAND git -C ${SRC_DIR} status --porcelain --untracked-files=no
                  OUTPUT_VARIABLE dirty OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT dirty STREQUAL "")
    set(SX_GIT_COMMIT "${SX_GIT_COMMIT}-dirty")
  endif()
endif()
set(SX_VERSION ${VERSION})
configure_file(${IN} ${OUT}.tmp @ONLY)
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
