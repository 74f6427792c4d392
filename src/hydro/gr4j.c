/*
 * gr4j.c — GR4J daily rainfall–runoff model.
 *
 * Perrin, C., Michel, C., Andréassian, V. (2003) Improvement of a
 * parsimonious model for streamflow simulation. J. Hydrol. 279:275-289,
 * doi:10.1016/S0022-1694(03)00225-7. Equations as in the paper's appendix:
 * production store S (capacity X1) with net rainfall/evaporation through
 * tanh, percolation S·(1-(1+(4S/9X1)^4)^-1/4), 90 % of effective rainfall
 * through UH1 (time base X4) and 10 % through UH2 (2·X4), groundwater
 * exchange F = X2·(R/X3)^3.5, non-linear routing store R (capacity X3).
 *
 * Verified against the INRAE Excel GR4J series shipped with RRMPG
 * (data/hydrology/gr4j_rrmpg, tests/unit/test_hydro_gr4j.c).
 * Units: P, E, Q in mm per step (the model is daily; X4 in steps).
 * Default states as in airGR: S = 0.3·X1, R = 0.5·X3, UH stores empty.
 */
#include <math.h>

#include "hydro/hydro_internal.h"

enum { X1, X2, X3, X4 };
enum { S_, R_ };

static const sx_hydro_var_t params[] = {
    {"X1", "mm", "production store capacity", 1, 5000, 100, 1200, 350},
    {"X2", "mm/step", "groundwater exchange coefficient", -50, 50, -5, 3, 0},
    {"X3", "mm", "routing store capacity (one day ahead)", 1, 5000, 20, 300, 90},
    {"X4", "step", "time base of unit hydrograph UH1", 0.5, 20, 1.1, 2.9, 1.7},
};

static const sx_hydro_var_t states[] = {
    {"S", "mm", "production store level (default 0.3*X1)", 0, 5000, 0, 0, 0},
    {"R", "mm", "routing store level (default 0.5*X3)", 0, 5000, 0, 0, 0},
};

static int n_uh1(const double *p) { return (int)ceil(p[X4]); }
static int n_uh2(const double *p) { return (int)ceil(2 * p[X4]); }

static sx_err check(const double *p, const int *opt, int64_t *extra, int64_t *nd)
{
    *extra = n_uh1(p) + n_uh2(p);
    *nd = *extra;
    return SX_OK;
}

static double sh1(double t, double x4)
{
    if (t <= 0) return 0;
    return t < x4 ? pow(t / x4, 2.5) : 1.0;
}

static double sh2(double t, double x4)
{
    if (t <= 0) return 0;
    if (t <= x4) return 0.5 * pow(t / x4, 2.5);
    return t < 2 * x4 ? 1 - 0.5 * pow(2 - t / x4, 2.5) : 1.0;
}

static void derive(const double *p, const int *opt, double *d)
{
    int n1 = n_uh1(p), n2 = n_uh2(p);
    for (int j = 1; j <= n1; j++) d[j - 1] = sh1(j, p[X4]) - sh1(j - 1, p[X4]);
    for (int j = 1; j <= n2; j++) d[n1 + j - 1] = sh2(j, p[X4]) - sh2(j - 1, p[X4]);
}

static void default_state(const double *p, const double *d, double *s)
{
    s[S_] = 0.3 * p[X1];
    s[R_] = 0.5 * p[X3];
    for (int i = 0; i < n_uh1(p) + n_uh2(p); i++) s[2 + i] = 0;
}

static sx_err check_state(const double *p, const double *s)
{
    SX_FAIL_IF(s[S_] > p[X1], SX_ERR_INPUT, "GR4J state S = %g mm exceeds the production store capacity X1 = %g mm",
               s[S_], p[X1]);
    SX_FAIL_IF(s[R_] > p[X3], SX_ERR_INPUT, "GR4J state R = %g mm exceeds the routing store capacity X3 = %g mm",
               s[R_], p[X3]);
    return SX_OK;
}

/* Add x through unit hydrograph ord[0..n) into store b and take the output. */
static double convolve(double *b, const double *ord, int n, double x)
{
    for (int k = 0; k < n; k++) b[k] += ord[k] * x;
    double out = b[0];
    for (int k = 0; k < n - 1; k++) b[k] = b[k + 1];
    b[n - 1] = 0;
    return out;
}

static void step(const double *p, const int *opt, const double *d, double *s, double P, double E, double dR, double *Q)
{
    const double x1 = p[X1], x3 = p[X3];
    double S = s[S_], pn = 0, ps = 0;
    if (P >= E) {
        pn = P - E;
        double tw = tanh(pn / x1), sr = S / x1;
        ps = x1 * (1 - sr * sr) * tw / (1 + sr * tw);
    } else {
        double en = E - P, tw = tanh(en / x1), sr = S / x1;
        double es = S * (2 - sr) * tw / (1 + (1 - sr) * tw);
        S -= es;
    }
    S += ps;
    double r4 = 4.0 / 9.0 * S / x1;
    double perc = S * (1 - pow(1 + r4 * r4 * r4 * r4, -0.25));
    S -= perc;
    s[S_] = S;
    double pr = perc + (pn - ps);
    if (dR != 0) pr = fmax(pr + dR, 0.0); /* runoff correction (DSRC) of the routed effective rain */

    int n1 = n_uh1(p), n2 = n_uh2(p);
    double q9 = convolve(s + 2, d, n1, 0.9 * pr);
    double q1 = convolve(s + 2 + n1, d + n1, n2, 0.1 * pr);

    double R = s[R_];
    double f = p[X2] * pow(R / x3, 3.5);
    R = fmax(0.0, R + q9 + f);
    double rr = R / x3, rr4 = rr * rr * rr * rr;
    double qr = R * (1 - pow(1 + rr4, -0.25));
    R -= qr;
    s[R_] = R;
    *Q = qr + fmax(0.0, q1 + f);
}

/* Stores within [0, capacity]; unit-hydrograph stores >= 0. */
static void clip_state(const double *p, const double *d, double *s, int64_t n)
{
    (void)d;
    for (int64_t i = 0; i < n; i++) s[i] = isfinite(s[i]) ? fmax(s[i], 0.0) : 0.0;
    s[S_] = fmin(s[S_], p[X1]);
    s[R_] = fmin(s[R_], p[X3]);
}

const sx_hydro_kind_t sx__hydro_gr4j = {
    "gr4j", "GR4J (Perrin, Michel & Andréassian 2003), four parameters, daily",
    4, params, 2, states, 0, NULL, check, derive, default_state, check_state, step, clip_state};
