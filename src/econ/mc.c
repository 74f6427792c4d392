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
 * Y, Y^2 and Y products) summed exactly with MPI_INT64_T.
 */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "econ/econ_internal.h"
#include "sanxiang/sx_econ_run.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"

#define NF 4
#define NVAR 6 /* imputation (2) x normalisation (3) */
#define LOG_FLOOR 1e-6

typedef struct {
    int norm, agg, imp;
    double *mult; /* n_node weight multipliers */
} choice_t;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double next_u(uint64_t *s)
{
    *s += 0x9E3779B97F4A7C15ULL;
    return (double)(mix64(*s) >> 11) * 0x1.0p-53;
}

static void draw(const sx_econ_mc_opts_t *o, int64_t j, int m, int nn, choice_t *c)
{
    uint64_t s = mix64(o->seed ^ mix64((uint64_t)j * 2 + (uint64_t)m + 1));
    double u0 = next_u(&s), u1 = next_u(&s), u2 = next_u(&s);
    c->norm = o->vary_norm ? (int)(u0 * 3) : 0;
    c->agg = o->vary_agg ? (int)(u1 * 2) : 0;
    c->imp = o->vary_impute ? (int)(u2 * 2) : 1;
    for (int k = 0; k < nn; k++) {
        double u = next_u(&s);
        c->mult[k] = o->vary_weights ? 1 - o->weight_spread + 2 * o->weight_spread * u : 1;
    }
}

typedef struct {
    const sx_econ_frame_t *f;
    int nu, ni, nn, np;
    int *pillar;      /* np node indices of level 2 */
    int *pil_of;      /* ni: position of the indicator's pillar */
    int *perm, *poff; /* column c of the variant matrices is indicator perm[c]; pillar p has columns poff[p]..poff[p+1] */
    int *up, n_up;    /* aggregate nodes above the pillars, children first */
    int *ch_start, *ch; /* children of node j: ch[ch_start[j] .. ch_start[j+1]) */
    double *x0[NVAR], *lg[NVAR], *mask[NVAR]; /* nu x ni: value (NaN -> 0), log value, availability */
    int complete[NVAR];
    /* batch work space */
    double *w, *c, *d, *pil; /* pil: runs x nu x np */
    double *node;            /* nu x nn for one run */
    double *score;
    int *rank;
} model_t;

static sx_err normalise_variant(const double *x, int nu, int ni, const sx_econ_frame_t *f, int norm, double *out)
{
    memcpy(out, x, (size_t)nu * ni * sizeof *out);
    sx_econ_norm_opts_t no = {SX_NORM_MINMAX, 1, 100, 100, 10};
    if (norm == 1) no.method = SX_NORM_ZSCORE;
    if (norm == 2) no.method = SX_NORM_RANK;
    SX_CHECK(sx_econ_normalise(out, nu, ni, f->dir, NULL, (const char *const *)f->code, &no));
    if (norm == 2) { /* ranks 1..n -> percentiles (0, 100] */
        int *cnt = calloc((size_t)ni, sizeof *cnt);
        SX_FAIL_IF(!cnt, SX_ERR_NOMEM, "out of memory");
        for (int u = 0; u < nu; u++)
            for (int i = 0; i < ni; i++) cnt[i] += !isnan(out[(int64_t)u * ni + i]);
        for (int u = 0; u < nu; u++)
            for (int i = 0; i < ni; i++) out[(int64_t)u * ni + i] *= 100.0 / cnt[i];
        free(cnt);
    }
    return SX_OK;
}

static void model_free(model_t *m)
{
    for (int v = 0; v < NVAR; v++) free(m->x0[v]), free(m->lg[v]), free(m->mask[v]);
    free(m->pillar), free(m->pil_of), free(m->perm), free(m->poff), free(m->up), free(m->ch_start), free(m->ch), free(m->w), free(m->c), free(m->d), free(m->pil), free(m->node), free(m->score), free(m->rank);
}

static sx_err model_init(model_t *m, const sx_econ_frame_t *f, const double *x_imp, const double *x_raw, int nu, int max_runs)
{
    memset(m, 0, sizeof *m);
    m->f = f, m->nu = nu, m->ni = f->n_ind, m->nn = f->n_node;
    for (int j = 0; j < f->n_node; j++) m->np += f->level[j] == 2;
    const int ni = m->ni, np = m->np;
    m->pillar = malloc((size_t)np * sizeof(int));
    m->pil_of = malloc((size_t)ni * sizeof(int));
    SX_FAIL_IF(!m->pillar || !m->pil_of, SX_ERR_NOMEM, "out of memory");
    for (int j = 0, k = 0; j < f->n_node; j++)
        if (f->level[j] == 2) m->pillar[k++] = j;
    for (int i = 0; i < ni; i++)
        for (int k = 0; k < np; k++)
            if (m->pillar[k] == f->parent[i]) m->pil_of[i] = k;
    /* group each pillar's indicators into adjacent columns: one small product per pillar
     * instead of a product with a block-diagonal (mostly zero) weight matrix */
    m->perm = malloc((size_t)ni * sizeof(int));
    m->poff = calloc((size_t)np + 1, sizeof(int));
    SX_FAIL_IF(!m->perm || !m->poff, SX_ERR_NOMEM, "out of memory");
    for (int p = 0, c = 0; p < np; p++) {
        m->poff[p] = c;
        for (int i = 0; i < ni; i++)
            if (m->pil_of[i] == p) m->perm[c++] = i;
        m->poff[p + 1] = c;
    }
    const int nn = f->n_node;
    m->up = malloc((size_t)nn * sizeof(int));
    m->ch_start = calloc((size_t)nn + 1, sizeof(int));
    m->ch = malloc((size_t)nn * sizeof(int));
    SX_FAIL_IF(!m->up || !m->ch_start || !m->ch, SX_ERR_NOMEM, "out of memory");
    for (int j = 0; j < nn; j++) {
        if (f->level[j] >= 3) m->up[m->n_up++] = j; /* frame order: children before parents */
        m->ch_start[j + 1] = m->ch_start[j];
        for (int k = 0; k < j; k++)
            if (f->parent[k] == j) m->ch[m->ch_start[j + 1]++] = k;
    }
    double *tmp = malloc((size_t)nu * ni * sizeof *tmp);
    SX_FAIL_IF(!tmp, SX_ERR_NOMEM, "out of memory");
    for (int v = 0; v < NVAR; v++) {
        const double *src = v / 3 ? x_imp : x_raw;
        m->x0[v] = malloc((size_t)nu * ni * sizeof(double));
        m->lg[v] = malloc((size_t)nu * ni * sizeof(double));
        m->mask[v] = malloc((size_t)nu * ni * sizeof(double));
        if (!m->x0[v] || !m->lg[v] || !m->mask[v]) {
            free(tmp);
            SX_FAIL(SX_ERR_NOMEM, "out of memory");
        }
        sx_err e = normalise_variant(src, nu, ni, f, v % 3, tmp);
        if (e) {
            free(tmp);
            SX_CHECK(e);
        }
        m->complete[v] = 1;
        for (int u = 0; u < nu; u++)
            for (int c = 0; c < ni; c++) {
                const double t = tmp[(int64_t)u * ni + m->perm[c]];
                const int64_t k = (int64_t)u * ni + c;
                int ok = !isnan(t);
                m->complete[v] &= ok;
                m->mask[v][k] = ok;
                m->x0[v][k] = ok ? t : 0;
                m->lg[v][k] = ok ? log(fmax(t, LOG_FLOOR)) : 0;
            }
    }
    free(tmp);
    size_t cols = (size_t)np * max_runs;
    m->w = malloc((size_t)ni * max_runs * sizeof(double));
    m->c = malloc((size_t)nu * cols * sizeof(double));
    m->d = malloc((size_t)nu * cols * sizeof(double));
    m->pil = malloc((size_t)max_runs * nu * np * sizeof(double));
    m->node = malloc((size_t)nu * m->nn * sizeof(double));
    m->score = malloc((size_t)nu * sizeof(double));
    m->rank = malloc((size_t)nu * sizeof(int));
    SX_FAIL_IF(!m->w || !m->c || !m->d || !m->pil || !m->node || !m->score || !m->rank, SX_ERR_NOMEM,
               "out of memory for a Monte Carlo batch of %d runs; lower batch", max_runs);
    return SX_OK;
}

/* Pillar scores of runs[0..nr) (all of one variant and aggregation): for each
 * pillar one matrix product X_p (nu x k_p) . W_p (k_p x nr), where X_p are the
 * pillar's indicator columns and W_p their (perturbed) weights per run. */
static void pillars_blas(model_t *m, choice_t *const *runs, const int *slot, int nr, int var, int agg)
{
    const int nu = m->nu, ni = m->ni, np = m->np, cols = np * nr;
    const sx_econ_frame_t *f = m->f;
    for (int c = 0; c < ni; c++) {
        const int i = m->perm[c];
        for (int r = 0; r < nr; r++) m->w[(int64_t)c * nr + r] = f->weight[i] * runs[r]->mult[i];
    }
    const double *x = agg ? m->lg[var] : m->x0[var];
    for (int p = 0; p < np; p++) {
        const int c0 = m->poff[p], k = m->poff[p + 1] - c0;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nu, nr, k, 1.0, x + c0, ni, m->w + (int64_t)c0 * nr, nr, 0.0,
                    m->c + (int64_t)p * nr, cols);
        if (!m->complete[var])
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nu, nr, k, 1.0, m->mask[var] + c0, ni, m->w + (int64_t)c0 * nr, nr,
                        0.0, m->d + (int64_t)p * nr, cols);
    }
    for (int r = 0; r < nr; r++) {
        double *out = m->pil + (int64_t)slot[r] * nu * np;
        for (int p = 0; p < np; p++) {
            double ws = 0;
            if (m->complete[var])
                for (int c = m->poff[p]; c < m->poff[p + 1]; c++) ws += m->w[(int64_t)c * nr + r];
            for (int u = 0; u < nu; u++) {
                double den = m->complete[var] ? ws : m->d[(int64_t)u * cols + p * nr + r];
                double num = m->c[(int64_t)u * cols + p * nr + r];
                out[(int64_t)u * np + p] = den > 0 ? (agg ? exp(num / den) : num / den) : NAN;
            }
        }
    }
}

/* From pillar scores up to the index for one run; ranks into m->rank. */
static void upper(model_t *m, const choice_t *c, const double *pil)
{
    const sx_econ_frame_t *f = m->f;
    const int nu = m->nu, nn = m->nn, np = m->np;
    for (int u = 0; u < nu; u++) {
        double *nd = m->node + (int64_t)u * nn;
        for (int p = 0; p < np; p++) nd[m->pillar[p]] = pil[(int64_t)u * np + p];
        for (int q = 0; q < m->n_up; q++) {
            const int j = m->up[q];
            double s = 0, ws = 0;
            for (int e = m->ch_start[j]; e < m->ch_start[j + 1]; e++) {
                const int k = m->ch[e];
                if (isnan(nd[k])) continue;
                double w = f->weight[k] * c->mult[k];
                s += c->agg ? w * log(fmax(nd[k], LOG_FLOOR)) : w * nd[k];
                ws += w;
            }
            nd[j] = ws > 0 ? (c->agg ? exp(s / ws) : s / ws) : NAN;
        }
        m->score[u] = nd[nn - 1];
    }
    sx_econ_rank_desc(m->score, nu, 1, m->rank);
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

/* Evaluate one batch of base samples [j0, j1): 6 runs each (A, B, A_B^1..4). */
static sx_err run_batch(model_t *m, const sx_econ_mc_opts_t *o, int64_t j0, int64_t j1, choice_t *ch, const int *nominal,
                        int64_t *hist, int64_t *sums)
{
    const int nu = m->nu, nn = m->nn, nb = (int)(j1 - j0), nr = nb * (NF + 2);
    choice_t *runs[6 * 1024];
    int slot[6 * 1024];
    for (int b = 0; b < nb; b++) {
        choice_t *a = &ch[b * (NF + 2)], *bb = a + 1;
        draw(o, j0 + b, 0, nn, a);
        draw(o, j0 + b, 1, nn, bb);
        for (int i = 0; i < NF; i++) { /* A with factor i from B */
            choice_t *x = a + 2 + i;
            x->norm = i == 0 ? bb->norm : a->norm;
            x->agg = i == 1 ? bb->agg : a->agg;
            x->imp = i == 2 ? bb->imp : a->imp;
            memcpy(x->mult, i == 3 ? bb->mult : a->mult, (size_t)nn * sizeof(double));
        }
    }
    for (int var = 0; var < NVAR; var++)
        for (int agg = 0; agg < 2; agg++) {
            int k = 0;
            for (int r = 0; r < nr; r++)
                if (ch[r].imp * 3 + ch[r].norm == var && ch[r].agg == agg) runs[k] = &ch[r], slot[k] = r, k++;
            if (k) pillars_blas(m, runs, slot, k, var, agg);
        }
    for (int b = 0; b < nb; b++) {
        int64_t y[NF + 2];
        for (int q = 0; q < NF + 2; q++) {
            int r = b * (NF + 2) + q;
            upper(m, &ch[r], m->pil + (int64_t)r * nu * m->np);
            y[q] = shift(m->rank, nominal, nu);
            if (q < 2)
                for (int u = 0; u < nu; u++) hist[(int64_t)u * nu + m->rank[u] - 1]++;
        }
        /* sums: [0] yA+yB, [1] yA^2+yB^2, then per factor sum yB (yABi - yA), sum (yA - yABi)^2 */
        sums[0] += y[0] + y[1];
        sums[1] += y[0] * y[0] + y[1] * y[1];
        for (int i = 0; i < NF; i++) {
            sums[2 + 2 * i] += y[1] * (y[2 + i] - y[0]);
            sums[3 + 2 * i] += (y[0] - y[2 + i]) * (y[0] - y[2 + i]);
        }
    }
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
    openblas_set_num_threads(1); /* ranks are the parallelism; one BLAS thread keeps products identical */
    const int nu = n_unit, nn = f->n_node, max_runs = o->batch * (NF + 2);
    model_t m;
    choice_t *ch = calloc((size_t)max_runs, sizeof *ch);
    double *mult = malloc((size_t)max_runs * nn * sizeof *mult), *nom_mult = malloc((size_t)nn * sizeof *nom_mult);
    int64_t *hist = calloc((size_t)nu * nu, sizeof *hist), sums[2 + 2 * NF] = {0};
    res->nominal_rank = malloc((size_t)nu * sizeof(int));
    sx_err err = SX_OK;
    memset(&m, 0, sizeof m);
    if (!ch || !mult || !nom_mult || !hist || !res->nominal_rank) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory");
    for (int r = 0; r < max_runs; r++) ch[r].mult = mult + (int64_t)r * nn;
    err = model_init(&m, f, x_imp, x_raw, nu, max_runs);
    if (err == SX_OK) { /* nominal: min-max, arithmetic, imputed, dictionary weights */
        choice_t nom = {0, 0, 1, nom_mult};
        for (int k = 0; k < nn; k++) nom_mult[k] = 1;
        choice_t *rp = &nom;
        int slot0 = 0;
        pillars_blas(&m, &rp, &slot0, 1, 3, 0);
        upper(&m, &nom, m.pil);
        memcpy(res->nominal_rank, m.rank, (size_t)nu * sizeof(int));
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    const int64_t nbatch = (o->n_base + o->batch - 1) / o->batch;
    sx_progress_t prog;
    sx_progress_init(&prog, "Monte Carlo batches", (nbatch + size - 1) / size);
    for (int64_t b = rank; b < nbatch; b += size) {
        int64_t j0 = b * o->batch, j1 = j0 + o->batch < o->n_base ? j0 + o->batch : o->n_base;
        run_batch(&m, o, j0, j1, ch, res->nominal_rank, hist, sums);
        sx_progress_add(&prog, 1);
    }
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
    model_free(&m);
    free(ch), free(mult), free(nom_mult), free(hist);
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
