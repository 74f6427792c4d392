# rs classify (issue 20): random forest maps, vote shares, model file and
# test tables equal an independent Python forest (same documented random
# streams, CART/Gini and vote); 2, 3 and 4 ranks == 1 rank byte for byte; a saved model
# reapplied with the features in another order gives the same map; the error
# contract for too few samples, a class absent from training, a listed class
# without samples, mismatched grids and a feature the model lacks.
set(SX_RF_IN ${SX_TEST_OUT}/rs/classify/in)
set(SX_RF_OUT ${SX_TEST_OUT}/rs/classify)
add_test(NAME rs_classify_setup COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_classify_setup.py ${SX_RF_IN})
set_tests_properties(rs_classify_setup PROPERTIES LABELS regression FIXTURES_SETUP rs_classify_in)
foreach(np 1 2 3 4)
  add_test(NAME rs_classify_np${np}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_classify_run.sh ${SX_BIN} ${np} ${SX_RF_IN} ${SX_RF_OUT})
  set_tests_properties(rs_classify_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_REQUIRED rs_classify_in FIXTURES_SETUP rs_classify_np${np} PROCESSORS ${np} TIMEOUT 300)
endforeach()
foreach(np 2 3 4)
  set(cmds "")
  foreach(f hand.tif tree.tif forest.tif forest_prob_1.tif forest_prob_2.tif forest_prob_3.tif poly.tif rf.tif again.tif
            tree_model.txt forest_model.txt rf_model.txt forest_test.csv forest_test_matrix.csv again_test_matrix.csv)
    string(APPEND cmds "cmp ${SX_RF_OUT}/np1/${f} ${SX_RF_OUT}/np${np}/${f} && ")
  endforeach()
  add_test(NAME rs_classify_equal_np${np}
           COMMAND sh -c "${cmds} ${SX_CMP} --exact ${SX_RF_OUT}/np1/rf.nc ${SX_RF_OUT}/np${np}/rf.nc && ${SX_CMP} --exact ${SX_RF_OUT}/np1/rf.tif ${SX_RF_OUT}/np1/again.tif")
  set_tests_properties(rs_classify_equal_np${np} PROPERTIES LABELS "regression;mpi"
                       FIXTURES_REQUIRED "rs_classify_np1;rs_classify_np${np}")
endforeach()
add_test(NAME rs_classify_vs_python
         COMMAND ${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_classify_check.py ${SX_RF_IN} ${SX_RF_OUT}/np1)
set_tests_properties(rs_classify_vs_python PROPERTIES LABELS regression FIXTURES_REQUIRED rs_classify_np1)

set(f -b f1=${SX_RF_IN}/f1.tif -b f2=${SX_RF_IN}/f2.tif -b f3=${SX_RF_IN}/f3.tif)
set(x ${SX_RF_OUT}/bad)
add_test(NAME rs_classify_too_few_np2
         COMMAND ${SX_EXPECT} 2 3 "class 3 has 2 training sample(s)" "--min-samples" -- ${SX_BIN} rs classify ${f}
                 --samples ${SX_RF_IN}/few.gpkg -o ${x}.tif)
add_test(NAME rs_classify_absent_class_np2
         COMMAND ${SX_EXPECT} 2 3 "class 7 of the samples" "absent from the classes the model" -- ${SX_BIN} rs classify
                 ${f} --samples ${SX_RF_IN}/extra.gpkg --model ${SX_RF_OUT}/np1/rf_model.txt -o ${x}.tif)
add_test(NAME rs_classify_listed_class_np2
         COMMAND ${SX_EXPECT} 2 3 "class 4 (listed in --classes) has no valid sample" -- ${SX_BIN} rs classify ${f}
                 --samples ${SX_RF_IN}/points.gpkg --classes 1,2,3,4 -o ${x}.tif)
add_test(NAME rs_classify_bad_grid_np2
         COMMAND ${SX_EXPECT} 2 3 "other_grid.tif" "63 x 45" "rs warp" -- ${SX_BIN} rs classify -b f1=${SX_RF_IN}/f1.tif
                 -b f2=${SX_RF_IN}/other_grid.tif --samples ${SX_RF_IN}/points.gpkg -o ${x}.tif)
add_test(NAME rs_classify_missing_feature_np1
         COMMAND ${SX_EXPECT} 1 3 "trained on feature 'f3', which is not given" -- ${SX_BIN} rs classify
                 -b f1=${SX_RF_IN}/f1.tif -b f2=${SX_RF_IN}/f2.tif -b f4=${SX_RF_IN}/f3.tif
                 --model ${SX_RF_OUT}/np1/rf_model.txt -o ${x}.tif)
add_test(NAME rs_classify_bad_model_np2
         COMMAND ${SX_EXPECT} 2 3 "bad_model.txt' line 7" "child out of range" -- ${SX_BIN} rs classify ${f}
                 --model ${SX_RF_IN}/bad_model.txt -o ${x}.tif)
set_tests_properties(rs_classify_bad_model_np2 rs_classify_too_few_np2 rs_classify_absent_class_np2 rs_classify_listed_class_np2
                     rs_classify_bad_grid_np2 rs_classify_missing_feature_np1
                     PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                     FIXTURES_REQUIRED "rs_classify_in;rs_classify_np1" PROCESSORS 2)

# The L8NY18 ecology job end to end at 1 and 3 ranks: the rasters equal value
# for value (their provenance names the run directory, so not byte for byte),
# the model, test tables, RSEI loadings, strata and accuracy tables byte for
# byte, the accuracy sample feature for feature (its provenance too names the
# run directory), the workbook byte for byte (its write time is fixed by the
# tests' SOURCE_DATE_EPOCH) and against the CSV tables in each run
# (rs_classify_job.sh).
set(SX_RF_JOB ${SX_TEST_OUT}/rs/classify_job)
set(SX_RF_JOB_XLSX 0)
if(SX_HAVE_XLSX)
  set(SX_RF_JOB_XLSX 1)
endif()
foreach(np 1 3)
  add_test(NAME rs_classify_job_np${np}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/regression/rs_classify_job.sh ${SX_BIN} ${np} ${SX_RF_JOB}
                   ${SX_RF_JOB_XLSX})
  set_tests_properties(rs_classify_job_np${np} PROPERTIES LABELS "regression;mpi" ENVIRONMENT "${SX_TEST_ENV}"
                       FIXTURES_SETUP rs_classify_job_np${np} PROCESSORS ${np} TIMEOUT 300)
endforeach()
set(cmds "")
foreach(f landcover ndvi_trend_slope ndvi_trend_class fvc_summer rsei_0615 lst_0615 ndvi_change landcover_prob_2 fvc_patches
          rules_0903)
  string(APPEND cmds "${SX_CMP} --exact ${SX_RF_JOB}/np1/run/${f}.tif ${SX_RF_JOB}/np3/run/${f}.tif && ")
endforeach()
foreach(f landcover_model.txt landcover_test.csv landcover_test_matrix.csv rsei_0615_pca.csv fvc_patches_transitions.csv
          landcover_sample_strata.csv landcover_accuracy.csv landcover_accuracy_matrix.csv)
  string(APPEND cmds "cmp ${SX_RF_JOB}/np1/run/${f} ${SX_RF_JOB}/np3/run/${f} && ")
endforeach()
string(APPEND cmds "${SX_PY} ${CMAKE_CURRENT_SOURCE_DIR}/regression/gpkg_same.py ${SX_RF_JOB}/np1/run/landcover_sample.gpkg "
       "${SX_RF_JOB}/np3/run/landcover_sample.gpkg sample && ")
if(SX_HAVE_XLSX)
  string(APPEND cmds "cmp ${SX_RF_JOB}/np1/run/landcover_accuracy.xlsx ${SX_RF_JOB}/np3/run/landcover_accuracy.xlsx && ")
endif()
add_test(NAME rs_classify_job_equal_np3 COMMAND sh -c "${cmds} true")
set_tests_properties(rs_classify_job_equal_np3 PROPERTIES LABELS "regression;mpi"
                     FIXTURES_REQUIRED "rs_classify_job_np1;rs_classify_job_np3")
