/*
 * step_econ_ahp.c — the command `sanxiang econ ahp MATRIX.csv`: AHP weights
 * (Saaty 1980: the principal eigenvector) and the consistency ratio of one
 * pairwise-comparison matrix, printed for a planner checking judgements
 * before they go into a job's `ahp:` key.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sanxiang/sx_econ.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_table.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "econ_ahp"},
    {"matrix", SX_CFG_T_PATH, 1, NULL, 1, 0, NULL, "square reciprocal pairwise matrix, CSV with a header row of "
     "criterion names", "1", "MATRIX.csv"},
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    (void)comm;
    const char *path;
    SX_CHECK(sx_cfg_get_string(sx_job_cfg(job), node, "matrix", NULL, &path));
    sx_table_t *t = NULL;
    SX_CHECK(sx_table_read(path, &t));
    int n = t->ncol;
    sx_err err = SX_OK;
    double *a = malloc((size_t)n * n * sizeof *a), *w = malloc((size_t)n * sizeof *w), lmax = 0, cr = 0;
    if (!a || !w) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory");
    if (t->nrow != n) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: %d rows for %d columns; the matrix must be square", path, t->nrow, n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) SX_CHECK_GOTO(sx_table_num(t, i, j, &a[i * n + j]), err, done);
    SX_CHECK_GOTO(sx_econ_weights_ahp(a, n, w, &lmax, &cr), err, done);
    if (sx_mpi_rank() == 0) {
        printf("criterion,weight\n");
        for (int i = 0; i < n; i++) printf("%s,%.6f\n", t->head[i], w[i]);
        printf("# lambda_max %.6f, CI %.6f, CR %.6f (%s)\n", lmax, n > 1 ? (lmax - n) / (n - 1) : 0.0, cr,
               cr < 0.1 ? "acceptable, CR < 0.10" : "inconsistent, revise the judgements");
    }
done:
    free(a);
    free(w);
    sx_table_destroy(&t);
    return err;
}

const sx_job_step_t sx_step_econ_ahp = {
    "econ_ahp", "AHP weights and consistency ratio of a pairwise-comparison matrix", fields,
    sizeof fields / sizeof *fields, run, "econ ahp", NULL, NULL, 1};
