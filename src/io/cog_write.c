/*
 * cog_write.c — a Cloud-Optimized GeoTIFF written by all ranks at once.
 *
 * Phases (each ends with the ranks agreeing on errors):
 *   1. plan: gather the blocks, give every tile of every level an owner
 *      (cog_tiles.c); rank 0 has GDAL encode the georeferencing and
 *      metadata fields (cog_tags.c);
 *   2. tiles: the full resolution is reduced into the first overview, then
 *      from there down each owner compresses its tiles (OpenMP over tiles:
 *      predictor, DEFLATE/ZSTD) and reduces each into its quarter of the
 *      next level's tile, which goes to that tile's owner; the full
 *      resolution is compressed last. By then the overviews' sizes are
 *      known, so (when the format can be fixed from an upper bound of the
 *      size) the overview tiles go to a writer thread (cog_stream.c), and
 *      each full-resolution tile follows as soon as its offset is: every
 *      rank sums its sizes with the others' tile row by tile row while it
 *      compresses (cog_bands.c), so the disk works while the cores compress
 *      and, with blocks side by side (sx_decomp_init_per_cell), no rank
 *      is left with its tiles to write at the end;
 *   3. placement: the compressed sizes of all tiles are summed over the
 *      ranks (each tile has one owner, so the sum is that size) in the COG's
 *      global order — smallest overview first, rows within a level — which
 *      gives every rank every tile's offset after the header, whose size
 *      depends only on the tile count; BigTIFF when the file passes 4 GiB;
 *   4. write: every rank writes its other tiles at their offsets (POSIX
 *      pwritev: the ranks' byte ranges never overlap), contiguous runs as
 *      one request, freeing them as it goes; rank 0 writes header and IFDs;
 *      the file is committed under its final name (sx_output.h).
 * Nothing depends on the number of ranks or threads: tile contents are
 * pure functions of the grid, offsets of the tile sizes. No rank gathers
 * the raster; rank 0 holds O(tiles) offsets.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/uio.h>
#include <unistd.h>

#include "io/cog_internal.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"

/* A pwritev of tiles: at most this many tiles or bytes (write_tiles). */
#define BATCH_TILES 64
#define BATCH_BYTES ((size_t)8 << 20)

typedef struct {
    int codec, level, tile, rs, bigtiff;
} settings;

/* Codec and level: the layer's, else SX_COG_COMPRESS / SX_COG_LEVEL, else defaults. */
static sx_err choose(const sx_cog_layer_t *l, settings *s)
{
    s->codec = l->codec;
    const char *e = getenv("SX_COG_COMPRESS");
    if (s->codec == SX_COG_DEFAULT && e && *e) {
        if (!strcasecmp(e, "DEFLATE")) s->codec = SX_COG_DEFLATE;
        else if (!strcasecmp(e, "ZSTD")) s->codec = SX_COG_ZSTD;
        else if (!strcasecmp(e, "NONE")) s->codec = SX_COG_NONE;
        else SX_FAIL(SX_ERR_CONFIG, "SX_COG_COMPRESS='%s': set it to DEFLATE, ZSTD or NONE, or unset it", e);
    }
    if (s->codec == SX_COG_DEFAULT) s->codec = SX_COG_ZSTD; /* docs/performance.md, "COG tile compression" */
    int deflt, lo, hi;
    sx__cog_level_range(s->codec, &deflt, &lo, &hi);
    s->level = l->level;
    e = getenv("SX_COG_LEVEL");
    if (s->level == 0 && e && *e) {
        char *end;
        long v = strtol(e, &end, 10);
        SX_FAIL_IF(*end || v < lo || v > hi, SX_ERR_CONFIG, "SX_COG_LEVEL='%s': this codec takes levels %d..%d", e, lo, hi);
        s->level = (int)v;
    }
    if (s->level == 0) s->level = s->codec == SX_COG_ZSTD ? SX__COG_ZSTD_BY_TILE : deflt; /* cog_codec.c */
    SX_FAIL_IF(s->codec != SX_COG_NONE && s->level != SX__COG_ZSTD_BY_TILE && (s->level < lo || s->level > hi),
               SX_ERR_CONFIG,
               "COG compression level %d: this codec takes levels %d..%d", s->level, lo, hi);
    s->tile = l->tile ? l->tile : SX__COG_TILE_DEFAULT;
    SX_FAIL_IF(s->tile < 16 || s->tile % 16 || s->tile > 4096, SX_ERR_CONFIG,
               "COG tile size %d: use a multiple of 16 up to 4096", s->tile);
    sx__cog_rs rs;
    SX_CHECK(sx__cog_resampling(l->resampling, &rs));
    s->rs = (int)rs;
    s->bigtiff = l->bigtiff != 0;
    return SX_OK;
}

/* The fill value must be a value of the type (NaN only for floating types). */
static sx_err check_fill(sx_dtype t, double fill)
{
    static const struct {
        sx_dtype t;
        double lo, hi;
    } r[] = {{SX_DT_UINT8, 0, 255}, {SX_DT_INT16, -32768, 32767}, {SX_DT_UINT16, 0, 65535},
             {SX_DT_INT32, -2147483648.0, 2147483647.0}, {SX_DT_UINT32, 0, 4294967295.0},
             {SX_DT_INT64, -9223372036854775808.0, 9223372036854774784.0}};
    if (t == SX_DT_FLOAT32 || t == SX_DT_FLOAT64) return SX_OK;
    for (size_t i = 0; i < sizeof r / sizeof *r; i++)
        if (r[i].t == t) {
            SX_FAIL_IF(!(fill >= r[i].lo && fill <= r[i].hi && fill == floor(fill)), SX_ERR_INTERNAL,
                       "nodata %g is not a %s value", fill, sx_dtype_name(t));
            return SX_OK;
        }
    SX_FAIL(SX_ERR_INTERNAL, "the COG writer cannot store %s cells", sx_dtype_name(t));
}

/* One compressed tile: 4-byte size leader, the bytes, their last 4 repeated. */
typedef struct {
    unsigned char *bytes;
    uint64_t n; /* compressed size, without leader and trailer */
} ctile;

static void ctiles_free(ctile *c, int64_t n)
{
    for (int64_t i = 0; c && i < n; i++) free(c[i].bytes);
    free(c);
}

/* Copy a tile's cells into a tile x tile buffer, the cells outside the level as fill. */
static void extract(const sx__cog_tile_t *t, int64_t T, sx_dtype dt, size_t esz, double fill, unsigned char *cells)
{
    for (int64_t j = 0; j < t->h; j++) {
        unsigned char *row = cells + (size_t)(j * T) * esz;
        memcpy(row, (const unsigned char *)t->p + (size_t)(j * t->stride) * esz, (size_t)t->w * esz);
        if (t->w < T) sx__cog_fill(dt, fill, row + (size_t)t->w * esz, T - t->w);
    }
    if (t->h < T) sx__cog_fill(dt, fill, cells + (size_t)(t->h * T) * esz, (T - t->h) * T);
}

/* Compress this rank's tiles of level k into out (if compress) and, when
 * next is given, reduce each into its piece of level k+1. Threads share the
 * tiles. */
static sx_err encode_level(const settings *s, const sx__cog_plan_t *p, sx__cog_tile_t *tiles, int64_t n,
                           sx__cog_next_t *next, ctile *out, int compress)
{
    const int64_t T = s->tile;
    const size_t esz = p->esz, tile_bytes = (size_t)(T * T) * esz;
    const int predictor = sx__cog_predictor_tag(s->codec, p->dtype);
    sx_err first = SX_OK;
    char msg[1024] = "";
#pragma omp parallel
    {
        sx__cog_encoder_t *enc = NULL;
        unsigned char *cells = malloc(tile_bytes), *scratch = malloc((size_t)T * esz);
        sx_err e = cells && scratch ? sx__cog_encoder_create(s->codec, s->level, tile_bytes, &enc)
                                    : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate tile buffers");
#pragma omp for schedule(dynamic, 1)
        for (int64_t i = 0; i < n; i++) {
            const sx__cog_tile_t *t = &tiles[i];
            if (next) {
                int64_t stride;
                void *slot = sx__cog_next_slot(next, i, &stride);
                sx__cog_reduce((sx__cog_rs)s->rs, p->dtype, p->fill, t->p, t->stride, t->w, t->h, slot, stride);
            }
            if (e != SX_OK || !compress) continue;
            extract(t, T, p->dtype, esz, p->fill, cells);
            sx__cog_predict(predictor, p->dtype, cells, T, T, scratch);
            const void *z;
            size_t m;
            e = sx__cog_encode(enc, cells, tile_bytes, &z, &m);
            if (e != SX_OK) continue;
            unsigned char *b = malloc(m + SX__COG_TILE_EXTRA);
            if (!b) {
                e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot keep a compressed tile of %zu bytes", m);
                continue;
            }
            uint32_t lead = (uint32_t)m;
            memcpy(b, &lead, 4);
            memcpy(b + 4, z, m);
            memcpy(b + 4 + m, b + m, 4); /* the last 4 bytes again (m >= 4: a tile is at least 16 x 16 cells) */
            out[i].bytes = b, out[i].n = m;
        }
        if (e != SX_OK) {
#pragma omp critical(sx_cog_encode_err)
            if (first == SX_OK) {
                first = e;
                snprintf(msg, sizeof msg, "%s", sx_err_message());
            }
        }
        sx__cog_encoder_destroy(&enc);
        free(cells);
        free(scratch);
    }
    if (first != SX_OK) return sx_err_set(first, SX__FILE, __LINE__, "%s", msg);
    return SX_OK;
}

/* Level k's tiles (n of them): compress (if compress) and reduce into level
 * k+1 (if there is one), whose tiles come back in *tiles / *n. */
static sx_err one_level(const settings *s, const sx__cog_plan_t *p, int k, sx__cog_tile_t *cur, int64_t ncur,
                        ctile *out, int compress, const char *t_tiles, const char *t_comm, sx__cog_tile_t **tiles,
                        int64_t *n)
{
    sx__cog_next_t *next = NULL;
    sx_err e = SX_OK;
    *tiles = NULL, *n = 0;
    if (k + 1 < p->pyr.nlevels) e = sx__cog_next_create(p, k, &next);
    e = sx_err_agree(p->comm, e);
    if (e == SX_OK && next) e = sx__cog_next_post(next);
    sx_perf_start(t_tiles, SX_PERF_COMPUTE);
    sx_err enc = e == SX_OK ? encode_level(s, p, cur, ncur, next, out, compress) : SX_OK;
    sx_perf_stop(t_tiles);
    if (e == SX_OK && next) {
        sx_perf_start(t_comm, SX_PERF_COMM);
        e = sx__cog_next_finish(&next, tiles, n);
        sx_perf_stop(t_comm);
    }
    sx__cog_next_destroy(&next);
    if (e == SX_OK) e = enc;
    return sx_err_agree(p->comm, e);
}

/* Tile counts in the global numbering (the sum over the ranks: each tile has
 * one owner) of the levels from k0 on. Collective. */
static sx_err global_counts(const sx__cog_plan_t *p, ctile **comp, sx__cog_tile_t **mine, const int64_t *nmine,
                            int k0, uint64_t *counts)
{
    memset(counts, 0, (size_t)p->pyr.ntiles * sizeof *counts);
    for (int k = k0; k < p->pyr.nlevels; k++)
        for (int64_t i = 0; i < nmine[k]; i++) counts[p->pyr.base[k] + mine[k][i].index] = comp[k][i].n;
    SX_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, counts, (int)p->pyr.ntiles, MPI_UINT64_T, MPI_SUM, p->comm));
    return SX_OK;
}

/* The header of a file holding `data` bytes of tiles: *h set, its size in
 * *bytes, BigTIFF when asked or when the file would pass 4 GiB. Rank 0
 * decides; collective. */
static sx_err plan_header(const settings *s, const sx__cog_plan_t *p, const sx__cog_tags_t *tags, uint64_t data,
                          sx__cog_tiff_t *h, uint64_t *bytes)
{
    int nodata_tag = -1;
    for (int i = 0; i < tags->ntags; i++)
        if (tags->tags[i].tag == 42113) nodata_tag = i;
    *h = (sx__cog_tiff_t){0, p->dtype, sx__cog_compression_tag(s->codec), sx__cog_predictor_tag(s->codec, p->dtype),
                          &p->pyr, tags->tags, tags->ntags, nodata_tag >= 0 ? &tags->tags[nodata_tag] : NULL,
                          nodata_tag >= 0, NULL, NULL};
    uint64_t header[2] = {0, 0}; /* bytes, BigTIFF */
    if (p->rank == 0) {
        header[0] = sx__cog_tiff_header(h, NULL);
        if (s->bigtiff || header[0] + data > UINT32_MAX) {
            h->bigtiff = 1;
            header[0] = sx__cog_tiff_header(h, NULL);
            header[1] = 1;
        }
    }
    SX_CHECK_MPI(MPI_Bcast(header, 2, MPI_UINT64_T, 0, p->comm));
    h->bigtiff = (int)header[1];
    *bytes = header[0];
    return SX_OK;
}

/* The file layout of the tiles of levels nlevels - 1 down to k0, smallest
 * level first, each level in row-major order, from byte pos: offsets[t] is
 * where tile t's data starts, past its 4-byte size leader. offsets may be
 * counts itself. Returns the byte after the last tile. */
static uint64_t lay_out(const sx__cog_pyramid_t *pyr, int k0, uint64_t pos, const uint64_t *counts,
                        uint64_t *offsets)
{
    for (int k = pyr->nlevels - 1; k >= k0; k--)
        for (int64_t t = pyr->base[k]; t < pyr->base[k] + pyr->lv[k].ntx * pyr->lv[k].nty; t++) {
            uint64_t n = counts[t] + SX__COG_TILE_EXTRA;
            offsets[t] = pos + 4;
            pos += n;
        }
    return pos;
}

/* How the full resolution reaches the file (stream_start). */
typedef enum {
    AT_END = 0, /* every tile written at the end (the header's format not certain yet) */
    FIXED,      /* uncompressed: every tile's offset known from its number */
    BANDS       /* offsets known tile row by tile row as the ranks compress (cog_bands.c) */
} level0_path;

/* Once the overviews are compressed: the header's size is certain when the
 * format chosen for the largest size the tiles can compress to is the format
 * the real sizes will give (classic TIFF under 4 GiB, or BigTIFF when asked),
 * and then so are the offsets of all overview tiles (their sizes are
 * exchanged here) and the start of the full resolution (*at0). This rank's
 * overview tiles then go to a writer thread, and so will its
 * full-resolution tiles as they are placed (*path FIXED or BANDS, the same on
 * every rank). Otherwise (*path AT_END) nothing streams. Collective. */
static sx_err stream_start(const settings *s, const sx__cog_plan_t *p, const sx__cog_tags_t *tags, ctile **comp,
                           sx__cog_tile_t **mine, const int64_t *nmine, const char *tmp_path,
                           sx__cog_stream_t **stream, level0_path *path, uint64_t *at0)
{
    *stream = NULL, *path = AT_END, *at0 = 0;
    const sx__cog_pyramid_t *pyr = &p->pyr;
    const size_t tile_bytes = (size_t)s->tile * (size_t)s->tile * p->esz;
    uint64_t *counts = malloc((size_t)pyr->ntiles * sizeof *counts);
    sx__cog_encoder_t *enc = NULL;
    sx_err err = counts ? sx__cog_encoder_create(s->codec, s->level, tile_bytes, &enc)
                        : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %lld tile sizes",
                                     (long long)pyr->ntiles);
    err = sx_err_agree(p->comm, err);
    if (err == SX_OK) err = global_counts(p, comp, mine, nmine, 1, counts);
    uint64_t over = 0, hb = 0;
    sx__cog_tiff_t h;
    memset(&h, 0, sizeof h);
    if (err == SX_OK) {
        for (int k = 1; k < pyr->nlevels; k++)
            for (int64_t t = 0; t < pyr->lv[k].ntx * pyr->lv[k].nty; t++) over += counts[pyr->base[k] + t] + SX__COG_TILE_EXTRA;
        uint64_t most = (uint64_t)(pyr->lv[0].ntx * pyr->lv[0].nty) *
                        (sx__cog_encoder_bound(enc, tile_bytes) + SX__COG_TILE_EXTRA);
        err = plan_header(s, p, tags, over + most, &h, &hb);
    }
    sx__cog_encoder_destroy(&enc);
    const int fixed = s->codec == SX_COG_NONE; /* every tile tile_bytes long */
    const int certain = fixed || !h.bigtiff || s->bigtiff;
    int64_t records = nmine[0];
    for (int k = 1; k < pyr->nlevels; k++) records += nmine[k];
    if (err == SX_OK && certain && records > 0) err = sx__cog_stream_open(tmp_path, records, stream);
    if (err == SX_OK && *stream) {
        lay_out(pyr, 1, hb, counts, counts); /* the overview tiles' sizes become their offsets */
        for (int k = pyr->nlevels - 1; k >= 1; k--)
            for (int64_t i = 0; i < nmine[k]; i++) {
                sx__cog_stream_push(*stream, counts[pyr->base[k] + mine[k][i].index] - 4, comp[k][i].bytes,
                                    (size_t)comp[k][i].n + SX__COG_TILE_EXTRA);
                comp[k][i].bytes = NULL; /* the stream's now */
            }
    }
    if (err == SX_OK && certain) *path = fixed ? FIXED : BANDS, *at0 = hb + over;
    free(counts);
    return sx_err_agree(p->comm, err);
}

/* Room for this rank's n compressed tiles of a level. Collective (agreed). */
static sx_err level_alloc(const sx__cog_plan_t *p, int64_t n, ctile **comp)
{
    *comp = n ? calloc((size_t)n, sizeof **comp) : NULL;
    return sx_err_agree(p->comm, n && !*comp ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory") : SX_OK);
}

/* A level's cells are no longer needed once compressed and reduced, only
 * their tile numbers. */
static void drop_cells(sx__cog_tile_t *tiles, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        free(tiles[i].buf);
        tiles[i].buf = NULL, tiles[i].p = NULL;
    }
}

/* Hand this rank's full-resolution tiles *pushed .. placed-1 to the writer
 * thread, at the offsets the bands gave or, uncompressed (no bands), at
 * their numbers times the whole tile's bytes from at0. */
static void hand_over(sx__cog_stream_t *stream, const sx__cog_bands_t *bands, uint64_t at0, uint64_t whole,
                      const sx__cog_tile_t *mine, ctile *comp, int64_t *pushed, int64_t placed)
{
    for (; stream && *pushed < placed; ++*pushed) {
        const int64_t i = *pushed;
        uint64_t at = bands ? sx__cog_bands_at(bands, i) : at0 + (uint64_t)mine[i].index * whole;
        sx__cog_stream_push(stream, at, comp[i].bytes, (size_t)comp[i].n + SX__COG_TILE_EXTRA);
        comp[i].bytes = NULL; /* the stream's now */
    }
}

/* Build every level's tiles: reduce the full resolution into the first
 * overview, compress the overviews from there down (reducing each into the
 * next), then compress the full resolution, streaming the overviews and
 * then the full-resolution tiles as their offsets become known
 * (stream_start). comp[k] / mine[k] receive this rank's compressed tiles;
 * *streamed: all of them went to the writer thread (else none did). */
static sx_err all_levels(const settings *s, const sx__cog_plan_t *p, const void *data, int64_t row_stride,
                         const char *name, const sx__cog_tags_t *tags, const char *tmp_path, ctile **comp,
                         sx__cog_tile_t **mine, int64_t *nmine, int *streamed, int64_t *written)
{
    char t_tiles[96], t_comm[96];
    snprintf(t_tiles, sizeof t_tiles, "%s: COG tiles", name);
    snprintf(t_comm, sizeof t_comm, "%s: COG exchange", name);
    sx__cog_tile_t *tiles = NULL;
    int64_t n = 0;
    *streamed = 0;
    sx_perf_start(t_comm, SX_PERF_COMM);
    sx_err err = sx__cog_level0(p, data, row_stride, &tiles, &n);
    sx_perf_stop(t_comm);
    SX_CHECK(err);
    mine[0] = tiles, nmine[0] = n;
    tiles = NULL, n = 0;
    err = level_alloc(p, nmine[0], &comp[0]);
    if (err == SX_OK && p->pyr.nlevels > 1)
        err = one_level(s, p, 0, mine[0], nmine[0], comp[0], 0, t_tiles, t_comm, &tiles, &n);
    for (int k = 1; k < p->pyr.nlevels && err == SX_OK; k++) {
        mine[k] = tiles, nmine[k] = n;
        tiles = NULL, n = 0;
        err = level_alloc(p, nmine[k], &comp[k]);
        if (err == SX_OK) err = one_level(s, p, k, mine[k], nmine[k], comp[k], 1, t_tiles, t_comm, &tiles, &n);
        drop_cells(mine[k], nmine[k]);
    }
    sx__cog_tiles_free(&tiles, n);
    sx__cog_stream_t *stream = NULL;
    sx__cog_bands_t *bands = NULL;
    level0_path path = AT_END;
    uint64_t at0 = 0;
    if (err == SX_OK) err = stream_start(s, p, tags, comp, mine, nmine, tmp_path, &stream, &path, &at0);
    if (err == SX_OK && path == BANDS) err = sx_err_agree(p->comm, sx__cog_bands_create(p, mine[0], nmine[0], at0, &bands));
    sx_err mpi = bands ? sx__cog_bands_post(bands, 0) : SX_OK; /* the leading rows without tiles of this rank */
    /* the full resolution, a few tiles per thread at a time, each handed to
     * the writer thread once its offset is known */
    const int64_t chunk = 4 * (int64_t)omp_get_max_threads();
    const uint64_t whole = (uint64_t)s->tile * (uint64_t)s->tile * p->esz + SX__COG_TILE_EXTRA; /* FIXED */
    int64_t pushed = 0, placed = 0;
    sx_err enc = SX_OK;
    sx_perf_start(t_tiles, SX_PERF_COMPUTE);
    for (int64_t i0 = 0; err == SX_OK && enc == SX_OK && mpi == SX_OK && i0 < nmine[0]; i0 += chunk) {
        int64_t i1 = i0 + chunk < nmine[0] ? i0 + chunk : nmine[0];
        enc = encode_level(s, p, mine[0] + i0, i1 - i0, NULL, comp[0] + i0, 1);
        if (enc != SX_OK) break;
        if (bands) {
            for (int64_t i = i0; i < i1; i++) sx__cog_bands_size(bands, i, comp[0][i].n + SX__COG_TILE_EXTRA);
            mpi = sx__cog_bands_post(bands, i1);
            if (mpi == SX_OK) mpi = sx__cog_bands_progress(bands, &placed);
        } else if (path == FIXED) placed = i1;
        hand_over(stream, bands, at0, whole, mine[0], comp[0], &pushed, placed);
    }
    if (bands && mpi == SX_OK) mpi = sx__cog_bands_finish(bands, &placed); /* every rank, even after an error */
    if (enc == SX_OK && mpi == SX_OK) hand_over(stream, bands, at0, whole, mine[0], comp[0], &pushed, placed);
    sx__cog_bands_destroy(&bands);
    if (enc == SX_OK) enc = mpi;
    *streamed = path != AT_END;
    sx_perf_stop(t_tiles);
    sx_err closed = sx__cog_stream_close(&stream, written);
    if (enc == SX_OK) enc = closed;
    if (err == SX_OK) err = sx_err_agree(p->comm, enc);
    drop_cells(mine[0], nmine[0]);
    return err;
}

/* A run of contiguous tiles on its way to the file: written with one
 * pwritev, and the tiles' buffers freed as soon as it is. */
typedef struct {
    int fd, err, n;
    struct iovec iov[BATCH_TILES];
    unsigned char **bytes[BATCH_TILES]; /* where each tile's buffer is kept, to free it */
    uint64_t at;
    size_t len;
    int64_t *written;
} batch;

static void flush(batch *b)
{
    if (!b->n) return;
    if (!b->err) b->err = sx__cog_pwritev_all(b->fd, b->iov, b->n, b->at);
    if (!b->err) *b->written += (int64_t)b->len;
    for (int j = 0; j < b->n; j++) free(*b->bytes[j]), *b->bytes[j] = NULL;
    b->n = 0, b->len = 0;
}

static void add(batch *b, uint64_t pos, ctile *c)
{
    size_t len = (size_t)c->n + SX__COG_TILE_EXTRA;
    if (b->n && (pos != b->at + b->len || b->n == BATCH_TILES || b->len + len > BATCH_BYTES)) flush(b);
    if (!b->n) b->at = pos;
    b->iov[b->n] = (struct iovec){c->bytes, len};
    b->bytes[b->n++] = &c->bytes;
    b->len += len;
}

/* Write this rank's tiles, smallest level first (none if they were all
 * streamed already): straight from the tiles' buffers, a run of contiguous
 * tiles (up to BATCH_BYTES) per pwritev, each run freed once written. The
 * memory a run gives back is what the page cache takes for the next one: on
 * a virtual machine whose free memory goes back to the host, a page unused
 * for a while costs a fault on the host when touched again, and writing
 * ~130 MB into such pages took 0.25 s where the same write into pages just
 * freed took 0.05 s (docs/performance.md). */
static sx_err write_tiles(int fd, const char *path, const sx__cog_plan_t *p, ctile **comp, sx__cog_tile_t **mine,
                          const int64_t *nmine, int streamed, const uint64_t *offsets, int64_t *written)
{
    batch *b = calloc(1, sizeof *b);
    SX_FAIL_IF(!b, SX_ERR_NOMEM, "cannot allocate a COG write batch");
    b->fd = fd, b->written = written;
    for (int k = p->pyr.nlevels - 1; k >= 0; k--)
        for (int64_t i = streamed ? nmine[k] : 0; i < nmine[k]; i++)
            add(b, offsets[p->pyr.base[k] + mine[k][i].index] - 4, &comp[k][i]);
    flush(b);
    int e = b->err;
    free(b);
    SX_FAIL_IF(e, SX_ERR_IO, "cannot write COG tiles to '%s': %s; check the free space and quota of the output directory",
               path, strerror(e));
    return SX_OK;
}

/* Sizes of all tiles in global numbering; header size, format and offsets. */
static sx_err place(const settings *s, const sx__cog_plan_t *p, const sx__cog_tags_t *tags, ctile **comp,
                    sx__cog_tile_t **mine, const int64_t *nmine, uint64_t *counts, uint64_t *offsets,
                    sx__cog_tiff_t *h)
{
    const sx__cog_pyramid_t *pyr = &p->pyr;
    SX_CHECK(global_counts(p, comp, mine, nmine, 0, counts));
    uint64_t data = 0, pos = 0;
    for (int64_t t = 0; t < pyr->ntiles; t++) data += counts[t] + SX__COG_TILE_EXTRA;
    SX_CHECK(plan_header(s, p, tags, data, h, &pos));
    lay_out(pyr, 0, pos, counts, offsets);
    h->offsets = offsets, h->counts = counts;
    return SX_OK;
}

/* Phases 3 and 4 into the open temporary file. */
static sx_err place_and_write(const settings *s, const sx__cog_plan_t *p, const sx__cog_tags_t *tags, ctile **comp,
                              sx__cog_tile_t **mine, const int64_t *nmine, int streamed, int64_t streamed_bytes,
                              const char *tmp_path, const char *name)
{
    uint64_t *counts = calloc((size_t)p->pyr.ntiles, sizeof *counts);
    uint64_t *offsets = calloc((size_t)p->pyr.ntiles, sizeof *offsets);
    sx_err err = counts && offsets ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %lld tile offsets", (long long)p->pyr.ntiles);
    err = sx_err_agree(p->comm, err);
    sx__cog_tiff_t h;
    if (err == SX_OK) err = place(s, p, tags, comp, mine, nmine, counts, offsets, &h);
    char timer[96];
    snprintf(timer, sizeof timer, "%s: COG file", name);
    sx_perf_start(timer, SX_PERF_WRITE);
    int64_t written = streamed_bytes;
    if (err == SX_OK) {
        /* Each rank writes its own byte ranges, so plain POSIX writes are
         * enough (as the stream thread's): no collective open or close. */
        int fd = open(tmp_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        sx_err e = fd < 0 ? sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot open '%s' to write COG tiles: %s",
                                       tmp_path, strerror(errno))
                          : write_tiles(fd, tmp_path, p, comp, mine, nmine, streamed, offsets, &written);
        if (e == SX_OK && p->rank == 0) {
            size_t hb = sx__cog_tiff_header(&h, NULL);
            unsigned char *hdr = calloc(1, hb);
            if (!hdr) e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the %zu-byte COG header", hb);
            if (e == SX_OK) {
                sx__cog_tiff_header(&h, hdr);
                struct iovec v = {hdr, hb};
                int we = sx__cog_pwritev_all(fd, &v, 1, 0);
                if (we) e = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot write the COG header to '%s': %s", tmp_path,
                                       strerror(we));
                else written += (int64_t)hb;
            }
            free(hdr);
        }
        if (fd >= 0 && close(fd) != 0 && e == SX_OK)
            e = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot close '%s': %s", tmp_path, strerror(errno));
        err = sx_err_agree(p->comm, e);
    }
    sx_perf_stop(timer);
    sx_perf_add_bytes_written(written);
    free(counts);
    free(offsets);
    return err;
}

sx_err sx_cog_write_blocks(MPI_Comm comm, const char *final_path, const sx_grid_t *grid, sx_window_t own,
                           const void *data, int64_t row_stride, const sx_cog_layer_t *l)
{
    int rank;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &rank));
    settings s = {0, 0, 0, 0, 0};
    sx_err err = rank == 0 ? choose(l, &s) : SX_OK;
    if (err == SX_OK) err = check_fill(l->dtype, l->fill);
    if (err == SX_OK && own.nx > 0 && own.ny > 0 && row_stride < own.nx)
        err = sx_err_set(SX_ERR_INTERNAL, SX__FILE, __LINE__, "row stride %lld is less than the block width %lld",
                         (long long)row_stride, (long long)own.nx);
    SX_CHECK(sx_err_agree(comm, err));
    SX_CHECK_MPI(MPI_Bcast(&s, 5, MPI_INT, 0, comm));
    const char *name = l->name ? l->name : "layer";

    sx__cog_plan_t plan;
    SX_CHECK(sx__cog_plan_init(comm, grid->nx, grid->ny, own, s.tile, l->dtype, l->fill, &plan));
    sx_output_t out;
    err = sx_output_begin(comm, final_path, &out);
    if (err != SX_OK) {
        sx__cog_plan_fini(&plan);
        return err;
    }
    sx__cog_tags_t tags;
    memset(&tags, 0, sizeof tags);
    err = rank == 0 ? sx__cog_gdal_tags(grid, l, &tags) : SX_OK;
    err = sx_err_agree(comm, err);

    const int nl = plan.pyr.nlevels;
    ctile *comp[SX__COG_MAX_LEVELS] = {0};
    sx__cog_tile_t *mine[SX__COG_MAX_LEVELS] = {0};
    int64_t nmine[SX__COG_MAX_LEVELS] = {0};
    int64_t streamed_bytes = 0;
    int streamed = 0;
    if (err == SX_OK)
        err = all_levels(&s, &plan, data, row_stride, name, &tags, out.tmp_path, comp, mine, nmine, &streamed,
                         &streamed_bytes);
    if (err == SX_OK)
        err = place_and_write(&s, &plan, &tags, comp, mine, nmine, streamed, streamed_bytes, out.tmp_path, name);
    for (int k = 0; k < nl; k++) {
        ctiles_free(comp[k], nmine[k]);
        sx__cog_tiles_free(&mine[k], nmine[k]);
    }
    sx__cog_tags_fini(&tags);
    sx__cog_plan_fini(&plan);
    return sx_output_commit(comm, &out, err);
}
