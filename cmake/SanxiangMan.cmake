# Writes the manual page: runs `EXE help --man` (under EMULATOR, '|'-separated,
# when cross-compiling) into OUT, replacing it only when complete.
string(REPLACE "|" ";" emulator "${EMULATOR}")
get_filename_component(dir ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
# A sanitizer build's command: Open MPI's process-lifetime allocations are not leaks to report here.
set(ENV{ASAN_OPTIONS} "detect_leaks=0")
# One process without mpirun: Open MPI need not start its daemon (orted) for it (and under an emulator cannot).
set(ENV{OMPI_MCA_ess_singleton_isolated} "1")
execute_process(COMMAND ${emulator} ${EXE} help --man OUTPUT_FILE ${OUT}.tmp ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "sanxiang help --man failed (${rc}): ${err}\nConfigure with -DSX_MAN=OFF to build without the manual page.")
endif()
file(RENAME ${OUT}.tmp ${OUT})
