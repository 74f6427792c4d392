/*
 * layer_stats.c — a layer's band statistics (min, max, mean, population
 * standard deviation over valid cells) reduced from the ranks' own blocks.
 *
 * The COG stores them (STATISTICS_* metadata, what QGIS and gdalinfo show)
 * without a second pass over the written file. Sums are exact (sx_xsum.h:
 * floating layers in vector chunks by error-free extraction), so the figures
 * are bit-identical at any rank and thread count; the variance is the exact
 * sum of fl(fl(x − mean)²), mean taken from the exact total, as GDAL defines
 * it (population, not sample).
 * Layers of 8- and 16-bit integers (masks, classes, flow directions) are
 * counted into a histogram instead, one increment per cell, and the same
 * sums are formed from it exactly — count × value, and count × (v − mean)²
 * as an exact two-term product — so their figures are the same bits.
 * Layers of 32- and 64-bit integers (flow accumulation counts, labels) count
 * their values in [0, 65536) the same way and send the few others (large
 * counts, the fill value) through the per-cell sums: the same bits again.
 */
#include "sanxiang/sx_layer.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
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

/* Before a row of nx additions: 1 when the buckets must be flushed first,
 * once 2^30 additions per lane have gone in (their bound: sx_xsum.h). */
static inline int flush_due(int64_t *since_flush, int64_t nx)
{
    int due = *since_flush > (INT64_C(1) << 30);
    *since_flush = (due ? 0 : *since_flush) + nx;
    return due;
}

/* Merge b into a (exact sums; min and max). */
static void part_merge(part_t *a, const part_t *b)
{
    sx_xsum_merge(&a->sum, &b->sum); /* exact: the merge order does not matter */
    a->n += b->n;
    if (b->min < a->min) a->min = b->min;
    if (b->max > a->max) a->max = b->max;
}

/* The terms of one pass over n cells of type T (n <= SX_XSUM_VEC_MAX) into
 * t, 0 for NaN and fill (fv) cells: pass 1 (mean == NULL) the values, and
 * their count, min and max; pass 2 fl(fl(x − mean)²). Vector code: the
 * exact sum of t is then taken by error-free extraction (sx_xsum_add_vec).
 * Min and max see x + 0.0, so a −0 is reported as 0 whatever the order. */
#define TERMS(T)                                                                                        \
    __attribute__((target_clones("avx512f", "avx2", "default"))) static int64_t terms_##T(               \
        const T *row, int n, double fv, const double *mean, double *t, double *mn, double *mx)          \
    {                                                                                                   \
        if (mean) {                                                                                     \
            const double mu = *mean;                                                                    \
            _Pragma("omp simd")                                                                         \
            for (int i = 0; i < n; i++) {                                                               \
                const double v = (double)row[i], d = v - mu;                                            \
                t[i] = v == v && v != fv ? d * d : 0.0;                                                 \
            }                                                                                           \
            return 0;                                                                                   \
        }                                                                                               \
        int64_t k = 0;                                                                                  \
        double lo = *mn, hi = *mx;                                                                      \
        _Pragma("omp simd reduction(+ : k) reduction(min : lo) reduction(max : hi)")                   \
        for (int i = 0; i < n; i++) {                                                                   \
            const double v = (double)row[i] + 0.0;                                                      \
            const int ok = v == v && v != fv;                                                           \
            t[i] = ok ? v : 0.0;                                                                        \
            k += ok;                                                                                    \
            lo = ok && v < lo ? v : lo;                                                                 \
            hi = ok && v > hi ? v : hi;                                                                 \
        }                                                                                               \
        *mn = lo, *mx = hi;                                                                             \
        return k;                                                                                       \
    }
TERMS(float)
TERMS(double)
#undef TERMS

/* One pass over rows [j0, j1) of a floating block (see terms_T) into p. */
static void scan_rows(sx_window_t own, const void *data, int64_t stride, sx_dtype t, double fv, const double *mean,
                      int64_t j0, int64_t j1, part_t *p)
{
    double terms[SX_XSUM_VEC_MAX];
    for (int64_t j = j0; j < j1; j++)
        for (int64_t c = 0; c < own.nx; c += SX_XSUM_VEC_MAX) {
            const int n = (int)(own.nx - c < SX_XSUM_VEC_MAX ? own.nx - c : SX_XSUM_VEC_MAX);
            p->n += t == SX_DT_FLOAT32
                        ? terms_float((const float *)data + j * stride + c, n, fv, mean, terms, &p->min, &p->max)
                        : terms_double((const double *)data + j * stride + c, n, fv, mean, terms, &p->min, &p->max);
            sx_xsum_add_vec(&p->sum, terms, n);
        }
}

/* Floating types (integer types take the histogram). Pass 1 (mean == NULL):
 * count, min, max, Σx. Pass 2: Σ(x − mean)². Threads take row ranges. */
static void scan(sx_window_t own, const void *data, int64_t row_stride, sx_dtype t, double fill, const double *mean,
                 part_t *total)
{
    double fv = through(t, fill);
    part_init(total);
#pragma omp parallel
    {
        part_t p;
        part_init(&p);
        int nt = omp_get_num_threads(), id = omp_get_thread_num();
        scan_rows(own, data, row_stride, t, fv, mean, own.ny * id / nt, own.ny * (id + 1) / nt, &p);
#pragma omp critical(sx_layer_stats)
        part_merge(total, &p);
    }
}

/* Histogram of a block of integers: bin v - lo for value v. 8/16-bit types
 * bin every value (*wide = 0); 32/64-bit types bin [0, 65536) and leave the
 * others to the per-cell sums (*wide = 1). */
static int hist_type(sx_dtype t, int *lo, int *nbins, int *wide)
{
    *wide = 0;
    switch (t) {
    case SX_DT_UINT8: *lo = 0, *nbins = 256; return 1;
    case SX_DT_INT16: *lo = -32768, *nbins = 65536; return 1;
    case SX_DT_UINT16: *lo = 0, *nbins = 65536; return 1;
    case SX_DT_INT32:
    case SX_DT_UINT32:
    case SX_DT_INT64: *lo = 0, *nbins = 65536, *wide = 1; return 1;
    default: return 0;
    }
}

#define HIST(T, LO)                                                                                    \
    static void hist_##T(sx_window_t own, const void *data, int64_t stride, int64_t j0, int64_t j1,      \
                         uint64_t *h)                                                                  \
    {                                                                                                  \
        for (int64_t j = j0; j < j1; j++) {                                                            \
            const T *row = (const T *)data + j * stride;                                               \
            for (int64_t i = 0; i < own.nx; i++) h[(int)row[i] - (LO)]++;                              \
        }                                                                                              \
    }
HIST(uint8_t, 0)
HIST(int16_t, -32768)
HIST(uint16_t, 0)
#undef HIST

/* 32/64-bit integers: h == NULL (pass 2, mean set) adds Σ(x − mean)² of the
 * cells outside [0, 65536); else values inside are counted into h and the
 * others (fill skipped) go to count, min, max, Σx. */
#define HIST_WIDE(T)                                                                                   \
    static void wide_##T(sx_window_t own, const void *data, int64_t stride, int64_t j0, int64_t j1,      \
                         double fv, const double *mean, uint64_t *h, sx_xsum_fast_t *f, part_t *p)    \
    {                                                                                                  \
        int64_t since_flush = 0;                                                                       \
        for (int64_t j = j0; j < j1; j++) {                                                            \
            const T *row = (const T *)data + j * stride;                                               \
            if (flush_due(&since_flush, own.nx)) sx_xsum_fast_flush(f, &p->sum);                      \
            for (int64_t i = 0; i < own.nx; i++) {                                                     \
                uint64_t u = (uint64_t)row[i];                                                         \
                if (u < 65536) {                                                                       \
                    if (h) h[u]++;                                                                     \
                    continue;                                                                          \
                }                                                                                      \
                double v = (double)row[i];                                                             \
                if (v == fv) continue;                                                                 \
                if (mean) {                                                                            \
                    double d = v - *mean;                                                              \
                    sx_xsum_fast_add(f, (int)(i & (SX_XSUM_LANES - 1)), d * d);                        \
                    continue;                                                                          \
                }                                                                                      \
                sx_xsum_fast_add(f, (int)(i & (SX_XSUM_LANES - 1)), v);                                \
                p->n++;                                                                                \
                p->min = v < p->min ? v : p->min;                                                      \
                p->max = v > p->max ? v : p->max;                                                      \
            }                                                                                          \
        }                                                                                              \
    }
HIST_WIDE(int32_t)
HIST_WIDE(uint32_t)
HIST_WIDE(int64_t)
#undef HIST_WIDE

/* Pass 1 (mean == NULL): counts of the binned values summed over the threads
 * into h (nbins, zeroed) and, for 32/64-bit types, count, min, max and Σx of
 * the others into out. Pass 2 (32/64-bit types only): Σ(x − mean)² of the
 * others into out. fast: one bucket accumulator per thread for the 32/64-bit
 * types (NULL for 8/16-bit ones, which bin every value). */
static sx_err histogram(sx_window_t own, const void *data, int64_t row_stride, sx_dtype t, int nbins, double fv,
                        const double *mean, uint64_t *h, sx_xsum_fast_t *fast, part_t *out)
{
    int failed = 0;
    part_init(out);
#pragma omp parallel
    {
        uint64_t *mine = mean ? NULL : calloc((size_t)nbins, sizeof *mine);
        int nt = omp_get_num_threads(), id = omp_get_thread_num();
        int64_t j0 = own.ny * id / nt, j1 = own.ny * (id + 1) / nt;
        part_t p;
        part_init(&p);
        sx_xsum_fast_t *f = fast ? &fast[id] : NULL;
        if (f) sx_xsum_fast_init(f);
        if (mine || mean) {
            switch (t) {
            case SX_DT_UINT8: hist_uint8_t(own, data, row_stride, j0, j1, mine); break;
            case SX_DT_INT16: hist_int16_t(own, data, row_stride, j0, j1, mine); break;
            case SX_DT_UINT16: hist_uint16_t(own, data, row_stride, j0, j1, mine); break;
            case SX_DT_INT32: wide_int32_t(own, data, row_stride, j0, j1, fv, mean, mine, f, &p); break;
            case SX_DT_UINT32: wide_uint32_t(own, data, row_stride, j0, j1, fv, mean, mine, f, &p); break;
            default: wide_int64_t(own, data, row_stride, j0, j1, fv, mean, mine, f, &p); break;
            }
            if (f) sx_xsum_fast_flush(f, &p.sum);
#pragma omp critical(sx_layer_hist)
            {
                if (mine)
                    for (int b = 0; b < nbins; b++) h[b] += mine[b];
                part_merge(out, &p);
            }
        } else {
#pragma omp atomic write
            failed = 1;
        }
        free(mine);
    }
    SX_FAIL_IF(failed, SX_ERR_NOMEM, "cannot allocate a %d-bin histogram for statistics", nbins);
    return SX_OK;
}

/* s += c * x exactly (c a count below 2^53, x finite): the product as a
 * rounded term and its exact error (fma). */
static void add_product(sx_xsum_t *s, uint64_t c, double x)
{
    double p = (double)c * x;
    sx_xsum_add(s, p);
    sx_xsum_add(s, fma((double)c, x, -p));
}

/* Pass 1 (mean == NULL: count, min, max, Σx) or pass 2 (Σ fl(fl(x − mean)²),
 * the terms scan() adds) from a histogram, into p. */
static void from_histogram(const uint64_t *h, int lo, int nbins, double fv, const double *mean, part_t *p)
{
    part_init(p);
    for (int b = 0; b < nbins; b++) {
        double v = (double)(b + lo);
        if (!h[b] || v == fv) continue;
        if (mean) {
            double d = v - *mean;
            add_product(&p->sum, h[b], d * d);
            continue;
        }
        add_product(&p->sum, h[b], v); /* exact: c·v below 2^53 · 2^16 splits into two doubles */
        p->n += (int64_t)h[b];
        p->min = v < p->min ? v : p->min;
        p->max = v > p->max ? v : p->max;
    }
}

/* One pass of the statistics over the rank's block into p: pass 1 (mean ==
 * NULL) count, min, max, Σx; pass 2 Σ(x − mean)². h: the histogram (pass 1
 * fills it) or NULL for types that scan every cell. */
static sx_err stats_pass(sx_window_t own, const void *data, int64_t row_stride, sx_dtype t, double fill,
                         const double *mean, uint64_t *h, int lo, int nbins, int wide, sx_xsum_fast_t *fast,
                         part_t *p)
{
    if (!h) {
        scan(own, data, row_stride, t, fill, mean, p);
        return SX_OK;
    }
    part_t outside;
    part_init(&outside);
    if (!mean || wide) SX_CHECK(histogram(own, data, row_stride, t, nbins, through(t, fill), mean, h, fast, &outside));
    from_histogram(h, lo, nbins, through(t, fill), mean, p);
    part_merge(p, &outside);
    return SX_OK;
}

sx_err sx_layer_stats(MPI_Comm comm, sx_window_t own, const void *data, int64_t row_stride, sx_dtype t, double fill,
                      sx_band_stats_t *st)
{
    memset(st, 0, sizeof *st);
    part_t p;
    part_init(&p);
    int empty = own.nx <= 0 || own.ny <= 0, lo = 0, nbins = 0, wide = 0;
    int hist = !empty && hist_type(t, &lo, &nbins, &wide);
    /* integer layers: a histogram; the values of 32/64-bit ones outside the
     * bins: the per-thread bucket accumulators; floating ones: scan() */
    uint64_t *h = hist ? calloc((size_t)nbins, sizeof *h) : NULL;
    size_t fast_bytes = (size_t)omp_get_max_threads() * sizeof(sx_xsum_fast_t);
    int want_fast = !empty && hist && wide;
    sx_xsum_fast_t *fast = want_fast ? malloc(fast_bytes) : NULL;
    sx_err err = SX_OK;
    if (hist && !h) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate a %d-bin histogram", nbins);
    else if (want_fast && !fast)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %zu bytes for statistics", fast_bytes);
    if (err == SX_OK && !empty) err = stats_pass(own, data, row_stride, t, fill, NULL, h, lo, nbins, wide, fast, &p);
    err = sx_err_agree(comm, err);
    if (err != SX_OK) {
        free(h);
        free(fast);
        return err;
    }
    int64_t n[2] = {p.n, empty ? 0 : own.nx * own.ny}; /* valid, all */
    double mn = p.min, mx = p.max;
    SX_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, n, 2, MPI_INT64_T, MPI_SUM, comm));
    SX_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, &mn, 1, MPI_DOUBLE, MPI_MIN, comm));
    SX_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, &mx, 1, MPI_DOUBLE, MPI_MAX, comm));
    SX_CHECK(sx_xsum_allreduce(comm, &p.sum));
    if (n[0] == 0) { /* all nodata: no statistics, as GDAL */
        free(h);
        free(fast);
        return SX_OK;
    }
    double mean = sx_xsum_value(&p.sum) / (double)n[0];
    part_init(&p);
    if (!empty) err = stats_pass(own, data, row_stride, t, fill, &mean, h, lo, nbins, wide, fast, &p);
    free(h);
    free(fast);
    SX_CHECK(sx_err_agree(comm, err));
    SX_CHECK(sx_xsum_allreduce(comm, &p.sum));
    st->valid = 1;
    st->min = mn;
    st->max = mx;
    st->mean = mean;
    st->stddev = sqrt(sx_xsum_value(&p.sum) / (double)n[0]);
    st->valid_percent = 100.0 * (double)n[0] / (double)n[1];
    return SX_OK;
}
