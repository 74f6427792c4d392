/*
 * mc_model.c — the index model of the Monte Carlo (mc.c), evaluated once per
 * run: normalisation variant (3) x imputation (2) are precomputed with their
 * logarithms; a batch's pillar scores are one small BLAS product per pillar
 * and variant (weighted sums over the runs' perturbed weights, Saisana et al.
 * 2005); the aggregates above the pillars and the ranks are computed per run,
 * node by node over all units, with the weights hoisted out of the unit loop.
 *
 * Exactness: every score is computed with the same operations in the same
 * order whatever the thread, rank or batch that computes it (sums over a
 * node's children in the frame's order; the ranks depend on the scores
 * alone), so the Monte Carlo's integer outputs do not depend on the number of
 * threads or ranks.
 */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "econ/mc_model.h"

#define LOG_FLOOR 1e-6

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

void sx__mc_model_free(sx__mc_model_t *m)
{
    for (int v = 0; v < SX__MC_NVAR; v++) free(m->x0[v]), free(m->lg[v]), free(m->mask[v]);
    free(m->pillar), free(m->pil_of), free(m->perm), free(m->poff), free(m->up), free(m->ch_start), free(m->ch);
    memset(m, 0, sizeof *m);
}

void sx__mc_worker_fini(sx__mc_worker_t *w)
{
    free(w->w), free(w->c), free(w->d), free(w->pil), free(w->up), free(w->s), free(w->ws), free(w->row), free(w->rank);
    for (int v = 0; v < 2 * SX__MC_NVAR; v++) sx__econ_ranker_fini(&w->rk[v]);
    memset(w, 0, sizeof *w);
}

sx_err sx__mc_worker_init(sx__mc_worker_t *w, const sx__mc_model_t *m, int max_runs)
{
    memset(w, 0, sizeof *w);
    const int nu = m->nu;
    const size_t cols = (size_t)m->np * max_runs;
    w->w = malloc((size_t)m->ni * max_runs * sizeof(double));
    w->c = malloc((size_t)nu * cols * sizeof(double));
    w->d = malloc((size_t)nu * cols * sizeof(double));
    w->pil = malloc((size_t)nu * cols * sizeof(double));
    w->up = malloc((size_t)(m->n_up > 0 ? m->n_up : 1) * nu * sizeof(double));
    w->s = malloc((size_t)nu * sizeof(double));
    w->ws = malloc((size_t)nu * sizeof(double));
    w->row = calloc((size_t)m->nn, sizeof *w->row);
    w->rank = malloc((size_t)nu * sizeof(int));
    SX_FAIL_IF(!w->w || !w->c || !w->d || !w->pil || !w->up || !w->s || !w->ws || !w->row || !w->rank, SX_ERR_NOMEM,
               "out of memory for a Monte Carlo batch of %d runs; lower batch", max_runs);
    for (int v = 0; v < 2 * SX__MC_NVAR; v++) SX_CHECK(sx__econ_ranker_init(&w->rk[v], nu));
    return SX_OK;
}

static sx_err structure(sx__mc_model_t *m, const sx_econ_frame_t *f)
{
    const int ni = m->ni, nn = m->nn;
    for (int j = 0; j < nn; j++) m->np += f->level[j] == 2;
    const int np = m->np;
    m->pillar = malloc((size_t)np * sizeof(int));
    m->pil_of = malloc((size_t)ni * sizeof(int));
    SX_FAIL_IF(!m->pillar || !m->pil_of, SX_ERR_NOMEM, "out of memory");
    for (int j = 0, k = 0; j < nn; j++)
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
    return SX_OK;
}

static sx_err variants(sx__mc_model_t *m, const double *x_imp, const double *x_raw)
{
    const int nu = m->nu, ni = m->ni;
    double *tmp = malloc((size_t)nu * ni * sizeof *tmp);
    SX_FAIL_IF(!tmp, SX_ERR_NOMEM, "out of memory");
    sx_err err = SX_OK;
    for (int v = 0; v < SX__MC_NVAR && !err; v++) {
        const double *src = v / 3 ? x_imp : x_raw;
        m->x0[v] = malloc((size_t)nu * ni * sizeof(double));
        m->lg[v] = malloc((size_t)nu * ni * sizeof(double));
        m->mask[v] = malloc((size_t)nu * ni * sizeof(double));
        if (!m->x0[v] || !m->lg[v] || !m->mask[v]) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory");
        SX_CHECK_GOTO(normalise_variant(src, nu, ni, m->f, v % 3, tmp), err, done);
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
done:
    free(tmp);
    return err;
}

sx_err sx__mc_model_init(sx__mc_model_t *m, const sx_econ_frame_t *f, const double *x_imp, const double *x_raw, int nu)
{
    memset(m, 0, sizeof *m);
    m->f = f, m->nu = nu, m->ni = f->n_ind, m->nn = f->n_node;
    SX_CHECK(structure(m, f));
    SX_CHECK(variants(m, x_imp, x_raw));
    return SX_OK;
}

void sx__mc_pillars(const sx__mc_model_t *m, sx__mc_worker_t *w, sx__mc_choice_t *const *runs, const int *slot, int nr, int var,
                    int agg, const unsigned char *skip)
{
    const int nu = m->nu, ni = m->ni, np = m->np, cols = np * nr, complete = m->complete[var];
    const sx_econ_frame_t *f = m->f;
    for (int c = 0; c < ni; c++) {
        const int i = m->perm[c];
        for (int r = 0; r < nr; r++) w->w[(int64_t)c * nr + r] = f->weight[i] * runs[r]->mult[i];
    }
    const double *x = agg ? m->lg[var] : m->x0[var];
    for (int p = 0; p < np; p++) {
        const int c0 = m->poff[p], k = m->poff[p + 1] - c0;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nu, nr, k, 1.0, x + c0, ni, w->w + (int64_t)c0 * nr, nr, 0.0,
                    w->c + (int64_t)p * nr, cols);
        if (!complete)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nu, nr, k, 1.0, m->mask[var] + c0, ni, w->w + (int64_t)c0 * nr, nr,
                        0.0, w->d + (int64_t)p * nr, cols);
    }
    const double *restrict cm = w->c, *restrict dm = w->d, *restrict wm = w->w;
    for (int r = 0; r < nr; r++) {
        if (skip && skip[slot[r]]) continue;
        double *restrict out = w->pil + (int64_t)slot[r] * nu * np;
        for (int p = 0; p < np; p++) {
            double ws = 0;
            if (complete)
                for (int c = m->poff[p]; c < m->poff[p + 1]; c++) ws += wm[(int64_t)c * nr + r];
            const double *num = cm + p * nr + r, *den = complete ? NULL : dm + p * nr + r;
            double *o = out + (int64_t)p * nu;
            for (int u = 0; u < nu; u++) {
                const double dn = complete ? ws : den[(int64_t)u * cols], q = num[(int64_t)u * cols] / dn;
                o[u] = dn > 0 ? (agg ? exp(q) : q) : NAN;
            }
        }
    }
}

void sx__mc_score(const sx__mc_model_t *m, sx__mc_worker_t *w, const sx__mc_choice_t *c, const double *pil, int *rank)
{
    const sx_econ_frame_t *f = m->f;
    const int nu = m->nu, np = m->np, agg = c->agg;
    double *restrict s = w->s, *restrict ws = w->ws;
    for (int p = 0; p < np; p++) w->row[m->pillar[p]] = pil + (int64_t)p * nu;
    for (int q = 0; q < m->n_up; q++) {
        const int j = m->up[q];
        double *restrict out = w->up + (int64_t)q * nu;
        for (int u = 0; u < nu; u++) s[u] = 0, ws[u] = 0;
        for (int e = m->ch_start[j]; e < m->ch_start[j + 1]; e++) {
            const int k = m->ch[e];
            const double wt = f->weight[k] * c->mult[k];
            const double *restrict v = w->row[k];
            if (agg) {
                for (int u = 0; u < nu; u++)
                    if (!isnan(v[u])) s[u] += wt * log(v[u] > LOG_FLOOR ? v[u] : LOG_FLOOR), ws[u] += wt;
            } else {
                for (int u = 0; u < nu; u++) {
                    const int ok = !isnan(v[u]);
                    s[u] = ok ? s[u] + wt * v[u] : s[u];
                    ws[u] = ok ? ws[u] + wt : ws[u];
                }
            }
        }
        for (int u = 0; u < nu; u++) out[u] = ws[u] > 0 ? (agg ? exp(s[u] / ws[u]) : s[u] / ws[u]) : NAN;
        w->row[j] = out;
    }
    sx__econ_ranker_rank(&w->rk[(c->imp * 3 + c->norm) * 2 + agg], w->row[m->nn - 1], 1, rank);
}
