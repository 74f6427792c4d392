# A rank killed with SIGKILL mid-step ends the whole job (non-zero, within
# 60 s) without complete-looking output, and the same command then succeeds.
add_test(NAME job_killed_rank_np3
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/killed_rank.sh ${SX_TEST_OUT}/killed_rank ${SX_BIN}
                 "${MPIEXEC_EXECUTABLE} --oversubscribe"
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(job_killed_rank_np3 PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     TIMEOUT 900 PROCESSORS 3)
