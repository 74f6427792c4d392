/*
 * xsum.c — exact, order-independent sums of doubles (see sx_xsum.h).
 *
 * A finite double is m · 2^(p − 1074) with an integer mantissa m < 2^53 and
 * bit position p = max(biased exponent, 1) − 1 in [0, 2045]. Adding it puts
 * m shifted by p mod 32 into the digits from p / 32 upwards (at most three).
 * Each addition changes a digit by less than 2^33, so carries are propagated
 * every 2^29 additions, long before an int64 limb could overflow.
 */
#include "sanxiang/sx_xsum.h"

#include <math.h>
#include <string.h>

#include "sanxiang/sx_mpi.h"

#define DIGIT 4294967296.0 /* 2^32 */
#define MASK32 0xffffffffu
#define CARRY_EVERY (INT64_C(1) << 29)

void sx_xsum_init(sx_xsum_t *s)
{
    memset(s, 0, sizeof *s);
}

/* Bring digits 0..N-2 into [0, 2^32); the top limb keeps the sign. */
static void propagate(int64_t *limb)
{
    for (int k = 0; k < SX_XSUM_LIMBS - 1; k++) {
        int64_t c = limb[k] >> 32; /* floor division by 2^32 (arithmetic shift) */
        limb[k] -= c * (INT64_C(1) << 32);
        limb[k + 1] += c;
    }
}

void sx_xsum_add(sx_xsum_t *s, double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    int e = (int)((u >> 52) & 0x7ff);
    uint64_t m = u & ((UINT64_C(1) << 52) - 1);
    if (e) m |= UINT64_C(1) << 52;
    if (!m) return;
    int p = e ? e - 1 : 0;
    int k = p >> 5, sh = p & 31;
    uint64_t lo = (m & MASK32) << sh; /* < 2^63 */
    uint64_t hi = (m >> 32) << sh;    /* < 2^52 */
    int64_t d0 = (int64_t)(lo & MASK32);
    int64_t d1 = (int64_t)((lo >> 32) + (hi & MASK32));
    int64_t d2 = (int64_t)(hi >> 32);
    if (u >> 63) {
        s->limb[k] -= d0;
        s->limb[k + 1] -= d1;
        s->limb[k + 2] -= d2;
    } else {
        s->limb[k] += d0;
        s->limb[k + 1] += d1;
        s->limb[k + 2] += d2;
    }
    if (++s->pending == CARRY_EVERY) {
        propagate(s->limb);
        s->pending = 0;
    }
}

void sx_xsum_fast_init(sx_xsum_fast_t *f) { memset(f, 0, sizeof *f); }

void sx_xsum_fast_flush(sx_xsum_fast_t *f, sx_xsum_t *s)
{
    for (int lane = 0; lane < SX_XSUM_LANES; lane++)
        for (int e = 0; e < 2048; e++) {
            __int128 b = f->bucket[lane][e];
            if (!b) continue;
            f->bucket[lane][e] = 0;
            /* b · 2^(p − 1074): |b| < 2^83 shifted by p mod 32 fits 4 digits. */
            int p = e ? e - 1 : 0;
            int k = p >> 5, sh = p & 31, neg = b < 0;
            unsigned __int128 mag = (unsigned __int128)(neg ? -b : b) << sh;
            for (int i = 0; i < 4 && mag; i++, mag >>= 32) {
                int64_t d = (int64_t)(uint64_t)(mag & MASK32);
                s->limb[k + i] += neg ? -d : d;
            }
            if (++s->pending == CARRY_EVERY) {
                propagate(s->limb);
                s->pending = 0;
            }
        }
}

/* 2^M >= SX_XSUM_VEC_MAX + 2, the lemma's bound on the count */
#define VEC_M 11
#define VEC_ROUNDS 4

/* One extraction round over p with σ = 2^k: returns the exact sum of the
 * extracted parts, leaves the remainders in p and their largest magnitude
 * in *rest. Vector lanes may add in any order: every partial sum is exact. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static double extract(double *p, int n, double sigma,
                                                                                     double *rest)
{
    double tau = 0, mx = 0;
#pragma omp simd reduction(+ : tau) reduction(max : mx)
    for (int i = 0; i < n; i++) {
        const double q = (sigma + p[i]) - sigma;
        const double r = p[i] - q;
        p[i] = r;
        tau += q;
        const double a = fabs(r);
        mx = a > mx ? a : mx;
    }
    *rest = mx;
    return tau;
}

__attribute__((target_clones("avx512f", "avx2", "default"))) static double max_abs(const double *p, int n)
{
    double mx = 0;
#pragma omp simd reduction(max : mx)
    for (int i = 0; i < n; i++) {
        const double a = fabs(p[i]);
        mx = a > mx ? a : mx;
    }
    return mx;
}

void sx_xsum_add_vec(sx_xsum_t *s, double *p, int n)
{
    double mx = max_abs(p, n);
    for (int round = 0; round < VEC_ROUNDS && mx > 0; round++) {
        int e;
        frexp(mx, &e); /* mx < 2^e */
        const int k = e + VEC_M;
        /* σ + p stays finite, and the grid eps·σ = 2^(k − 53) stays above the subnormals */
        if (k > 1022 || k - 53 < -1022) break;
        sx_xsum_add(s, extract(p, n, ldexp(1.0, k), &mx));
    }
    if (mx > 0)
        for (int i = 0; i < n; i++) sx_xsum_add(s, p[i]); /* zeros add nothing */
}

void sx_xsum_merge(sx_xsum_t *dst, const sx_xsum_t *src)
{
    sx_xsum_t t = *src;
    propagate(t.limb);
    propagate(dst->limb);
    for (int k = 0; k < SX_XSUM_LIMBS; k++) dst->limb[k] += t.limb[k];
    propagate(dst->limb);
    dst->pending = 0;
}

sx_err sx_xsum_allreduce(MPI_Comm comm, sx_xsum_t *s)
{
    propagate(s->limb); /* digits < 2^32: a sum over < 2^31 ranks cannot overflow */
    SX_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, s->limb, SX_XSUM_LIMBS, MPI_INT64_T, MPI_SUM, comm));
    propagate(s->limb);
    s->pending = 0;
    return SX_OK;
}

double sx_xsum_value(const sx_xsum_t *s)
{
    int64_t limb[SX_XSUM_LIMBS];
    memcpy(limb, s->limb, sizeof limb);
    propagate(limb);
    /* Sign and magnitude: a negative sum is stored as a negative top limb
     * over non-negative digits; negate to convert the magnitude. */
    int negative = limb[SX_XSUM_LIMBS - 1] < 0;
    if (negative) {
        for (int k = 0; k < SX_XSUM_LIMBS; k++) limb[k] = -limb[k];
        propagate(limb);
    }
    /* Top down: the leading digits dominate, so the lower ones only round. */
    double r = 0.0;
    for (int k = SX_XSUM_LIMBS - 1; k >= 0; k--)
        if (limb[k]) r += ldexp((double)limb[k], 32 * k - 1074);
    return negative ? -r : r;
}
