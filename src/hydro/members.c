/*
 * members.c — ensemble members (or forecast issues) over the ranks: the
 * contiguous block layout of their results for a gather, an exact count
 * summed over the ranks, and the percentiles of the members' values. Used by
 * the forecast, its reservoirs and levels, the EnKF and the hindcast, so that
 * none of them takes these from another.
 */
#include <math.h>
#include <stdlib.h>

#include "hydro/fcnet.h"
#include "hydro/hydro_internal.h"
#include "sanxiang/sx_mpi.h"

sx_err sx__hydro_blocks(int size, int64_t n, int64_t per, int *counts, int *displs)
{
    for (int r = 0; r < size; r++) {
        int64_t a = n * r / size, b = n * (r + 1) / size;
        SX_CHECK(sx_mpi_count((b - a) * per, &counts[r]));
        SX_CHECK(sx_mpi_count(a * per, &displs[r]));
    }
    return SX_OK;
}

sx_err sx__hydro_sum_count(MPI_Comm comm, int64_t v, int64_t *sum)
{
    long long x = (long long)v, s = 0;
    SX_FAIL_IF(MPI_Allreduce(&x, &s, 1, MPI_LONG_LONG, MPI_SUM, comm) != MPI_SUCCESS, SX_ERR_MPI,
               "summing a count over the ranks failed");
    *sum = (int64_t)s;
    return SX_OK;
}

static const double pct_levels[SX_HYDRO_NPCT] = {5, 25, 50, 75, 95};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void sx__hydro_percentiles(double *vals, int m, double *pct)
{
    qsort(vals, (size_t)m, sizeof *vals, cmp_double);
    for (int p = 0; p < SX_HYDRO_NPCT; p++) {
        const double h = (m - 1) * pct_levels[p] / 100.0;
        const int lo = (int)floor(h), hi = lo + 1 < m ? lo + 1 : lo;
        pct[p] = vals[lo] + (h - lo) * (vals[hi] - vals[lo]);
    }
}
