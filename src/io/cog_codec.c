/*
 * cog_codec.c — TIFF predictors and tile compression for the parallel COG
 * writer.
 *
 * Predictors (TIFF 6.0 section 14; Adobe TIFF Technical Note 3, 2005) make
 * neighbouring cells similar bytes before compression:
 *   2  horizontal differencing of integers: each cell of a row minus its left
 *      neighbour, in the cell's own width with wrap-around (libtiff horDiff);
 *   3  floating point: the bytes of a row's samples are regrouped into planes,
 *      most significant byte first (big-endian order whatever the file's
 *      byte order), and then differenced byte by byte along the whole row
 *      (libtiff fpDiff).
 * Readers undo them per row, so a tile's rows are predicted independently.
 *
 * Codecs: DEFLATE as a zlib stream (Compression 8, "Adobe Deflate") through
 * libdeflate, ZSTD frames (Compression 50000, GDAL's code) through libzstd
 * with one worker, and NONE. All are deterministic: the same tile gives the
 * same bytes on any thread or rank, which the byte-identical output relies on.
 * The default, ZSTD level 1, was chosen by measurement on NDVI, slope,
 * filled DEM, accumulation and water-mask layers (docs/performance.md, "COG
 * tile compression"): half the instructions of DEFLATE level 1 for files
 * of the same size or smaller on the floating-point layers. Unless a level
 * is asked for, each tile gets its own: a sample of the predicted bytes
 * (four sixty-fourths spread over the tile) is compressed at the fast level
 * −4; a tile whose sample more than halves there takes level 1, others are
 * sampled at level 1 too and take it only where it makes the sample at
 * least 5 % smaller. The noise in the low mantissa bytes of a
 * Float32 index gains about 3 % at level 1 for twice the work or more, so
 * such tiles take −4 (0.3 % larger than at −1 for two thirds of its
 * instructions); a smooth DEM or a composite of integer reflectances would
 * be a fifth to a quarter larger there and keep level 1. Readers do not see
 * levels; the choice depends on the tile's bytes only, so the file is
 * still the same at any rank count.
 */
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "io/cog_internal.h"

int sx__cog_compression_tag(sx_cog_codec c)
{
    switch (c) {
    case SX_COG_ZSTD: return 50000;
    case SX_COG_NONE: return 1;
    default: return 8;
    }
}

int sx__cog_predictor_tag(sx_cog_codec c, sx_dtype t)
{
    if (c == SX_COG_NONE) return 1;
    return t == SX_DT_FLOAT32 || t == SX_DT_FLOAT64 ? 3 : 2;
}

void sx__cog_level_range(sx_cog_codec c, int *deflt, int *lo, int *hi)
{
    switch (c) {
    case SX_COG_ZSTD: *deflt = 1, *lo = -7, *hi = 22; break; /* negative: zstd fast levels */
    case SX_COG_NONE: *deflt = 0, *lo = 0, *hi = 0; break;
    default: *deflt = 1, *lo = 1, *hi = 12; break;
    }
}

/* Horizontal differencing of one row in the cells' own width: row[i] -= row[i-1]. */
#define HDIFF(T)                                                                \
    static void hdiff_##T(T *restrict row, T *restrict prev, int64_t w)       \
    {                                                                           \
        memcpy(prev, row, (size_t)w * sizeof(T));                               \
        for (int64_t i = 1; i < w; i++) row[i] = (T)(prev[i] - prev[i - 1]);    \
    }
HDIFF(uint8_t)
HDIFF(uint16_t)
HDIFF(uint32_t)
HDIFF(uint64_t)
#undef HDIFF

/* Floating-point predictor of one row of w samples of bps bytes: byte planes
 * (most significant first) into planes, then byte differences back into row. */
static void fpdiff(unsigned char *restrict row, unsigned char *restrict planes, int64_t w, int bps)
{
    if (bps == 4) {
        const uint32_t *v = (const uint32_t *)row;
        for (int64_t c = 0; c < w; c++) {
            uint32_t x = v[c];
            planes[c] = (unsigned char)(x >> 24);
            planes[w + c] = (unsigned char)(x >> 16);
            planes[2 * w + c] = (unsigned char)(x >> 8);
            planes[3 * w + c] = (unsigned char)x;
        }
    } else {
        const uint64_t *v = (const uint64_t *)row;
        for (int64_t c = 0; c < w; c++) {
            uint64_t x = v[c];
            for (int b = 0; b < 8; b++) planes[(int64_t)b * w + c] = (unsigned char)(x >> (56 - 8 * b));
        }
    }
    int64_t n = w * bps;
    row[0] = planes[0];
    for (int64_t i = 1; i < n; i++) row[i] = (unsigned char)(planes[i] - planes[i - 1]);
}

void sx__cog_predict(int p, sx_dtype t, void *cells, int64_t width, int64_t rows, void *scratch)
{
    if (p == 1) return;
    size_t esz = sx_dtype_size(t);
    for (int64_t j = 0; j < rows; j++) {
        unsigned char *row = (unsigned char *)cells + (size_t)j * (size_t)width * esz;
        if (p == 3) {
            fpdiff(row, scratch, width, (int)esz);
            continue;
        }
        switch (esz) {
        case 1: hdiff_uint8_t((uint8_t *)row, scratch, width); break;
        case 2: hdiff_uint16_t((uint16_t *)row, scratch, width); break;
        case 4: hdiff_uint32_t((uint32_t *)row, scratch, width); break;
        default: hdiff_uint64_t((uint64_t *)row, scratch, width); break;
        }
    }
}

/* The sample of a tile for the level choice: SAMPLES pieces of 1/64 of it. */
#define SAMPLES 4
#define FAST_LEVEL (-4)

struct sx__cog_encoder {
    sx_cog_codec codec;
    struct libdeflate_compressor *deflate;
    ZSTD_CCtx *zstd, *fast; /* fast: level FAST_LEVEL when the level is chosen per tile */
    unsigned char *out;
    size_t cap;
};

sx_err sx__cog_encoder_create(sx_cog_codec c, int level, size_t max_in, sx__cog_encoder_t **out)
{
    sx__cog_encoder_t *e;
    SX_ALLOC(e, 1, "a tile encoder");
    e->codec = c;
    sx_err err = SX_OK;
    if (c == SX_COG_DEFLATE) {
        e->deflate = libdeflate_alloc_compressor(level);
        if (!e->deflate) SX_FAIL_GOTO(err, fail, SX_ERR_NOMEM, "cannot create a DEFLATE compressor at level %d", level);
        e->cap = libdeflate_zlib_compress_bound(e->deflate, max_in);
    } else if (c == SX_COG_ZSTD) {
        const int by_tile = level == SX__COG_ZSTD_BY_TILE;
        e->zstd = ZSTD_createCCtx();
        e->fast = by_tile ? ZSTD_createCCtx() : NULL;
        if (!e->zstd || (by_tile && !e->fast)) SX_FAIL_GOTO(err, fail, SX_ERR_NOMEM, "cannot create a ZSTD compressor");
        size_t rc = ZSTD_CCtx_setParameter(e->zstd, ZSTD_c_compressionLevel, by_tile ? 1 : level);
        if (!ZSTD_isError(rc) && by_tile) rc = ZSTD_CCtx_setParameter(e->fast, ZSTD_c_compressionLevel, FAST_LEVEL);
        if (ZSTD_isError(rc))
            SX_FAIL_GOTO(err, fail, SX_ERR_CONFIG, "ZSTD level %d: %s", level, ZSTD_getErrorName(rc));
        e->cap = ZSTD_compressBound(max_in);
    }
    if (e->cap) {
        e->out = malloc(e->cap);
        if (!e->out) SX_FAIL_GOTO(err, fail, SX_ERR_NOMEM, "cannot allocate %zu bytes for compressed tiles", e->cap);
    }
    *out = e;
    return SX_OK;
fail:
    sx__cog_encoder_destroy(&e);
    return err;
}

size_t sx__cog_encoder_bound(const sx__cog_encoder_t *e, size_t max_in) { return e->cap ? e->cap : max_in; }

/* Bytes of the sample of a tile of n bytes (SAMPLES pieces of piece bytes,
 * spread over it) compressed by cx. */
static size_t sample_bytes(sx__cog_encoder_t *e, ZSTD_CCtx *cx, const void *in, size_t n, size_t piece)
{
    size_t packed = 0;
    for (int k = 0; k < SAMPLES; k++) {
        size_t m = ZSTD_compress2(cx, e->out, e->cap, (const unsigned char *)in + (size_t)k * (n / SAMPLES), piece);
        packed += ZSTD_isError(m) ? piece : m;
    }
    return packed;
}

/* The context for this tile: e->fast (FAST_LEVEL) when a sample of it does
 * not halve there and level 1 packs it less than 5 % smaller; else e->zstd
 * (level 1). Uses e->out as scratch. */
static ZSTD_CCtx *by_tile_level(sx__cog_encoder_t *e, const void *in, size_t n)
{
    const size_t piece = n / 64;
    if (!e->fast || piece < 256) return e->zstd;
    const size_t fast = sample_bytes(e, e->fast, in, n, piece);
    if (2 * fast <= SAMPLES * piece) return e->zstd;
    return 100 * sample_bytes(e, e->zstd, in, n, piece) <= 95 * fast ? e->zstd : e->fast;
}

sx_err sx__cog_encode(sx__cog_encoder_t *e, const void *in, size_t n, const void **out, size_t *out_n)
{
    if (e->codec == SX_COG_DEFLATE) {
        size_t m = libdeflate_zlib_compress(e->deflate, in, n, e->out, e->cap);
        SX_FAIL_IF(m == 0, SX_ERR_INTERNAL, "DEFLATE output of %zu bytes exceeded its bound %zu", n, e->cap);
        *out = e->out, *out_n = m;
    } else if (e->codec == SX_COG_ZSTD) {
        size_t m = ZSTD_compress2(by_tile_level(e, in, n), e->out, e->cap, in, n);
        SX_FAIL_IF(ZSTD_isError(m), SX_ERR_INTERNAL, "ZSTD compression of %zu bytes failed: %s", n,
                   ZSTD_getErrorName(m));
        *out = e->out, *out_n = m;
    } else {
        *out = in, *out_n = n;
    }
    return SX_OK;
}

void sx__cog_encoder_destroy(sx__cog_encoder_t **ep)
{
    if (!ep || !*ep) return;
    sx__cog_encoder_t *e = *ep;
    if (e->deflate) libdeflate_free_compressor(e->deflate);
    if (e->zstd) ZSTD_freeCCtx(e->zstd);
    if (e->fast) ZSTD_freeCCtx(e->fast);
    free(e->out);
    free(e);
    *ep = NULL;
}
