/*
 * dsrc.c — runoff correction by the dynamic system response curve (see
 * sx_hydro_dsrc.h): the response matrix of the routing system by forward
 * differences, the runoff error by (ridge) least squares with LAPACKE's
 * SVD solver, and the forecast re-routed with the corrected runoff. The
 * system is a callback, so the same code serves a unit hydrograph (linear,
 * the exact case of the unit test) and a forecast network of Xinanjiang or
 * GR4J sub-basins (sx_hydro_model_run_dr) routed by Muskingum.
 */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_hydro_dsrc.h"

void sx_hydro_uh_route(const double *R, int64_t n, const double *uh, int nuh, double *Q)
{
    for (int64_t t = 0; t < n; t++) {
        double s = 0;
        for (int k = 0; k < nuh && k <= t; k++) s += uh[k] * R[t - k];
        Q[t] = s;
    }
}

static double rms_misfit(const double *obs, const double *q, int64_t a, int64_t b)
{
    double s = 0;
    int64_t c = 0;
    for (int64_t t = a; t <= b; t++)
        if (isfinite(obs[t])) s += (obs[t] - q[t]) * (obs[t] - q[t]), c++;
    return c ? sqrt(s / c) : NAN;
}

sx_err sx_hydro_dsrc(const sx_hydro_dsrc_opts_t *o, sx_hydro_dsrc_fn f, void *ctx, int64_t n, int64_t issue,
                     const double *obs, double *q_sim, double *dR, double *q_corr, sx_hydro_dsrc_info_t *info)
{
    const int64_t m = o->m;
    SX_FAIL_IF(m < 1 || m > 1000 || o->window < m, SX_ERR_CONFIG,
               "DSRC needs 1 <= m <= 1000 corrected runoff steps and a window >= m observed steps (m %lld, window "
               "%lld)", (long long)m, (long long)o->window);
    SX_FAIL_IF(!(o->alpha >= 0) || !(o->delta > 0), SX_ERR_CONFIG, "DSRC alpha %g must be >= 0 and delta %g > 0",
               o->alpha, o->delta);
    SX_FAIL_IF(issue < m - 1 || issue >= n, SX_ERR_INTERNAL, "DSRC issue step %lld outside the series of %lld",
               (long long)issue, (long long)n);
    memset(info, 0, sizeof *info);
    const int64_t a = issue - o->window + 1 > 0 ? issue - o->window + 1 : 0;
    int64_t rows = 0;
    for (int64_t t = a; t <= issue; t++) rows += isfinite(obs[t]);
    info->rows = rows;
    SX_FAIL_IF(rows < m, SX_ERR_INPUT, "DSRC needs at least %lld observed steps in the window to correct %lld runoff "
               "steps, found %lld", (long long)m, (long long)m, (long long)rows);
    const int64_t nr = rows + (o->alpha > 0 ? m : 0);
    double *U = NULL, *b = NULL, *q = NULL, *sv = NULL, *e = NULL;
    sx_err err = SX_OK;
    U = calloc((size_t)(nr * m), sizeof *U); /* column-major nr x m */
    b = calloc((size_t)nr, sizeof *b);
    q = malloc((size_t)n * sizeof *q);
    sv = malloc((size_t)m * sizeof *sv);
    e = calloc((size_t)m, sizeof *e);
    if (!U || !b || !q || !sv || !e) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory for a DSRC of %lld x %lld",
                                                  (long long)nr, (long long)m);
    SX_CHECK_GOTO(f(ctx, e, q_sim), err, done);
    for (int64_t j = 0; j < m; j++) { /* response curve of a runoff change at step issue-m+1+j */
        e[j] = o->delta;
        SX_CHECK_GOTO(f(ctx, e, q), err, done);
        e[j] = 0;
        int64_t r = 0;
        for (int64_t t = a; t <= issue; t++)
            if (isfinite(obs[t])) U[j * nr + r++] = (q[t] - q_sim[t]) / o->delta;
    }
    double norm2 = 0;
    for (int64_t j = 0; j < m; j++)
        for (int64_t i = 0; i < rows; i++) norm2 += U[j * nr + i] * U[j * nr + i];
    if (!(norm2 > 0))
        SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "the discharge at the observed steps does not respond to the runoff of "
                     "the last %lld steps (zero response matrix); widen the window or correct more runoff steps",
                     (long long)m);
    int64_t r = 0;
    for (int64_t t = a; t <= issue; t++)
        if (isfinite(obs[t])) b[r++] = obs[t] - q_sim[t];
    for (int64_t j = 0; o->alpha > 0 && j < m; j++) U[j * nr + rows + j] = sqrt(o->alpha * norm2 / (double)m);
    lapack_int rank = 0;
    lapack_int inf = LAPACKE_dgelsd(LAPACK_COL_MAJOR, (lapack_int)nr, (lapack_int)m, 1, U, (lapack_int)nr, b,
                                    (lapack_int)nr, sv, 1e-10, &rank);
    if (inf != 0) SX_FAIL_GOTO(err, done, SX_ERR_NUMERIC, "LAPACKE_dgelsd failed (info %d) on the DSRC response "
                                                          "matrix", (int)inf);
    info->rank = (int)rank;
    memcpy(dR, b, (size_t)m * sizeof *dR);
    SX_CHECK_GOTO(f(ctx, dR, q_corr), err, done);
    info->rms_before = rms_misfit(obs, q_sim, a, issue);
    info->rms_after = rms_misfit(obs, q_corr, a, issue);
done:
    free(U);
    free(b);
    free(q);
    free(sv);
    free(e);
    return err;
}
