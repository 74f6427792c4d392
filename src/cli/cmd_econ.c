/*
 * cmd_econ.c — `sanxiang econ <verb>`: indicator runs for planners.
 * index / targets / uncertainty run a job file that holds a step of that
 * kind (the same file `sanxiang run` accepts); ahp prints weights and the
 * consistency ratio of a pairwise-comparison matrix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_config.h"
#include "sanxiang/sx_econ.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_mpi.h"

void sx_cli_econ_help(void)
{
    printf("usage: sanxiang econ <verb> ...\n\n"
           "  index JOB.yaml [--out DIR] [--set key=value ...]\n"
           "      Composite index (step econ_index): denominate, impute, screen, treat outliers, normalise,\n"
           "      weight, aggregate indicators -> pillars -> sub-indices -> index, rank. Writes scores.csv,\n"
           "      weights.csv, data_quality.csv, units_quality.csv, treated.csv, normalised.csv, methodology.md.\n"
           "      Example: jobs/asem_coinr.yaml (reproduces COINr's ASEM example).\n"
           "  targets JOB.yaml [--out DIR] [--set key=value ...]\n"
           "      Plan target tracking (step econ_targets): completion %%, required vs actual compound growth,\n"
           "      on-track flag. Writes targets.csv and targets.md. Example: jobs/hunan_fyp_targets.yaml.\n"
           "  uncertainty JOB.yaml [--out DIR] [--set key=value ...]\n"
           "      Monte Carlo over normalisation, aggregation, imputation and weights (step econ_uncertainty),\n"
           "      spread over the MPI ranks with identical results at any rank count: median rank and 5-95 %%\n"
           "      interval per unit (uncertainty.csv), first-order and total Sobol indices (sensitivity.csv).\n"
           "      Example: mpirun -np 4 sanxiang econ uncertainty jobs/asem_uncertainty.yaml\n"
           "  ahp MATRIX.csv\n"
           "      AHP weights (principal eigenvector) and Saaty's consistency ratio of a square reciprocal\n"
           "      pairwise matrix given as CSV with a header row of criterion names.\n\n"
           "Job keys of each step: sanxiang run --help.\n");
}

static sx_err ahp(int argc, char **argv)
{
    SX_FAIL_IF(argc != 2, SX_ERR_USAGE, "usage: sanxiang econ ahp MATRIX.csv");
    sx_table_t *t = NULL;
    SX_CHECK(sx_table_read(argv[1], &t));
    int n = t->ncol;
    sx_err err = SX_OK;
    double *a = malloc((size_t)n * n * sizeof *a), *w = malloc((size_t)n * sizeof *w), lmax = 0, cr = 0;
    if (!a || !w) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory");
    if (t->nrow != n) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: %d rows for %d columns; the matrix must be square", argv[1], t->nrow, n);
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
    free(a), free(w);
    sx_table_destroy(&t);
    return err;
}

sx_err sx_cli_econ(int argc, char **argv)
{
    SX_FAIL_IF(argc < 2, SX_ERR_USAGE, "econ needs a verb; see sanxiang econ --help");
    if (!strcmp(argv[1], "index")) return sx_cli_job_file("sanxiang econ index", "econ_index", argc - 1, argv + 1);
    if (!strcmp(argv[1], "targets")) return sx_cli_job_file("sanxiang econ targets", "econ_targets", argc - 1, argv + 1);
    if (!strcmp(argv[1], "uncertainty")) return sx_cli_job_file("sanxiang econ uncertainty", "econ_uncertainty", argc - 1, argv + 1);
    if (!strcmp(argv[1], "ahp")) return ahp(argc - 1, argv + 1);
    SX_FAIL(SX_ERR_USAGE, "unknown verb 'econ %s'; see sanxiang econ --help", argv[1]);
}
