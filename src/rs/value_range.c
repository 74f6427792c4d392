/*
 * value_range.c — the global range of a layer's finite values, the first
 * step of every histogram threshold (water.c, sarwater.c): min and max are
 * exact reductions, so every rank gets the same bins.
 */
#include <math.h>

#include "rs/rs_internal.h"
#include "sanxiang/sx_mpi.h"

sx_err sx__rs_value_range(MPI_Comm comm, const float *v, int64_t n, double *lo, double *hi)
{
    double mn = INFINITY, mx = -INFINITY;
    for (int64_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            if (v[i] < mn) mn = v[i];
            if (v[i] > mx) mx = v[i];
        }
    SX_CHECK_MPI(MPI_Allreduce(&mn, lo, 1, MPI_DOUBLE, MPI_MIN, comm));
    SX_CHECK_MPI(MPI_Allreduce(&mx, hi, 1, MPI_DOUBLE, MPI_MAX, comm));
    return SX_OK;
}
