/*
 * xaj.c — three-source Xinanjiang model (Zhao Ren-Jun).
 *
 * Zhao, R.-J. (1992) The Xinanjiang model applied in China. J. Hydrol.
 * 135:371-381, doi:10.1016/0022-1694(92)90096-E. Per step:
 *  1. three-layer evapotranspiration (WUM, WLM, WDM = WM-WUM-WLM, K, C);
 *  2. saturation-excess runoff from the tension-water capacity curve
 *     WMM = WM·(1+B)/(1-IM), A = WMM·(1-(1-W0/WM)^(1/(1+B))),
 *     R = PE-(WM-W0)+WM·(1-(PE+A)/WMM)^(1+B) (PE+A < WMM), else PE-(WM-W0);
 *     the impervious fraction IM is part of the curve (Zhao's form);
 *  3. free-water storage S (SM, EX) on the runoff-producing area FR = R/PE
 *     splits R into surface RS, interflow RI = KI·S·FR and groundwater
 *     RG = KG·S·FR; S is rescaled by FR_old/FR_new when the area changes;
 *  4. linear reservoirs QI = CI·QI + (1-CI)·RI, QG = CG·QG + (1-CG)·RG;
 *  5. channel network lag-and-route: QC = CS·QC + (1-CS)·QT(t-L), or (option
 *     routing=nash) the Nash (1957) cascade unit hydrograph of N reservoirs
 *     with storage constant NK (Nash, J.E. (1957) IASH Publ. 45(3):114-121),
 *     ordinates from the regularized incomplete gamma function.
 * Units: mm per step in and out (multiply by area/3.6/dt_h for m³/s); KI, KG,
 * CI, CG, CS are per-step coefficients (convert them when changing dt).
 *
 * Where textbooks differ, option net_rain chooses:
 *  - "pet" (Zhao 1992, default): the upper layer evaporates at the potential
 *    rate EP = K·EM whenever WU + P >= EP, and net rain is PE = P - K·EM;
 *  - "aet": evapotranspiration is drawn from the soil stores only
 *    (EU = min(WU, EP), then the lower/deep layers), and net rain is
 *    PE = P - E with E the actual evapotranspiration, so rain falling on a
 *    dry basin can produce runoff even when P < K·EM.
 * Impossible states (W0 > WM, a layer above its capacity, S > SM, FR
 * outside [0, 1]) are errors, never silently clipped.
 */
#include <math.h>

#include "hydro/hydro_internal.h"

enum { K, WM, WUM, WLM, C, B, IM, SM, EX, KG, KI, CI, CG, CS, L, NN, NK, NP };
enum { WU, WL, WD, S_, FR, QI, QG, QC, NS_ALL };
#define NS_NAMED 5

static const sx_hydro_var_t params[] = {
    {"K", "-", "ratio of potential evapotranspiration to pan evaporation EM", 0.05, 3, 0.5, 1.5, 1.0},
    {"WM", "mm", "areal mean tension water capacity", 5, 1000, 80, 200, 120},
    {"WUM", "mm", "upper layer tension water capacity", 1, 200, 5, 30, 20},
    {"WLM", "mm", "lower layer tension water capacity", 1, 500, 30, 90, 60},
    {"C", "-", "deep layer evapotranspiration coefficient", 0, 1, 0.05, 0.25, 0.15},
    {"B", "-", "exponent of the tension water capacity curve", 0.01, 3, 0.1, 0.6, 0.3},
    {"IM", "-", "impervious fraction of the basin", 0, 0.9, 0, 0.05, 0.01},
    {"SM", "mm", "areal mean free water capacity", 1, 500, 5, 60, 30},
    {"EX", "-", "exponent of the free water capacity curve", 0.1, 5, 1.0, 1.5, 1.5},
    {"KG", "1/step", "outflow coefficient of free water to groundwater", 0, 0.99, 0.01, 0.29, 0.2},
    {"KI", "1/step", "outflow coefficient of free water to interflow", 0, 0.99, 0.1, 0.7, 0.4},
    {"CI", "-", "recession constant of the interflow reservoir", 0, 0.9999, 0.3, 0.95, 0.8},
    {"CG", "-", "recession constant of the groundwater reservoir", 0, 0.99999, 0.9, 0.998, 0.98},
    {"CS", "-", "recession constant of the channel network (lag-and-route)", 0, 0.9999, 0.01, 0.9, 0.3},
    {"L", "step", "lag of the channel network (whole steps)", 0, 100, 0, 0, 0},
    {"N", "-", "Nash cascade: number of reservoirs (routing=nash)", 0.5, 20, 0, 0, 3},
    {"NK", "step", "Nash cascade: storage constant of each reservoir (routing=nash)", 0.05, 50, 0, 0, 1},
};

static const sx_hydro_var_t states[] = {
    {"WU", "mm", "upper layer tension water (default 0.5*WUM)", 0, 1000, 0, 0, 0},
    {"WL", "mm", "lower layer tension water (default 0.5*WLM)", 0, 1000, 0, 0, 0},
    {"WD", "mm", "deep layer tension water (default 0.5*WDM)", 0, 1000, 0, 0, 0},
    {"S", "mm", "free water storage on the runoff-producing area (default 0)", 0, 1000, 0, 0, 0},
    {"FR", "-", "runoff-producing area fraction (default 0)", 0, 1, 0, 0, 0},
};

static const sx_hydro_option_t options[] = {
    {"net_rain", "pet|aet", "pet: PE = P - K*EM (Zhao 1992); aet: PE = P - E (actual ET from the soil stores)"},
    {"routing", "lag|nash", "channel network: lag-and-route (CS, L) or Nash (1957) unit hydrograph (N, NK)"},
};

/* Regularized lower incomplete gamma P(a, x): series for x < a + 1, else
 * Lentz's continued fraction for Q = 1 - P (Abramowitz & Stegun 6.5.29, 6.5.31). */
static double gammp(double a, double x)
{
    if (x <= 0) return 0;
    double lg = lgamma(a);
    if (x < a + 1) {
        double sum = 1 / a, term = sum;
        for (int n = 1; n < 1000 && fabs(term) > 1e-16 * fabs(sum); n++) sum += term *= x / (a + n);
        return sum * exp(-x + a * log(x) - lg);
    }
    double b = x + 1 - a, c = 1e300, d = 1 / b, h = d;
    for (int i = 1; i < 1000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < 1e-300) d = 1e-300;
        c = b + an / c;
        if (fabs(c) < 1e-300) c = 1e-300;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-16) break;
    }
    return 1 - exp(-x + a * log(x) - lg) * h;
}

/* Ordinates of the Nash (1957) cascade unit hydrograph for one step:
 * u_j = P(N, j/NK) - P(N, (j-1)/NK), j = 1.., until 99.999 % (at most 1000). */
static int nash_len(const double *p)
{
    int j = 1;
    while (j < 1000 && gammp(p[NN], j / p[NK]) < 0.99999) j++;
    return j;
}

static sx_err check(const double *p, const int *opt, int64_t *extra, int64_t *nd)
{
    double wdm = p[WM] - p[WUM] - p[WLM];
    SX_FAIL_IF(wdm <= 0, SX_ERR_INPUT,
               "Xinanjiang WUM + WLM = %g mm must be below WM = %g mm (the deep layer WDM = WM - WUM - WLM "
               "would be %g mm); lower WUM/WLM or raise WM", p[WUM] + p[WLM], p[WM], wdm);
    SX_FAIL_IF(p[KI] + p[KG] >= 1, SX_ERR_INPUT,
               "Xinanjiang KI + KG = %g must be below 1 (free water would drain more than it holds)", p[KI] + p[KG]);
    SX_FAIL_IF(p[L] != floor(p[L]), SX_ERR_INPUT, "Xinanjiang lag L = %g must be a whole number of steps", p[L]);
    int nash = opt[1] == 1;
    *extra = (NS_ALL - NS_NAMED) + (nash ? nash_len(p) : (int64_t)p[L]);
    *nd = 2 + (nash ? nash_len(p) : 0);
    return SX_OK;
}

/* d[0] = WDM; d[1] = Nash ordinates n (0 for lag-and-route); d[2..] ordinates, renormalised to sum 1. */
static void derive(const double *p, const int *opt, double *d)
{
    d[0] = p[WM] - p[WUM] - p[WLM];
    d[1] = 0;
    if (opt[1] != 1) return;
    int n = nash_len(p);
    double sum = 0, prev = 0;
    for (int j = 1; j <= n; j++) {
        double g = gammp(p[NN], j / p[NK]);
        d[1 + j] = g - prev;
        prev = g;
        sum += d[1 + j];
    }
    for (int j = 1; j <= n; j++) d[1 + j] /= sum;
    d[1] = n;
}

static void default_state(const double *p, const double *d, double *s)
{
    s[WU] = 0.5 * p[WUM];
    s[WL] = 0.5 * p[WLM];
    s[WD] = 0.5 * d[0];
    int nbuf = d[1] > 0 ? (int)d[1] : (int)p[L];
    for (int i = S_; i < NS_ALL + nbuf; i++) s[i] = 0;
}

static sx_err check_state(const double *p, const double *s)
{
    double wdm = p[WM] - p[WUM] - p[WLM], w0 = s[WU] + s[WL] + s[WD];
    SX_FAIL_IF(w0 > p[WM] * (1 + 1e-12), SX_ERR_INPUT,
               "Xinanjiang tension water W0 = WU + WL + WD = %g mm exceeds WM = %g mm", w0, p[WM]);
    SX_FAIL_IF(s[WU] > p[WUM], SX_ERR_INPUT, "Xinanjiang state WU = %g mm exceeds WUM = %g mm", s[WU], p[WUM]);
    SX_FAIL_IF(s[WL] > p[WLM], SX_ERR_INPUT, "Xinanjiang state WL = %g mm exceeds WLM = %g mm", s[WL], p[WLM]);
    SX_FAIL_IF(s[WD] > wdm * (1 + 1e-12), SX_ERR_INPUT,
               "Xinanjiang state WD = %g mm exceeds WDM = WM - WUM - WLM = %g mm", s[WD], wdm);
    SX_FAIL_IF(s[S_] > p[SM], SX_ERR_INPUT, "Xinanjiang free water S = %g mm exceeds SM = %g mm", s[S_], p[SM]);
    SX_FAIL_IF(s[FR] < 0 || s[FR] > 1, SX_ERR_INPUT, "Xinanjiang FR = %g must lie in [0, 1]", s[FR]);
    return SX_OK;
}

/* Three-layer evapotranspiration; rain_first: rain on the surface meets
 * the demand before the soil does (option pet). */
static void evapotranspiration(const double *p, const double *s, double P, double ep, int rain_first, double *eu,
                               double *el, double *ed)
{
    double avail_u = s[WU] + (rain_first ? P : 0);
    *el = *ed = 0;
    if (avail_u >= ep) {
        *eu = ep;
        return;
    }
    *eu = avail_u;
    double rem = ep - *eu;
    if (s[WL] >= p[C] * p[WLM]) *el = rem * s[WL] / p[WLM];
    else if (s[WL] >= p[C] * rem) *el = p[C] * rem;
    else {
        *el = s[WL];
        *ed = fmin(p[C] * rem - *el, s[WD]);
    }
}

static double runoff(const double *p, double w0, double pe)
{
    if (pe <= 0) return 0;
    double wm = p[WM], wmm = wm * (1 + p[B]) / (1 - p[IM]);
    double ratio = fmin(w0 / wm, 1.0);
    double a = wmm * (1 - pow(1 - ratio, 1 / (1 + p[B])));
    double r = (pe + a < wmm) ? pe - (wm - w0) + wm * pow(1 - (pe + a) / wmm, 1 + p[B]) : pe - (wm - w0);
    return fmin(fmax(r, 0.0), pe);
}

static void step(const double *p, const int *opt, const double *d, double *s, double P, double E, double dR, double *Q)
{
    const int pet = opt[0] == 0;
    const double ep = p[K] * E, wdm = d[0];
    double eu, el, ed;
    evapotranspiration(p, s, P, ep, pet, &eu, &el, &ed);
    double pe = pet ? P - ep : P - (eu + el + ed);
    double w0 = s[WU] + s[WL] + s[WD];
    double r = runoff(p, w0, pe);

    /* Tension water: upper layer takes rain minus its ET minus runoff, the
     * excess cascades down; total stays <= WM by the capacity curve. */
    double wu = s[WU] + P - eu - r, wl = s[WL] - el, wd = s[WD] - ed;
    if (wu > p[WUM]) {
        wl += wu - p[WUM];
        wu = p[WUM];
    }
    if (wl > p[WLM]) {
        wd += wl - p[WLM];
        wl = p[WLM];
    }
    s[WU] = fmax(wu, 0.0);
    s[WL] = fmax(wl, 0.0);
    s[WD] = fmin(fmax(wd, 0.0), wdm);

    /* Free water storage: three-source separation on the area FR. The runoff
     * correction dR (DSRC) changes the runoff entering it, not the soil
     * balance above; with dR = 0, rc = r and pec = pe exactly (r <= pe). */
    const double rc = dR != 0 ? fmax(r + dR, 0.0) : r, pec = fmax(pe, rc);
    double rs = 0, fr = s[FR], sf = s[S_];
    if (rc > 0) {
        double fr_new = fmin(rc / pec, 1.0);
        sf = fr > 0 ? fmin(sf * fr / fr_new, p[SM]) : 0.0;
        fr = fr_new;
        double smm = p[SM] * (1 + p[EX]);
        double au = smm * (1 - pow(1 - fmin(sf / p[SM], 1.0), 1 / (1 + p[EX])));
        if (pec + au < smm) rs = fr * (pec + sf - p[SM] + p[SM] * pow(1 - (pec + au) / smm, 1 + p[EX]));
        else rs = fr * (pec + sf - p[SM]);
        rs = fmin(fmax(rs, 0.0), rc);
        sf = fmin(sf + (rc - rs) / fr, p[SM]);
    }
    double ri = p[KI] * sf * fr, rg = p[KG] * sf * fr;
    sf *= 1 - p[KI] - p[KG];
    s[S_] = sf;
    s[FR] = fr;

    s[QI] = p[CI] * s[QI] + (1 - p[CI]) * ri;
    s[QG] = p[CG] * s[QG] + (1 - p[CG]) * rg;
    double qt = rs + s[QI] + s[QG];
    if (d[1] > 0) { /* Nash unit hydrograph: convolve, store the future in the buffer */
        int n = (int)d[1];
        double *buf = s + NS_ALL;
        for (int j = 0; j < n; j++) buf[j] += d[2 + j] * qt;
        s[QC] = buf[0];
        for (int j = 0; j < n - 1; j++) buf[j] = buf[j + 1];
        buf[n - 1] = 0;
        *Q = s[QC];
        return;
    }
    int lag = (int)p[L];
    double qin = qt;
    if (lag > 0) {
        double *buf = s + NS_ALL;
        qin = buf[0];
        for (int i = 0; i < lag - 1; i++) buf[i] = buf[i + 1];
        buf[lag - 1] = qt;
    }
    s[QC] = p[CS] * s[QC] + (1 - p[CS]) * qin;
    *Q = s[QC];
}

/* Layers within their capacities (so W0 <= WM), S within [0, SM], FR within
 * [0, 1], routing stores and lag/unit-hydrograph buffers >= 0. */
static void clip_state(const double *p, const double *d, double *s, int64_t n)
{
    for (int64_t i = 0; i < n; i++) s[i] = isfinite(s[i]) ? fmax(s[i], 0.0) : 0.0;
    s[WU] = fmin(s[WU], p[WUM]);
    s[WL] = fmin(s[WL], p[WLM]);
    s[WD] = fmin(s[WD], d[0]);
    s[S_] = fmin(s[S_], p[SM]);
    s[FR] = fmin(s[FR], 1.0);
}

const sx_hydro_kind_t sx__hydro_xaj = {
    "xaj", "three-source Xinanjiang model (Zhao 1992), 17 parameters",
    NP, params, NS_NAMED, states, 2, options, check, derive, default_state, check_state, step, clip_state};
