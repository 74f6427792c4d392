/*
 * sx_xsum.h — exact, order-independent sums of doubles.
 *
 * A fixed-point "superaccumulator" covering the whole double range (Kulisch
 * & Miranker 1981; see also Neal 2015, "Fast exact summation using small and
 * large superaccumulators", arXiv:1505.05571): every finite double is added
 * exactly into 32-bit digits held in int64 limbs, so the sum does not depend
 * on the order of the additions. Ranks and threads accumulate their own
 * shares and merge; the result is bit-identical at any rank or thread count.
 * This is what makes reductions such as a layer's mean and standard
 * deviation exact across `mpirun -np N`.
 */
#ifndef SX_XSUM_H
#define SX_XSUM_H

#include <mpi.h>
#include <stdint.h>
#include "sx_err.h"

/* 2046 exponent positions + 53 mantissa bits, in 32-bit digits, + 1 carry limb. */
#define SX_XSUM_LIMBS 67

typedef struct {
    int64_t limb[SX_XSUM_LIMBS]; /* digit k weighs 2^(32k - 1074) */
    int64_t pending;             /* additions since the last carry propagation */
} sx_xsum_t;

void sx_xsum_init(sx_xsum_t *s);
/* Add x exactly; x must be finite (callers skip NaN/nodata). */
void sx_xsum_add(sx_xsum_t *s, double x);
/*
 * A faster front end for many additions (a layer's statistics): each
 * double's signed mantissa goes into a 128-bit integer bucket for its
 * exponent — one integer addition, no carries — and sx_xsum_fast_flush
 * moves the buckets into a superaccumulator exactly. The result equals
 * adding the same values with sx_xsum_add. The caller spreads consecutive
 * additions over the lanes (copies of the buckets: e.g. lane = i % LANES),
 * so neighbouring cells with the same exponent do not wait on each other's
 * read-modify-write, and flushes at least every 2^30 additions per lane
 * (a bucket then stays below 2^83 in magnitude).
 * 128 KiB; one per thread (allocate it, it is large for a stack).
 */
#define SX_XSUM_LANES 4
typedef struct {
    __int128 bucket[SX_XSUM_LANES][2048];
} sx_xsum_fast_t;

void sx_xsum_fast_init(sx_xsum_fast_t *f);
/* Add every bucket into s exactly and empty them. */
void sx_xsum_fast_flush(sx_xsum_fast_t *f, sx_xsum_t *s);
/* Add x (finite) exactly to lane (0 .. SX_XSUM_LANES - 1). */
static inline void sx_xsum_fast_add(sx_xsum_fast_t *f, int lane, double x)
{
    uint64_t u;
    __builtin_memcpy(&u, &x, sizeof u);
    int e = (int)((u >> 52) & 0x7ff);
    int64_t m = (int64_t)((u & ((UINT64_C(1) << 52) - 1)) | ((uint64_t)(e != 0) << 52));
    int64_t neg = -(int64_t)(u >> 63);
    f->bucket[lane][e] += (m ^ neg) - neg;
}

/*
 * Add the n finite values of p (n <= SX_XSUM_VEC_MAX) to s exactly, at the
 * speed of a vector sum: error-free extraction (Rump, Ogita & Oishi 2008,
 * "Accurate floating-point summation part I", SIAM J. Sci. Comput. 31(1),
 * Algorithm 3.2 ExtractVector and Lemma 3.3). With σ a power of two at
 * least 2^M times max|p| (2^M >= n + 2), q = (σ + p) − σ splits each value
 * into a part on the grid eps·σ, whose sum any order computes exactly, and
 * a remainder p − q below eps·σ; the remainders go round again (about 42
 * bits of range a round) until they are all zero, and whatever is left
 * after a few rounds or outside the safe exponent range is added one by one.
 * p is overwritten (its remainders). The result equals adding the same
 * values with sx_xsum_add.
 */
#define SX_XSUM_VEC_MAX 1024
void sx_xsum_add_vec(sx_xsum_t *s, double *p, int n);

/* dst += src, exactly. */
void sx_xsum_merge(sx_xsum_t *dst, const sx_xsum_t *src);
/* Every rank's s becomes the exact sum over comm. Collective. */
sx_err sx_xsum_allreduce(MPI_Comm comm, sx_xsum_t *s);
/* The sum rounded to a double (a function of the exact sum only). */
double sx_xsum_value(const sx_xsum_t *s);

#endif
