/*
 * polygonize.c — vector polygons (GeoPackage) of the connected regions of
 * equal value in a class raster, with per-polygon attributes set by the
 * caller: the water / flood polygons (cells equal to 1, area in km^2) and
 * the change patches of `rs patches` (patches.c).
 *
 * The tracing is parallel. Every rank reads its block of rows of the
 * committed raster (with the rows just above and below) and labels it into
 * pieces, 4- or 8-connected (poly_label.c); a piece that touches no row
 * shared with another block is a whole region and its rings are traced on
 * that rank (poly_rings.c). The pieces that touch a shared row go to rank 0
 * with the labels of the block's first and last rows only, and rank 0 joins
 * those that touch across a block edge (union-find, poly_stitch.c) and
 * traces each joined region's rings from the union of its pieces' edges.
 * Rings are in a canonical form (corners only, each from its top-left
 * corner, outer ring first, holes by their top-left corner) and a region is
 * numbered by its first cell in raster-scan order, so the layer is the same
 * at any rank count: feature k is the k-th region in that order. Rank 0
 * then writes the layer, taking the ranks' records in turn (one rank's at a
 * time) merged with the joined regions. The regions and their areas are
 * those of GDALPolygonize (the ring vertices may differ: GDAL keeps
 * collinear vertices and starts rings elsewhere).
 *
 * Cells equal to 0 are not polygonized. Each polygon goes through the
 * caller's visit(), which sets its attributes or drops it; finish() runs
 * before the transaction commits. The file is written under a temporary
 * name and renamed when done (sx_output).
 *
 * For the water polygons, areas are planar in the raster's CRS when it is
 * projected in metres, and in the equal-area EPSG:6933 (WGS 84 / EASE Grid
 * 2.0) when it is geographic.
 */
#include <gdal.h>
#include <limits.h>
#include <stdlib.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_string.h>
#include <stdio.h>
#include <string.h>

#include "rs/poly_internal.h"
#include "rs/rs_internal.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_raster.h"
#include "sanxiang/sx_rs.h"

/* This rank's rows y0 .. y0 + ny, read with one row of halo each side
 * (zeros outside the raster), labelled into pieces. */
static sx_err label_block(MPI_Comm comm, const char *raster, int connect8, int64_t *nx, int64_t *H, sx__poly_block_t *b)
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
    if (ny > 0)
        SX_CHECK_GOTO(sx_raster_read(src, 1, 0, r0, *nx, r1 - r0, SX_DT_INT32, v + (r0 - (y0 - 1)) * *nx, *nx), err,
                      done);
    err = sx__poly_label(v, *nx, ny, y0, connect8, y0 > 0, y1 < *H, b);
done:
    free(v);
    sx_raster_close(&src);
    return err;
}

/* The message for rank 0: y0, ny, the number of boundary pieces, the first
 * and last rows' labels (renumbered among the boundary pieces), the pieces
 * (y, x, cells, value, edges) and their edges. */
static void boundary_message(const sx__poly_block_t *b, sx__poly_buf_t *m)
{
    int64_t *id = calloc((size_t)(b->npiece + 1), sizeof *id), nb = 0;
    if (!id) {
        m->failed = 1;
        return;
    }
    for (int64_t k = 0; k < b->npiece; k++) id[k + 1] = b->piece[k].boundary ? ++nb : 0;
    const int64_t head[3] = {b->y0, b->ny, nb};
    sx__poly_buf_push(m, head, 3);
    for (int row = 0; row < 2; row++)
        for (int64_t i = 0; i < b->nx; i++) {
            const int64_t l = b->ny > 0 ? id[b->label[(row ? b->ny - 1 : 0) * b->nx + i]] : 0;
            sx__poly_buf_push(m, &l, 1);
        }
    for (int64_t k = 0; k < b->npiece; k++) {
        const sx__poly_piece_t *q = &b->piece[k];
        const int64_t rec[5] = {q->y, q->x, q->cells, q->value, q->ne};
        if (q->boundary) sx__poly_buf_push(m, rec, 5);
    }
    for (int64_t k = 0; k < b->npiece; k++)
        if (b->piece[k].boundary) sx__poly_buf_push(m, &b->e[b->piece[k].e0].y, 3 * (size_t)b->piece[k].ne);
    free(id);
}

/* Decodes a boundary message into side s (arrays owned by *store). */
typedef struct {
    int32_t *rows;
    sx__poly_piece_t *piece;
} side_store_t;

static sx_err read_message(const int64_t *m, int64_t nx, int top, int bottom, sx__poly_side_t *s, side_store_t *st)
{
    const int64_t nb = m[2];
    s->y0 = m[0];
    s->ny = m[1];
    st->rows = malloc((size_t)(2 * nx > 0 ? 2 * nx : 1) * sizeof *st->rows);
    st->piece = malloc((size_t)(nb ? nb : 1) * sizeof *st->piece);
    SX_FAIL_IF(!st->rows || !st->piece, SX_ERR_NOMEM, "cannot hold %lld boundary pieces", (long long)nb);
    for (int64_t i = 0; i < 2 * nx; i++) st->rows[i] = (int32_t)m[3 + i];
    const int64_t *r = m + 3 + 2 * nx;
    int64_t e0 = 0;
    for (int64_t k = 0; k < nb; k++, r += 5) {
        st->piece[k] = (sx__poly_piece_t){r[0], r[1], r[2], r[3], e0, r[4], 1};
        e0 += r[4];
    }
    s->top = top ? st->rows : NULL;
    s->bottom = bottom ? st->rows + nx : NULL;
    s->piece = st->piece;
    s->e = (const sx__poly_edge_t *)r;
    return SX_OK;
}

/* A buffer from a rank to rank 0: its length, rank 0's go-ahead (0 when it
 * cannot hold it, so no rank is left waiting), then the values. */
static sx_err send_buf(MPI_Comm comm, int tag, const sx__poly_buf_t *b)
{
    int64_t n = (int64_t)b->n, go = 0;
    SX_CHECK_MPI(MPI_Send(&n, 1, MPI_INT64_T, 0, tag, comm));
    SX_CHECK_MPI(MPI_Recv(&go, 1, MPI_INT64_T, 0, tag, comm, MPI_STATUS_IGNORE));
    if (go) SX_CHECK_MPI(MPI_Send(b->v, (int)n, MPI_INT64_T, 0, tag, comm));
    return SX_OK;
}

static sx_err recv_buf(MPI_Comm comm, int src, int tag, sx__poly_buf_t *b)
{
    int64_t n = 0, go = 1;
    SX_CHECK_MPI(MPI_Recv(&n, 1, MPI_INT64_T, src, tag, comm, MPI_STATUS_IGNORE));
    b->n = 0;
    if (b->cap < (size_t)n) {
        int64_t *nv = realloc(b->v, (size_t)n * sizeof *nv);
        if (nv) b->v = nv, b->cap = (size_t)n;
        else go = 0;
    }
    SX_CHECK_MPI(MPI_Send(&go, 1, MPI_INT64_T, src, tag, comm));
    SX_FAIL_IF(!go, SX_ERR_NOMEM, "cannot hold %lld values of polygons from rank %d", (long long)n, src);
    SX_CHECK_MPI(MPI_Recv(b->v, (int)n, MPI_INT64_T, src, tag, comm, MPI_STATUS_IGNORE));
    b->n = (size_t)n;
    return SX_OK;
}

/* The layer being written on rank 0. */
typedef struct {
    GDALDatasetH dst;
    OGRLayerH lyr;
    OGRSpatialReferenceH srs;
    double gt[6];
    GIntBig fid;
    int in_tx;
    const sx__rs_poly_t *p;
} writer_t;

static sx_err writer_open(const char *raster, const char *tmp, const sx__rs_poly_t *p, writer_t *w)
{
    memset(w, 0, sizeof *w);
    w->p = p;
    GDALDatasetH src = GDALOpen(raster, GA_ReadOnly);
    SX_FAIL_IF(!src, SX_ERR_IO, "cannot open '%s' to polygonize: %s", raster, sx_gdal_last_error());
    GDALGetGeoTransform(src, w->gt);
    const char *wkt = GDALGetProjectionRef(src);
    if (wkt && *wkt) {
        w->srs = OSRNewSpatialReference(wkt);
        OSRSetAxisMappingStrategy(w->srs, OAMS_TRADITIONAL_GIS_ORDER);
    }
    GDALClose(src);
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    SX_FAIL_IF(!drv, SX_ERR_GDAL, "GDAL has no GeoPackage driver");
    w->dst = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
    SX_FAIL_IF(!w->dst, SX_ERR_IO, "cannot create '%s': %s", tmp, sx_gdal_last_error());
    w->lyr = GDALDatasetCreateLayer(w->dst, p->layer, w->srs, wkbPolygon, NULL);
    SX_FAIL_IF(!w->lyr, SX_ERR_GDAL, "cannot create layer '%s': %s", p->layer, sx_gdal_last_error());
    int bad = 0;
    for (int i = 0; i < p->nfields; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(p->fields[i].name, p->fields[i].type);
        bad |= OGR_L_CreateField(w->lyr, fd, TRUE) != OGRERR_NONE;
        OGR_Fld_Destroy(fd);
    }
    SX_FAIL_IF(bad, SX_ERR_GDAL, "cannot create the fields of layer '%s': %s", p->layer, sx_gdal_last_error());
    GDALDatasetStartTransaction(w->dst, FALSE);
    w->in_tx = 1;
    return SX_OK;
}

/* Writes the feature record at r (through the caller's visit) and returns
 * the record's length in *len. Features are numbered 1, 2, ... as kept. */
static sx_err write_record(writer_t *w, const int64_t *r, size_t *len, const char *tmp)
{
    const int64_t nr = r[SX__POLY_NRINGS], *n = r + SX__POLY_HEAD, *xy = n + nr;
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    for (int64_t k = 0; k < nr; xy += 2 * n[k], k++) {
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
        for (int64_t v = 0; v <= n[k]; v++) {
            const double x = (double)xy[2 * (v % n[k])], y = (double)xy[2 * (v % n[k]) + 1];
            OGR_G_AddPoint_2D(ring, w->gt[0] + x * w->gt[1] + y * w->gt[2], w->gt[3] + x * w->gt[4] + y * w->gt[5]);
        }
        OGR_G_AddGeometryDirectly(poly, ring);
    }
    *len = (size_t)(xy - r);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(w->lyr));
    OGR_F_SetGeometryDirectly(f, poly);
    OGR_F_SetFID(f, w->fid + 1);
    OGR_F_SetFieldInteger(f, 0, (int)r[SX__POLY_VALUE]);
    int keep = 1;
    sx_err err = w->p->visit(w->p->ctx, f, (int)r[SX__POLY_VALUE], &keep);
    if (!err && keep) {
        if (OGR_L_CreateFeature(w->lyr, f) != OGRERR_NONE)
            err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "writing polygons to '%s' failed: %s", tmp,
                             sx_gdal_last_error());
        w->fid++;
    }
    OGR_F_Destroy(f);
    return err;
}

static sx_err writer_close(writer_t *w, const char *tmp, sx_err err)
{
    if (!err && w->p->finish) err = w->p->finish(w->p->ctx, w->lyr);
    if (!err && w->in_tx && GDALDatasetCommitTransaction(w->dst) != OGRERR_NONE)
        err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "writing polygons to '%s' failed: %s", tmp,
                         sx_gdal_last_error());
    if (w->dst) GDALClose(w->dst);
    if (w->srs) OSRDestroySpatialReference(w->srs);
    return err;
}

/* Writes rank r's whole regions (buf) and the joined regions it owns
 * (merged), both in raster-scan order of their first cell, merged. */
static sx_err write_rank(writer_t *w, const sx__poly_buf_t *buf, const sx__poly_buf_t *merged, const char *tmp)
{
    size_t i = 0, j = 0, len = 0;
    sx_err err = SX_OK;
    while (!err && (i < buf->n || j < merged->n)) {
        const int64_t *a = i < buf->n ? buf->v + i : NULL, *c = j < merged->n ? merged->v + j : NULL;
        const int take_a = a && (!c || a[SX__POLY_Y] < c[SX__POLY_Y] ||
                                 (a[SX__POLY_Y] == c[SX__POLY_Y] && a[SX__POLY_X] < c[SX__POLY_X]));
        err = write_record(w, take_a ? a : c, &len, tmp);
        *(take_a ? &i : &j) += len;
    }
    return err;
}

enum { TAG_SIDE = 7301, TAG_WHOLE = 7302 };

/* Rank 0: the other ranks' boundary pieces, the joined regions, then the
 * layer, one rank's records at a time. Receives every message even after an
 * error, so no rank is left waiting. */
static sx_err gather_write(MPI_Comm comm, const char *raster, const char *tmp, const sx__rs_poly_t *p,
                           const sx__poly_block_t *b, int64_t nx, int64_t H, const sx__poly_buf_t *whole)
{
    int size;
    MPI_Comm_size(comm, &size);
    sx__poly_side_t *side = calloc((size_t)size, sizeof *side);
    side_store_t *st = calloc((size_t)size, sizeof *st);
    sx__poly_buf_t *msg = calloc((size_t)size, sizeof *msg), *merged = calloc((size_t)size, sizeof *merged), in = {0};
    sx_err err = side && st && msg && merged ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    if (!err) {
        side[0] = (sx__poly_side_t){b->y0, b->ny, NULL, b->ny > 0 && b->ny < H ? b->label + (b->ny - 1) * nx : NULL,
                                    b->piece, b->e};
        for (int r = 1; r < size; r++) {
            sx_err e = recv_buf(comm, r, TAG_SIDE, &msg[r]);
            if (!e) {
                const int64_t y0 = msg[r].v[0], ny = msg[r].v[1];
                e = read_message(msg[r].v, nx, y0 > 0, y0 + ny < H, &side[r], &st[r]);
            }
            if (!err) err = e;
        }
    }
    if (!err) err = sx__poly_stitch(side, size, nx, p->connect8, merged);
    for (int r = 0; r < size && msg; r++) sx__poly_buf_fini(&msg[r]);
    for (int r = 0; r < size && merged && !err; r++)
        if (merged[r].failed) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold the joined polygons");
    writer_t w = {0};
    if (!err) err = writer_open(raster, tmp, p, &w);
    for (int r = 0; r < size; r++) {
        sx_err e = r ? recv_buf(comm, r, TAG_WHOLE, &in) : SX_OK;
        if (!err) err = e;
        if (!err) err = write_rank(&w, r ? &in : whole, &merged[r], tmp);
    }
    if (w.p) err = writer_close(&w, tmp, err);
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

sx_err sx__rs_polygonize(MPI_Comm comm, const char *raster, const char *gpkg, const sx__rs_poly_t *p)
{
    sx_output_t out;
    SX_CHECK(sx_output_begin(comm, gpkg, &out));
    int rank;
    MPI_Comm_rank(comm, &rank);
    /* The raster is this step's own product, staged until the step's products
     * commit together; rank 0 knows its temporary name. */
    char path[SX_PATH_MAX];
    if (rank == 0) snprintf(path, sizeof path, "%s", sx_output_staged(raster));
    int rc = MPI_Bcast(path, (int)sizeof path, MPI_CHAR, 0, comm);
    if (rc != MPI_SUCCESS) return sx_output_commit(comm, &out, sx__mpi_fail(rc, "MPI_Bcast", SX__FILE, __LINE__));
    sx__poly_block_t b = {0};
    sx__poly_buf_t side = {0}, whole = {0};
    int64_t nx = 0, H = 0;
    sx_err err = label_block(comm, path, p->connect8, &nx, &H, &b);
    if (!err && rank) boundary_message(&b, &side);
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
        err = send_buf(comm, TAG_SIDE, &side);
        if (!err) err = send_buf(comm, TAG_WHOLE, &whole);
    } else if (!err) {
        err = gather_write(comm, path, out.tmp_path, p, &b, nx, H, &whole);
    }
    sx__poly_buf_fini(&side);
    sx__poly_buf_fini(&whole);
    sx__poly_block_fini(&b);
    return sx_output_commit(comm, &out, err);
}

/* Water / flood polygons: keep value 1, area_km2 in metres or EPSG:6933. */
typedef struct {
    OGRCoordinateTransformationH ct;
} water_t;

static sx_err water_visit(void *ctx, OGRFeatureH f, int value, int *keep)
{
    const water_t *w = ctx;
    *keep = value == 1;
    if (!*keep) return SX_OK;
    OGRGeometryH geom = OGR_G_Clone(OGR_F_GetGeometryRef(f));
    if (w->ct) OGR_G_Transform(geom, w->ct);
    OGR_F_SetFieldDouble(f, 1, OGR_G_Area(geom) / 1e6);
    OGR_G_DestroyGeometry(geom);
    return SX_OK;
}

sx_err sx_rs_polygonize(MPI_Comm comm, const char *raster, const char *gpkg, const char *layer)
{
    water_t w = {NULL};
    OGRSpatialReferenceH srs = NULL, ea = NULL;
    int rank;
    MPI_Comm_rank(comm, &rank);
    GDALDatasetH src = rank == 0 ? GDALOpen(sx_output_staged(raster), GA_ReadOnly) : NULL;
    const char *wkt = src ? GDALGetProjectionRef(src) : NULL;
    if (wkt && *wkt) {
        srs = OSRNewSpatialReference(wkt);
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        if (OSRIsGeographic(srs)) {
            ea = OSRNewSpatialReference(NULL);
            OSRImportFromEPSG(ea, 6933);
            OSRSetAxisMappingStrategy(ea, OAMS_TRADITIONAL_GIS_ORDER);
            w.ct = OCTNewCoordinateTransformation(srs, ea);
        }
    }
    if (src) GDALClose(src);
    const sx__rs_poly_field_t fields[] = {{"value", OFTInteger}, {"area_km2", OFTReal}};
    const sx__rs_poly_t p = {layer, 0, fields, 2, water_visit, NULL, &w};
    sx_err err = sx__rs_polygonize(comm, raster, gpkg, &p);
    if (w.ct) OCTDestroyCoordinateTransformation(w.ct);
    if (ea) OSRDestroySpatialReference(ea);
    if (srs) OSRDestroySpatialReference(srs);
    return err;
}
