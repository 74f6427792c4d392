/*
 * select.c — the exact k-th smallest of values spread over the ranks, for
 * whole-raster percentiles (the NDVI of bare soil and of full cover in FVC).
 *
 * Radix selection on the 64-bit keys of the doubles (sign flipped so that
 * unsigned order is numeric order): four rounds, each an integer histogram of
 * the next 16 bits of the keys that share the prefix found so far, summed
 * over ranks with MPI_Allreduce on int64 (exact). After the rounds the key,
 * hence the value, is the k-th smallest exactly — the same at any rank
 * count, with no sorting or gathering of the data. Every target costs a
 * 65536-bin histogram per round; the values are scanned 4 times.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rs/series.h"
#include "sanxiang/sx_mpi.h"

#define BITS 16
#define BINS (1 << BITS)

static inline uint64_t dkey(double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    return (u >> 63) ? ~u : (u | (1ULL << 63));
}

static inline double unkey(uint64_t k)
{
    uint64_t u = (k >> 63) ? (k & ~(1ULL << 63)) : ~k;
    double v;
    memcpy(&v, &u, 8);
    return v;
}

sx_err sx__rs_select(MPI_Comm comm, const double *v, int64_t n, const int64_t *k, int nk, double *out)
{
    const int64_t nh = (int64_t)nk * BINS;
    int64_t *h = malloc((size_t)nh * sizeof *h), *g = malloc((size_t)nh * sizeof *g);
    int64_t *rem = malloc((size_t)nk * sizeof *rem);
    uint64_t *key = calloc((size_t)nk, sizeof *key);
    sx_err err = (h && g && rem && key) ? SX_OK
                                        : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %d histograms", nk);
    int cnt = 0;
    if (!err) err = sx_mpi_count(nh, &cnt);
    for (int t = 0; t < nk && !err; t++) rem[t] = k[t];
    for (int round = 0; round < 64 / BITS && !err; round++) {
        const int shift = 64 - BITS * (round + 1);
        const uint64_t hi = round ? ~((1ULL << (shift + BITS)) - 1) : 0;
        memset(h, 0, (size_t)nh * sizeof *h);
        for (int64_t i = 0; i < n; i++) {
            if (isnan(v[i])) continue;
            const uint64_t kk = dkey(v[i]);
            for (int t = 0; t < nk; t++)
                if ((kk & hi) == (key[t] & hi)) h[(int64_t)t * BINS + (int64_t)((kk >> shift) & (BINS - 1))]++;
        }
        int rc = MPI_Allreduce(h, g, cnt, MPI_INT64_T, MPI_SUM, comm);
        if (rc != MPI_SUCCESS) {
            err = sx__mpi_fail(rc, "MPI_Allreduce", SX__FILE, __LINE__);
            break;
        }
        for (int t = 0; t < nk; t++) {
            const int64_t *gt = g + (int64_t)t * BINS;
            int64_t b = 0;
            while (b < BINS - 1 && rem[t] >= gt[b]) rem[t] -= gt[b++];
            key[t] |= (uint64_t)b << shift;
        }
    }
    for (int t = 0; t < nk && !err; t++) out[t] = unkey(key[t]);
    free(h);
    free(g);
    free(rem);
    free(key);
    return err;
}
