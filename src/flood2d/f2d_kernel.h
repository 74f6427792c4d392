/*
 * f2d_kernel.h — the per-face arithmetic of the local inertial scheme,
 * written so a compiler can vectorise it, shared by the sweep (sweep.c) and
 * the unit test of the cube root.
 *
 * Exactness contract: every function here gives, for every input the solver
 * can pass, the same bits as the scalar code it replaced — glibc's fmax/fmin
 * (maxsd/minsd: x > y ? x : y for non-NaN operands) and glibc's cbrt
 * (sysdeps/ieee754/dbl-64/s_cbrt.c: frexp, a degree-6 polynomial, one Newton
 * step, ldexp; compiled without FMA). The cube root below is that algorithm
 * with frexp/ldexp done on the bit pattern (exact for every positive finite
 * x: the scaling by 2^k of a result in [0.5, 1.6) never under- or
 * overflows), so it vectorises; test_flood2d checks it against libm's cbrt
 * bit for bit. The operations are plain IEEE double +, -, *, /, sqrt in a
 * fixed order: a vector lane gives the same result as the scalar code.
 * Files using it must be compiled with -ffp-contract=off when any code path
 * may use FMA (AVX-512F has it): a fused a*b+c rounds once, not twice.
 */
#ifndef SX_F2D_KERNEL_H
#define SX_F2D_KERNEL_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline double f2d_max(double x, double y) { return x > y ? x : y; }
static inline double f2d_min(double x, double y) { return x < y ? x : y; }

static inline uint64_t f2d_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}
static inline double f2d_double(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* Cube root of a positive finite x, bit-identical to glibc 2.36's cbrt.
 * Integer-valued doubles go through the bits with the 2^52 trick instead of
 * int<->double conversions, which x86 vector units (before AVX-512) lack. */
static inline double f2d_cbrt(double x)
{
    const double two52 = 0x1p52;
    /* Selects only between values already computed (no arithmetic under a
     * condition), so the compiler turns them into vector blends. */
    const int sub = x < 0x1p-1022;              /* subnormal: frexp normalises first */
    const double xbig = x * 0x1p54;
    const double xs = sub ? xbig : x;
    const uint64_t b = f2d_bits(xs);
    /* frexp: x = xm 2^xe with xm in [0.5, 1) */
    const double xm = f2d_double((b & 0x000fffffffffffffULL) | 0x3fe0000000000000ULL);
    const double xe = (f2d_double((b >> 52) | f2d_bits(two52)) - two52) - (sub ? 1022.0 + 54.0 : 1022.0);
#if defined(__aarch64__)
    /* glibc on aarch64 is compiled with fused multiply-add, and GCC fuses this Horner polynomial there (and
     * nothing else of cbrt: the other products are by 2, exact); sanxiang itself is compiled without
     * contraction (CMakeLists.txt), so the fused steps are written out. scripts/cross-aarch64.sh */
    const double u =
        fma(fma(fma(fma(fma(fma(-0.145263899385486377, xm, 0.784932344976639262), xm, -1.83469277483613086), xm,
                        2.44693122563534430),
                    xm, -2.11499494167371287),
                xm, 1.50819193781584896),
            xm, 0.354895765043919860);
#else
    const double u =
        (0.354895765043919860 +
         ((1.50819193781584896 +
           ((-2.11499494167371287 +
             ((2.44693122563534430 + ((-1.83469277483613086 + (0.784932344976639262 - 0.145263899385486377 * xm) * xm) * xm)) *
              xm)) *
            xm)) *
          xm));
#endif
    const double t2 = u * u * u;
    /* xe / 3 truncated toward zero and xe % 3, as C computes them: floor of
     * (xe + 1077) / 3 by rounding (xe + 1076) / 3 to the nearest integer with
     * the 1.5 * 2^52 trick (its fraction is never near one half), then one
     * up for negative non-multiples. All values are small exact integers. */
    const double magic = 0x1.8p52;
    const double fl = (((xe + 1076.0) / 3.0 + magic) - magic) - 359.0;
    const double rf = xe - 3.0 * fl;
    const double fl1 = fl + 1.0;
    const double q = (xe < 0) & (rf != 0) ? fl1 : fl;
    const double r = xe - 3.0 * q;
    const double f = r == -2.0 ? 1.0 / 1.5874010519681994748
                   : r == -1.0 ? 1.0 / 1.2599210498948731648
                   : r == 0.0  ? 1.0
                   : r == 1.0  ? 1.2599210498948731648
                               : 1.5874010519681994748;
    const double ym = u * (t2 + 2.0 * xm) / (2.0 * t2 + xm) * f;
    /* ldexp(ym, q): 2^q built from its exponent field (q in [-358, 342]) */
    const uint64_t qi = f2d_bits(q + magic) - f2d_bits(magic);
    return ym * f2d_double((qi + 1023) << 52);
}

/* The theta-weighted inertial update of de Almeida et al. (2012) with
 * semi-implicit Manning friction; the operation order is the reference's. */
static inline double f2d_inertial(double q, double ql, double qr, double eta_a, double eta_b, double hf, double n,
                                  double dt, double d, double theta, double half_1mtheta)
{
    const double g = 9.81; /* SX_F2D_G */
    double qa = theta * q + half_1mtheta * (ql + qr);
    double num = qa - g * hf * dt * (eta_b - eta_a) / d;
    double den = 1.0 + g * dt * n * n * fabs(q) / (hf * hf * f2d_cbrt(hf));
    return num / den;
}

#endif
