/*
 * cog_internal.h — the pieces of the parallel COG writer (cog_write.c),
 * shared between its files and with the tests; not a public API.
 *
 *   cog_codec.c   TIFF predictors and tile compression (libdeflate, zstd)
 *   cog_reduce.c  2x2 -> 1 overview reductions (AVERAGE, NEAREST, MODE)
 *   cog_tiles.c   pyramid geometry, tile owners, moving cells to owners
 *   cog_tiff.c    the TIFF header and IFDs of a COG
 *   cog_tags.c    georeferencing and metadata tags, encoded by GDAL
 *   cog_stream.c  a writer thread for the tiles whose offsets are known early
 *   cog_bands.c   the full resolution's offsets, tile row by tile row
 */
#ifndef SX_COG_INTERNAL_H
#define SX_COG_INTERNAL_H

#include <gdal.h>
#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "sanxiang/sx_cog.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the COG writer writes little-endian TIFF from native cells; port it before using a big-endian host"
#endif

#define SX__COG_MAX_LEVELS 48
#define SX__COG_TILE_DEFAULT 512

/* ---- pyramid geometry (cog_tiles.c) ---- */

typedef struct {
    int64_t nx, ny;   /* cells */
    int64_t ntx, nty; /* tiles across, down */
} sx__cog_level_t;

typedef struct {
    int tile;    /* tile edge in cells */
    int nlevels; /* 1 + number of overviews */
    int64_t base[SX__COG_MAX_LEVELS]; /* index of a level's first tile when all levels are numbered in a row */
    int64_t ntiles;                   /* tiles of all levels */
    sx__cog_level_t lv[SX__COG_MAX_LEVELS]; /* lv[0] full resolution, lv[k] = ceil(lv[k-1] / 2) */
} sx__cog_pyramid_t;

/** Levels of an nx x ny grid: halved (rounding up) until one tile holds the
 *  level. Not collective. */
void sx__cog_pyramid(int64_t nx, int64_t ny, int tile, sx__cog_pyramid_t *p);

/* ---- codecs and predictors (cog_codec.c) ---- */

/** TIFF Compression tag value of a codec (8, 50000 or 1). */
int sx__cog_compression_tag(sx_cog_codec c);
/** TIFF Predictor tag value: 1 for NONE, 2 (horizontal differencing) for
 *  integers, 3 (floating point, TIFF Technical Note 3) for float types. */
int sx__cog_predictor_tag(sx_cog_codec c, sx_dtype t);
/** The codec's default level (docs/performance.md) and accepted range. */
void sx__cog_level_range(sx_cog_codec c, int *deflt, int *lo, int *hi);
/** ZSTD's default: a level per tile (sx__cog_encode), chosen from the tile. */
#define SX__COG_ZSTD_BY_TILE 1000
/** Apply predictor p (1, 2 or 3) in place to rows x width cells of type t,
 *  row-major and contiguous; scratch holds one row (width cells). */
void sx__cog_predict(int p, sx_dtype t, void *cells, int64_t width, int64_t rows, void *scratch);

typedef struct sx__cog_encoder sx__cog_encoder_t;
/** An encoder for inputs of up to max_in bytes; one per thread. level may
 *  be SX__COG_ZSTD_BY_TILE for ZSTD. */
sx_err sx__cog_encoder_create(sx_cog_codec c, int level, size_t max_in, sx__cog_encoder_t **out);
/** Compress n bytes at in. *out points into the encoder (or at in for NONE)
 *  and stays valid until the next call. Deterministic: the same bytes give
 *  the same output on any thread. */
sx_err sx__cog_encode(sx__cog_encoder_t *e, const void *in, size_t n, const void **out, size_t *out_n);
/** The most bytes an input of max_in bytes (the size e was made for) can
 *  compress to. */
size_t sx__cog_encoder_bound(const sx__cog_encoder_t *e, size_t max_in);
void sx__cog_encoder_destroy(sx__cog_encoder_t **e);

/* ---- overview reductions (cog_reduce.c) ---- */

typedef enum { SX__COG_AVERAGE = 0, SX__COG_NEAREST, SX__COG_MODE } sx__cog_rs;

/** Parse "AVERAGE", "NEAREST" or "MODE" (any case; NULL = AVERAGE). */
sx_err sx__cog_resampling(const char *name, sx__cog_rs *out);
/** Set n cells of type t to v. */
void sx__cog_fill(sx_dtype t, double v, void *dst, int64_t n);
/**
 * One 2x2 -> 1 step: src holds w x h cells (rows src_stride cells apart);
 * dst receives ceil(w/2) x ceil(h/2) cells (rows dst_stride apart), cell
 * (i, j) from src cells (2i..2i+1, 2j..2j+1) that lie inside w x h. A cell
 * is valid when it is not NaN and not fill (compared in type t).
 * AVERAGE: mean of the valid cells, summed in row order in double (exact
 * 128-bit integers for integer types, rounded half up); none valid -> fill.
 * NEAREST: the top-left cell. MODE: the most frequent valid value, ties to
 * the smallest; none valid -> fill. Pure per output cell, so the result never
 * depends on how the grid is split.
 */
void sx__cog_reduce(sx__cog_rs m, sx_dtype t, double fill, const void *src, int64_t src_stride, int64_t w, int64_t h,
                    void *dst, int64_t dst_stride);

/* ---- tile owners and the movement of cells (cog_tiles.c) ---- */

/* A tile a rank owns: where its cells are (a view into the caller's block,
 * or buf) and how many of its tile x tile cells lie inside the level. */
typedef struct {
    int64_t index;  /* tile number within its level, row by row */
    int64_t w, h;   /* valid cells */
    const void *p;  /* cell (0, 0) */
    int64_t stride; /* cells from one row to the next */
    void *buf;      /* tile x tile cells owned by the writer, or NULL for a view */
} sx__cog_tile_t;

typedef struct {
    MPI_Comm comm;
    int rank, size;
    sx__cog_pyramid_t pyr;
    sx_dtype dtype;
    size_t esz;
    double fill;
    sx_window_t *own;                 /* every rank's block */
    int *owner[SX__COG_MAX_LEVELS];   /* owner rank of every tile of a level */
} sx__cog_plan_t;

/** Gather the ranks' blocks, check that they tile the grid and assign each
 *  tile of each level its owner: at full resolution the rank whose block
 *  holds the tile's top-left cell, at level k+1 the owner of tile (2i, 2j) of
 *  level k. Collective over comm (ranks agree on the outcome). */
sx_err sx__cog_plan_init(MPI_Comm comm, int64_t nx, int64_t ny, sx_window_t own, int tile, sx_dtype t, double fill,
                         sx__cog_plan_t *p);
void sx__cog_plan_fini(sx__cog_plan_t *p);

/** This rank's full-resolution tiles, in tile order: views into data where a
 *  tile lies inside the rank's block, otherwise assembled from the blocks
 *  that hold its cells (point-to-point, by window intersection). *tiles is
 *  allocated; free with sx__cog_tiles_free. Collective over p->comm. */
sx_err sx__cog_level0(const sx__cog_plan_t *p, const void *data, int64_t row_stride, sx__cog_tile_t **tiles,
                      int64_t *ntiles);

/* Building level k+1 from the reduced pieces of level k's tiles. */
typedef struct sx__cog_next sx__cog_next_t;
/** Allocate this rank's level-(k+1) tiles (filled) and the send and receive
 *  buffers. Not communicating; agree on the result before sx__cog_next_post. */
sx_err sx__cog_next_create(const sx__cog_plan_t *p, int k, sx__cog_next_t **out);
/** Post the receives. Collective in effect (pairs with sx__cog_next_finish). */
sx_err sx__cog_next_post(sx__cog_next_t *x);
/** Where the reduced piece of this rank's i-th level-k tile goes: ceil(w/2) x
 *  ceil(h/2) cells, rows *stride cells apart. Distinct pieces never overlap,
 *  so threads may fill them concurrently. */
void *sx__cog_next_slot(sx__cog_next_t *x, int64_t i, int64_t *stride);
/** Send the pieces, wait, and hand over the level-(k+1) tiles (ownership
 *  passes to the caller). Frees x. */
sx_err sx__cog_next_finish(sx__cog_next_t **x, sx__cog_tile_t **tiles, int64_t *ntiles);
void sx__cog_next_destroy(sx__cog_next_t **x);
void sx__cog_tiles_free(sx__cog_tile_t **tiles, int64_t n);

/* ---- the TIFF header (cog_tiff.c) ---- */

/* A TIFF field copied verbatim: count values of TIFF type `type`, little-endian. */
typedef struct {
    uint16_t tag, type;
    uint64_t count;
    const unsigned char *bytes;
} sx__tiff_tag_t;

/** Bytes of one value of a TIFF field type (0 if unknown). */
size_t sx__tiff_type_size(uint16_t type);

typedef struct {
    int bigtiff;
    sx_dtype dtype;
    int compression, predictor;
    const sx__cog_pyramid_t *pyr;
    const sx__tiff_tag_t *main_tags; /* extra fields of the full-resolution IFD (georeferencing, metadata, nodata) */
    int nmain;
    const sx__tiff_tag_t *ovr_tags;  /* extra fields of every overview IFD (nodata) */
    int novr;
    const uint64_t *offsets; /* per tile, levels numbered as in sx__cog_pyramid_t.base; NULL: zeros (sizing) */
    const uint64_t *counts;
} sx__cog_tiff_t;

/**
 * Serialise the header, GDAL's structural-metadata block, and every IFD
 * followed by its out-of-line values (full resolution first, then the
 * overviews from finest to coarsest) into buf, or only measure it when buf
 * is NULL. Returns the byte count, which does not depend on the offsets.
 */
size_t sx__cog_tiff_header(const sx__cog_tiff_t *h, unsigned char *buf);
/** Bytes GDAL's layout adds around each tile (size leader + repeated last 4 bytes). */
#define SX__COG_TILE_EXTRA 8

/* ---- georeferencing and metadata, encoded by GDAL (cog_tags.c) ---- */

typedef struct {
    sx__tiff_tag_t tags[16];
    int ntags;
    unsigned char *blob; /* owns the tags' bytes */
} sx__cog_tags_t;

/** The GeoTIFF fields (ModelPixelScale, ModelTiepoint or ModelTransformation,
 *  GeoKeyDirectory, GeoDoubleParams, GeoAsciiParams), GDAL_METADATA and
 *  GDAL_NODATA that GDAL writes for this grid's CRS and geotransform and for
 *  l's metadata, statistics and nodata: GDAL writes a 1 x 1 GeoTIFF to
 *  /vsimem and the fields are copied out of it. Not collective. */
sx_err sx__cog_gdal_tags(const sx_grid_t *g, const sx_cog_layer_t *l, sx__cog_tags_t *out);
void sx__cog_tags_fini(sx__cog_tags_t *t);

/** Store statistics as GDAL's STATISTICS_* band metadata (VALID_PERCENT only
 *  when some cell is valid). Shared by both COG writers. */
void sx__cog_set_statistics(GDALRasterBandH band, const sx_band_stats_t *st);

/* ---- writing tiles while compressing (cog_stream.c) ---- */
struct iovec;
/** pwritev all of iov[0..n) at byte `at` of fd, resuming after short and
 *  interrupted writes (iov is consumed). Returns 0 or an errno. */
int sx__cog_pwritev_all(int fd, struct iovec *iov, int n, uint64_t at);
typedef struct sx__cog_stream sx__cog_stream_t;
/** Start a writer thread on path (opened with POSIX, created if needed) for
 *  up to max_records records. */
sx_err sx__cog_stream_open(const char *path, int64_t max_records, sx__cog_stream_t **out);
/** Queue n bytes at p (from malloc), to be written at byte `at` of the
 *  file; the stream frees p once written. */
void sx__cog_stream_push(sx__cog_stream_t *s, uint64_t at, unsigned char *p, size_t n);
/** Wait for every queued record, stop the thread, close the file; adds the
 *  bytes written to *written; fails (naming the system error) if a write did. */
sx_err sx__cog_stream_close(sx__cog_stream_t **s, int64_t *written);

/* ---- full-resolution offsets while compressing (cog_bands.c) ---- */
typedef struct sx__cog_bands sx__cog_bands_t;
/** Offsets of this rank's nmine full-resolution tiles (in tile order), the
 *  level starting at byte at0. Not communicating. */
sx_err sx__cog_bands_create(const sx__cog_plan_t *p, const sx__cog_tile_t *mine, int64_t nmine, uint64_t at0,
                            sx__cog_bands_t **out);
/** Own tile i takes `bytes` in the file (leader and trailer included). */
void sx__cog_bands_size(sx__cog_bands_t *b, int64_t i, uint64_t bytes);
/** Own tiles 0 .. done-1 are sized: post every band they complete. */
sx_err sx__cog_bands_post(sx__cog_bands_t *b, int64_t done);
/** Without waiting: *placed = own tiles (from the first) whose offsets are known. */
sx_err sx__cog_bands_progress(sx__cog_bands_t *b, int64_t *placed);
/** Post the bands left (sizes not given count 0) and wait for all; every
 *  rank calls it once. */
sx_err sx__cog_bands_finish(sx__cog_bands_t *b, int64_t *placed);
/** Where own tile i starts (its size leader), once placed. */
uint64_t sx__cog_bands_at(const sx__cog_bands_t *b, int64_t i);
void sx__cog_bands_destroy(sx__cog_bands_t **b);

#endif
