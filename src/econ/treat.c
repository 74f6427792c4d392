/*
 * treat.c — data checks and treatment before normalisation: coverage,
 * imputation, unit screening and outlier treatment, in COINr's definitions
 * (Becker et al. 2022, doi:10.21105/joss.04567; functions Impute, Screen,
 * Treat, skew, kurt, winsorise, log_CT of COINr 1.x).
 *
 * Treatment works column by column on the units present; it never looks at
 * other indicators, so its result does not depend on the column order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "econ/econ_internal.h"
#include "sanxiang/sx_econ.h"

void sx_econ_coverage(const double *x, int n_unit, int n_ind, double *unit_cov, double *ind_cov)
{
    for (int u = 0; u < n_unit && unit_cov; u++) {
        int k = 0;
        for (int i = 0; i < n_ind; i++) k += !isnan(x[(int64_t)u * n_ind + i]);
        unit_cov[u] = n_ind ? (double)k / n_ind : 0;
    }
    for (int i = 0; i < n_ind && ind_cov; i++) {
        int k = 0;
        for (int u = 0; u < n_unit; u++) k += !isnan(x[(int64_t)u * n_ind + i]);
        ind_cov[i] = n_unit ? (double)k / n_unit : 0;
    }
}

sx_err sx_econ_impute_parse(const char *s, sx_impute *out)
{
    static const char *const names[] = {"none", "mean", "group_mean", "linear", "last"};
    int i;
    SX_CHECK(sx__econ_parse_name(s, names, 5, "imputation", &i));
    *out = (sx_impute)i;
    return SX_OK;
}

/* Over years: fill NaN of one unit-indicator series (stride apart). */
static int64_t impute_series(double *v, int n, int64_t stride, int linear)
{
    int64_t k = 0;
    int prev = -1;
    for (int y = 0; y < n; y++) {
        if (!isnan(v[y * stride])) {
            prev = y;
            continue;
        }
        int next = -1;
        for (int z = y + 1; z < n; z++)
            if (!isnan(v[z * stride])) {
                next = z;
                break;
            }
        double val = NAN;
        if (!linear) val = prev >= 0 ? v[prev * stride] : NAN;
        else if (prev >= 0 && next >= 0)
            val = v[prev * stride] + (v[next * stride] - v[prev * stride]) * (double)(y - prev) / (double)(next - prev);
        else if (prev >= 0) val = v[prev * stride];
        else if (next >= 0) val = v[next * stride];
        if (!isnan(val)) {
            v[y * stride] = val;
            k++;
        }
    }
    return k;
}

sx_err sx_econ_impute(sx_econ_data_t *d, sx_impute m, int64_t *n_imputed)
{
    const int nu = d->n_unit, ni = d->n_ind;
    int64_t k = 0;
    if (m == SX_IMPUTE_LINEAR || m == SX_IMPUTE_LAST) {
        SX_FAIL_IF(d->n_year < 2 || !d->panel, SX_ERR_CONFIG,
                   "imputation '%s' works over years but the data has one year; use group_mean or mean",
                   m == SX_IMPUTE_LINEAR ? "linear" : "last");
        /* count only values of the selected year */
        int64_t before = 0, after = 0;
        const double *sel = d->panel + (int64_t)d->year_index * nu * ni;
        for (int64_t j = 0; j < (int64_t)nu * ni; j++) before += isnan(sel[j]);
        for (int u = 0; u < nu; u++)
            for (int i = 0; i < ni; i++) impute_series(d->panel + (int64_t)u * ni + i, d->n_year, (int64_t)nu * ni, m == SX_IMPUTE_LINEAR);
        for (int64_t j = 0; j < (int64_t)nu * ni; j++) after += isnan(sel[j]);
        memcpy(d->x, sel, (size_t)nu * ni * sizeof(double));
        k = before - after;
    } else if (m == SX_IMPUTE_MEAN || m == SX_IMPUTE_GROUP_MEAN) {
        SX_FAIL_IF(m == SX_IMPUTE_GROUP_MEAN && !d->group, SX_ERR_CONFIG,
                   "imputation group_mean needs a group column (impute_group in the job)");
        double *fill = malloc((size_t)nu * sizeof *fill);
        SX_FAIL_IF(!fill, SX_ERR_NOMEM, "out of memory");
        for (int i = 0; i < ni; i++) {
            for (int u = 0; u < nu; u++) {
                double s = 0;
                int c = 0;
                fill[u] = NAN;
                if (!isnan(d->x[(int64_t)u * ni + i])) continue;
                for (int v = 0; v < nu; v++) {
                    double xv = d->x[(int64_t)v * ni + i];
                    if (isnan(xv) || (m == SX_IMPUTE_GROUP_MEAN && strcmp(d->group[u], d->group[v]))) continue;
                    s += xv;
                    c++;
                }
                if (c) fill[u] = s / c;
            }
            for (int u = 0; u < nu; u++)
                if (!isnan(fill[u])) {
                    d->x[(int64_t)u * ni + i] = fill[u];
                    k++;
                }
        }
        free(fill);
    }
    if (n_imputed) *n_imputed = k;
    return SX_OK;
}

sx_err sx_econ_screen(sx_econ_data_t *d, double thresh, int *kept)
{
    const int ni = d->n_ind;
    double *cov = malloc((size_t)(d->n_unit ? d->n_unit : 1) * sizeof *cov);
    SX_FAIL_IF(!cov, SX_ERR_NOMEM, "out of memory");
    sx_econ_coverage(d->x, d->n_unit, ni, cov, NULL);
    int w = 0;
    for (int u = 0; u < d->n_unit; u++) {
        int keep = cov[u] >= thresh;
        if (kept) kept[u] = keep;
        if (!keep) {
            free(d->unit[u]), free(d->uname[u]);
            if (d->group) free(d->group[u]);
            continue;
        }
        d->unit[w] = d->unit[u], d->uname[w] = d->uname[u];
        if (d->group) d->group[w] = d->group[u];
        memmove(d->x + (int64_t)w * ni, d->x + (int64_t)u * ni, (size_t)ni * sizeof(double));
        if (d->panel)
            for (int y = 0; y < d->n_year; y++)
                memmove(d->panel + ((int64_t)y * d->n_unit + w) * ni, d->panel + ((int64_t)y * d->n_unit + u) * ni,
                        (size_t)ni * sizeof(double));
        w++;
    }
    free(cov);
    if (d->panel && w < d->n_unit) /* compact the year slices, which were strided by the old unit count */
        for (int y = 1; y < d->n_year; y++)
            memmove(d->panel + (int64_t)y * w * ni, d->panel + (int64_t)y * d->n_unit * ni, (size_t)w * ni * sizeof(double));
    d->n_unit = w; /* rows [w, n) were freed or moved: the data holds the kept units only */
    SX_FAIL_IF(w < 2, SX_ERR_INPUT, "screening at coverage %.2f keeps %d unit(s); lower the threshold or impute first", thresh, w);
    return SX_OK;
}

/* Mean-centred moments of the non-NaN values: n, m2 = sum d^2, m3, m4. */
static int moments(const double *x, int n, int stride, double *m2, double *m3, double *m4)
{
    double s = 0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(x[(int64_t)i * stride])) s += x[(int64_t)i * stride], k++;
    double mean = k ? s / k : 0;
    *m2 = *m3 = *m4 = 0;
    for (int i = 0; i < n; i++) {
        double v = x[(int64_t)i * stride];
        if (isnan(v)) continue;
        double dv = v - mean, d2 = dv * dv;
        *m2 += d2, *m3 += d2 * dv, *m4 += d2 * d2;
    }
    return k;
}

double sx_econ_skew(const double *x, int n, int stride)
{
    double m2, m3, m4;
    int k = moments(x, n, stride, &m2, &m3, &m4);
    if (k < 3 || m2 == 0) return NAN;
    double g = sqrt((double)k) * m3 / pow(m2, 1.5);
    return g * sqrt((double)k * (k - 1)) / (k - 2);
}

double sx_econ_kurt(const double *x, int n, int stride)
{
    double m2, m3, m4;
    int k = moments(x, n, stride, &m2, &m3, &m4);
    if (k < 4 || m2 == 0) return NAN;
    double r = k * m4 / (m2 * m2);
    return ((k + 1) * (r - 3) + 6) * (k - 1) / ((double)(k - 2) * (k - 3));
}

static int passes(const double *x, int n, int stride, const sx_econ_treat_opts_t *o, double *sk, double *kt)
{
    *sk = sx_econ_skew(x, n, stride);
    *kt = sx_econ_kurt(x, n, stride);
    if (isnan(*sk) || isnan(*kt)) return 1; /* constant or too short: nothing to treat */
    return fabs(*sk) < o->skew_thresh || *kt < o->kurt_thresh;
}

/* COINr winsorise(): replace all points equal to the extreme on the side of
 * the skew by the next value; COINr's count nwin is the number of tied points
 * at the last-treated maximum plus those at the last-treated minimum. */
static void winsorise(double *x, int n, int stride, const sx_econ_treat_opts_t *o, int *nwin)
{
    double sk, kt;
    int nmax = 0, nmin = 0;
    *nwin = 0;
    while (!passes(x, n, stride, o, &sk, &kt) && *nwin < o->winmax) {
        int hi = sk >= 0;
        double ext = NAN, next = NAN;
        for (int i = 0; i < n; i++) {
            double v = x[(int64_t)i * stride];
            if (!isnan(v) && (isnan(ext) || (hi ? v > ext : v < ext))) ext = v;
        }
        for (int i = 0; i < n; i++) {
            double v = x[(int64_t)i * stride];
            if (!isnan(v) && v != ext && (isnan(next) || (hi ? v > next : v < next))) next = v;
        }
        if (isnan(next)) break; /* all equal */
        int c = 0;
        for (int i = 0; i < n; i++)
            if (x[(int64_t)i * stride] == ext) x[(int64_t)i * stride] = next, c++;
        if (hi) nmax = c;
        else nmin = c;
        *nwin = nmax + nmin;
    }
}

sx_err sx_econ_treat(double *x, int n_unit, int n_ind, const sx_econ_treat_opts_t *o, sx_econ_treat_info_t *info)
{
    double *orig = malloc((size_t)(n_unit ? n_unit : 1) * sizeof *orig);
    SX_FAIL_IF(!orig, SX_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n_ind; i++) {
        sx_econ_treat_info_t in = {SX_TREAT_NONE, 0, 0, 0, 0, 0};
        double *col = x + i;
        if (passes(col, n_unit, n_ind, o, &in.skew0, &in.kurt0)) {
            in.skew1 = in.skew0, in.kurt1 = in.kurt0;
        } else {
            for (int u = 0; u < n_unit; u++) orig[u] = col[(int64_t)u * n_ind];
            winsorise(col, n_unit, n_ind, o, &in.nwin);
            in.kind = SX_TREAT_WINSOR;
            if (!passes(col, n_unit, n_ind, o, &in.skew1, &in.kurt1)) {
                double mn = INFINITY, mx = -INFINITY;
                for (int u = 0; u < n_unit; u++)
                    if (!isnan(orig[u])) mn = fmin(mn, orig[u]), mx = fmax(mx, orig[u]);
                for (int u = 0; u < n_unit; u++) col[(int64_t)u * n_ind] = log(orig[u] - mn + 0.01 * (mx - mn));
                in.kind = SX_TREAT_LOG;
                in.nwin = 0;
                passes(col, n_unit, n_ind, o, &in.skew1, &in.kurt1);
            }
        }
        if (info) info[i] = in;
    }
    free(orig);
    return SX_OK;
}
