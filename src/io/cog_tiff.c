/*
 * cog_tiff.c — the TIFF header and IFDs of a COG (TIFF 6.0; BigTIFF).
 *
 * Layout, as GDAL's COG driver writes it and its validator checks:
 *   header (8 bytes, BigTIFF 16), little-endian;
 *   GDAL's "ghost" structural metadata (LAYOUT=IFDS_BEFORE_DATA,
 *   BLOCK_ORDER=ROW_MAJOR, BLOCK_LEADER=SIZE_AS_UINT4,
 *   BLOCK_TRAILER=LAST_4_BYTES_REPEATED), which lets readers fetch a tile
 *   with one request;
 *   the full-resolution IFD, then each overview's IFD (finest first), each
 *   followed by its out-of-line values;
 *   then the tiles (written elsewhere): the smallest overview first, full
 *   resolution last, row by row within a level.
 * One tiled, single-band image per IFD; overviews are marked
 * NewSubfileType = 1. The size of the header depends only on the pyramid
 * and the extra fields, never on the tile offsets, so it can be computed
 * before the tiles are placed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cog_internal.h"

enum { T_ASCII = 2, T_SHORT = 3, T_LONG = 4, T_LONG8 = 16 };

static const char ghost_body[] = "LAYOUT=IFDS_BEFORE_DATA\n"
                                 "BLOCK_ORDER=ROW_MAJOR\n"
                                 "BLOCK_LEADER=SIZE_AS_UINT4\n"
                                 "BLOCK_TRAILER=LAST_4_BYTES_REPEATED\n"
                                 "KNOWN_INCOMPATIBLE_EDITION=NO\n "; /* the space leaves room for YES */

size_t sx__tiff_type_size(uint16_t type)
{
    switch (type) {
    case 1: case 2: case 6: case 7: return 1;
    case 3: case 8: return 2;
    case 4: case 9: case 11: case 13: return 4;
    case 5: case 10: case 12: case 16: case 17: case 18: return 8;
    default: return 0;
    }
}

typedef struct {
    uint16_t tag, type;
    uint64_t count;
    const unsigned char *raw; /* verbatim bytes, or */
    const uint64_t *arr;      /* count values to write as `type` (NULL values: zeros), or */
    int is_arr;
    uint64_t value;           /* one value */
} entry;

typedef struct {
    unsigned char *buf; /* NULL: measure only */
    size_t pos;
} out_t;

static void put(out_t *o, size_t at, uint64_t v, size_t n)
{
    if (o->buf)
        for (size_t i = 0; i < n; i++) o->buf[at + i] = (unsigned char)(v >> (8 * i));
}

static int by_tag(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return (int)x->tag - (int)y->tag;
}

/* Write one IFD at o->pos followed by its out-of-line values; returns the
 * position of its next-IFD field. */
static size_t write_ifd(out_t *o, entry *e, int n, int big)
{
    qsort(e, (size_t)n, sizeof *e, by_tag);
    const size_t slot = big ? 8 : 4, esize = big ? 20 : 12;
    size_t ifd = o->pos;
    put(o, ifd, (uint64_t)n, big ? 8 : 2);
    size_t first = ifd + (big ? 8 : 2);
    size_t next_field = first + (size_t)n * esize;
    size_t data = next_field + slot;
    for (int i = 0; i < n; i++) {
        size_t at = first + (size_t)i * esize;
        size_t tsz = sx__tiff_type_size(e[i].type), bytes = tsz * (size_t)e[i].count;
        put(o, at, e[i].tag, 2);
        put(o, at + 2, e[i].type, 2);
        put(o, at + 4, e[i].count, big ? 8 : 4);
        size_t vat = at + 4 + (big ? 8 : 4);
        if (bytes > slot) {
            data += data & 1;
            put(o, vat, data, slot);
            vat = data;
            data += bytes;
        } else {
            put(o, vat, 0, slot);
        }
        if (e[i].raw) {
            if (o->buf) memcpy(o->buf + vat, e[i].raw, bytes);
        } else if (e[i].is_arr) {
            for (uint64_t k = 0; k < e[i].count; k++) put(o, vat + k * tsz, e[i].arr ? e[i].arr[k] : 0, tsz);
        } else {
            put(o, vat, e[i].value, tsz);
        }
    }
    o->pos = data + (data & 1);
    return next_field;
}

size_t sx__cog_tiff_header(const sx__cog_tiff_t *h, unsigned char *buf)
{
    const int big = h->bigtiff;
    const sx__cog_pyramid_t *pyr = h->pyr;
    out_t o = {buf, 0};
    /* Header: byte order, version, first IFD (filled below). */
    if (buf) memcpy(buf, "II", 2);
    put(&o, 2, big ? 43 : 42, 2);
    size_t first_ifd_field = big ? 8 : 4;
    if (big) put(&o, 4, 8, 2), put(&o, 6, 0, 2);
    o.pos = big ? 16 : 8;
    /* GDAL's structural metadata right after the header. */
    char line[64];
    int body = (int)sizeof ghost_body - 1;
    int ln = snprintf(line, sizeof line, "GDAL_STRUCTURAL_METADATA_SIZE=%06d bytes\n", body);
    if (buf) {
        memcpy(buf + o.pos, line, (size_t)ln);
        memcpy(buf + o.pos + ln, ghost_body, (size_t)body);
    }
    o.pos += (size_t)ln + (size_t)body;
    if (o.pos & 1) put(&o, o.pos, 0, 1), o.pos++;

    const int sample_format = h->dtype == SX_DT_FLOAT32 || h->dtype == SX_DT_FLOAT64 ? 3
                              : (h->dtype == SX_DT_UINT8 || h->dtype == SX_DT_UINT16 || h->dtype == SX_DT_UINT32) ? 1
                                                                                                                  : 2;
    const uint16_t off_type = big ? T_LONG8 : T_LONG;
    size_t prev_next = first_ifd_field;
    for (int k = 0; k < pyr->nlevels; k++) {
        const sx__cog_level_t *l = &pyr->lv[k];
        uint64_t ntiles = (uint64_t)(l->ntx * l->nty);
        entry e[48];
        int n = 0;
        if (k > 0) e[n++] = (entry){254, T_LONG, 1, NULL, NULL, 0, 1}; /* NewSubfileType: reduced image */
        e[n++] = (entry){256, T_LONG, 1, NULL, NULL, 0, (uint64_t)l->nx};
        e[n++] = (entry){257, T_LONG, 1, NULL, NULL, 0, (uint64_t)l->ny};
        e[n++] = (entry){258, T_SHORT, 1, NULL, NULL, 0, 8 * sx_dtype_size(h->dtype)};
        e[n++] = (entry){259, T_SHORT, 1, NULL, NULL, 0, (uint64_t)h->compression};
        e[n++] = (entry){262, T_SHORT, 1, NULL, NULL, 0, 1}; /* BlackIsZero */
        e[n++] = (entry){277, T_SHORT, 1, NULL, NULL, 0, 1};
        e[n++] = (entry){284, T_SHORT, 1, NULL, NULL, 0, 1}; /* chunky */
        if (h->predictor > 1) e[n++] = (entry){317, T_SHORT, 1, NULL, NULL, 0, (uint64_t)h->predictor};
        e[n++] = (entry){322, T_LONG, 1, NULL, NULL, 0, (uint64_t)pyr->tile};
        e[n++] = (entry){323, T_LONG, 1, NULL, NULL, 0, (uint64_t)pyr->tile};
        e[n++] = (entry){324, off_type, ntiles, NULL, h->offsets ? h->offsets + pyr->base[k] : NULL, 1, 0};
        e[n++] = (entry){325, off_type, ntiles, NULL, h->counts ? h->counts + pyr->base[k] : NULL, 1, 0};
        e[n++] = (entry){339, T_SHORT, 1, NULL, NULL, 0, (uint64_t)sample_format};
        const sx__tiff_tag_t *x = k == 0 ? h->main_tags : h->ovr_tags;
        int nx = k == 0 ? h->nmain : h->novr;
        for (int i = 0; i < nx && n < 48; i++) e[n++] = (entry){x[i].tag, x[i].type, x[i].count, x[i].bytes, NULL, 0, 0};
        put(&o, prev_next, o.pos, big ? 8 : 4);
        prev_next = write_ifd(&o, e, n, big);
    }
    put(&o, prev_next, 0, big ? 8 : 4);
    return o.pos;
}
