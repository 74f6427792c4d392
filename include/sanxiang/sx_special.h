/*
 * sx_special.h — special functions shared by the domains (src/core/special.c):
 * the regularised incomplete gamma function and its inverse, and the
 * standard normal quantile. Pure functions: not collective, thread-safe.
 */
#ifndef SX_SPECIAL_H
#define SX_SPECIAL_H

#include "sx_err.h"

/** Regularised lower / upper incomplete gamma P(a, x), Q(a, x) = 1 - P,
 *  for a > 0, x >= 0, each tail computed directly where it is the small one:
 *  series and Lentz continued fraction (Numerical Recipes, 3rd ed., §6.2).
 *  Fail on a <= 0 or x < 0. */
sx_err sx_gamma_pq(double a, double x, double *p, double *q);
sx_err sx_gamma_p(double a, double x, double *p);
sx_err sx_gamma_q(double a, double x, double *q);
/** x with Q(a, x) = q (0 < q < 1): Wilson–Hilferty start (NR §6.2.1; for
 *  a <= 1 the NR start) refined by Halley's method on P or Q, whichever is
 *  smaller, to full double precision. */
sx_err sx_gamma_q_inv(double a, double q, double *x);
/** Standard normal quantile Phi^-1(p): -inf at 0, +inf at 1, NaN outside
 *  [0, 1]; Abramowitz & Stegun 26.2.23 start, Halley on erfc, full precision. */
double sx_normal_quantile(double p);
/** z with upper standard-normal tail probability q (0 < q < 1): -Phi^-1(q). */
sx_err sx_normal_q_inv(double q, double *z);

#endif
