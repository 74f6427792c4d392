/*
 * spi.c — Standardized Precipitation Index on gridded monthly precipitation.
 *
 * McKee, T. B., Doesken, N. J. & Kleist, J. (1993) The relationship of drought
 * frequency and duration to time scales. Proc. 8th Conf. Applied Climatology,
 * AMS, 179-184; as computed by Edwards, D. C. & McKee, T. B. (1997) Characteristics
 * of 20th century drought in the United States at multiple time scales,
 * Colorado State Univ. Climatology Report 97-2. At each pixel and time scale k
 * (months), the precipitation summed over the k months ending in month t is
 * fitted, separately for each calendar month, by a gamma distribution with
 * Thom's (1958) maximum-likelihood approximation over the non-zero sums,
 *   A = ln(mean x) - mean(ln x),  alpha = (1 + sqrt(1 + 4A/3)) / (4A),
 *   beta = mean x / alpha,
 * mixed with the probability q of a zero sum: H(x) = q + (1 - q) P(alpha,
 * x / beta), P the regularized lower incomplete gamma function. SPI =
 * Phi^{-1}(H(x)), the standard normal quantile (computed from the upper tail
 * (1 - q) Q(alpha, x / beta) when H > 1/2, so wet extremes keep their
 * precision). P and Q are the shared incomplete gamma function
 * (src/core/special.c: Numerical Recipes' series below a + 1, Lentz's
 * continued fraction above). A window with a missing month is nodata and is
 * left out of the fit; a calendar month with fewer than 3 non-zero sums (or
 * all equal) cannot be fitted and is nodata, as is a non-finite SPI.
 *
 * Per-pixel only, through the stack engine (series.c): bit-identical at any
 * rank count. The regression test compares with a numpy implementation whose
 * incomplete gamma is an independent power series in exact summation.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/series.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_rs_series.h"
#include "sanxiang/sx_special.h"

#define MAX_STEPS 4096
#define MAX_SCALES 8

typedef struct {
    int nsteps, start, nscales, scales[MAX_SCALES];
} spi_ctx_t;

/* SPI of the sums acc[0..T) of one scale (NaN = missing) into out. */
static void spi_scale(const spi_ctx_t *c, const double *acc, double *xs, double *out)
{
    const int T = c->nsteps;
    for (int t = 0; t < T; t++) out[t] = NAN;
    for (int month = 0; month < 12; month++) {
        int n = 0, nz = 0;
        double sum = 0, sumlog = 0;
        for (int t = (month - c->start + 12) % 12; t < T; t += 12) {
            if (isnan(acc[t])) continue;
            n++;
            if (acc[t] > 0) {
                xs[nz++] = acc[t];
                sum += acc[t];
                sumlog += log(acc[t]);
            }
        }
        if (nz < 3) continue;
        const double mean = sum / nz, A = log(mean) - sumlog / nz;
        if (!(A > 0)) continue;
        const double alpha = (1 + sqrt(1 + 4 * A / 3)) / (4 * A), beta = mean / alpha, q0 = (double)(n - nz) / n;
        for (int t = (month - c->start + 12) % 12; t < T; t += 12) {
            if (isnan(acc[t])) continue;
            double p = 0, q = 1, z;
            if (acc[t] > 0 && sx_gamma_pq(alpha, acc[t] / beta, &p, &q) != SX_OK) continue; /* cannot happen: alpha > 0 */
            const double h = q0 + (1 - q0) * p;
            z = h <= 0.5 ? sx_normal_quantile(h) : -sx_normal_quantile((1 - q0) * q);
            out[t] = isfinite(z) ? z : NAN;
        }
    }
}

static void spi_pixel(const void *ctx, const double *v, double *out, double *work)
{
    const spi_ctx_t *c = ctx;
    const int T = c->nsteps;
    double *acc = work, *xs = work + T;
    for (int s = 0; s < c->nscales; s++) {
        const int k = c->scales[s];
        for (int t = 0; t < T; t++) {
            if (t < k - 1) {
                acc[t] = NAN;
                continue;
            }
            double a = 0; /* in time order, the window's first month first */
            for (int i = t - k + 1; i <= t; i++) a += v[i];
            acc[t] = a >= 0 ? a : NAN; /* NaN if a month is missing (or negative) */
        }
        spi_scale(c, acc, xs, out + (size_t)s * T);
    }
}

sx_err sx_rs_spi_run(MPI_Comm comm, const sx_rs_spi_opts_t *o)
{
    const int T = o->nsteps;
    SX_FAIL_IF(T < 24 || T > MAX_STEPS, SX_ERR_USAGE,
               "SPI needs 24 to %d months of precipitation (at least 2 years; McKee et al. recommend 30), got %d%s%s",
               MAX_STEPS, T, T ? ": first " : "", T ? o->inputs[0] : "");
    SX_FAIL_IF(o->start_month < 1 || o->start_month > 12, SX_ERR_USAGE, "--start-month must be 1 .. 12, got %d",
               o->start_month);
    SX_FAIL_IF(o->nscales < 1 || o->nscales > MAX_SCALES, SX_ERR_USAGE, "give 1 to %d time scales", MAX_SCALES);
    spi_ctx_t ctx = {T, o->start_month - 1, o->nscales, {0}};
    for (int s = 0; s < o->nscales; s++) {
        SX_FAIL_IF(o->scales[s] < 1 || o->scales[s] > 48, SX_ERR_USAGE, "time scale %d is not 1 .. 48 months",
                   o->scales[s]);
        ctx.scales[s] = o->scales[s];
    }
    const int nout = T * o->nscales;
    sx__rs_series_out_t *outs = calloc((size_t)nout, sizeof *outs);
    char *text = calloc((size_t)nout, 128);
    sx_rs_band_t *bands = NULL;
    char *names = NULL;
    sx_err err = outs && text ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    for (int s = 0; s < o->nscales && !err; s++)
        for (int t = 0; t < T; t++) {
            char *name = text + ((size_t)s * T + t) * 128;
            snprintf(name, 24, "spi%d_%d", o->scales[s], t + 1);
            snprintf(name + 24, 104, "SPI over %d month(s) ending in month %d (McKee et al. 1993)", o->scales[s], t + 1);
            outs[(size_t)s * T + t] = (sx__rs_series_out_t){name, name + 24, "1", SX_DT_FLOAT64};
        }
    if (!err) err = sx__rs_series_bands(o->inputs, T, o->band, o->has_nodata, o->nodata, &bands, &names);
    char method[256];
    int len = snprintf(method, sizeof method,
                       "spi (McKee et al. 1993): gamma fit (Thom 1958) per calendar month, first month %d, scales",
                       o->start_month);
    for (int s = 0; s < o->nscales && len < (int)sizeof method; s++)
        len += snprintf(method + len, sizeof method - (size_t)len, " %d", o->scales[s]);
    sx__rs_series_t so = {bands, T, outs, nout, spi_pixel, &ctx, 2 * (size_t)T + 8, o->strip_rows, "rs spi", method,
                          o->out_stem, o->formats, o->provenance};
    if (!err) err = sx__rs_series_run(comm, &so);
    free(names);
    free(bands);
    free(text);
    free(outs);
    return err;
}
