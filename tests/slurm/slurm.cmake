# Tests on a real single-node Slurm cluster started from Debian's packages
# (scripts/slurm-local.sh). Label: slurm.
set(SX_SLURM_DIR ${CMAKE_BINARY_DIR}/slurm-state)
set(SX_SLURM_ENV "${SX_TEST_ENV};SX_SLURM_DIR=${SX_SLURM_DIR};SLURM_CONF=${SX_SLURM_DIR}/slurm.conf;SX_BIN=$<TARGET_FILE:sanxiang_cli>")
add_test(NAME slurm_cluster_start COMMAND ${CMAKE_SOURCE_DIR}/scripts/slurm-local.sh start)
add_test(NAME slurm_cluster_stop COMMAND ${CMAKE_SOURCE_DIR}/scripts/slurm-local.sh stop)
set_tests_properties(slurm_cluster_start PROPERTIES FIXTURES_SETUP slurm LABELS slurm ENVIRONMENT "${SX_SLURM_ENV}" TIMEOUT 300)
set_tests_properties(slurm_cluster_stop PROPERTIES FIXTURES_CLEANUP slurm LABELS slurm ENVIRONMENT "${SX_SLURM_ENV}")
foreach(t demo_job failure_chain array_merge requeue forecast_cycle)
  add_test(NAME slurm_${t} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/slurm/test_${t}.sh ${CMAKE_SOURCE_DIR} ${SX_TEST_OUT}/slurm_${t})
  set_tests_properties(slurm_${t} PROPERTIES FIXTURES_REQUIRED slurm LABELS slurm ENVIRONMENT "${SX_SLURM_ENV}"
                       TIMEOUT 900 RESOURCE_LOCK slurm_cluster)
endforeach()
