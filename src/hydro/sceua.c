/*
 * sceua.c — Shuffled Complex Evolution (SCE-UA), Duan, Sorooshian & Gupta
 * (1992, doi:10.1029/91WR02985; CCE details as in their 1994 paper,
 * doi:10.1016/0022-1694(94)90057-4).
 *
 * Parallel layout: the initial sample is split into contiguous rank blocks
 * by point index, complexes into contiguous rank blocks by complex index;
 * results are gathered by index (MPI_Allgatherv), never reduced, and every
 * random number of complex k in generation g comes from a stream seeded by
 * (seed, g, k). The population after each shuffle is sorted by (value,
 * index). Hence the output is bit-identical at any rank count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_hydro_sceua.h"
#include "sanxiang/sx_mpi.h"
#include "hydro/hydro_rng.h"

void sx_sceua_defaults(sx_sceua_opts_t *o)
{
    o->ncomplex = 4;
    o->max_evals = 10000;
    o->kstop = 10;
    o->pcento = 1e-5;
    o->peps = 1e-7;
    o->seed = 1;
    o->keep_population = 0;
}

typedef struct {
    sx_sceua_fn f;
    void *ctx;
    int n;
    const double *lo, *hi;
    int64_t evals;
} problem_t;

static double eval(problem_t *pb, const double *x)
{
    pb->evals++;
    double v = pb->f(x, pb->ctx);
    return isfinite(v) ? v : 1e300;
}

/* Sort rows (n+1 doubles: f, x...) by f then by original position. */
typedef struct {
    double f;
    int64_t pos;
    const double *row;
} sortkey_t;

static int cmp_key(const void *a, const void *b)
{
    const sortkey_t *x = a, *y = b;
    if (x->f < y->f) return -1;
    if (x->f > y->f) return 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static sx_err sort_rows(double *rows, int64_t count, int w)
{
    sortkey_t *k;
    double *tmp;
    SX_ALLOC(k, count, "SCE-UA sort keys");
    tmp = malloc((size_t)count * (size_t)w * sizeof *tmp);
    if (!tmp) {
        free(k);
        SX_FAIL(SX_ERR_NOMEM, "cannot allocate SCE-UA sort buffer");
    }
    for (int64_t i = 0; i < count; i++) k[i] = (sortkey_t){rows[i * w], i, rows + i * w};
    qsort(k, (size_t)count, sizeof *k, cmp_key);
    for (int64_t i = 0; i < count; i++) memcpy(tmp + i * w, k[i].row, (size_t)w * sizeof *tmp);
    memcpy(rows, tmp, (size_t)count * (size_t)w * sizeof *tmp);
    free(k);
    free(tmp);
    return SX_OK;
}

static void random_in_box(sx__rng_t *r, int n, const double *a, const double *b, double *x)
{
    for (int d = 0; d < n; d++) x[d] = a[d] + sx__rng_uniform(r) * (b[d] - a[d]);
}

/* Competitive complex evolution of one complex cx (m rows, sorted). */
static void cce(problem_t *pb, double *cx, int m, sx__rng_t *r, double *work)
{
    const int n = pb->n, w = n + 1, q = n + 1, beta = 2 * n + 1;
    int sel[64];
    double *g = work, *pr = g + n, *lo = pr + n, *hi = lo + n;
    for (int it = 0; it < beta; it++) {
        /* triangular selection of q distinct members, p_i = 2(m+1-i)/(m(m+1)) */
        int nsel = 0;
        while (nsel < q) {
            double u = sx__rng_uniform(r) * m * (m + 1) / 2.0, acc = 0;
            int pick = m - 1;
            for (int i = 0; i < m; i++) {
                acc += m - i;
                if (u < acc) {
                    pick = i;
                    break;
                }
            }
            int dup = 0;
            for (int j = 0; j < nsel; j++) dup |= sel[j] == pick;
            if (!dup) sel[nsel++] = pick;
        }
        for (int i = 1; i < q; i++) /* ascending index = ascending f */
            for (int j = i; j > 0 && sel[j - 1] > sel[j]; j--) {
                int t = sel[j];
                sel[j] = sel[j - 1];
                sel[j - 1] = t;
            }
        double *worst = cx + (int64_t)sel[q - 1] * w;
        for (int d = 0; d < n; d++) {
            g[d] = 0;
            for (int j = 0; j < q - 1; j++) g[d] += cx[(int64_t)sel[j] * w + 1 + d];
            g[d] /= q - 1;
        }
        for (int d = 0; d < n; d++) {
            lo[d] = hi[d] = cx[1 + d];
            for (int i = 1; i < m; i++) {
                double v = cx[(int64_t)i * w + 1 + d];
                lo[d] = fmin(lo[d], v);
                hi[d] = fmax(hi[d], v);
            }
        }
        int inside = 1;
        for (int d = 0; d < n; d++) {
            pr[d] = 2 * g[d] - worst[1 + d];
            inside &= pr[d] >= pb->lo[d] && pr[d] <= pb->hi[d];
        }
        if (!inside) random_in_box(r, n, lo, hi, pr);
        double fr = eval(pb, pr);
        if (fr >= worst[0]) {
            for (int d = 0; d < n; d++) pr[d] = 0.5 * (g[d] + worst[1 + d]);
            fr = eval(pb, pr);
            if (fr >= worst[0]) {
                random_in_box(r, n, lo, hi, pr);
                fr = eval(pb, pr);
            }
        }
        worst[0] = fr;
        memcpy(worst + 1, pr, (size_t)n * sizeof *pr);
        /* keep the complex sorted: move the replaced row to its place */
        int i = sel[q - 1];
        double row[65];
        memcpy(row, worst, (size_t)w * sizeof *row);
        while (i > 0 && cx[(int64_t)(i - 1) * w] > row[0]) {
            memcpy(cx + (int64_t)i * w, cx + (int64_t)(i - 1) * w, (size_t)w * sizeof *row);
            i--;
        }
        while (i < m - 1 && cx[(int64_t)(i + 1) * w] < row[0]) {
            memcpy(cx + (int64_t)i * w, cx + (int64_t)(i + 1) * w, (size_t)w * sizeof *row);
            i++;
        }
        memcpy(cx + (int64_t)i * w, row, (size_t)w * sizeof *row);
    }
}

static void block(int64_t total, int size, int rank, int64_t *b0, int64_t *b1)
{
    *b0 = total * rank / size;
    *b1 = total * (rank + 1) / size;
}

static double norm_range(const double *pop, int64_t s, int n, const double *lo, const double *hi)
{
    double acc = 0;
    for (int d = 0; d < n; d++) {
        double a = pop[1 + d], b = a;
        for (int64_t i = 1; i < s; i++) {
            a = fmin(a, pop[i * (n + 1) + 1 + d]);
            b = fmax(b, pop[i * (n + 1) + 1 + d]);
        }
        acc += log(fmax((b - a) / (hi[d] - lo[d]), 1e-300));
    }
    return exp(acc / n);
}

sx_err sx_sceua_minimize(MPI_Comm comm, sx_sceua_fn f, void *ctx, int n, const double *lo, const double *hi,
                         const sx_sceua_opts_t *opts, double *xbest, sx_sceua_result_t *res)
{
    res->pop = NULL, res->npop = 0, res->pop_w = 0;
    SX_FAIL_IF(n < 1 || n > 60, SX_ERR_INPUT, "SCE-UA supports 1 to 60 parameters, got %d", n);
    for (int d = 0; d < n; d++)
        SX_FAIL_IF(!(hi[d] > lo[d]), SX_ERR_INPUT, "SCE-UA bounds of parameter %d: [%g, %g] is empty", d + 1, lo[d], hi[d]);
    SX_FAIL_IF(opts->ncomplex < 1, SX_ERR_INPUT, "SCE-UA needs at least one complex");
    int rank, size;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &rank));
    SX_CHECK_MPI(MPI_Comm_size(comm, &size));
    const int p = opts->ncomplex, m = 2 * n + 1, w = n + 1;
    const int64_t s = (int64_t)p * m;
    problem_t pb = {f, ctx, n, lo, hi, 0};
    double *pop = NULL, *cx = NULL, *work = NULL;
    int *counts = NULL, *displs = NULL;
    int64_t *evals_all = NULL;
    sx_err err = SX_OK;
    pop = malloc((size_t)s * w * sizeof *pop);
    cx = malloc((size_t)s * w * sizeof *cx);
    work = malloc((size_t)4 * n * sizeof *work);
    counts = malloc((size_t)size * sizeof *counts);
    displs = malloc((size_t)size * sizeof *displs);
    evals_all = calloc((size_t)p + 1, sizeof *evals_all);
    if (!pop || !cx || !work || !counts || !displs || !evals_all) {
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the SCE-UA population (%lld points)",
                         (long long)s);
        goto done;
    }

    /* Initial sample: every rank draws all points, evaluates its block. */
    sx__rng_t r;
    sx__rng_seed(&r, opts->seed, UINT64_MAX, 0);
    for (int64_t i = 0; i < s; i++) random_in_box(&r, n, lo, hi, pop + i * w + 1);
    int64_t b0, b1;
    block(s, size, rank, &b0, &b1);
    for (int64_t i = b0; i < b1; i++) pop[i * w] = eval(&pb, pop + i * w + 1);
    for (int k = 0; k < size; k++) {
        int64_t a, b;
        block(s, size, k, &a, &b);
        counts[k] = (int)((b - a) * w);
        displs[k] = (int)(a * w);
    }
    SX_CHECK_GOTO(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, pop, counts, displs, MPI_DOUBLE, comm) == MPI_SUCCESS
                      ? SX_OK : sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "MPI_Allgatherv of the SCE-UA sample failed"),
                  err, done);
    int64_t evals = s;
    SX_CHECK_GOTO(sort_rows(pop, s, w), err, done);

    int gen = 0, converged = 0;
    double *best_hist = NULL;
    int kmax = opts->kstop > 0 ? opts->kstop : 1;
    best_hist = calloc((size_t)kmax + 1, sizeof *best_hist);
    if (!best_hist) {
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        goto done;
    }
    for (int k = 0; k < size; k++) {
        int64_t a, b;
        block(p, size, k, &a, &b);
        counts[k] = (int)((b - a) * m * w);
        displs[k] = (int)(a * m * w);
    }
    while (evals < opts->max_evals) {
        if (norm_range(pop, s, n, lo, hi) < opts->peps) {
            converged = 1;
            break;
        }
        /* partition: complex k takes sorted points k, k+p, k+2p, ... */
        for (int k = 0; k < p; k++)
            for (int j = 0; j < m; j++)
                memcpy(cx + ((int64_t)k * m + j) * w, pop + ((int64_t)j * p + k) * w, (size_t)w * sizeof *cx);
        int64_t c0, c1;
        block(p, size, rank, &c0, &c1);
        for (int64_t k = 0; k <= p; k++) evals_all[k] = 0;
        for (int64_t k = c0; k < c1; k++) {
            sx__rng_t rk;
            sx__rng_seed(&rk, opts->seed, (uint64_t)gen, (uint64_t)k);
            pb.evals = 0;
            cce(&pb, cx + k * m * w, m, &rk, work);
            evals_all[k] = pb.evals;
        }
        if (MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, cx, counts, displs, MPI_DOUBLE, comm) != MPI_SUCCESS ||
            MPI_Allreduce(MPI_IN_PLACE, evals_all, p, MPI_INT64_T, MPI_SUM, comm) != MPI_SUCCESS) {
            err = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "gathering SCE-UA complexes failed");
            goto done_hist;
        }
        for (int k = 0; k < p; k++) evals += evals_all[k];
        memcpy(pop, cx, (size_t)s * w * sizeof *pop);
        SX_CHECK_GOTO(sort_rows(pop, s, w), err, done_hist);
        gen++;
        /* best over the last kstop generations must improve by pcento */
        memmove(best_hist, best_hist + 1, (size_t)kmax * sizeof *best_hist);
        best_hist[kmax] = pop[0];
        if (gen > kmax) {
            double old = best_hist[0], now = best_hist[kmax];
            double scale = fmax(fabs(old) + fabs(now), 1e-300) / 2;
            if ((old - now) / scale < opts->pcento) {
                converged = 1;
                break;
            }
        }
    }
    memcpy(xbest, pop + 1, (size_t)n * sizeof *xbest);
    res->fbest = pop[0];
    res->evals = evals;
    res->generations = gen;
    res->converged = converged;
    if (opts->keep_population) { /* sorted by (value, point): the same at any rank count */
        res->pop = pop, res->npop = s, res->pop_w = w;
        pop = NULL;
    }
done_hist:
    free(best_hist);
done:
    free(pop);
    free(cx);
    free(work);
    free(counts);
    free(displs);
    free(evals_all);
    return err;
}
