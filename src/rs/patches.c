/*
 * patches.c — `rs patches`: change patches (变化图斑) between two class maps
 * of one grid, as land-use monitoring works from them.
 *
 * 1. Every rank reads its block of both maps, checks the classes (whole
 *    numbers 0 .. 254; 255 or nodata is "not mapped") and writes the change
 *    code from * 1000 + to where the class changed (0 where it did not or a
 *    map has no class) as a COG through sx_layer_write, whose bytes do not
 *    depend on the rank count. It also counts every from -> to transition,
 *    unchanged ones included: cells and ground area as int64 (area in units
 *    of 1e-4 m^2 per cell, rounded once per row), summed over the ranks
 *    with MPI_Allreduce — exact, so the table is the same at any rank count.
 * 2. The code raster is polygonized in parallel (sx_polygonize.h): a patch is a
 *    maximal 4-connected (default) or 8-connected region of one from -> to
 *    code. Every rank traces the patches inside its block and rank 0 joins
 *    the pieces of those that cross the ranks' block edges, so such a patch
 *    is one polygon with one area, in a canonical form that does not depend
 *    on the rank count. 4-connectivity is the
 *    default because a land-survey patch (图斑) is one simple polygon; cells
 *    that only touch at a corner are two patches (GB/T 21010 mapping, and
 *    what a vector overlay of two survey maps gives).
 * 3. Each polygon gets from_class, to_class (and names from a class table),
 *    cells, area_m2, area_ha and its centroid (in the map's CRS); patches
 *    smaller than the minimum mapping unit are dropped from the layer (not
 *    merged into a neighbour: a merge would change the neighbour's from/to
 *    meaning). patch_id numbers the kept patches 1, 2, ... in raster-scan
 *    order of each patch's first (top-left) cell, so ids are deterministic.
 *
 * Areas on the ground: in a projected CRS, cells x the cell area (linear
 * unit to metres from the CRS). In a geographic CRS the ellipsoid of the CRS
 * is used: the area between the equator and latitude phi per radian of
 * longitude is F(phi) = a^2 q(phi) / 2 with the authalic function
 * q(phi) = (1 - e^2) [sin phi / (1 - e^2 sin^2 phi) - ln((1 - e sin phi) /
 * (1 + e sin phi)) / (2e)] (Snyder 1987, Map Projections — A Working Manual,
 * USGS PP 1395, eq. 3-12); a cell's area is |dlambda| |F(phi_n) - F(phi_s)|
 * and a patch's, whose boundary runs along meridians and parallels, is the
 * boundary sum |sum over its parallel edges of dlambda F(phi)| (Green's
 * theorem in (lambda, phi)), outer ring minus holes.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/rs_internal.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_polygonize.h"
#include "sanxiang/sx_rs_series.h"
#include "sanxiang/sx_strbuf.h"
#include "sanxiang/sx_table.h"

#define NC 255              /* classes 0 .. 254 */
#define NT (NC * NC)        /* transitions */
#define CODE(f, t) ((f) * 1000 + (t))
#define UNITS_PER_M2 1e4    /* transition areas in 1e-4 m^2 */

/* How areas are measured on the map's CRS. */
typedef struct {
    int geographic;
    double a, e2, e;  /* ellipsoid (geographic) */
    double cell_m2;   /* area of one cell (projected) */
    double cell_crs;  /* area of one cell in CRS units squared */
    const sx_grid_t *g;
} ground_t;

static double q_authalic(const ground_t *w, double phi_deg)
{
    const double s = sin(phi_deg * M_PI / 180.0);
    if (w->e < 1e-12) return 2 * s;
    return (1 - w->e2) * (s / (1 - w->e2 * s * s) - log((1 - w->e * s) / (1 + w->e * s)) / (2 * w->e));
}

/* F(phi): ground area between the equator and phi per radian of longitude. */
static double strip(const ground_t *w, double phi_deg)
{
    return 0.5 * w->a * w->a * q_authalic(w, phi_deg);
}

static sx_err ground_init(const sx_grid_t *g, ground_t *w)
{
    memset(w, 0, sizeof *w);
    w->g = g;
    w->cell_crs = fabs(g->gt[1] * g->gt[5]);
    SX_FAIL_IF(g->gt[2] != 0 || g->gt[4] != 0, SX_ERR_INPUT,
               "the class maps have a rotated geotransform; put them on a north-up grid with `sanxiang rs warp`");
    double to_m = 1;
    if (g->wkt && *g->wkt) {
        OGRSpatialReferenceH srs = OSRNewSpatialReference(g->wkt);
        SX_FAIL_IF(!srs, SX_ERR_CRS, "the CRS of the class maps cannot be read");
        if (OSRIsGeographic(srs)) {
            OGRErr e1 = OGRERR_NONE, e2 = OGRERR_NONE;
            w->geographic = 1;
            w->a = OSRGetSemiMajor(srs, &e1);
            const double inv_f = OSRGetInvFlattening(srs, &e2);
            const double f = inv_f > 0 ? 1 / inv_f : 0;
            w->e2 = f * (2 - f);
            w->e = sqrt(w->e2);
            if (e1 != OGRERR_NONE || !(w->a > 0)) w->a = 6378137.0, w->e2 = 0.00669437999014, w->e = sqrt(w->e2);
        } else {
            to_m = OSRGetLinearUnits(srs, NULL);
            if (!(to_m > 0)) to_m = 1;
        }
        OSRDestroySpatialReference(srs);
    }
    w->cell_m2 = w->cell_crs * to_m * to_m;
    return SX_OK;
}

/* Ground area of one cell of row j, m^2. */
static double row_cell_m2(const ground_t *w, int64_t j)
{
    if (!w->geographic) return w->cell_m2;
    const double yn = w->g->gt[3] + w->g->gt[5] * (double)j, ys = yn + w->g->gt[5];
    return fabs(w->g->gt[1]) * M_PI / 180.0 * fabs(strip(w, yn) - strip(w, ys));
}

/* Ground area of polygon geom (m^2) made of n_cells cells. */
static double polygon_m2(const ground_t *w, OGRGeometryH geom, int64_t n_cells)
{
    if (!w->geographic) return (double)n_cells * w->cell_m2;
    double total = 0;
    for (int r = 0; r < OGR_G_GetGeometryCount(geom); r++) {
        OGRGeometryH ring = OGR_G_GetGeometryRef(geom, r);
        const int np = OGR_G_GetPointCount(ring);
        if (np < 2) continue;
        /* sum dlambda F(phi) over the parallel edges; F relative to the first
         * vertex's latitude (the sum of dlambda over a closed ring is 0) keeps
         * the terms small */
        const double f0 = strip(w, OGR_G_GetY(ring, 0));
        double s = 0;
        for (int k = 0; k + 1 < np; k++) {
            const double y0 = OGR_G_GetY(ring, k), y1 = OGR_G_GetY(ring, k + 1);
            const double dl = (OGR_G_GetX(ring, k + 1) - OGR_G_GetX(ring, k)) * M_PI / 180.0;
            if (dl != 0) s += dl * (strip(w, 0.5 * (y0 + y1)) - f0);
        }
        total += r == 0 ? fabs(s) : -fabs(s);
    }
    return total;
}

/* Step 1 on this rank's block: codes and transition counts. */
static sx_err block_codes(MPI_Comm comm, const sx_rs_patches_opts_t *o, sx__rs_bandset_t *bs, const ground_t *w,
                          const sx_decomp_t *d, int32_t *code, int64_t *cells, int64_t *units)
{
    const sx_window_t own = d->own;
    const int64_t n = sx_window_cells(own);
    double *a = malloc((size_t)(own.nx > 0 ? own.nx : 1) * sizeof *a), *b = malloc((size_t)(own.nx > 0 ? own.nx : 1) * sizeof *b);
    sx_err err = a && b ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold a row of %lld cells",
                                           (long long)own.nx);
    for (int64_t j = 0; j < own.ny && n && !err; j++) {
        const sx_window_t row = {own.x0, own.y0 + j, own.nx, 1};
        err = sx__rs_bandset_read(bs, 0, row, a);
        if (!err) err = sx__rs_bandset_read(bs, 1, row, b);
        const int64_t u = llround(row_cell_m2(w, own.y0 + j) * UNITS_PER_M2);
        for (int64_t i = 0; i < own.nx && !err; i++) {
            int32_t c = 0;
            const double v[2] = {a[i], b[i]};
            int ok = 1;
            int cls[2] = {0, 0};
            for (int m = 0; m < 2 && !err; m++) {
                const int k = sx__rs_class_of(v[m], &cls[m]);
                if (k == 0) ok = 0;
                else if (k < 0)
                    err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                     "class map '%s' has value %g at cell (%lld, %lld); classes must be whole numbers 0 .. "
                                     "254 (255 or nodata = not mapped)", m ? o->after : o->before, v[m],
                                     (long long)(own.x0 + i), (long long)(own.y0 + j));
            }
            if (ok && !err) {
                const int f = cls[0], t = cls[1];
                cells[f * NC + t]++;
                units[f * NC + t] += u;
                if (f != t) c = CODE(f, t);
            }
            code[j * own.nx + i] = c;
        }
    }
    free(a);
    free(b);
    return sx_err_agree(comm, err);
}

/* Step 3 state on rank 0. */
typedef struct {
    ground_t w;
    double mmu;
    int mmu_cells;
    char **name;                  /* NC class names or NULL */
    struct key { int64_t key; GIntBig fid; } *keys;
    size_t nkeys, cap;
    int64_t dropped;
    int64_t *pn, *pcells;         /* per transition: kept patches, their cells */
    double *parea;                /* their area, m^2 (summed in raster-scan order of the patches: the same at any rank count) */
} patch_ctx_t;

enum { F_CODE, F_ID, F_FROM, F_TO, F_FROM_NAME, F_TO_NAME, F_CELLS, F_M2, F_HA, F_CX, F_CY, F_N };

static sx_err patch_visit(void *vctx, OGRFeatureH f, const sx_polygon_t *poly, int *keep)
{
    patch_ctx_t *c = vctx;
    const int value = poly->value;
    const sx_grid_t *g = c->w.g;
    OGRGeometryH geom = OGR_F_GetGeometryRef(f);
    SX_FAIL_IF(!geom || value <= 0, SX_ERR_INTERNAL, "polygon without geometry or code");
    const int from = value / 1000, to = value % 1000;
    const int64_t ncell = llround(OGR_G_Area(geom) / c->w.cell_crs);
    const double m2 = polygon_m2(&c->w, geom, ncell);
    *keep = c->mmu_cells ? (double)ncell >= c->mmu : m2 >= c->mmu;
    if (!*keep) {
        c->dropped++;
        return SX_OK;
    }
    /* first cell in raster-scan order: the top row's leftmost corner of the outer ring */
    OGRGeometryH ring = OGR_G_GetGeometryRef(geom, 0);
    int64_t best_r = INT64_MAX, best_c = INT64_MAX;
    for (int k = 0; k < OGR_G_GetPointCount(ring); k++) {
        const int64_t r = llround((OGR_G_GetY(ring, k) - g->gt[3]) / g->gt[5]);
        const int64_t col = llround((OGR_G_GetX(ring, k) - g->gt[0]) / g->gt[1]);
        if (r < best_r || (r == best_r && col < best_c)) best_r = r, best_c = col;
    }
    if (c->nkeys == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 4096;
        struct key *nk = realloc(c->keys, cap * sizeof *nk);
        SX_FAIL_IF(!nk, SX_ERR_NOMEM, "cannot hold %zu patch ids", cap);
        c->keys = nk;
        c->cap = cap;
    }
    c->keys[c->nkeys].key = best_r * (g->nx + 1) + best_c;
    c->keys[c->nkeys++].fid = OGR_F_GetFID(f);
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_Centroid(geom, pt);
    OGR_F_SetFieldInteger(f, F_FROM, from);
    OGR_F_SetFieldInteger(f, F_TO, to);
    if (c->name && c->name[from]) OGR_F_SetFieldString(f, F_FROM_NAME, c->name[from]);
    if (c->name && c->name[to]) OGR_F_SetFieldString(f, F_TO_NAME, c->name[to]);
    OGR_F_SetFieldInteger64(f, F_CELLS, ncell);
    OGR_F_SetFieldDouble(f, F_M2, m2);
    OGR_F_SetFieldDouble(f, F_HA, m2 / 1e4);
    OGR_F_SetFieldDouble(f, F_CX, OGR_G_GetX(pt, 0));
    OGR_F_SetFieldDouble(f, F_CY, OGR_G_GetY(pt, 0));
    OGR_G_DestroyGeometry(pt);
    c->pn[from * NC + to]++;
    c->pcells[from * NC + to] += ncell;
    c->parea[from * NC + to] += m2;
    return SX_OK;
}

static int key_cmp(const void *a, const void *b)
{
    const struct key *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static sx_err patch_finish(void *vctx, OGRLayerH lyr)
{
    patch_ctx_t *c = vctx;
    if (c->nkeys) qsort(c->keys, c->nkeys, sizeof *c->keys, key_cmp);
    int bad = 0;
    for (size_t i = 0; i < c->nkeys && !bad; i++) {
        OGRFeatureH f = OGR_L_GetFeature(lyr, c->keys[i].fid);
        if (!f) {
            bad = 1;
            break;
        }
        OGR_F_SetFieldInteger64(f, F_ID, (GIntBig)(i + 1));
        bad |= OGR_L_SetFeature(lyr, f) != OGRERR_NONE;
        OGR_F_Destroy(f);
    }
    SX_FAIL_IF(bad, SX_ERR_GDAL, "numbering the patches failed: %s", sx_gdal_last_error());
    return SX_OK;
}

/* Class names from a CSV with columns class,name (on rank 0). */
static sx_err read_names(const char *path, char **name)
{
    sx_table_t *t = NULL;
    SX_CHECK(sx_table_read(path, &t));
    const int cc = sx_table_col(t, "class|value|code"), cn = sx_table_col(t, "name|label");
    sx_err err = SX_OK;
    if (cc < 0 || cn < 0)
        SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "class table '%s' needs the columns class and name (found %d columns)", path,
                     t->ncol);
    for (int r = 0; r < t->nrow && !err; r++) {
        double v;
        err = sx_table_num(t, r, cc, &v);
        if (!err && !(v >= 0 && v < NC && v == floor(v)))
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "class table '%s' line %d: class '%s' is not a whole "
                             "number 0 .. 254", path, sx_table_line(t, r), sx_table_at(t, r, cc));
        if (!err) {
            free(name[(int)v]);
            name[(int)v] = strdup(sx_table_at(t, r, cn));
            if (!name[(int)v]) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        }
    }
done:
    sx_table_destroy(&t);
    return err;
}

static void csv_text(sx_strbuf_t *b, const char *s)
{
    sx_strbuf_printf(b, ",\"");
    for (; s && *s; s++) sx_strbuf_printf(b, *s == '"' ? "\"\"" : "%c", *s);
    sx_strbuf_printf(b, "\"");
}

/* The transition table (rank 0). */
static sx_err write_transitions(const char *path, const patch_ctx_t *c, const int64_t *cells, const int64_t *units)
{
    sx_strbuf_t b;
    sx_strbuf_init(&b);
    sx_strbuf_printf(&b, "from_class,to_class,from_name,to_name,cells,area_m2,area_ha,patches,patch_cells,patch_area_m2,"
                          "patch_area_ha\n");
    for (int t = 0; t < NT; t++) {
        if (!cells[t]) continue;
        const int f = t / NC, to = t % NC;
        const double m2 = (double)units[t] / UNITS_PER_M2;
        sx_strbuf_printf(&b, "%d,%d", f, to);
        csv_text(&b, c->name ? c->name[f] : NULL);
        csv_text(&b, c->name ? c->name[to] : NULL);
        sx_strbuf_printf(&b, ",%lld,%.17g,%.17g,%lld,%lld,%.17g,%.17g\n", (long long)cells[t], m2, m2 / 1e4,
                         (long long)c->pn[t], (long long)c->pcells[t], c->parea[t], c->parea[t] / 1e4);
    }
    sx_err err = b.failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory") : sx_write_text_file(path, b.data);
    sx_strbuf_fini(&b);
    return err;
}

sx_err sx_rs_patches_run(MPI_Comm comm, const sx_rs_patches_opts_t *o)
{
    SX_FAIL_IF(!(o->mmu >= 0), SX_ERR_USAGE, "--mmu must be a non-negative area or cell count, got %g", o->mmu);
    sx_rs_band_t bands[2];
    sx__rs_class_band(&bands[0], "before", o->before, 1);
    sx__rs_class_band(&bands[1], "after", o->after, 1);
    sx__rs_bandset_t bs;
    SX_CHECK(sx__rs_bandset_open(comm, bands, 2, NULL, &bs));
    int rank;
    MPI_Comm_rank(comm, &rank);
    sx_decomp_t d = {0};
    int32_t *code = NULL;
    int64_t *cells = calloc(NT, sizeof *cells), *units = calloc(NT, sizeof *units);
    patch_ctx_t c = {0};
    sx_err err = ground_init(&bs.frame, &c.w);
    if (!err) err = sx_decomp_init(&d, comm, bs.frame.nx, bs.frame.ny, bs.frame.block_x, bs.frame.block_y);
    if (!err) {
        const int64_t n = sx_window_cells(d.own);
        code = malloc((size_t)(n > 0 ? n : 1) * sizeof *code);
        c.pn = calloc(NT, sizeof *c.pn);
        c.pcells = calloc(NT, sizeof *c.pcells);
        c.parea = calloc(NT, sizeof *c.parea);
        if (!code || !cells || !units || !c.pn || !c.pcells || !c.parea)
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold the %lld-cell block", (long long)n);
    }
    err = sx_err_agree(comm, err);
    if (!err) err = block_codes(comm, o, &bs, &c.w, &d, code, cells, units);
    int rc = MPI_SUCCESS;
    if (!err) rc = MPI_Allreduce(MPI_IN_PLACE, cells, NT, MPI_INT64_T, MPI_SUM, comm);
    if (!err && rc == MPI_SUCCESS) rc = MPI_Allreduce(MPI_IN_PLACE, units, NT, MPI_INT64_T, MPI_SUM, comm);
    if (!err && rc != MPI_SUCCESS) err = sx__mpi_fail(rc, "MPI_Allreduce of the transitions", SX__FILE, __LINE__);
    if (!err) {
        const sx_layer_out_t lo = {NULL, o->out_tif, "change_code", "class change: from * 1000 + to, 0 no change",
                                   "1", NULL, SX_DT_INT32, 0, "NEAREST", o->provenance};
        err = sx_layer_write(comm, &bs.frame, d.own, code, d.own.nx, &lo);
    }
    free(code);
    code = NULL;
    if (!err && rank == 0 && o->classes) {
        c.name = calloc(NC, sizeof *c.name);
        err = c.name ? read_names(o->classes, c.name) : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    }
    err = sx_err_agree(comm, err);
    if (!err) {
        c.mmu = o->mmu;
        c.mmu_cells = o->mmu_cells;
        const sx_polygonize_field_t fields[F_N] = {
            {"change_code", OFTInteger}, {"patch_id", OFTInteger64}, {"from_class", OFTInteger}, {"to_class", OFTInteger},
            {"from_name", OFTString}, {"to_name", OFTString}, {"cells", OFTInteger64}, {"area_m2", OFTReal},
            {"area_ha", OFTReal}, {"centroid_x", OFTReal}, {"centroid_y", OFTReal}};
        const sx_polygonize_t p = {o->layer ? o->layer : "patches", o->connect8, fields, F_N, 0, NULL,
                                   patch_visit, patch_finish, &c};
        /* the code raster is this step's product, staged until the step's products commit together */
        err = sx_polygonize_raster(comm, sx_output_staged(o->out_tif), o->out_gpkg, &p);
    }
    if (!err && rank == 0)
        sx_log_info("rs patches: %zu patches of %s connectivity kept, %lld below the minimum mapping unit dropped",
                    c.nkeys, o->connect8 ? "8" : "4", (long long)c.dropped);
    if (!err) err = sx_err_agree(comm, rank == 0 ? write_transitions(o->out_csv, &c, cells, units) : SX_OK);
    for (int i = 0; c.name && i < NC; i++) free(c.name[i]);
    free(c.name);
    free(c.keys);
    free(c.pn);
    free(c.pcells);
    free(c.parea);
    free(cells);
    free(units);
    sx_decomp_fini(&d);
    sx__rs_bandset_close(&bs);
    return err;
}
