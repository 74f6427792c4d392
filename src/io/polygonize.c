/*
 * polygonize.c — sx_polygonize_raster (sx_polygonize.h): vector polygons
 * (GeoPackage) of the connected regions of equal value of a raster, with
 * per-polygon attributes set by the caller: the water / flood polygons and
 * change patches of rs, the basins of `dem watershed`, the extent of a
 * flood2d run.
 *
 * The tracing is parallel. Every rank reads its block of rows of the
 * raster (with the rows just above and below; through the caller's
 * classify() in strips when given) and labels it into pieces, 4- or
 * 8-connected (polygonize_label.c); a piece that touches no row shared with
 * another block is a whole region and its rings are traced on that rank
 * (polygonize_rings.c). The pieces that touch a shared row go to rank 0
 * with the labels of the block's first and last rows only
 * (polygonize_exchange.c), and rank 0 joins those that touch across a block
 * edge (union-find, polygonize_stitch.c) and traces each joined region's
 * rings from the union of its pieces' edges. Rings are in a canonical form
 * (corners only, each from its top-left corner, outer ring first, holes by
 * their top-left corner) and a region is numbered by its first cell in
 * raster-scan order, so the layer is the same at any rank count: feature k
 * is the k-th region in that order. Rank 0 then writes the layer
 * (polygonize_write.c), taking the ranks' records in turn (one rank's at a
 * time) merged with the joined regions. The regions and their areas are
 * those of GDALPolygonize (the ring vertices may differ: GDAL keeps
 * collinear vertices and starts rings elsewhere).
 *
 * Cells whose value is 0 are not polygonized. The file is written under a
 * temporary name and renamed when done (sx_output).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/polygonize_internal.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_raster.h"

/* Cells per strip read through classify(): 8 MiB of float64. */
#define STRIP_CELLS ((int64_t)1 << 20)

/* Rows r0 .. r0 + n of band 1 as region values, n rows of nx at v. */
static sx_err read_values(sx_raster_t *src, const sx_polygonize_t *p, int64_t nx, int64_t r0, int64_t n, int32_t *v)
{
    if (!p->classify) return sx_raster_read(src, 1, 0, r0, nx, n, SX_DT_INT32, v, nx);
    const int64_t strip = nx > 0 && STRIP_CELLS / nx > 0 ? STRIP_CELLS / nx : 1;
    double *d = malloc((size_t)((n < strip ? n : strip) * nx) * sizeof *d);
    SX_FAIL_IF(!d, SX_ERR_NOMEM, "cannot hold %lld rows of '%s' to polygonize", (long long)strip,
               sx_raster_name(src));
    sx_err err = SX_OK;
    for (int64_t r = 0; r < n && !err; r += strip) {
        const int64_t k = n - r < strip ? n - r : strip;
        err = sx_raster_read(src, 1, 0, r0 + r, nx, k, SX_DT_FLOAT64, d, nx);
        if (!err) p->classify(p->ctx, d, v + r * nx, k * nx);
    }
    free(d);
    return err;
}

/* This rank's rows y0 .. y0 + ny, read with one row of halo each side
 * (zeros outside the raster), labelled into pieces. */
static sx_err label_block(MPI_Comm comm, const char *raster, const sx_polygonize_t *p, int64_t *nx, int64_t *H,
                          sx__poly_block_t *b)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    sx_raster_t *src = NULL;
    sx_grid_t g;
    SX_CHECK(sx_raster_open(raster, &src));
    sx_err err = sx_raster_grid(src, 1, &g);
    if (err != SX_OK) {
        sx_raster_close(&src);
        return err;
    }
    *nx = g.nx;
    *H = g.ny;
    sx_grid_fini(&g);
    const int64_t y0 = *H * rank / size, y1 = *H * (rank + 1) / size, ny = y1 - y0;
    const int64_t r0 = y0 > 0 ? y0 - 1 : 0, r1 = y1 < *H ? y1 + 1 : y1;
    int32_t *v = calloc((size_t)((ny + 2) * *nx > 0 ? (ny + 2) * *nx : 1), sizeof *v);
    if (!v)
        SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "cannot hold %lld rows of '%s' to polygonize", (long long)(ny + 2), raster);
    if (ny > 0) SX_CHECK_GOTO(read_values(src, p, *nx, r0, r1 - r0, v + (r0 - (y0 - 1)) * *nx), err, done);
    err = sx__poly_label(v, *nx, ny, y0, p->connect8, y0 > 0, y1 < *H, b);
done:
    free(v);
    sx_raster_close(&src);
    return err;
}

/* Writes rank r's whole regions (buf) and the joined regions it owns
 * (merged), both in raster-scan order of their first cell, merged. */
static sx_err write_rank(sx__poly_writer_t *w, const sx__poly_buf_t *buf, const sx__poly_buf_t *merged)
{
    size_t i = 0, j = 0, len = 0;
    sx_err err = SX_OK;
    while (!err && (i < buf->n || j < merged->n)) {
        const int64_t *a = i < buf->n ? buf->v + i : NULL, *c = j < merged->n ? merged->v + j : NULL;
        const int take_a = a && (!c || a[SX__POLY_Y] < c[SX__POLY_Y] ||
                                 (a[SX__POLY_Y] == c[SX__POLY_Y] && a[SX__POLY_X] < c[SX__POLY_X]));
        err = sx__poly_writer_record(w, take_a ? a : c, &len);
        *(take_a ? &i : &j) += len;
    }
    return err;
}

enum { TAG_SIDE = 7301, TAG_WHOLE = 7302 };

/* Rank 0: the other ranks' boundary pieces, the joined regions, then the
 * layer, one rank's records at a time. Receives every message even after an
 * error, so no rank is left waiting. */
static sx_err gather_write(MPI_Comm comm, const char *raster, const char *tmp, const sx_polygonize_t *p,
                           const sx__poly_block_t *b, int64_t nx, int64_t H, const sx__poly_buf_t *whole)
{
    int size;
    MPI_Comm_size(comm, &size);
    sx__poly_side_t *side = calloc((size_t)size, sizeof *side);
    sx__poly_side_store_t *st = calloc((size_t)size, sizeof *st);
    sx__poly_buf_t *msg = calloc((size_t)size, sizeof *msg), *merged = calloc((size_t)size, sizeof *merged), in = {0};
    sx_err err = side && st && msg && merged ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    if (!err) {
        side[0] = (sx__poly_side_t){b->y0, b->ny, NULL, b->ny > 0 && b->ny < H ? b->label + (b->ny - 1) * nx : NULL,
                                    b->piece, b->e};
        for (int r = 1; r < size; r++) {
            sx_err e = sx__poly_recv(comm, r, TAG_SIDE, &msg[r]);
            if (!e) {
                const int64_t y0 = msg[r].v[0], ny = msg[r].v[1];
                e = sx__poly_side_read(msg[r].v, nx, y0 > 0, y0 + ny < H, &side[r], &st[r]);
            }
            if (!err) err = e;
        }
    }
    if (!err) err = sx__poly_stitch(side, size, nx, p->connect8, merged);
    for (int r = 0; r < size && msg; r++) sx__poly_buf_fini(&msg[r]);
    for (int r = 0; r < size && merged && !err; r++)
        if (merged[r].failed) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold the joined polygons");
    sx__poly_writer_t w = {0};
    if (!err) err = sx__poly_writer_open(raster, tmp, p, &w);
    for (int r = 0; r < size; r++) {
        sx_err e = r ? sx__poly_recv(comm, r, TAG_WHOLE, &in) : SX_OK;
        if (!err) err = e;
        if (!err) err = write_rank(&w, r ? &in : whole, &merged[r]);
    }
    if (w.p) err = sx__poly_writer_close(&w, err);
    sx__poly_buf_fini(&in);
    for (int r = 0; r < size; r++) {
        if (merged) sx__poly_buf_fini(&merged[r]);
        if (st) free(st[r].rows), free(st[r].piece);
    }
    free(merged);
    free(msg);
    free(st);
    free(side);
    return err;
}

sx_err sx_polygonize_raster(MPI_Comm comm, const char *raster, const char *gpkg, const sx_polygonize_t *p)
{
    sx_output_t out;
    SX_CHECK(sx_output_begin(comm, gpkg, &out));
    int rank;
    MPI_Comm_rank(comm, &rank);
    /* Rank 0's name for the raster (a staged product's temporary name) on every rank. */
    char path[SX_PATH_MAX];
    if (rank == 0) snprintf(path, sizeof path, "%s", raster);
    int rc = MPI_Bcast(path, (int)sizeof path, MPI_CHAR, 0, comm);
    if (rc != MPI_SUCCESS) return sx_output_commit(comm, &out, sx__mpi_fail(rc, "MPI_Bcast", SX__FILE, __LINE__));
    sx__poly_block_t b = {0};
    sx__poly_buf_t side = {0}, whole = {0};
    int64_t nx = 0, H = 0;
    sx_err err = label_block(comm, path, p, &nx, &H, &b);
    if (!err && rank) sx__poly_side_message(&b, &side);
    for (int64_t k = 0; k < b.npiece && !err; k++) {
        const sx__poly_piece_t *q = &b.piece[k];
        if (!q->boundary) err = sx__poly_rings(b.e + q->e0, q->ne, p->connect8, q->y, q->x, q->cells, q->value, &whole);
    }
    if (!err && (side.failed || whole.failed))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold the polygons of rows %lld .. %lld",
                         (long long)b.y0, (long long)(b.y0 + b.ny - 1));
    if (!err && (side.n > INT_MAX || whole.n > INT_MAX))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "the polygons of rows %lld .. %lld are too many to send "
                         "in one message; run on more ranks", (long long)b.y0, (long long)(b.y0 + b.ny - 1));
    err = sx_err_agree(comm, err);
    if (!err && rank) {
        err = sx__poly_send(comm, TAG_SIDE, &side);
        if (!err) err = sx__poly_send(comm, TAG_WHOLE, &whole);
    } else if (!err) {
        err = gather_write(comm, path, out.tmp_path, p, &b, nx, H, &whole);
    }
    sx__poly_buf_fini(&side);
    sx__poly_buf_fini(&whole);
    sx__poly_block_fini(&b);
    return sx_output_commit(comm, &out, err);
}
