/*
 * normalise.c — bring indicators to a common scale after applying their
 * direction (OECD 2008 Handbook, section 5; COINr n_minmax, n_zscore, n_rank,
 * n_dist2targ, n_dist2max). Each column is normalised on its own, over the
 * rows passed in: normalising across the whole panel (index.c,
 * normalise_scope: panel) passes all unit-years as rows, so min, max, mean,
 * sd, ranks and the best performer are those of the panel.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "econ/econ_internal.h"
#include "sanxiang/sx_econ.h"

sx_err sx_econ_norm_parse(const char *s, sx_norm *out)
{
    static const char *const names[] = {"minmax", "zscore", "rank", "target", "best"};
    int i;
    SX_CHECK(sx__econ_parse_name(s, names, 5, "normalisation", &i));
    *out = (sx_norm)i;
    return SX_OK;
}

typedef struct {
    double v;
    int i;
} vi_t;

static int cmp_vi(const void *a, const void *b)
{
    const vi_t *x = a, *y = b;
    if (x->v != y->v) return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* Fractional ranks (ties averaged), 1 = lowest, NaN stays NaN. */
static sx_err rank_col(double *col, int n, int stride)
{
    vi_t *a = malloc((size_t)(n ? n : 1) * sizeof *a);
    SX_FAIL_IF(!a, SX_ERR_NOMEM, "out of memory");
    int k = 0;
    for (int u = 0; u < n; u++)
        if (!isnan(col[(int64_t)u * stride])) a[k].v = col[(int64_t)u * stride], a[k].i = u, k++;
    qsort(a, (size_t)k, sizeof *a, cmp_vi);
    for (int s = 0; s < k;) {
        int e = s;
        while (e + 1 < k && a[e + 1].v == a[s].v) e++;
        double r = 0.5 * (s + e) + 1;
        for (int j = s; j <= e; j++) col[(int64_t)a[j].i * stride] = r;
        s = e + 1;
    }
    free(a);
    return SX_OK;
}

sx_err sx_econ_normalise(double *x, int n_unit, int n_ind, const int *dir, const double *targets,
                         const char *const *codes, const sx_econ_norm_opts_t *o)
{
    for (int i = 0; i < n_ind; i++) {
        double *col = x + i;
        const char *code = codes ? codes[i] : "?";
        int d = dir ? dir[i] : 1;
        double mn = INFINITY, mx = -INFINITY, s = 0;
        int k = 0;
        for (int u = 0; u < n_unit; u++) {
            double v = col[(int64_t)u * n_ind];
            if (isnan(v)) continue;
            if (o->method != SX_NORM_TARGET && o->method != SX_NORM_BEST) v *= d;
            col[(int64_t)u * n_ind] = v;
            mn = fmin(mn, v), mx = fmax(mx, v), s += v, k++;
        }
        SX_FAIL_IF(k == 0, SX_ERR_INPUT, "indicator '%s' has no values; remove it or impute", code);
        switch (o->method) {
        case SX_NORM_MINMAX:
            SX_FAIL_IF(mx == mn, SX_ERR_INPUT, "indicator '%s' is constant (%g) over the units; min-max is undefined, remove it", code, mn);
            for (int u = 0; u < n_unit; u++) {
                double *p = &col[(int64_t)u * n_ind];
                if (!isnan(*p)) *p = (*p - mn) / (mx - mn) * (o->hi - o->lo) + o->lo;
            }
            break;
        case SX_NORM_ZSCORE: {
            double mean = s / k, ss = 0;
            for (int u = 0; u < n_unit; u++) {
                double v = col[(int64_t)u * n_ind];
                if (!isnan(v)) ss += (v - mean) * (v - mean);
            }
            double sd = k > 1 ? sqrt(ss / (k - 1)) : 0;
            SX_FAIL_IF(sd == 0, SX_ERR_INPUT, "indicator '%s' has zero spread; z-score is undefined, remove it", code);
            for (int u = 0; u < n_unit; u++) {
                double *p = &col[(int64_t)u * n_ind];
                if (!isnan(*p)) *p = (*p - mean) / sd * o->sd + o->mean;
            }
            break;
        }
        case SX_NORM_RANK:
            SX_CHECK(rank_col(col, n_unit, n_ind));
            break;
        case SX_NORM_TARGET: {
            SX_FAIL_IF(!targets || isnan(targets[i]) || targets[i] <= 0, SX_ERR_INPUT,
                       "indicator '%s' needs a positive target for distance-to-target normalisation", code);
            for (int u = 0; u < n_unit; u++) {
                double *p = &col[(int64_t)u * n_ind];
                if (isnan(*p)) continue;
                SX_FAIL_IF(*p < 0 || (d < 0 && *p == 0), SX_ERR_INPUT,
                           "indicator '%s' has value %g; distance to target needs positive values", code, *p);
                *p = 100 * fmin(d > 0 ? *p / targets[i] : targets[i] / *p, 1.0);
            }
            break;
        }
        case SX_NORM_BEST:
            for (int u = 0; u < n_unit; u++) {
                double *p = &col[(int64_t)u * n_ind];
                if (isnan(*p)) continue;
                SX_FAIL_IF(*p < 0 || (d > 0 && mx <= 0) || (d < 0 && *p == 0), SX_ERR_INPUT,
                           "indicator '%s' has value %g; distance to the best needs positive values", code, *p);
                *p = 100 * (d > 0 ? *p / mx : mn / *p);
            }
            break;
        }
    }
    return SX_OK;
}
