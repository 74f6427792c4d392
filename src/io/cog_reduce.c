/*
 * cog_reduce.c — one overview step: 2 x 2 cells -> 1, per data type.
 *
 * Each output cell depends only on its own 2 x 2 group of the level above,
 * in a fixed order (top-left, top-right, bottom-left, bottom-right), never on
 * how the grid is split among ranks or threads: tile edges are even, so a
 * group never straddles two tiles. At the right and bottom edges of an odd
 * level a group has fewer cells; only the cells inside the level count, so
 * every cell of a level contributes to exactly one cell of the next
 * (the level sizes round up, as gdaladdo's do).
 *
 * AVERAGE is nodata-aware: the mean of the valid cells, fill if none is.
 * Floating types sum in double and round once to the type; integer types sum
 * exactly (128-bit for int64) and round half up, floor((2·sum + n) / 2n)
 * (a shift for a group of four valid cells).
 * NEAREST takes the top-left cell (as GDAL's NEAREST does for a factor of 2).
 * MODE takes the most frequent valid value, the smallest on ties, fill if none.
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "io/cog_internal.h"

sx_err sx__cog_resampling(const char *name, sx__cog_rs *out)
{
    if (!name || !strcasecmp(name, "AVERAGE")) *out = SX__COG_AVERAGE;
    else if (!strcasecmp(name, "NEAREST")) *out = SX__COG_NEAREST;
    else if (!strcasecmp(name, "MODE")) *out = SX__COG_MODE;
    else SX_FAIL(SX_ERR_CONFIG, "overview resampling '%s' is not one of AVERAGE, NEAREST, MODE", name);
    return SX_OK;
}

/* Floor of a / b for b > 0 (C division truncates toward zero). */
static __int128 floor_div(__int128 a, __int128 b)
{
    __int128 q = a / b;
    return (a % b < 0) ? q - 1 : q;
}

/* Mode of n values (n <= 4): most frequent, ties to the smallest. */
#define MODE_OF(T)                                                      \
    static T mode_##T(const T *v, int n)                                \
    {                                                                   \
        T best = v[0];                                                  \
        int best_count = 0;                                             \
        for (int a = 0; a < n; a++) {                                   \
            int c = 0;                                                  \
            for (int b = 0; b < n; b++) c += v[b] == v[a];              \
            if (c > best_count || (c == best_count && v[a] < best)) {   \
                best = v[a];                                            \
                best_count = c;                                         \
            }                                                           \
        }                                                               \
        return best;                                                    \
    }

/* The reduction for cell type T: VALID(x) tests a cell, MEAN(v, n) averages n
 * valid cells. */
#define REDUCE(T)                                                                                            \
    MODE_OF(T)                                                                                               \
    static void reduce_##T(sx__cog_rs m, T fv, const T *src, int64_t ss, int64_t w, int64_t h, T *dst,       \
                           int64_t ds)                                                                       \
    {                                                                                                        \
        int64_t ow = (w + 1) / 2, oh = (h + 1) / 2;                                                          \
        for (int64_t j = 0; j < oh; j++) {                                                                   \
            const T *r0 = src + 2 * j * ss;                                                                  \
            const T *r1 = 2 * j + 1 < h ? r0 + ss : NULL;                                                    \
            T *o = dst + j * ds;                                                                             \
            if (m == SX__COG_NEAREST) {                                                                      \
                for (int64_t i = 0; i < ow; i++) o[i] = r0[2 * i];                                           \
                continue;                                                                                    \
            }                                                                                                \
            int64_t i0 = m == SX__COG_AVERAGE && r1 ? pairs_##T(fv, r0, r1, w / 2, o) : 0;                 \
            for (int64_t i = i0; i < ow; i++) {                                                              \
                int64_t a = 2 * i;                                                                           \
                int right = a + 1 < w;                                                                       \
                T v[4];                                                                                      \
                int n = 0;                                                                                   \
                if (VALID(r0[a])) v[n++] = r0[a];                                                            \
                if (right && VALID(r0[a + 1])) v[n++] = r0[a + 1];                                           \
                if (r1 && VALID(r1[a])) v[n++] = r1[a];                                                      \
                if (r1 && right && VALID(r1[a + 1])) v[n++] = r1[a + 1];                                     \
                if (n == 0) o[i] = fv;                                                                       \
                else if (m == SX__COG_MODE) o[i] = mode_##T(v, n);                                           \
                else o[i] = MEAN(T, v, n);                                                                   \
            }                                                                                                \
        }                                                                                                    \
    }

static inline double fsum(const double *v, int n)
{
    double s = 0.0;
    for (int k = 0; k < n; k++) s += v[k];
    return s;
}

#define VALID(x) ((x) != fv)
#define MEAN(T, v, n) imean_##T(v, n)
/* Mean of n valid cells, floor((2·sum + n) / 2n), summed in S (exact). */
#define IMEAN(T, S)                                                              \
    static inline T imean_##T(const T *v, int n)                                 \
    {                                                                            \
        S s = 0;                                                                 \
        for (int k = 0; k < n; k++) s += v[k];                                   \
        return (T)floor_div(2 * (__int128)s + n, 2 * (__int128)n);               \
    }
/* AVERAGE of whole 2x2 groups of an integer type: a group of four valid
 * cells is floor((2·sum + 4) / 8) = (sum + 2) >> 2 (arithmetic shift: floor
 * for negative sums too), without a division; others take imean. */
#define PAIRS(T, S)                                                                       \
    static int64_t pairs_##T(T fv, const T *restrict r0, const T *restrict r1, int64_t n, T *restrict o) \
    {                                                                                     \
        for (int64_t i = 0; i < n; i++) {                                                 \
            T v[4] = {r0[2 * i], r0[2 * i + 1], r1[2 * i], r1[2 * i + 1]};                \
            if (VALID(v[0]) && VALID(v[1]) && VALID(v[2]) && VALID(v[3])) {               \
                o[i] = (T)(((S)v[0] + v[1] + v[2] + v[3] + 2) >> 2);                      \
                continue;                                                                 \
            }                                                                             \
            int k = 0;                                                                    \
            for (int c = 0; c < 4; c++)                                                   \
                if (VALID(v[c])) v[k++] = v[c];                                           \
            o[i] = k ? imean_##T(v, k) : fv;                                              \
        }                                                                                 \
        return n;                                                                         \
    }
IMEAN(uint8_t, int64_t)
IMEAN(int16_t, int64_t)
IMEAN(uint16_t, int64_t)
IMEAN(int32_t, int64_t)
IMEAN(uint32_t, int64_t)
IMEAN(int64_t, __int128)
PAIRS(uint8_t, int64_t)
PAIRS(int16_t, int64_t)
PAIRS(uint16_t, int64_t)
PAIRS(int32_t, int64_t)
PAIRS(uint32_t, int64_t)
PAIRS(int64_t, __int128)
#undef PAIRS
REDUCE(uint8_t)
REDUCE(int16_t)
REDUCE(uint16_t)
REDUCE(int32_t)
REDUCE(uint32_t)
REDUCE(int64_t)
#undef VALID
#undef MEAN

#define VALID(x) ((x) == (x) && (x) != fv)
#define MEAN(T, v, n) fmean_##T(v, n)
static inline float fmean_float(const float *v, int n)
{
    double d[4];
    for (int k = 0; k < n; k++) d[k] = v[k];
    return (float)(fsum(d, n) / n);
}
static inline double fmean_double(const double *v, int n) { return fsum(v, n) / n; }
/* AVERAGE of n whole 2x2 groups of a floating type without a branch per
 * cell: invalid cells add +0.0, which leaves the sum unchanged (a sum that
 * starts at +0.0 is never -0.0), so the result equals the general path. */
#define PAIRS(T)                                                                          \
    __attribute__((target_clones("avx512f", "avx2", "default"))) static int64_t pairs_##T(  \
        T fv, const T *restrict r0, const T *restrict r1, int64_t n, T *restrict o)       \
    {                                                                                     \
        _Pragma("omp simd")                                                               \
        for (int64_t i = 0; i < n; i++) {                                                 \
            T a = r0[2 * i], b = r0[2 * i + 1], c = r1[2 * i], d = r1[2 * i + 1];         \
            int va = VALID(a), vb = VALID(b), vc = VALID(c), vd = VALID(d);               \
            double s = 0.0;                                                               \
            s += va ? (double)a : 0.0;                                                    \
            s += vb ? (double)b : 0.0;                                                    \
            s += vc ? (double)c : 0.0;                                                    \
            s += vd ? (double)d : 0.0;                                                    \
            int k = va + vb + vc + vd;                                                    \
            const double q = s / (k ? k : 1); /* formed for every group: a select, no branch */ \
            o[i] = k ? (T)q : fv;                                                         \
        }                                                                                 \
        return n;                                                                         \
    }
PAIRS(float)
PAIRS(double)
REDUCE(float)
REDUCE(double)
#undef VALID
#undef MEAN

void sx__cog_fill(sx_dtype t, double v, void *dst, int64_t n)
{
#define FILL(T)                                             \
    do {                                                    \
        T x = (T)v, *d = dst;                               \
        for (int64_t k = 0; k < n; k++) d[k] = x;           \
    } while (0)
    switch (t) {
    case SX_DT_UINT8: memset(dst, (int)(uint8_t)v, (size_t)n); break;
    case SX_DT_INT16: FILL(int16_t); break;
    case SX_DT_UINT16: FILL(uint16_t); break;
    case SX_DT_INT32: FILL(int32_t); break;
    case SX_DT_UINT32: FILL(uint32_t); break;
    case SX_DT_INT64: FILL(int64_t); break;
    case SX_DT_FLOAT32: FILL(float); break;
    case SX_DT_FLOAT64: FILL(double); break;
    default: break;
    }
#undef FILL
}

void sx__cog_reduce(sx__cog_rs m, sx_dtype t, double fill, const void *src, int64_t ss, int64_t w, int64_t h,
                    void *dst, int64_t ds)
{
    if (w <= 0 || h <= 0) return;
    switch (t) {
    case SX_DT_UINT8: reduce_uint8_t(m, (uint8_t)fill, src, ss, w, h, dst, ds); break;
    case SX_DT_INT16: reduce_int16_t(m, (int16_t)fill, src, ss, w, h, dst, ds); break;
    case SX_DT_UINT16: reduce_uint16_t(m, (uint16_t)fill, src, ss, w, h, dst, ds); break;
    case SX_DT_INT32: reduce_int32_t(m, (int32_t)fill, src, ss, w, h, dst, ds); break;
    case SX_DT_UINT32: reduce_uint32_t(m, (uint32_t)fill, src, ss, w, h, dst, ds); break;
    case SX_DT_INT64: reduce_int64_t(m, (int64_t)fill, src, ss, w, h, dst, ds); break;
    case SX_DT_FLOAT32: reduce_float(m, (float)fill, src, ss, w, h, dst, ds); break;
    case SX_DT_FLOAT64: reduce_double(m, fill, src, ss, w, h, dst, ds); break;
    default: break;
    }
}
