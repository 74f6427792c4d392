# Threads per rank follow the CPUs a rank may use (sx_threads.h): the count
# chosen at 1 and 3 ranks with OMP_NUM_THREADS unset, under taskset and rank
# binding, the OMP_NUM_THREADS and SX_THREADS overrides, the log line and the
# oversubscription warning, and the error on bad values. The script unsets
# the test environment's OMP_NUM_THREADS=1 itself.
add_test(NAME threads_per_rank
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/threads_check.py
                 $<TARGET_FILE:threads_probe> ${SX_BIN} ${SX_EXPECT})
set_tests_properties(threads_per_rank PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     PROCESSORS 2 TIMEOUT 600)
