/*
 * trend.c — per-pixel monotonic trend of a time-ordered stack: the Theil-Sen
 * slope with the Mann-Kendall test, optionally with Hamed & Rao's correction
 * of the test's variance for autocorrelation.
 *
 * Sen, P. K. (1968) Estimates of the regression coefficient based on
 * Kendall's tau. JASA 63:1379-1389, doi:10.1080/01621459.1968.10480934:
 * slope = median over i < j of (x_j - x_i) / (t_j - t_i); intercept =
 * median(x) - slope * median(t) (Conover 1980, as pymannkendall and R's
 * trend package give it). Mann, H. B. (1945) Econometrica 13:245-259;
 * Kendall, M. G. (1975) Rank Correlation Methods: S = sum_{i<j} sign(x_j -
 * x_i), Var(S) = [n(n-1)(2n+5) - sum_p t_p(t_p-1)(2t_p+5)] / 18 over the
 * groups of t_p tied values, Z = (S - sign S) / sqrt(Var S), p = erfc(|Z| /
 * sqrt 2). Hamed, K. H. & Rao, A. R. (1998) A modified Mann-Kendall trend
 * test for autocorrelated data. J. Hydrol. 204:182-196,
 * doi:10.1016/S0022-1694(97)00125-X: Var(S) times n/n*_s = 1 + 2/(n(n-1)(n-2))
 * sum_{k=1}^{n-1} (n-k)(n-k-1)(n-k-2) rho_s(k), with rho_s(k) the lag-k
 * autocorrelation of the ranks of the series detrended by the Sen slope, and
 * only the rho_s(k) significant at alpha (outside +-z_{1-alpha/2}/sqrt(n))
 * summed, as the paper recommends.
 *
 * Missing values (NaN, nodata) are skipped per pixel: the valid values keep
 * their own times, so gaps stretch the time axis instead of closing up.
 * Everything is computed from the pixel's own values in a fixed order, so the
 * outputs are bit-identical at any rank or thread count; the regression test
 * checks them against an independent numpy implementation to 1e-12.
 * Medians sort the pairwise slopes (n(n-1)/2 values per pixel).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/series.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_rs_series.h"
#include "sanxiang/sx_special.h"

#define MAX_DATES 1024

size_t sx_rs_trend_work(int n)
{
    return (size_t)n * (size_t)(n - 1) / 2 + 6 * (size_t)n + 8;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* median of x[0..n) (sorts x): the mean of the two middle values for even n */
static double median_sort(double *x, int64_t n)
{
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/* first index in sorted s[0..n) with s[i] >= v (upper: > v) */
static int bound(const double *s, int n, double v, int upper)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (upper ? s[mid] <= v : s[mid] < v) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int sx_rs_parse_time(const char *text, double *t)
{
    int y, m, d, len = 0;
    if (sscanf(text, "%d-%d-%d%n", &y, &m, &d, &len) == 3 && !text[len]) {
        static const int cum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
        static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        const int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap)) return 0;
        const int doy = cum[m - 1] + d + (leap && m > 2);
        *t = y + (doy - 1) / (leap ? 366.0 : 365.0);
        return 1;
    }
    char *end;
    *t = strtod(text, &end);
    return end != text && !*end && isfinite(*t);
}

/* Hamed & Rao's n/n*_s for the valid values x, t (m of them) and the slope. */
static double hamed_rao_factor(const double *x, const double *t, int m, double slope, double alpha, double *det,
                               double *srt, double *rank)
{
    for (int i = 0; i < m; i++) srt[i] = det[i] = x[i] - slope * t[i];
    qsort(srt, (size_t)m, sizeof *srt, cmp_double);
    const double mean = (m + 1) / 2.0; /* average ranks keep the sum m(m+1)/2 */
    for (int i = 0; i < m; i++) {      /* 1-based average rank, minus the mean */
        const int lo = bound(srt, m, det[i], 0), hi = bound(srt, m, det[i], 1);
        rank[i] = (lo + 1 + hi) / 2.0 - mean;
    }
    double c0 = 0;
    for (int i = 0; i < m; i++) c0 += rank[i] * rank[i];
    if (!(c0 > 0)) return 1;
    const double lim = sx_normal_quantile(1 - alpha / 2) / sqrt((double)m);
    double sum = 0;
    for (int k = 1; k < m; k++) {
        double ck = 0;
        for (int i = 0; i + k < m; i++) ck += rank[i] * rank[i + k];
        const double rho = (ck / m) / (c0 / m);
        if (rho > lim || rho < -lim) sum += (double)(m - k) * (m - k - 1) * (m - k - 2) * rho;
    }
    return 1 + 2.0 / ((double)m * (m - 1) * (m - 2)) * sum;
}

void sx_rs_trend_series(const double *x, const double *t, int n, int min_count, int hamed_rao, double alpha,
                        double *work, sx_rs_trend_t *r)
{
    double *xs = work, *ts = xs + n, *srt = ts + n, *det = srt + n, *rank = det + n, *pairs = rank + n;
    int m = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(x[i])) {
            xs[m] = x[i];
            ts[m++] = t[i];
        }
    r->n = m;
    if (m < min_count || m < 3) {
        r->slope = r->intercept = r->s = r->var_s = r->n_star = r->z = r->p = NAN;
        r->cls = 255;
        return;
    }
    int64_t np = 0, s = 0;
    for (int i = 0; i < m; i++)
        for (int j = i + 1; j < m; j++) {
            s += (xs[j] > xs[i]) - (xs[j] < xs[i]);
            pairs[np++] = (xs[j] - xs[i]) / (ts[j] - ts[i]);
        }
    r->slope = median_sort(pairs, np);
    for (int i = 0; i < m; i++) srt[i] = xs[i];
    const double mx = median_sort(srt, m);
    double ties = 0;
    for (int i = 0; i < m;) {
        int j = i;
        while (j < m && srt[j] == srt[i]) j++;
        const double tp = j - i;
        ties += tp * (tp - 1) * (2 * tp + 5);
        i = j;
    }
    for (int i = 0; i < m; i++) det[i] = ts[i];
    const double mt = median_sort(det, m);
    r->intercept = mx - r->slope * mt;
    r->s = (double)s;
    r->var_s = ((double)m * (m - 1) * (2.0 * m + 5) - ties) / 18;
    r->n_star = hamed_rao ? hamed_rao_factor(xs, ts, m, r->slope, alpha, det, srt, rank) : 1;
    r->var_s *= r->n_star;
    r->z = s == 0 || !(r->var_s > 0) ? 0 : (s > 0 ? r->s - 1 : r->s + 1) / sqrt(r->var_s);
    r->p = erfc(fabs(r->z) / sqrt(2.0));
    r->cls = r->p < alpha ? (r->z > 0 ? 3 : 1) : 2;
}

typedef struct {
    const double *t;
    int n, min_count, hamed_rao;
    double alpha;
} trend_ctx_t;

static void trend_pixel(const void *ctx, const double *v, double *out, double *work)
{
    const trend_ctx_t *c = ctx;
    sx_rs_trend_t r;
    sx_rs_trend_series(v, c->t, c->n, c->min_count, c->hamed_rao, c->alpha, work, &r);
    out[0] = r.slope;
    out[1] = r.intercept;
    out[2] = r.z;
    out[3] = r.p;
    out[4] = r.cls == 255 ? NAN : r.cls;
}

sx_err sx_rs_trend_run(MPI_Comm comm, const sx_rs_trend_opts_t *o)
{
    const int S = o->ninputs;
    SX_FAIL_IF(S < 3, SX_ERR_USAGE,
               "a trend needs at least 3 dates in time order, got %d (%s); give the stack's layers as IN1.tif IN2.tif "
               "IN3.tif ... or --list FILE", S, S == 1 ? o->inputs[0] : S == 2 ? "two layers" : "none");
    SX_FAIL_IF(S > MAX_DATES, SX_ERR_USAGE, "a trend takes at most %d dates, got %d", MAX_DATES, S);
    SX_FAIL_IF(!(o->alpha > 0 && o->alpha < 1), SX_ERR_USAGE, "--alpha must be in (0, 1), got %g", o->alpha);
    SX_FAIL_IF(o->min_count < 3 || o->min_count > S, SX_ERR_USAGE, "--min-count must be 3 .. %d (the dates), got %d", S,
               o->min_count);
    for (int i = 1; o->times && i < S; i++)
        SX_FAIL_IF(!(o->times[i] > o->times[i - 1]), SX_ERR_USAGE,
                   "dates must be in time order: date %d (%s, time %.10g) is not after date %d (%s, time %.10g); "
                   "order the inputs by date", i + 1, o->inputs[i], o->times[i], i, o->inputs[i - 1], o->times[i - 1]);
    double *t = malloc((size_t)S * sizeof *t);
    SX_FAIL_IF(!t, SX_ERR_NOMEM, "out of memory");
    for (int i = 0; i < S; i++) t[i] = o->times ? o->times[i] - o->times[0] : i;
    sx_rs_band_t *bands = NULL;
    char *names = NULL, method[256];
    sx_err err = sx__rs_series_bands(o->inputs, S, o->band, o->has_nodata, o->nodata, &bands, &names);
    const char *unit = o->time_unit ? o->time_unit : "step";
    snprintf(method, sizeof method,
             "trend: Theil-Sen slope per %s, Mann-Kendall test%s, alpha %.6g, at least %d valid dates", unit,
             o->hamed_rao ? " with the Hamed & Rao (1998) variance correction" : "", o->alpha, o->min_count);
    char slope_units[32], long_slope[96];
    snprintf(slope_units, sizeof slope_units, "1/%s", unit);
    snprintf(long_slope, sizeof long_slope, "Theil-Sen slope (change per %s)", unit);
    const sx__rs_series_out_t outs[] = {
        {"slope", long_slope, slope_units, SX_DT_FLOAT64},
        {"intercept", "Theil-Sen intercept (fitted value at the first date)", "1", SX_DT_FLOAT64},
        {"z", "Mann-Kendall Z", "1", SX_DT_FLOAT64},
        {"p", "Mann-Kendall two-sided p-value", "1", SX_DT_FLOAT64},
        {"class", "trend class: 1 significant decrease, 2 no significant trend, 3 significant increase", "1",
         SX_DT_UINT8},
    };
    trend_ctx_t ctx = {t, S, o->min_count, o->hamed_rao, o->alpha};
    sx__rs_series_t so = {bands, S, outs, 5, trend_pixel, &ctx, sx_rs_trend_work(S), o->strip_rows, "rs trend",
                          method, o->out_stem, o->formats, o->provenance};
    if (!err) {
        sx_log_info("rs %s", method);
        err = sx__rs_series_run(comm, &so);
    }
    free(names);
    free(bands);
    free(t);
    return err;
}
