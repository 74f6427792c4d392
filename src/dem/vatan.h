/*
 * vatan.h — arctangent for vectorised stencils, with results equal to the C
 * library's bit for bit once rounded to float32.
 *
 * sx__atan_pos is Moshier's Cephes atan (range reduction about tan(3 pi/8)
 * and 0.66, a degree 4/5 rational approximation, and the low-order bits of
 * pi/4 and pi/2), written without branches so the compiler vectorises it;
 * its error is 1 ulp of float64 against glibc's atan (measured over 5e7
 * arguments from 1e-6 to 1e6). A float32 result v is unambiguous when
 * v (1 - 2^-46) and v (1 + 2^-46) — a margin of about 64 float64 ulps —
 * round to the same float: then the library's value, within 2 ulps, rounds
 * there too. Ambiguous cells (about 4 in 10^7) are flagged and recomputed
 * with atan() by the caller, so products stay identical to a scalar loop.
 */
#ifndef SX_DEM_VATAN_H
#define SX_DEM_VATAN_H

#include <math.h>

/* arctangent of x >= 0 (NaN in, NaN out) */
static inline __attribute__((always_inline)) double sx__atan_pos(double x)
{
    const double P0 = -8.750608600031904122785E-1, P1 = -1.615753718733365076637E1,
                 P2 = -7.500855792314704667340E1, P3 = -1.228866684490136173410E2,
                 P4 = -6.485021904942025371773E1;
    const double Q0 = 2.485846490142306297962E1, Q1 = 1.650270098316988542046E2, Q2 = 4.328810604912902668951E2,
                 Q3 = 4.853903996359136964868E2, Q4 = 1.945506571482613964425E2;
    const double MOREBITS = 6.123233995736765886130E-17, T3P8 = 2.41421356237309504880;
    int big = x > T3P8, mid = x > 0.66;
    double inv = -1.0 / x, red = (x - 1.0) / (x + 1.0); /* both computed, one selected */
    double xr = big ? inv : (mid ? red : x);
    double y0 = big ? M_PI_2 : (mid ? M_PI_4 : 0.0);
    double mb = big ? MOREBITS : (mid ? 0.5 * MOREBITS : 0.0);
    double z = xr * xr;
    double p = (((P0 * z + P1) * z + P2) * z + P3) * z + P4;
    double q = ((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4;
    return y0 + ((xr * (z * p / q) + xr) + mb);
}

/* 1 if v might round to another float32 than a value within 2 ulps of it */
static inline __attribute__((always_inline)) int sx__f32_ambiguous(double v)
{
    return (float)(v * (1 - 0x1p-46)) != (float)(v * (1 + 0x1p-46));
}

#endif
