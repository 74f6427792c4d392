/*
 * classify_internal.h — what the files of rs classify share (not public):
 * the held-back test (the sample cells come from sx__rs_feature_cells).
 */
#ifndef SX_RS_CLASSIFY_INTERNAL_H
#define SX_RS_CLASSIFY_INTERNAL_H

#include "rs/rs_internal.h"
#include "sanxiang/sx_rs_classify.h"

/** Classify the n test samples x (n x f->nfeat) whose class indices are y:
 *  overall accuracy into *overall, the confusion matrix and per-class
 *  accuracies to <stem>_test_matrix.csv and <stem>_test.csv (when write).
 *  Not collective: call on one rank to write. */
sx_err sx__rs_classify_test(const sx_rs_forest_t *f, const double *x, const int *y, int64_t n, const char *stem,
                            int write, double *overall);

#endif
