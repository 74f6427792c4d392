/*
 * correct.c — real-time error correction of a simulated discharge (see
 * sx_hydro_correct.h): the AR(p) model of the simulation error fitted by
 * batch least squares (normal equations, Cholesky) or by exactly started
 * recursive least squares with forgetting, the L-step propagation of the
 * error, and the corrected series with its optional limit. Regression rows
 * with a missing (NaN) error are skipped; sums run in index order. Orders are
 * small (<= 10), so the p x p systems live on the stack.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_hydro_correct.h"

#define MAXP SX_HYDRO_CORRECT_MAX_ORDER

/* Row t is complete when e[t-p..t] are all finite. */
static int complete(const double *e, int64_t t, int p)
{
    for (int k = 0; k <= p; k++)
        if (!isfinite(e[t - k])) return 0;
    return 1;
}

int64_t sx_hydro_ar_rows(const double *e, int64_t n, int p)
{
    int64_t r = 0;
    for (int64_t t = p; t < n; t++) r += complete(e, t, p);
    return r;
}

/* Cholesky A = L L' in place (lower triangle of a[p][p]); 0 when A is not
 * positive definite to working precision (a pivot <= 1e-12 of the largest
 * diagonal, or the largest diagonal is 0). */
static int cholesky(double a[MAXP][MAXP], int p)
{
    double dmax = 0;
    for (int i = 0; i < p; i++) dmax = fmax(dmax, a[i][i]);
    if (!(dmax > 0)) return 0;
    for (int j = 0; j < p; j++) {
        double d = a[j][j];
        for (int k = 0; k < j; k++) d -= a[j][k] * a[j][k];
        if (!(d > 1e-12 * dmax)) return 0;
        a[j][j] = sqrt(d);
        for (int i = j + 1; i < p; i++) {
            double s = a[i][j];
            for (int k = 0; k < j; k++) s -= a[i][k] * a[j][k];
            a[i][j] = s / a[j][j];
        }
    }
    return 1;
}

/* Solve L L' x = b (b overwritten by x). */
static void chol_solve(double l[MAXP][MAXP], int p, double *b)
{
    for (int i = 0; i < p; i++) {
        for (int k = 0; k < i; k++) b[i] -= l[i][k] * b[k];
        b[i] /= l[i][i];
    }
    for (int i = p - 1; i >= 0; i--) {
        for (int k = i + 1; k < p; k++) b[i] -= l[k][i] * b[k];
        b[i] /= l[i][i];
    }
}

/* Add row t to the normal equations G phi = h. */
static void accumulate(const double *e, int64_t t, int p, double g[MAXP][MAXP], double *h)
{
    for (int i = 0; i < p; i++) {
        for (int j = 0; j <= i; j++) g[i][j] += e[t - 1 - i] * e[t - 1 - j];
        h[i] += e[t - 1 - i] * e[t];
    }
}

static sx_err check_order(int p, int64_t n)
{
    SX_FAIL_IF(p < 1 || p > MAXP, SX_ERR_CONFIG, "AR order %d must lie in 1..%d", p, MAXP);
    SX_FAIL_IF(n < 0, SX_ERR_INTERNAL, "negative series length");
    return SX_OK;
}

static sx_err singular(int p, int64_t rows)
{
    SX_FAIL(SX_ERR_INPUT, "the %lld complete error rows do not determine AR(%d) coefficients (errors all zero or "
            "linearly dependent); lower the order or widen the window", (long long)rows, p);
}

sx_err sx_hydro_ar_fit(const double *e, int64_t n, int p, double *phi, int64_t *rows)
{
    SX_CHECK(check_order(p, n));
    double g[MAXP][MAXP] = {{0}}, h[MAXP] = {0};
    int64_t r = 0;
    for (int64_t t = p; t < n; t++)
        if (complete(e, t, p)) accumulate(e, t, p, g, h), r++;
    *rows = r;
    SX_FAIL_IF(r < p, SX_ERR_INPUT, "AR(%d) needs at least %d complete error rows, found %lld", p, p, (long long)r);
    if (!cholesky(g, p)) return singular(p, r);
    chol_solve(g, p, h);
    memcpy(phi, h, (size_t)p * sizeof *phi);
    return SX_OK;
}

sx_err sx_hydro_rls_fit(const double *e, int64_t n, int p, double lambda, double *phi, int64_t *rows)
{
    SX_CHECK(check_order(p, n));
    SX_FAIL_IF(!(lambda > 0 && lambda <= 1), SX_ERR_CONFIG, "forgetting factor lambda = %g must lie in (0, 1]", lambda);
    double g[MAXP][MAXP] = {{0}}, h[MAXP] = {0}, P[MAXP][MAXP], th[MAXP];
    int64_t r = 0, t = p;
    int started = 0;
    /* exact start: batch least squares over the first rows whose normal matrix is regular */
    for (; t < n && !started; t++) {
        if (!complete(e, t, p)) continue;
        accumulate(e, t, p, g, h);
        if (++r < p) continue;
        double l[MAXP][MAXP];
        memcpy(l, g, sizeof l);
        if (!cholesky(l, p)) continue;
        memcpy(th, h, sizeof th);
        chol_solve(l, p, th);
        for (int j = 0; j < p; j++) { /* P = G^-1, column by column */
            double col[MAXP] = {0};
            col[j] = 1;
            chol_solve(l, p, col);
            for (int i = 0; i < p; i++) P[i][j] = col[i];
        }
        started = 1;
    }
    *rows = r;
    SX_FAIL_IF(r < p, SX_ERR_INPUT, "AR(%d) needs at least %d complete error rows, found %lld", p, p, (long long)r);
    if (!started) return singular(p, r);
    for (; t < n; t++) {
        if (!complete(e, t, p)) continue;
        double x[MAXP], px[MAXP], xpx = 0, pred = 0;
        for (int i = 0; i < p; i++) x[i] = e[t - 1 - i];
        for (int i = 0; i < p; i++) {
            px[i] = 0;
            for (int j = 0; j < p; j++) px[i] += P[i][j] * x[j];
            xpx += x[i] * px[i];
            pred += x[i] * th[i];
        }
        double den = lambda + xpx, innov = e[t] - pred;
        for (int i = 0; i < p; i++) th[i] += px[i] / den * innov;
        for (int i = 0; i < p; i++) /* P symmetric: x'P = (P x)' */
            for (int j = 0; j < p; j++) P[i][j] = (P[i][j] - px[i] * px[j] / den) / lambda;
        for (int i = 0; i < p; i++) /* keep it symmetric against rounding */
            for (int j = 0; j < i; j++) P[i][j] = P[j][i] = 0.5 * (P[i][j] + P[j][i]);
        r++;
    }
    *rows = r;
    memcpy(phi, th, (size_t)p * sizeof *phi);
    return SX_OK;
}

sx_err sx_hydro_ar_propagate(const double *phi, int p, const double *e, int64_t n, int64_t steps, double *out,
                             int64_t *from)
{
    SX_CHECK(check_order(p, n));
    int64_t j = n - 1;
    while (j >= p - 1) {
        int ok = 1;
        for (int k = 0; k < p && ok; k++) ok = isfinite(e[j - k]);
        if (ok) break;
        j--;
    }
    SX_FAIL_IF(j < p - 1, SX_ERR_INPUT, "no %d consecutive observed errors to start the AR(%d) propagation from", p, p);
    *from = j;
    double s[MAXP]; /* s[k] = error at step i-1-k */
    for (int k = 0; k < p; k++) s[k] = e[j - k];
    for (int64_t i = j + 1; i < n + steps; i++) {
        double v;
        if (i < n && isfinite(e[i])) {
            v = e[i];
        } else {
            v = 0;
            for (int k = 0; k < p; k++) v += phi[k] * s[k];
        }
        memmove(s + 1, s, (size_t)(p - 1) * sizeof *s);
        s[0] = v;
        if (i >= n) out[i - n] = v;
    }
    return SX_OK;
}

sx_err sx_hydro_correct(const sx_hydro_correct_opts_t *o, const double *sim, const double *obs, int64_t issue,
                        int64_t lead, double *corrected, sx_hydro_correct_info_t *info)
{
    SX_FAIL_IF(issue < 0 || lead < 1, SX_ERR_INTERNAL, "bad issue step %lld or lead %lld", (long long)issue,
               (long long)lead);
    SX_FAIL_IF(o->window < 0 || !(o->limit >= 0), SX_ERR_CONFIG, "window %lld and limit %g must be >= 0",
               (long long)o->window, o->limit);
    memset(info, 0, sizeof *info);
    const int p = o->order;
    const int64_t n = issue + 1;
    double *e;
    SX_ALLOC(e, n, "simulation errors");
    for (int64_t t = 0; t < n; t++) e[t] = obs[t] - sim[t]; /* NaN stays NaN */
    /* rows with targets in the window: their lags may reach p steps before it */
    int64_t first = o->window > 0 && o->window + p < n ? n - o->window - p : 0;
    sx_err err = o->method == SX_HYDRO_CORRECT_RLS
                     ? sx_hydro_rls_fit(e + first, n - first, p, o->lambda, info->phi, &info->rows)
                     : sx_hydro_ar_fit(e + first, n - first, p, info->phi, &info->rows);
    double *eh = NULL;
    if (!err) {
        eh = malloc((size_t)lead * sizeof *eh);
        if (!eh)
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for %lld lead steps", (long long)lead);
    }
    if (!err) err = sx_hydro_ar_propagate(info->phi, p, e, n, lead, eh, &info->from);
    for (int64_t l = 0; !err && l < lead; l++) {
        double s = sim[issue + 1 + l], c = s + eh[l], lim = c;
        if (o->limit > 0) lim = fmin(fmax(lim, s / (1 + o->limit)), s * (1 + o->limit));
        lim = fmax(lim, 0);
        info->limited += lim != c;
        corrected[l] = lim;
    }
    free(eh);
    free(e);
    return err;
}
