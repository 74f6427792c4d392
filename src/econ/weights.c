/*
 * weights.c — weights derived from data or judgement, and TOPSIS.
 *
 * Entropy (EWM), CRITIC and AHP (eigenvector method with Saaty's consistency
 * ratio) weights (PCA/factor weights: weights_pca.c), each in the variant documented in sx_econ.h and
 * docs/indicators.md; public implementations differ (e.g. entropy on raw
 * versus min-max data, AHP by eigenvector versus column averages), so the
 * variant is part of the result. Eigenproblems go through LAPACKE.
 * Verified against published worked examples in tests/unit/test_econ_weights.c.
 */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_econ.h"

sx_err sx_econ_weights_entropy(const double *x, int n_unit, int n_ind, double *w)
{
    SX_FAIL_IF(n_unit < 2, SX_ERR_INPUT, "entropy weights need at least 2 units, got %d", n_unit);
    double dsum = 0;
    for (int i = 0; i < n_ind; i++) {
        double s = 0;
        for (int u = 0; u < n_unit; u++) {
            double v = x[(int64_t)u * n_ind + i];
            SX_FAIL_IF(isnan(v) || v < 0, SX_ERR_INPUT,
                       "entropy weights need complete non-negative data; indicator %d unit %d is %g (impute, and normalise to a positive scale)", i + 1, u + 1, v);
            s += v;
        }
        double e = 0;
        if (s > 0)
            for (int u = 0; u < n_unit; u++) {
                double p = x[(int64_t)u * n_ind + i] / s;
                if (p > 0) e -= p * log(p);
            }
        else e = log((double)n_unit); /* all zero: no information */
        w[i] = 1 - e / log((double)n_unit);
        dsum += w[i];
    }
    SX_FAIL_IF(!(dsum > 0), SX_ERR_INPUT, "entropy weights undefined: every indicator is uniform over the units");
    for (int i = 0; i < n_ind; i++) w[i] /= dsum;
    return SX_OK;
}

sx_err sx_econ_weights_critic(const double *x, int n_unit, int n_ind, const int *dir, double *w)
{
    SX_FAIL_IF(n_unit < 3, SX_ERR_INPUT, "CRITIC weights need at least 3 units, got %d", n_unit);
    double *z = malloc((size_t)n_unit * n_ind * sizeof *z), *sd = malloc((size_t)n_ind * sizeof *sd);
    sx_err err = SX_OK;
    if (!z || !sd) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n_ind; i++) {
        double mn = INFINITY, mx = -INFINITY;
        for (int u = 0; u < n_unit; u++) {
            double v = x[(int64_t)u * n_ind + i];
            if (isnan(v)) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "CRITIC needs complete data; indicator %d unit %d is missing", i + 1, u + 1);
            mn = fmin(mn, v), mx = fmax(mx, v);
        }
        if (mx == mn) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "CRITIC: indicator %d is constant; remove it", i + 1);
        double m = 0;
        for (int u = 0; u < n_unit; u++) {
            double v = (x[(int64_t)u * n_ind + i] - mn) / (mx - mn);
            if (dir && dir[i] < 0) v = 1 - v;
            z[(int64_t)u * n_ind + i] = v;
            m += v;
        }
        m /= n_unit;
        double ss = 0;
        for (int u = 0; u < n_unit; u++) {
            double d = z[(int64_t)u * n_ind + i] - m;
            z[(int64_t)u * n_ind + i] = d;
            ss += d * d;
        }
        sd[i] = sqrt(ss / (n_unit - 1));
    }
    double tot = 0;
    for (int i = 0; i < n_ind; i++) {
        double c = 0;
        for (int j = 0; j < n_ind; j++) {
            double sxy = 0;
            for (int u = 0; u < n_unit; u++) sxy += z[(int64_t)u * n_ind + i] * z[(int64_t)u * n_ind + j];
            double r = sxy / ((n_unit - 1) * sd[i] * sd[j]);
            c += 1 - r;
        }
        w[i] = sd[i] * c;
        tot += w[i];
    }
    if (!(tot > 0)) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "CRITIC weights undefined (all indicators perfectly correlated)");
    for (int i = 0; i < n_ind; i++) w[i] /= tot;
done:
    free(z), free(sd);
    return err;
}

sx_err sx_econ_weights_ahp(const double *a, int n, double *w, double *lambda_max, double *cr)
{
    static const double ri[] = {0, 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59};
    SX_FAIL_IF(n < 1 || n > 15, SX_ERR_INPUT, "AHP matrix of order %d; use 1 to 15 criteria", n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double v = a[i * n + j], t = a[j * n + i];
            SX_FAIL_IF(!(v > 0) || !isfinite(v), SX_ERR_INPUT, "AHP matrix entry (%d,%d) = %g; entries must be positive", i + 1, j + 1, v);
            SX_FAIL_IF(fabs(v * t - 1) > 1e-3, SX_ERR_INPUT,
                       "AHP matrix is not reciprocal: a(%d,%d) * a(%d,%d) = %g; set a(j,i) = 1/a(i,j)", i + 1, j + 1, j + 1, i + 1, v * t);
        }
    double *m = malloc((size_t)n * n * sizeof *m), *wr = malloc((size_t)n * sizeof *wr), *wi = malloc((size_t)n * sizeof *wi),
           *vr = malloc((size_t)n * n * sizeof *vr);
    sx_err err = SX_OK;
    if (!m || !wr || !wi || !vr) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory");
    memcpy(m, a, (size_t)n * n * sizeof *m);
    lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'V', n, m, n, wr, wi, NULL, n, vr, n);
    if (info != 0) SX_FAIL_GOTO(err, done, SX_ERR_NUMERIC, "LAPACKE_dgeev failed (info %d) on the AHP matrix", (int)info);
    int best = 0;
    for (int i = 1; i < n; i++)
        if (wr[i] > wr[best]) best = i;
    double s = 0;
    for (int i = 0; i < n; i++) s += vr[i * n + best];
    for (int i = 0; i < n; i++) w[i] = vr[i * n + best] / s; /* Perron vector: one sign, so w > 0 */
    if (lambda_max) *lambda_max = wr[best];
    if (cr) *cr = n < 3 ? 0 : ((wr[best] - n) / (n - 1)) / ri[n];
done:
    free(m), free(wr), free(wi), free(vr);
    return err;
}

sx_err sx_econ_topsis(const double *x, int n_unit, int n_crit, const double *w, const int *dir, double *out)
{
    double wsum = 0;
    for (int j = 0; j < n_crit; j++) wsum += w[j];
    SX_FAIL_IF(!(wsum > 0), SX_ERR_INPUT, "TOPSIS weights sum to %g; give positive weights", wsum);
    double *v = malloc((size_t)n_unit * n_crit * sizeof *v);
    SX_FAIL_IF(!v, SX_ERR_NOMEM, "out of memory");
    for (int j = 0; j < n_crit; j++) {
        double s = 0;
        for (int u = 0; u < n_unit; u++) {
            double xv = x[(int64_t)u * n_crit + j];
            if (isnan(xv)) {
                free(v);
                SX_FAIL(SX_ERR_INPUT, "TOPSIS needs complete data: unit %d criterion %d is missing; impute first", u + 1, j + 1);
            }
            s += xv * xv;
        }
        double nrm = s > 0 ? sqrt(s) : 1;
        for (int u = 0; u < n_unit; u++) v[(int64_t)u * n_crit + j] = x[(int64_t)u * n_crit + j] / nrm * (w[j] / wsum);
    }
    for (int u = 0; u < n_unit; u++) out[u] = 0;
    double *dp = calloc((size_t)n_unit, sizeof *dp);
    if (!dp) {
        free(v);
        SX_FAIL(SX_ERR_NOMEM, "out of memory");
    }
    for (int j = 0; j < n_crit; j++) {
        double mx = -INFINITY, mn = INFINITY;
        for (int u = 0; u < n_unit; u++) mx = fmax(mx, v[(int64_t)u * n_crit + j]), mn = fmin(mn, v[(int64_t)u * n_crit + j]);
        double best = (dir && dir[j] < 0) ? mn : mx, worst = (dir && dir[j] < 0) ? mx : mn;
        for (int u = 0; u < n_unit; u++) {
            double t = v[(int64_t)u * n_crit + j];
            dp[u] += (t - best) * (t - best);
            out[u] += (t - worst) * (t - worst); /* D- accumulates in out */
        }
    }
    for (int u = 0; u < n_unit; u++) {
        double a = sqrt(dp[u]), b = sqrt(out[u]);
        out[u] = a + b > 0 ? b / (a + b) : 0.5;
    }
    free(dp), free(v);
    return SX_OK;
}
