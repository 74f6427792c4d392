/*
 * sx_hydro_freq.h — flood frequency analysis by SL 44-2006 (水利水电工程设计
 * 洪水计算规范, Regulation for calculating design flood of water resources
 * and hydropower projects): Pearson type III (P-III) fitted to an annual
 * maximum series, continuous or with historical / extraordinary floods
 * (不连序系列), by moments or by curve fitting (适线), and its design values.
 *
 * Notation of SL 44-2006 and of the textbook 《工程水文学》 (詹道江, 叶守泽,
 * 3rd ed., 2000, ch. 9): N years of the historical (survey) period, n years
 * measured, a extraordinary floods in N years of which l lie in the measured
 * years. Empirical exceedance frequencies (mathematical expectation formula):
 *   extraordinary  P_M = M / (N + 1),                        M = 1..a
 *   others         P_m = P_Ma + (1 - P_Ma) (m - l) / (n - l + 1),  m = l+1..n
 * with P_Ma = a / (N + 1) (for l = 0 this is P_Ma + (1 - P_Ma) m / (n + 1)).
 * Moments of the non-continuous series, k = (N - a) / (n - l):
 *   mean = (sum_a X_j + k sum_{n-l} X_i) / N
 *   Cv   = sqrt((sum_a (X_j - mean)^2 + k sum (X_i - mean)^2) / (N - 1)) / mean
 *   Cs   = N (sum_a (X_j - mean)^3 + k sum (X_i - mean)^3) / ((N - 1)(N - 2) mean^3 Cv^3)
 * (a = l = 0, N = n: the unbiased moments of a continuous series).
 * P-III quantile for exceedance p: x_p = mean (1 + Cv Phi(Cs, p)) with
 * Phi = Cs y / 2 - 2 / Cs, y the Gamma(4 / Cs^2) variate exceeded with
 * probability p (Cs < 0 mirrored, Cs = 0 the normal quantile).
 *
 * Nothing here is collective; all functions are pure and deterministic.
 */
#ifndef SX_HYDRO_FREQ_H
#define SX_HYDRO_FREQ_H

#include <stdint.h>
#include "sx_err.h"
#include "sx_special.h" /* the incomplete gamma function and the normal quantile */

/** Frequency factor Phi (离均系数) of P-III with skew cs for exceedance
 *  probability p (0 < p < 1). */
sx_err sx_p3_phi(double cs, double p, double *phi);
/** Design value x_p = mean (1 + cv Phi(cs, p)). */
sx_err sx_p3_quantile(double mean, double cv, double cs, double p, double *x);

/** Fewest measured floods an analysis accepts (Cs needs 3 and a curve fit
 *  of two parameters needs more points than that). */
#define SX_FREQ_MIN_VALUES 5

/** One flood of the sample. */
typedef struct {
    int year;
    double value;
    int extraordinary; /* 1: one of the a extraordinary floods */
    int rank;          /* M (extraordinary) or m (others), 1 = largest */
    double freq;       /* empirical exceedance frequency, 0..1 */
} sx_flood_t;

/** A sample ready for fitting. Owning (floods); sx_freq_sample_fini frees. */
typedef struct {
    sx_flood_t *floods; /* extraordinary first (descending), then the others (descending) */
    int count;          /* a + n - l */
    int N, n, a, l;
} sx_freq_sample_t;

/**
 * Build the sample from the measured annual maxima (years[n], values[n]) and
 * the extraordinary floods (hyears[na], hvalues[na]; na = 0 for a continuous
 * series, then period is ignored and N = n). An extraordinary flood whose
 * year is a measured year is that year's flood taken out of the measured
 * series (counts in l; its values must agree). Ranks and frequencies as in
 * the header comment. Pre-conditions (the caller names the file and row):
 * years distinct, values finite and > 0, period >= span of all years,
 * every extraordinary flood >= every other flood. Fails with SX_ERR_INPUT
 * when one is broken. *out is initialised on success only.
 */
sx_err sx_freq_sample_init(const int *years, const double *values, int n, const int *hyears, const double *hvalues,
                           int na, int period, sx_freq_sample_t *out);
void sx_freq_sample_fini(sx_freq_sample_t *s);

typedef struct {
    double mean, cv, cs;
} sx_p3_params_t;

/** Moment estimates of the non-continuous (or continuous) series; sums in
 *  sample order, so the result does not depend on anything but the data. */
sx_err sx_p3_moments(const sx_freq_sample_t *s, sx_p3_params_t *out);

/**
 * Curve fitting (适线) by least squares, SL 44-2006 §3.2 "离差平方和最小":
 * minimise sum over all floods of (x_i - x_p(P_i))^2 over Cv and Cs, the mean
 * kept at start->mean (the usual practice: the mean of the moments is
 * reliable, Cv and Cs are not). Nelder–Mead simplex (Nelder & Mead 1965,
 * doi:10.1093/comjnl/7.4.308) from start's Cv, Cs; Cs is kept >= 0 and
 * Cv > 0. *sse gets the final sum of squares (may be NULL).
 */
sx_err sx_p3_fit_curve(const sx_freq_sample_t *s, const sx_p3_params_t *start, sx_p3_params_t *out, double *sse);

/** The output table of one analysis (CSV, one layout for every writer):
 *  item,year,value,rank,frequency_pct,return_period_years,method with one
 *  row per flood (item "extraordinary" or "measured", its empirical
 *  frequency), then mean, Cv, Cs and the design value at each standard
 *  frequency for the moments and, when fit is not NULL, for the curve fit.
 *  Written through sx_write_text_file (staged inside a transaction). One
 *  rank. */
sx_err sx_freq_write_csv(const char *path, const sx_freq_sample_t *s, const sx_p3_params_t *mom,
                         const sx_p3_params_t *fit);
/** The frequency curve on normal probability paper (海森机率格纸) as SVG:
 *  the empirical points (extraordinary floods marked apart), the moment
 *  curve and, when fit is not NULL, the fitted curve; title may be NULL.
 *  One rank. */
sx_err sx_freq_write_svg(const char *path, const sx_freq_sample_t *s, const sx_p3_params_t *mom,
                         const sx_p3_params_t *fit, const char *title);

/** The standard design frequencies, percent: 0.01 0.1 1 2 5 10 20 50. */
#define SX_FREQ_NSTD 8
extern const double sx_freq_std_pct[SX_FREQ_NSTD];

#endif
