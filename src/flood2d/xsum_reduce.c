/*
 * xsum_reduce.c — the exact sums of a flood model (f2d_internal.h:
 * sx__f2d_xsum_t, values in multiples of 2^-32 held as 128-bit integers)
 * added over the ranks: each sum travels as two 64-bit halves in one
 * MPI_Allreduce, so the total does not depend on the number of ranks.
 */
#include "f2d_internal.h"
#include "sanxiang/sx_mpi.h"

sx_err sx__f2d_xsum_allreduce(MPI_Comm comm, const sx__f2d_xsum_t *local, int n, double *out)
{
    int64_t limbs[16] = {0}, sums[16] = {0};
    SX_FAIL_IF(n > 8, SX_ERR_INTERNAL, "too many exact sums at once (%d)", n);
    for (int k = 0; k < n; k++) {
        limbs[2 * k] = (int64_t)(local[k].acc >> 32);
        limbs[2 * k + 1] = (int64_t)(local[k].acc & 0xffffffff);
    }
    SX_CHECK_MPI(MPI_Allreduce(limbs, sums, 2 * n, MPI_INT64_T, MPI_SUM, comm));
    for (int k = 0; k < n; k++) {
        /* hi * 2^32 + lo (a multiplication: left shifts of negative values are undefined) */
        __int128 tot = (__int128)sums[2 * k] * ((__int128)1 << 32) + (__int128)sums[2 * k + 1];
        out[k] = (double)tot / SX__F2D_XSUM_SCALE;
    }
    return SX_OK;
}
