/*
 * mc.c — Monte Carlo uncertainty and variance-based sensitivity of an index
 * over the analyst's choices (Saisana, Saltelli & Tarantola 2005, J. R.
 * Stat. Soc. A 168(2) 307-323, doi:10.1111/j.1467-985X.2005.00350.x; OECD
 * 2008 Handbook, section 7).
 *
 * Factors: X1 normalisation (min-max 1-100 / z-score 100 +- 10 / percentile
 * rank), X2 aggregation (arithmetic / geometric), X3 imputation (on / off),
 * X4 weights (every weight times U(1 - s, 1 + s), one group factor). The
 * output is Y = sum over units of |rank - nominal rank| (an integer; COINr's
 * "mean absolute rank shift" times the number of units). Sobol indices use
 * the Saltelli (2010) design A, B, A_B^i (doi:10.1016/j.cpc.2009.09.018):
 * first order S_i = mean(yB (yABi - yA)) / V (Saltelli 2010, eq. (b) of
 * table 2) and total ST_i = mean((yA - yABi)^2) / (2V) (Jansen 1999).
 *
 * Exactness at any rank count: sample j of A or B is drawn from its own
 * counter-based stream (splitmix64 of seed, j and the matrix), samples are
 * scored in fixed batches (batch b = samples [b*B, (b+1)*B), batch b on rank
 * b mod size) so every BLAS product sees the same operands whatever the rank
 * count, and every reduced quantity is an integer (rank histograms, sums of
 * Y, Y^2 and Y products) summed exactly with MPI_INT64_T. Inside a rank,
 * OpenMP threads take whole batches (each its own work space, mc_model.h)
 * and add their integers under one lock, so threads change nothing either.
 * A run whose choices equal A's is given A's output instead of being scored
 * again: the same operations on the same operands would give the same ranks.
 */
#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "econ/mc_model.h"
#include "sanxiang/sx_econ_run.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_splitmix.h"

#define NF 4
#define NR (NF + 2) /* runs per base sample: A, B, A_B^1..4 */

static double next_u(uint64_t *s) { return (double)(sx_splitmix64_next(s) >> 11) * 0x1.0p-53; }

uint64_t sx__mc_stream(uint64_t seed, int64_t j, int m)
{
    return sx_splitmix64_mix(seed ^ sx_splitmix64_mix((uint64_t)j * 2 + (uint64_t)m + 1));
}

static void draw(const sx_econ_mc_opts_t *o, int64_t j, int m, int nn, sx__mc_choice_t *c)
{
    uint64_t s = sx__mc_stream(o->seed, j, m);
    double u0 = next_u(&s), u1 = next_u(&s), u2 = next_u(&s);
    c->norm = o->vary_norm ? (int)(u0 * 3) : 0;
    c->agg = o->vary_agg ? (int)(u1 * 2) : 0;
    c->imp = o->vary_impute ? (int)(u2 * 2) : 1;
    for (int k = 0; k < nn; k++) {
        double u = next_u(&s);
        c->mult[k] = o->vary_weights ? 1 - o->weight_spread + 2 * o->weight_spread * u : 1;
    }
}

/* The runs of base sample j: A, B and A_B^i (A with factor i from B); same[q]
 * is set for a run whose choices equal A's (it has A's output: a factor that
 * B drew as A did, or one that does not vary), so it is not evaluated again. */
static void sample_runs(const sx_econ_mc_opts_t *o, int64_t j, int nn, sx__mc_choice_t *a, unsigned char *same)
{
    sx__mc_choice_t *bb = a + 1;
    draw(o, j, 0, nn, a);
    draw(o, j, 1, nn, bb);
    for (int i = 0; i < NF; i++) {
        sx__mc_choice_t *x = a + 2 + i;
        x->norm = i == 0 ? bb->norm : a->norm;
        x->agg = i == 1 ? bb->agg : a->agg;
        x->imp = i == 2 ? bb->imp : a->imp;
        memcpy(x->mult, i == 3 ? bb->mult : a->mult, (size_t)nn * sizeof(double));
    }
    same[0] = 0;
    for (int q = 1; q < NR; q++)
        same[q] = a[q].norm == a->norm && a[q].agg == a->agg && a[q].imp == a->imp &&
                  !memcmp(a[q].mult, a->mult, (size_t)nn * sizeof(double));
}

static int64_t shift(const int *rank, const int *nominal, int nu)
{
    int64_t y = 0;
    for (int u = 0; u < nu; u++) y += llabs((long long)(rank[u] - nominal[u]));
    return y;
}

void sx_econ_mc_result_fini(sx_econ_mc_result_t *r)
{
    free(r->nominal_rank), free(r->median_rank), free(r->q05), free(r->q95), free(r->mean_rank), free(r->hist);
    memset(r, 0, sizeof *r);
}

/* One thread's work space for a batch: the runs' choices, which runs repeat
 * A, the output Y of every run, the ranks of A and B of every sample, and the
 * model's work space. */
typedef struct {
    sx__mc_choice_t *ch;  /* max_runs */
    double *mult;         /* max_runs x n_node */
    unsigned char *same;  /* max_runs */
    sx__mc_choice_t **runs;
    int *slot;            /* max_runs */
    int64_t *y;           /* max_runs */
    int *rank_ab;         /* batch x 2 x nu */
    sx__mc_worker_t w;
} batch_t;

/* Evaluate one batch of base samples [j0, j1): 6 runs each (A, B, A_B^1..4),
 * into bt->y and bt->rank_ab. */
static void run_batch(const sx__mc_model_t *m, const sx_econ_mc_opts_t *o, int64_t j0, int64_t j1, batch_t *bt, const int *nominal)
{
    const int nu = m->nu, nn = m->nn, nb = (int)(j1 - j0), nr = nb * NR;
    sx__mc_choice_t *ch = bt->ch;
    for (int b = 0; b < nb; b++) sample_runs(o, j0 + b, nn, &ch[b * NR], &bt->same[b * NR]);
    for (int var = 0; var < SX__MC_NVAR; var++)
        for (int agg = 0; agg < 2; agg++) {
            int k = 0; /* every run of the variant, repeats included, so each product has the same operands as ever */
            for (int r = 0; r < nr; r++)
                if (ch[r].imp * 3 + ch[r].norm == var && ch[r].agg == agg) bt->runs[k] = &ch[r], bt->slot[k] = r, k++;
            if (k) sx__mc_pillars(m, &bt->w, bt->runs, bt->slot, k, var, agg, bt->same);
        }
    for (int b = 0; b < nb; b++)
        for (int q = 0; q < NR; q++) {
            const int r = b * NR + q;
            int *rank = q < 2 ? bt->rank_ab + ((int64_t)b * 2 + q) * nu : bt->w.rank;
            if (bt->same[r]) {
                bt->y[r] = bt->y[b * NR];
                if (q == 1) memcpy(rank, bt->rank_ab + (int64_t)b * 2 * nu, (size_t)nu * sizeof(int));
                continue;
            }
            sx__mc_score(m, &bt->w, &ch[r], bt->w.pil + (int64_t)r * nu * m->np, rank);
            bt->y[r] = shift(rank, nominal, nu);
        }
}

/* Add a finished batch of nb samples to the rank histogram and the sums. */
static void add_batch(const batch_t *bt, int nb, int nu, int64_t *hist, int64_t *sums)
{
    for (int b = 0; b < nb; b++) {
        const int *rk = bt->rank_ab + (int64_t)b * 2 * nu;
        for (int q = 0; q < 2; q++)
            for (int u = 0; u < nu; u++) hist[(int64_t)u * nu + rk[(int64_t)q * nu + u] - 1]++;
        const int64_t *y = bt->y + (int64_t)b * NR;
        /* sums: [0] yA+yB, [1] yA^2+yB^2, then per factor sum yB (yABi - yA), sum (yA - yABi)^2 */
        sums[0] += y[0] + y[1];
        sums[1] += y[0] * y[0] + y[1] * y[1];
        for (int i = 0; i < NF; i++) {
            sums[2 + 2 * i] += y[1] * (y[2 + i] - y[0]);
            sums[3 + 2 * i] += (y[0] - y[2 + i]) * (y[0] - y[2 + i]);
        }
    }
}

static void batch_free(batch_t *bt)
{
    free(bt->ch), free(bt->mult), free(bt->same), free(bt->runs), free(bt->slot), free(bt->y), free(bt->rank_ab);
    sx__mc_worker_fini(&bt->w);
    memset(bt, 0, sizeof *bt);
}

static sx_err batch_init(batch_t *bt, const sx__mc_model_t *m, int batch)
{
    const int max_runs = batch * NR, nu = m->nu, nn = m->nn;
    memset(bt, 0, sizeof *bt);
    bt->ch = calloc((size_t)max_runs, sizeof *bt->ch);
    bt->mult = malloc((size_t)max_runs * nn * sizeof *bt->mult);
    bt->same = calloc((size_t)max_runs, 1);
    bt->runs = malloc((size_t)max_runs * sizeof *bt->runs);
    bt->slot = malloc((size_t)max_runs * sizeof *bt->slot);
    bt->y = malloc((size_t)max_runs * sizeof *bt->y);
    bt->rank_ab = malloc((size_t)batch * 2 * nu * sizeof *bt->rank_ab);
    SX_FAIL_IF(!bt->ch || !bt->mult || !bt->same || !bt->runs || !bt->slot || !bt->y || !bt->rank_ab, SX_ERR_NOMEM,
               "out of memory for a Monte Carlo batch of %d samples; lower batch", batch);
    for (int r = 0; r < max_runs; r++) bt->ch[r].mult = bt->mult + (int64_t)r * nn;
    SX_CHECK(sx__mc_worker_init(&bt->w, m, max_runs));
    return SX_OK;
}

sx_err sx_econ_mc_run(MPI_Comm comm, const sx_econ_frame_t *f, const double *x_imp, const double *x_raw, int n_unit,
                      const sx_econ_mc_opts_t *o, sx_econ_mc_result_t *res)
{
    memset(res, 0, sizeof *res);
    int rank, size;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &rank));
    SX_CHECK_MPI(MPI_Comm_size(comm, &size));
    SX_FAIL_IF(o->batch < 1 || o->batch > 1024, SX_ERR_CONFIG, "batch must be 1..1024, got %d", o->batch);
    SX_FAIL_IF(o->n_base < 2, SX_ERR_CONFIG, "samples must be >= 2");
    /* batches are the parallelism: over ranks, and over the OpenMP threads of a rank, each
     * thread with its own work space; one BLAS thread keeps the products identical */
    openblas_set_num_threads(1);
    const int nu = n_unit, nn = f->n_node, nth = omp_get_max_threads();
    sx__mc_model_t m;
    memset(&m, 0, sizeof m);
    batch_t *bts = calloc((size_t)nth, sizeof *bts);
    double *nom_mult = malloc((size_t)nn * sizeof *nom_mult);
    int64_t *hist = calloc((size_t)nu * nu, sizeof *hist), sums[2 + 2 * NF] = {0};
    res->nominal_rank = malloc((size_t)nu * sizeof(int));
    sx_err err = SX_OK;
    if (!bts || !nom_mult || !hist || !res->nominal_rank) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory");
    err = sx__mc_model_init(&m, f, x_imp, x_raw, nu);
    for (int t = 0; t < nth && err == SX_OK; t++) err = batch_init(&bts[t], &m, o->batch);
    if (err == SX_OK) { /* nominal: min-max, arithmetic, imputed, dictionary weights */
        sx__mc_choice_t nom = {0, 0, 1, nom_mult};
        for (int k = 0; k < nn; k++) nom_mult[k] = 1;
        sx__mc_choice_t *rp = &nom;
        int slot0 = 0;
        sx__mc_pillars(&m, &bts[0].w, &rp, &slot0, 1, 3, 0, NULL);
        sx__mc_score(&m, &bts[0].w, &nom, bts[0].w.pil, res->nominal_rank);
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    const int64_t nbatch = (o->n_base + o->batch - 1) / o->batch, mine = rank < nbatch ? (nbatch - rank + size - 1) / size : 0;
    sx_progress_t prog;
    sx_progress_init(&prog, "Monte Carlo batches", mine);
    int64_t finished = 0, reported = 0;
#pragma omp parallel
    {
        batch_t *bt = &bts[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
        for (int64_t k = 0; k < mine; k++) {
            const int64_t b = rank + k * size, j0 = b * o->batch, j1 = j0 + o->batch < o->n_base ? j0 + o->batch : o->n_base;
            run_batch(&m, o, j0, j1, bt, res->nominal_rank);
#pragma omp critical(sx_econ_mc_add)
            {
                add_batch(bt, (int)(j1 - j0), nu, hist, sums); /* integers: the order of batches does not matter */
                finished++;
                if (omp_get_thread_num() == 0) sx_progress_add(&prog, finished - reported), reported = finished;
            }
        }
    }
    sx_progress_add(&prog, finished - reported);
    sx_progress_fini(&prog);
    SX_CHECK_GOTO(sx_err_agree(comm, SX_OK), err, done);
    int cnt;
    SX_CHECK_GOTO(sx_mpi_count((int64_t)nu * nu, &cnt), err, done);
    if (MPI_Allreduce(MPI_IN_PLACE, hist, cnt, MPI_INT64_T, MPI_SUM, comm) != MPI_SUCCESS ||
        MPI_Allreduce(MPI_IN_PLACE, sums, 2 + 2 * NF, MPI_INT64_T, MPI_SUM, comm) != MPI_SUCCESS)
        SX_FAIL_GOTO(err, done, SX_ERR_MPI, "MPI_Allreduce of Monte Carlo results failed");
    res->n_unit = nu, res->n_factor = NF, res->n_runs = o->n_base * (NF + 2);
    res->hist = hist, hist = NULL;
    res->median_rank = malloc((size_t)nu * sizeof(int)), res->q05 = malloc((size_t)nu * sizeof(int));
    res->q95 = malloc((size_t)nu * sizeof(int)), res->mean_rank = malloc((size_t)nu * sizeof(double));
    if (!res->median_rank || !res->q05 || !res->q95 || !res->mean_rank) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory");
    const int64_t tot = 2 * o->n_base;
    for (int u = 0; u < nu; u++) {
        const int64_t *h = res->hist + (int64_t)u * nu;
        int64_t c = 0, sr = 0;
        res->q05[u] = res->median_rank[u] = res->q95[u] = 0;
        for (int r = 0; r < nu; r++) {
            c += h[r];
            sr += h[r] * (r + 1);
            /* quantile q: smallest rank whose cumulative count reaches q * total (integer test: 100 c >= q tot) */
            if (!res->q05[u] && 100 * c >= 5 * tot) res->q05[u] = r + 1;
            if (!res->median_rank[u] && 2 * c >= tot) res->median_rank[u] = r + 1;
            if (!res->q95[u] && 100 * c >= 95 * tot) res->q95[u] = r + 1;
        }
        res->mean_rank[u] = (double)sr / (double)tot;
    }
    const double n2 = (double)tot, mean = sums[0] / n2;
    res->var_y = sums[1] / n2 - mean * mean;
    for (int i = 0; i < NF; i++) {
        res->si[i] = res->var_y > 0 ? (sums[2 + 2 * i] / (double)o->n_base) / res->var_y : NAN;
        res->st[i] = res->var_y > 0 ? (sums[3 + 2 * i] / (2.0 * o->n_base)) / res->var_y : NAN;
    }
    static const char *names[NF] = {"normalisation", "aggregation", "imputation", "weights"};
    for (int i = 0; i < NF; i++) res->factor_name[i] = names[i];
done:
    for (int t = 0; bts && t < nth; t++) batch_free(&bts[t]);
    sx__mc_model_free(&m);
    free(bts), free(nom_mult), free(hist);
    if (err != SX_OK) sx_econ_mc_result_fini(res);
    return err;
}

sx_err sx_econ_mc_write(MPI_Comm comm, const sx_econ_mc_result_t *r, char *const *units, const char *out_dir)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "code,nominal_rank,median_rank,mean_rank,rank_q05,rank_q95\n");
    for (int u = 0; u < r->n_unit; u++) {
        sx__econ_csv_str(&sb, units[u], ',');
        sx_strbuf_printf(&sb, "%d,%d,", r->nominal_rank[u], r->median_rank[u]);
        sx__econ_csv_num(&sb, r->mean_rank[u], 4, ',');
        sx_strbuf_printf(&sb, "%d,%d\n", r->q05[u], r->q95[u]);
    }
    sx_err err = sx__econ_write(comm, out_dir, "uncertainty.csv", &sb);
    sx_strbuf_fini(&sb);
    SX_CHECK(err);
    sx_strbuf_init(&sb);
    sx_strbuf_printf(&sb, "factor,first_order,total,model_runs,variance_of_rank_shift\n");
    for (int i = 0; i < r->n_factor; i++) {
        sx__econ_csv_str(&sb, r->factor_name[i], ',');
        sx__econ_csv_num(&sb, r->si[i], 6, ',');
        sx__econ_csv_num(&sb, r->st[i], 6, ',');
        sx_strbuf_printf(&sb, "%lld,", (long long)r->n_runs);
        sx__econ_csv_num(&sb, r->var_y, 6, '\n');
    }
    err = sx__econ_write(comm, out_dir, "sensitivity.csv", &sb);
    sx_strbuf_fini(&sb);
    SX_CHECK(err);
    return SX_OK;
}
