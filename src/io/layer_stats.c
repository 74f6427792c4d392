/*
 * layer_stats.c — a layer's band statistics (min, max, mean, population
 * standard deviation over valid cells) reduced from the ranks' own blocks.
 *
 * The COG stores them (STATISTICS_* metadata, what QGIS and gdalinfo show)
 * without a second pass over the written file. Sums go through the exact
 * accumulator (sx_xsum.h), so the figures are bit-identical at any rank and
 * thread count; the variance is the exact sum of (x − mean)², mean taken
 * from the exact total, as GDAL defines it (population, not sample).
 */
#include "sanxiang/sx_layer.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_xsum.h"

/* v rounded through dtype t, as the stored variable holds it. */
static double through(sx_dtype t, double v)
{
    switch (t) {
    case SX_DT_UINT8: return (double)(uint8_t)v;
    case SX_DT_INT16: return (double)(int16_t)v;
    case SX_DT_UINT16: return (double)(uint16_t)v;
    case SX_DT_INT32: return (double)(int32_t)v;
    case SX_DT_UINT32: return (double)(uint32_t)v;
    case SX_DT_INT64: return (double)(int64_t)v;
    case SX_DT_FLOAT32: return (double)(float)v;
    default: return v;
    }
}

static double cell(const void *row, sx_dtype t, int64_t i)
{
    switch (t) {
    case SX_DT_UINT8: return ((const uint8_t *)row)[i];
    case SX_DT_INT16: return ((const int16_t *)row)[i];
    case SX_DT_UINT16: return ((const uint16_t *)row)[i];
    case SX_DT_INT32: return ((const int32_t *)row)[i];
    case SX_DT_UINT32: return ((const uint32_t *)row)[i];
    case SX_DT_INT64: return (double)((const int64_t *)row)[i];
    case SX_DT_FLOAT32: return ((const float *)row)[i];
    default: return ((const double *)row)[i];
    }
}

typedef struct {
    sx_xsum_t sum;
    int64_t n;
    double min, max;
} part_t;

static void part_init(part_t *p)
{
    sx_xsum_init(&p->sum);
    p->n = 0;
    p->min = INFINITY;
    p->max = -INFINITY;
}

/* Pass 1 (mean == NULL): count, min, max, Σx. Pass 2: Σ(x − mean)². */
static void scan(sx_window_t own, const void *data, int64_t row_stride, sx_dtype t, double fill, const double *mean,
                 part_t *total)
{
    size_t esz = sx_dtype_size(t);
    double fv = through(t, fill);
    part_init(total);
#pragma omp parallel
    {
        part_t p;
        part_init(&p);
#pragma omp for schedule(static)
        for (int64_t j = 0; j < own.ny; j++) {
            const void *row = (const char *)data + (size_t)(j * row_stride) * esz;
            for (int64_t i = 0; i < own.nx; i++) {
                double v = cell(row, t, i);
                if (isnan(v) || v == fv) continue;
                if (mean) {
                    double d = v - *mean;
                    sx_xsum_add(&p.sum, d * d);
                } else {
                    sx_xsum_add(&p.sum, v);
                    p.n++;
                    if (v < p.min) p.min = v;
                    if (v > p.max) p.max = v;
                }
            }
        }
#pragma omp critical(sx_layer_stats)
        {
            sx_xsum_merge(&total->sum, &p.sum); /* exact: the merge order does not matter */
            total->n += p.n;
            if (p.min < total->min) total->min = p.min;
            if (p.max > total->max) total->max = p.max;
        }
    }
}

sx_err sx_layer_stats(MPI_Comm comm, sx_window_t own, const void *data, int64_t row_stride, sx_dtype t, double fill,
                      sx_band_stats_t *st)
{
    memset(st, 0, sizeof *st);
    part_t p;
    int empty = own.nx <= 0 || own.ny <= 0;
    if (empty) part_init(&p);
    else scan(own, data, row_stride, t, fill, NULL, &p);
    int64_t n[2] = {p.n, empty ? 0 : own.nx * own.ny}; /* valid, all */
    double mn = p.min, mx = p.max;
    SX_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, n, 2, MPI_INT64_T, MPI_SUM, comm));
    SX_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, &mn, 1, MPI_DOUBLE, MPI_MIN, comm));
    SX_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, &mx, 1, MPI_DOUBLE, MPI_MAX, comm));
    SX_CHECK(sx_xsum_allreduce(comm, &p.sum));
    if (n[0] == 0) return SX_OK; /* all nodata: no statistics, as GDAL */
    double mean = sx_xsum_value(&p.sum) / (double)n[0];
    if (empty) part_init(&p);
    else scan(own, data, row_stride, t, fill, &mean, &p);
    SX_CHECK(sx_xsum_allreduce(comm, &p.sum));
    st->valid = 1;
    st->min = mn;
    st->max = mx;
    st->mean = mean;
    st->stddev = sqrt(sx_xsum_value(&p.sum) / (double)n[0]);
    st->valid_percent = 100.0 * (double)n[0] / (double)n[1];
    return SX_OK;
}
