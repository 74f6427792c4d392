/*
 * frequency.c — the flood sample of SL 44-2006 (continuous, or
 * non-continuous with extraordinary floods), its empirical frequencies, the
 * moment estimates of the P-III parameters and the least-squares curve fit
 * (适线). Formulas and sources are in sx_hydro_freq.h. Pure functions: the
 * same floods give the same bits on any rank. Checking that the input files
 * are well formed (names, rows) is the caller's job; the checks here are the
 * mathematical pre-conditions and repeat them without file context.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_hydro_freq.h"

const double sx_freq_std_pct[SX_FREQ_NSTD] = {0.01, 0.1, 1, 2, 5, 10, 20, 50};

/* Descending by value, then by year (deterministic ties). */
static int by_value_desc(const void *pa, const void *pb)
{
    const sx_flood_t *a = pa, *b = pb;
    if (a->value != b->value) return a->value < b->value ? 1 : -1;
    return (a->year > b->year) - (a->year < b->year);
}

sx_err sx_freq_sample_init(const int *years, const double *values, int n, const int *hyears, const double *hvalues,
                           int na, int period, sx_freq_sample_t *out)
{
    SX_FAIL_IF(n < SX_FREQ_MIN_VALUES, SX_ERR_INPUT, "%d measured floods; frequency analysis needs at least %d", n,
               SX_FREQ_MIN_VALUES);
    int lo = years[0], hi = years[0], l = 0;
    for (int i = 0; i < n; i++) {
        SX_FAIL_IF(!(values[i] > 0) || !isfinite(values[i]), SX_ERR_INPUT, "year %d: flood %g must be positive",
                   years[i], values[i]);
        lo = years[i] < lo ? years[i] : lo;
        hi = years[i] > hi ? years[i] : hi;
        for (int j = 0; j < i; j++) SX_FAIL_IF(years[j] == years[i], SX_ERR_INPUT, "year %d appears twice", years[i]);
    }
    for (int k = 0; k < na; k++) {
        SX_FAIL_IF(!(hvalues[k] > 0) || !isfinite(hvalues[k]), SX_ERR_INPUT,
                   "extraordinary flood of %d: %g must be positive", hyears[k], hvalues[k]);
        lo = hyears[k] < lo ? hyears[k] : lo;
        hi = hyears[k] > hi ? hyears[k] : hi;
        for (int j = 0; j < k; j++)
            SX_FAIL_IF(hyears[j] == hyears[k], SX_ERR_INPUT, "extraordinary flood year %d appears twice", hyears[k]);
        for (int i = 0; i < n; i++)
            if (years[i] == hyears[k]) {
                SX_FAIL_IF(values[i] != hvalues[k], SX_ERR_INPUT,
                           "year %d is measured (%g) and extraordinary (%g) with different values", years[i],
                           values[i], hvalues[k]);
                l++;
            }
    }
    int N = na ? period : n;
    SX_FAIL_IF(na && (int64_t)N < (int64_t)hi - lo + 1, SX_ERR_INPUT,
               "historical period of %d years is shorter than the %d years %d-%d the floods span", N, hi - lo + 1, lo, hi);
    SX_FAIL_IF(n - l < 2, SX_ERR_INPUT, "only %d measured floods are not extraordinary; need at least 2", n - l);
    int count = na + n - l;
    sx_flood_t *f = calloc((size_t)count, sizeof *f);
    SX_FAIL_IF(!f, SX_ERR_NOMEM, "out of memory for %d floods", count);
    for (int k = 0; k < na; k++) f[k] = (sx_flood_t){hyears[k], hvalues[k], 1, 0, 0};
    int c = na;
    for (int i = 0; i < n; i++) {
        int extra = 0;
        for (int k = 0; k < na; k++) extra |= hyears[k] == years[i];
        if (!extra) f[c++] = (sx_flood_t){years[i], values[i], 0, 0, 0};
    }
    qsort(f, (size_t)na, sizeof *f, by_value_desc);
    qsort(f + na, (size_t)(n - l), sizeof *f, by_value_desc);
    if (na && f[na - 1].value < f[na].value) {
        sx_err e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                              "extraordinary flood of %d (%g) is smaller than the measured flood of %d (%g); an "
                              "extraordinary flood must exceed every other flood of the period",
                              f[na - 1].year, f[na - 1].value, f[na].year, f[na].value);
        free(f);
        return e;
    }
    const double pma = (double)na / (N + 1.0);
    for (int k = 0; k < na; k++) {
        f[k].rank = k + 1;
        f[k].freq = (k + 1.0) / (N + 1.0);
    }
    for (int i = na; i < count; i++) {
        int m = l + (i - na) + 1; /* rank among the n measured years */
        f[i].rank = m;
        f[i].freq = pma + (1 - pma) * (double)(m - l) / (double)(n - l + 1); /* a = 0: m / (n + 1) */
    }
    *out = (sx_freq_sample_t){f, count, N, n, na, l};
    return SX_OK;
}

void sx_freq_sample_fini(sx_freq_sample_t *s)
{
    if (!s) return;
    free(s->floods);
    memset(s, 0, sizeof *s);
}

sx_err sx_p3_moments(const sx_freq_sample_t *s, sx_p3_params_t *out)
{
    const double N = s->N, k = (double)(s->N - s->a) / (double)(s->n - s->l);
    SX_FAIL_IF(s->N < 3, SX_ERR_INPUT, "N = %d years; Cs needs at least 3", s->N);
    double se = 0, so = 0;
    for (int i = 0; i < s->count; i++) *(s->floods[i].extraordinary ? &se : &so) += s->floods[i].value;
    const double mean = (se + k * so) / N;
    double e2 = 0, o2 = 0, e3 = 0, o3 = 0;
    for (int i = 0; i < s->count; i++) {
        double d = s->floods[i].value - mean;
        if (s->floods[i].extraordinary) e2 += d * d, e3 += d * d * d;
        else o2 += d * d, o3 += d * d * d;
    }
    const double sd = sqrt((e2 + k * o2) / (N - 1)), cv = sd / mean;
    SX_FAIL_IF(!(cv > 0), SX_ERR_INPUT, "all floods are equal; Cv is zero and no frequency curve can be fitted");
    out->mean = mean;
    out->cv = cv;
    out->cs = N * (e3 + k * o3) / ((N - 1) * (N - 2) * sd * sd * sd);
    return SX_OK;
}

/* Sum of squared deviations of the floods from the curve (mean fixed). */
static sx_err sse_of(const sx_freq_sample_t *s, double mean, double cv, double cs, double *out)
{
    if (!(cv > 0) || !(cs >= 0) || cs > 20) { /* outside the admissible region: worst */
        *out = INFINITY;
        return SX_OK;
    }
    double sum = 0;
    for (int i = 0; i < s->count; i++) {
        double x;
        SX_CHECK(sx_p3_quantile(mean, cv, cs, s->floods[i].freq, &x));
        sum += (s->floods[i].value - x) * (s->floods[i].value - x);
    }
    *out = sum;
    return SX_OK;
}

/* One Nelder–Mead run in (Cv, Cs) from v0 with steps h; coefficients 1, 2, 1/2, 1/2. */
static sx_err simplex(const sx_freq_sample_t *s, double mean, const double v0[2], const double h[2], double best[2],
                      double *fbest)
{
    double v[3][2] = {{v0[0], v0[1]}, {v0[0] + h[0], v0[1]}, {v0[0], v0[1] + h[1]}}, f[3];
    for (int i = 0; i < 3; i++) SX_CHECK(sse_of(s, mean, v[i][0], v[i][1], &f[i]));
    for (int it = 0; it < 5000; it++) {
        int lo = 0, hi = 0;
        for (int i = 1; i < 3; i++) {
            if (f[i] < f[lo]) lo = i;
            if (f[i] > f[hi]) hi = i;
        }
        int mid = 3 - lo - hi;
        if (lo == hi) mid = (lo + 1) % 3, hi = (lo + 2) % 3;
        double size = fmax(fabs(v[hi][0] - v[lo][0]) + fabs(v[mid][0] - v[lo][0]),
                           fabs(v[hi][1] - v[lo][1]) + fabs(v[mid][1] - v[lo][1]));
        if (size < 1e-10 || (isfinite(f[hi]) && f[hi] - f[lo] <= 1e-15 * fabs(f[lo]) && size < 1e-6)) break;
        double c[2] = {(v[lo][0] + v[mid][0]) / 2, (v[lo][1] + v[mid][1]) / 2}, r[2], fr;
        for (int d = 0; d < 2; d++) r[d] = c[d] + (c[d] - v[hi][d]);
        SX_CHECK(sse_of(s, mean, r[0], r[1], &fr));
        if (fr < f[lo]) {
            double e[2], fe;
            for (int d = 0; d < 2; d++) e[d] = c[d] + 2 * (c[d] - v[hi][d]);
            SX_CHECK(sse_of(s, mean, e[0], e[1], &fe));
            int take_e = fe < fr;
            for (int d = 0; d < 2; d++) v[hi][d] = take_e ? e[d] : r[d];
            f[hi] = take_e ? fe : fr;
        } else if (fr < f[mid]) {
            for (int d = 0; d < 2; d++) v[hi][d] = r[d];
            f[hi] = fr;
        } else {
            double k[2], fk;
            int outside = fr < f[hi];
            for (int d = 0; d < 2; d++) k[d] = outside ? c[d] + 0.5 * (r[d] - c[d]) : c[d] + 0.5 * (v[hi][d] - c[d]);
            SX_CHECK(sse_of(s, mean, k[0], k[1], &fk));
            if (fk < (outside ? fr : f[hi])) {
                for (int d = 0; d < 2; d++) v[hi][d] = k[d];
                f[hi] = fk;
            } else { /* shrink towards the best */
                for (int i = 0; i < 3; i++)
                    if (i != lo) {
                        for (int d = 0; d < 2; d++) v[i][d] = v[lo][d] + 0.5 * (v[i][d] - v[lo][d]);
                        SX_CHECK(sse_of(s, mean, v[i][0], v[i][1], &f[i]));
                    }
            }
        }
    }
    int lo = 0;
    for (int i = 1; i < 3; i++)
        if (f[i] < f[lo]) lo = i;
    best[0] = v[lo][0];
    best[1] = v[lo][1];
    *fbest = f[lo];
    return SX_OK;
}

sx_err sx_p3_fit_curve(const sx_freq_sample_t *s, const sx_p3_params_t *start, sx_p3_params_t *out, double *sse)
{
    double v[2] = {start->cv > 0 ? start->cv : 0.5, start->cs > 0 ? start->cs : 2 * fabs(start->cv)}, f = INFINITY;
    double h[2] = {0.1 * v[0] + 0.01, 0.1 * v[1] + 0.05};
    /* Restart from the optimum with fresh steps until it stops improving: a
     * collapsed simplex can stall short of the minimum. */
    for (int round = 0; round < 10; round++) {
        double nv[2], nf;
        SX_CHECK(simplex(s, start->mean, v, h, nv, &nf));
        int better = nf < f;
        if (better) v[0] = nv[0], v[1] = nv[1];
        double gain = better ? f - nf : 0;
        if (better) f = nf;
        if (round > 0 && gain <= 1e-12 * f) break;
        h[0] = 0.05 * v[0] + 1e-3;
        h[1] = 0.05 * v[1] + 1e-3;
    }
    SX_FAIL_IF(!isfinite(f), SX_ERR_NUMERIC, "the curve fit found no admissible Cv > 0, Cs >= 0");
    out->mean = start->mean;
    out->cv = v[0];
    out->cs = v[1];
    if (sse) *sse = f;
    return SX_OK;
}
