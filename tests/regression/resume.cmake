# Step-level resume after SIGUSR1 (the signal Slurm sends before a time
# limit): exit 8, then the same command resumes and matches an uninterrupted run.
foreach(np 1 3)
  add_test(NAME job_resume_np${np}
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/resume.sh ${np} ${SX_TEST_OUT}/resume_np${np} ${SX_BIN}
                   "${MPIEXEC_EXECUTABLE} --oversubscribe" ${SX_CMP}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(job_resume_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       TIMEOUT 600 PROCESSORS ${np} FIXTURES_SETUP job_resume_np${np})
endforeach()
add_test(NAME job_resume_cogs_valid
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/cog_valid_tree.py 2 ${SX_TEST_OUT}/resume_np1 ${SX_TEST_OUT}/resume_np3)
set_tests_properties(job_resume_cogs_valid PROPERTIES LABELS regression FIXTURES_REQUIRED "job_resume_np1;job_resume_np3")
