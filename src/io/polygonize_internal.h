/*
 * polygonize_internal.h — the pieces of the parallel polygonizer
 * (polygonize.c, public API in sx_polygonize.h): block labelling
 * (polygonize_label.c), rings from boundary edges (polygonize_rings.c), the
 * stitching of pieces across block edges (polygonize_stitch.c), the
 * messages to rank 0 (polygonize_exchange.c) and the GeoPackage writer
 * (polygonize_write.c). Internal to src/io; nothing here is collective
 * except where said.
 *
 * Coordinates are grid corners: vertex (x, y) is the top-left corner of
 * cell (column x, row y); the map coordinates come from the raster's
 * geotransform applied to them (one formula for every rank). A boundary edge
 * is one cell side between a cell of the region and a cell of another value
 * (or the raster's edge), directed with the region on its right as drawn
 * (x east, y down): d = 0 east, 1 south, 2 west, 3 north.
 */
#ifndef SX_IO_POLYGONIZE_INTERNAL_H
#define SX_IO_POLYGONIZE_INTERNAL_H

#include <gdal.h>
#include <mpi.h>
#include <ogr_srs_api.h>
#include <stdint.h>

#include "sanxiang/sx_err.h"
#include "sanxiang/sx_polygonize.h"

/** One directed unit edge: start corner (x, y) and direction d. */
typedef struct {
    int64_t y, x, d;
} sx__poly_edge_t;

/** A growable int64 array (the messages and the feature records). */
typedef struct {
    int64_t *v;
    size_t n, cap;
    int failed;  /* an allocation failed; n stops growing */
} sx__poly_buf_t;

/** Union-find over parents p (p[a] == a for a root): the root of a's set,
 *  the smallest element; and the union of a's and b's sets. Local. */
int64_t sx__poly_find(int64_t *p, int64_t a);
void sx__poly_unite(int64_t *p, int64_t a, int64_t b);

void sx__poly_buf_push(sx__poly_buf_t *b, const int64_t *v, size_t n);
void sx__poly_buf_fini(sx__poly_buf_t *b);

/** A feature record in a buffer: y, x of the first cell (raster-scan order),
 *  cells, value, nrings, the rings' vertex counts, then their vertices as
 *  x, y pairs (outer ring first, holes by their top-left vertex; corners
 *  only, each ring starting at its top-left corner, not closed). */
enum { SX__POLY_Y, SX__POLY_X, SX__POLY_CELLS, SX__POLY_VALUE, SX__POLY_NRINGS, SX__POLY_HEAD };

/** A piece: a connected region of one value inside one rank's block. */
typedef struct {
    int64_t y, x;      /* first cell, raster-scan order */
    int64_t cells, value;
    int64_t e0, ne;    /* its edges: e[e0 .. e0 + ne) */
    int boundary;      /* touches a row shared with another block */
} sx__poly_piece_t;

/** A labelled block: rows y0 .. y0 + ny of a raster nx wide. */
typedef struct {
    int64_t nx, ny, y0;
    int32_t *label;             /* ny * nx, 0 = value 0, else piece index + 1 */
    sx__poly_piece_t *piece;    /* in raster-scan order of their first cell */
    int64_t npiece;
    sx__poly_edge_t *e;         /* all pieces' edges, grouped by piece */
    int64_t ne;
} sx__poly_block_t;

/** Labels the block's cells into pieces of equal non-zero value, 4- or
 *  8-connected (two-pass labelling with union-find), and lists each piece's
 *  boundary edges. v holds ny + 2 rows of nx values: the row above the block,
 *  the block, the row below (zeros outside the raster); it is not kept.
 *  top / bottom: the block's first / last row is shared with another block.
 *  Local; b owns its arrays (sx__poly_block_fini). */
sx_err sx__poly_label(const int32_t *v, int64_t nx, int64_t ny, int64_t y0, int connect8, int top, int bottom,
                      sx__poly_block_t *b);
void sx__poly_block_fini(sx__poly_block_t *b);

/** Appends the feature record (layout above) of the region with the given
 *  head to out: its rings traced from its n boundary edges (reordered in
 *  place). At a corner where two of the region's cells touch diagonally the
 *  ring stays on its cell (4-connected) or crosses to the diagonal cell
 *  (8-connected), so each ring bounds one connected piece of the background
 *  and the result does not depend on the order of the edges. Local. */
sx_err sx__poly_rings(sx__poly_edge_t *e, int64_t n, int connect8, int64_t y, int64_t x, int64_t cells,
                      int64_t value, sx__poly_buf_t *out);

/** One rank's pieces that touch a shared row, as sent to rank 0: its first
 *  and last rows' labels and the pieces with their edges. */
typedef struct {
    int64_t y0, ny;
    const int32_t *top, *bottom;    /* nx labels each (piece index + 1, 0 none) */
    const sx__poly_piece_t *piece;  /* indexed by label - 1; only boundary ones are used */
    const sx__poly_edge_t *e;
} sx__poly_side_t;

/** Rank 0: joins the pieces of side[0 .. nside) (the ranks' blocks, top to
 *  bottom) that touch across block edges into regions (union-find over the
 *  boundary pieces) and appends each region's feature record to
 *  merged[owner], owner being the block of its first cell, in raster-scan
 *  order. Local. */
sx_err sx__poly_stitch(const sx__poly_side_t *side, int nside, int64_t nx, int connect8, sx__poly_buf_t *merged);

/** A rank's message to rank 0 (y0, ny, the boundary pieces, the first and
 *  last rows' labels renumbered among them, their edges) from its block;
 *  m->failed on lack of memory. Local. */
void sx__poly_side_message(const sx__poly_block_t *b, sx__poly_buf_t *m);

/** The arrays a decoded side message owns (sx__poly_side_read). */
typedef struct {
    int32_t *rows;
    sx__poly_piece_t *piece;
} sx__poly_side_store_t;

/** Decodes message m of a block of a raster nx wide into s; top / bottom:
 *  its first / last row is shared with another block. s points into m and
 *  st (the caller frees st->rows and st->piece). Local. */
sx_err sx__poly_side_read(const int64_t *m, int64_t nx, int top, int bottom, sx__poly_side_t *s,
                          sx__poly_side_store_t *st);

/** A buffer from this rank to rank 0 and its receipt there: the length,
 *  rank 0's go-ahead (0 when it cannot hold it, so no rank is left
 *  waiting), then the values. Point-to-point between the two ranks. */
sx_err sx__poly_send(MPI_Comm comm, int tag, const sx__poly_buf_t *b);
sx_err sx__poly_recv(MPI_Comm comm, int src, int tag, sx__poly_buf_t *b);

/** The layer being written on rank 0 (polygonize_write.c). */
typedef struct {
    GDALDatasetH dst;
    OGRLayerH lyr;
    OGRSpatialReferenceH srs, ea;       /* the raster's CRS; EPSG:6933 for areas of a geographic one */
    OGRCoordinateTransformationH ct;    /* srs -> ea, or NULL */
    double gt[6];
    GIntBig fid;                        /* features kept so far */
    int in_tx;
    const char *tmp;                    /* the file's (temporary) name, for messages */
    const sx_polygonize_t *p;
} sx__poly_writer_t;

/** Creates the GeoPackage tmp with p's layer and fields in raster's CRS and
 *  opens its transaction. Close w even when this fails. Local. */
sx_err sx__poly_writer_open(const char *raster, const char *tmp, const sx_polygonize_t *p, sx__poly_writer_t *w);
/** Writes the feature of the record at r (through p->visit) and returns the
 *  record's length in *len. Local. */
sx_err sx__poly_writer_record(sx__poly_writer_t *w, const int64_t *r, size_t *len);
/** Runs p->finish and commits when err is SX_OK; closes and frees w either
 *  way; returns the first error. Local. */
sx_err sx__poly_writer_close(sx__poly_writer_t *w, sx_err err);

#endif
