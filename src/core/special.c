/*
 * special.c — special functions shared by the domains: the regularised
 * incomplete gamma function and its inverse (flood frequency, SPI) and the
 * standard normal quantile (flood frequency, SPI, trend tests).
 *
 * P(a, x) by its series for x < a + 1, Q(a, x) by the continued fraction
 * (modified Lentz) otherwise: Press, Teukolsky, Vetterling & Flannery,
 * Numerical Recipes, 3rd ed. (2007), §6.2; each tail is computed directly
 * where it is the small one. The inverse starts from Wilson–Hilferty
 * (a > 1) or NR's small-a guess (§6.2.1) and is refined by Halley's method
 * on whichever tail is the smaller, so design values at 0.01 % keep their
 * digits. The normal quantile starts from Abramowitz & Stegun (1964)
 * 26.2.23 on the smaller tail and is refined by Halley on erfc to full
 * precision. Correctness: tests/unit/test_hydro_freq.c checks closed forms
 * (a = 1, a = 1/2, integer a), round trips and printed P-III Phi tables; the
 * SPI and trend tests compare with independent numpy implementations.
 */
#include <float.h>
#include <math.h>

#include "sanxiang/sx_special.h"

#define MAXIT 10000000
#define FPMIN (DBL_MIN / DBL_EPSILON)

/* exp(-x + a ln x - ln Gamma(a)), the prefactor of both expansions. For
 * a >= 10 it is taken as exp(a (log1p(t) - t)) sqrt(a / 2 pi) / e^stirlerr(a),
 * t = (x - a) / a, with Stirling's error series (Abramowitz & Stegun 6.1.41):
 * the direct form subtracts numbers of size a ln a, and lgamma(a) alone is off
 * by an ulp of that, which for the large a of a small Cs (a = 4 / Cs^2) is a
 * relative error of 1e-6 in the tail probability. */
static double prefactor(double a, double x)
{
    if (a < 10) return exp(-x + a * log(x) - lgamma(a));
    const double r = 1 / a, r2 = r * r;
    const double stirlerr = r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
    const double t = (x - a) / a;
    return exp(a * (log1p(t) - t) - stirlerr) * sqrt(a / (2 * M_PI));
}

/* Series for P(a, x), x < a + 1. */
static sx_err series_p(double a, double x, double *p)
{
    double ap = a, del = 1.0 / a, sum = del;
    for (long i = 0; i < MAXIT; i++) {
        ap += 1;
        del *= x / ap;
        sum += del;
        if (fabs(del) < fabs(sum) * DBL_EPSILON) {
            *p = sum * prefactor(a, x);
            return SX_OK;
        }
    }
    SX_FAIL(SX_ERR_NUMERIC, "incomplete gamma series did not converge (a = %g, x = %g)", a, x);
}

/* Continued fraction for Q(a, x), x >= a + 1 (modified Lentz). */
static sx_err cfrac_q(double a, double x, double *q)
{
    double b = x + 1 - a, c = 1 / FPMIN, d = 1 / b, h = d;
    for (long i = 1; i < MAXIT; i++) {
        double an = -(double)i * ((double)i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < FPMIN) d = FPMIN;
        c = b + an / c;
        if (fabs(c) < FPMIN) c = FPMIN;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) <= DBL_EPSILON) {
            *q = prefactor(a, x) * h;
            return SX_OK;
        }
    }
    SX_FAIL(SX_ERR_NUMERIC, "incomplete gamma continued fraction did not converge (a = %g, x = %g)", a, x);
}

sx_err sx_gamma_pq(double a, double x, double *p, double *q)
{
    SX_FAIL_IF(!(a > 0) || !(x >= 0) || !isfinite(a), SX_ERR_NUMERIC, "incomplete gamma needs a > 0 and x >= 0 (a = %g, x = %g)", a, x);
    if (x == 0) {
        *p = 0, *q = 1;
    } else if (isinf(x)) {
        *p = 1, *q = 0;
    } else if (x < a + 1) {
        SX_CHECK(series_p(a, x, p));
        *q = 1 - *p;
    } else {
        SX_CHECK(cfrac_q(a, x, q));
        *p = 1 - *q;
    }
    return SX_OK;
}

sx_err sx_gamma_p(double a, double x, double *p)
{
    double q;
    return sx_gamma_pq(a, x, p, &q);
}

sx_err sx_gamma_q(double a, double x, double *q)
{
    double p;
    return sx_gamma_pq(a, x, &p, q);
}

double sx_normal_quantile(double p)
{
    if (!(p > 0 && p < 1)) return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
    const int lower = p < 0.5;
    const double qq = lower ? p : 1 - p; /* the smaller tail; exact (Sterbenz) */
    const double t = sqrt(-2 * log(qq));
    double x = t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
    for (int it = 0; it < 50; it++) { /* Halley on f(x) = erfc(x / sqrt 2) / 2 - qq, f' = -phi(x), f''/f' = -x */
        double f = 0.5 * erfc(x / M_SQRT2) - qq, d = -exp(-0.5 * x * x) / sqrt(2 * M_PI);
        double u = f / d, step = u / (1 + 0.5 * u * x);
        x -= step;
        if (fabs(step) <= 4 * DBL_EPSILON * (1 + fabs(x))) break;
    }
    return lower ? -x : x; /* x is the upper-tail deviate of qq */
}

sx_err sx_normal_q_inv(double q, double *z)
{
    SX_FAIL_IF(!(q > 0 && q < 1), SX_ERR_NUMERIC, "normal tail probability %g is outside (0, 1)", q);
    *z = -sx_normal_quantile(q);
    return SX_OK;
}

sx_err sx_gamma_q_inv(double a, double q, double *out)
{
    SX_FAIL_IF(!(a > 0) || !isfinite(a), SX_ERR_NUMERIC, "inverse incomplete gamma needs a > 0 (a = %g)", a);
    SX_FAIL_IF(!(q > 0 && q < 1), SX_ERR_NUMERIC, "exceedance probability %g is outside (0, 1)", q);
    const double p = 1 - q;
    double x;
    if (a > 1) { /* Wilson & Hilferty (1931): (x / a)^(1/3) is nearly normal */
        double z;
        SX_CHECK(sx_normal_q_inv(q, &z));
        double w = 1 - 1 / (9 * a) + z / (3 * sqrt(a));
        x = fmax(1e-3, a * w * w * w);
    } else { /* NR §6.2.1 */
        double t = 1 - a * (0.253 + a * 0.12);
        x = p < t ? pow(p / t, 1 / a) : 1 - log(q / (1 - t));
    }
    const int upper = q < 0.5; /* refine on the small tail */
    for (int it = 0; it < 200; it++) {
        if (x <= 0) x = DBL_MIN;
        double pp, qq;
        SX_CHECK(sx_gamma_pq(a, x, &pp, &qq));
        double g = upper ? q - qq : pp - p; /* increasing in x */
        double dens = prefactor(a, x) / x;
        if (!(dens > 0)) break;
        double u = g / dens;
        double step = u / (1 - 0.5 * fmin(1.0, u * ((a - 1) / x - 1)));
        double nx = x - step;
        if (nx <= 0) nx = 0.5 * x;
        int done = fabs(nx - x) <= 4 * DBL_EPSILON * nx;
        x = nx;
        if (done) break;
    }
    SX_FAIL_IF(!isfinite(x) || x <= 0, SX_ERR_NUMERIC, "inverse incomplete gamma failed (a = %g, q = %g)", a, q);
    *out = x;
    return SX_OK;
}

