/*
 * classify_internal.h — what the files of rs classify share (not public):
 * the sample cells read from the training layer, and the held-back test.
 */
#ifndef SX_RS_CLASSIFY_INTERNAL_H
#define SX_RS_CLASSIFY_INTERNAL_H

#include "rs/rs_internal.h"
#include "sanxiang/sx_rs_classify.h"

/** Sample cells: v[3 i .. 3 i + 2] = column, row, class value of sample i. */
typedef struct {
    int64_t *v;
    int64_t n, cap;
} sx__rs_cells_t;

/** Read o->samples on rank 0 into cells of grid g and broadcast them; every
 *  rank gets the same list (caller frees c->v). Collective over comm. */
sx_err sx__rs_classify_cells(MPI_Comm comm, const sx_rs_classify_opts_t *o, const sx_grid_t *g, sx__rs_cells_t *c);

/** Classify the n test samples x (n x f->nfeat) whose class indices are y:
 *  overall accuracy into *overall, the confusion matrix and per-class
 *  accuracies to <stem>_test_matrix.csv and <stem>_test.csv (when write).
 *  Not collective: call on one rank to write. */
sx_err sx__rs_classify_test(const sx_rs_forest_t *f, const double *x, const int *y, int64_t n, const char *stem,
                            int write, double *overall);

#endif
