/*
 * gauge_weights.c — weights of rain gauges over sub-basins, so that a
 * sub-basin's areal rain is sum_s w_s P_s:
 *
 *  - Thiessen (1911): the share of the sub-basin nearest to each gauge
 *    (Thiessen, A.H. (1911) Precipitation averages for large areas. Monthly
 *    Weather Review 39(7):1082-1084,
 *    doi:10.1175/1520-0493(1911)39<1082b:PAFLA>2.0.CO;2);
 *  - inverse-distance weighting (Shepard, D. (1968) A two-dimensional
 *    interpolation function for irregularly-spaced data. Proc. 23rd ACM
 *    National Conference, 517-524, doi:10.1145/800186.810616): the point
 *    weight of gauge s at x is d(x,s)^-p / sum_k d(x,k)^-p, and the areal
 *    weight is that point weight averaged over the sub-basin, i.e. the areal
 *    mean of the IDW-interpolated rain field.
 *
 * Both are measured on the same regular grid of cell centres inside the
 * polygon (grid x grid over its envelope; a centre counts when OGR/GEOS says
 * the polygon contains it) rather than analytically: simple, exact in the
 * limit, and the O(1/grid) error is far below the uncertainty of gauge rain.
 * Thiessen ties go to the lower gauge index; an IDW cell centre that
 * coincides with a gauge takes that gauge's value (the first such gauge).
 * Gauges outside the basin still get their share, as both methods say.
 * Gauge locations are read through the shared table reader, columns id, x,
 * y found by name, so a file of another kind (a forcing table) is refused
 * instead of being read as coordinates.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>

#include "hydro/hydro_internal.h"
#include "sanxiang/sx_hydro_io.h"

static sx_err check_opts(const sx_hydro_weights_opts_t *o, int nst)
{
    SX_FAIL_IF(nst < 1, SX_ERR_INPUT, "gauge weights need at least one station");
    SX_FAIL_IF(o->grid < 2 || o->grid > 20000, SX_ERR_INPUT, "gauge-weight grid must be 2..20000 cells, got %d",
               o->grid);
    SX_FAIL_IF(o->method == SX_HYDRO_WEIGHTS_IDW && !(o->power > 0 && o->power <= 10), SX_ERR_INPUT,
               "IDW power must lie in (0, 10], got %g", o->power);
    return SX_OK;
}

/* Add the point weights of the cell centre (px, py) to acc[nst]. */
static void cell_weights(const sx_hydro_weights_opts_t *o, int nst, const double *x, const double *y, double px,
                         double py, double *u, double *acc)
{
    int best = 0;
    double bd = INFINITY, su = 0;
    for (int s = 0; s < nst; s++) {
        double d2 = (px - x[s]) * (px - x[s]) + (py - y[s]) * (py - y[s]);
        if (d2 < bd) bd = d2, best = s;
        u[s] = d2 > 0 ? pow(d2, -0.5 * o->power) : 0;
        su += u[s];
    }
    if (o->method == SX_HYDRO_WEIGHTS_THIESSEN || bd == 0) {
        acc[best] += 1;
        return;
    }
    for (int s = 0; s < nst; s++) acc[s] += u[s] / su;
}

static sx_err weights_geom(OGRGeometryH g, const char *name, const sx_hydro_weights_opts_t *o, int nst,
                           const double *x, const double *y, double *w)
{
    SX_CHECK(check_opts(o, nst));
    OGREnvelope env;
    OGR_G_GetEnvelope(g, &env);
    const int grid = o->grid;
    double dx = (env.MaxX - env.MinX) / grid, dy = (env.MaxY - env.MinY) / grid;
    SX_FAIL_IF(!(dx > 0) || !(dy > 0), SX_ERR_INPUT, "sub-basin %s has an empty extent", name);
    double *acc = calloc((size_t)nst * 2, sizeof *acc);
    SX_FAIL_IF(!acc, SX_ERR_NOMEM, "out of memory");
    int64_t total = 0;
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    for (int j = 0; j < grid; j++)
        for (int i = 0; i < grid; i++) {
            double px = env.MinX + (i + 0.5) * dx, py = env.MinY + (j + 0.5) * dy;
            OGR_G_SetPoint_2D(pt, 0, px, py);
            if (!OGR_G_Contains(g, pt)) continue;
            cell_weights(o, nst, x, y, px, py, acc + nst, acc);
            total++;
        }
    OGR_G_DestroyGeometry(pt);
    if (total == 0) {
        free(acc);
        SX_FAIL(SX_ERR_INPUT, "sub-basin %s is too thin for a %d x %d gauge-weight grid; raise the grid", name, grid,
                grid);
    }
    for (int s = 0; s < nst; s++) w[s] = acc[s] / (double)total;
    free(acc);
    return SX_OK;
}

sx_err sx_hydro_weights_wkt(const char *wkt, const sx_hydro_weights_opts_t *o, int nst, const double *x,
                            const double *y, double *w)
{
    OGRGeometryH g = NULL;
    char *p = (char *)wkt;
    SX_FAIL_IF(OGR_G_CreateFromWkt(&p, NULL, &g) != OGRERR_NONE || !g, SX_ERR_INPUT, "invalid sub-basin WKT: %.60s",
               wkt);
    sx_err e = weights_geom(g, "(WKT)", o, nst, x, y, w);
    OGR_G_DestroyGeometry(g);
    return e;
}

sx_err sx_hydro_thiessen_wkt(const char *wkt, int nst, const double *x, const double *y, int grid, double *w)
{
    sx_hydro_weights_opts_t o = {SX_HYDRO_WEIGHTS_THIESSEN, 2, grid};
    return sx_hydro_weights_wkt(wkt, &o, nst, x, y, w);
}

sx_err sx_hydro_weights_layer(const char *path, const char *id_field, const sx_hydro_weights_opts_t *o, int nst,
                              const double *x, const double *y, int *npoly, char ***out_ids, double **out_w)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    SX_FAIL_IF(!ds, SX_ERR_IO, "cannot open sub-basin polygons '%s'", path);
    OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
    sx_err e = SX_OK;
    int n = 0, cap = 0, fi = lyr ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), id_field) : -1;
    char **ids = NULL;
    double *w = NULL;
    if (fi < 0) {
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' has no field '%s' naming the sub-basins", path, id_field);
        goto done;
    }
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(lyr))) {
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **ni = realloc(ids, (size_t)cap * sizeof *ids);
            double *nw = ni ? realloc(w, (size_t)cap * nst * sizeof *w) : NULL;
            if (ni) ids = ni;
            if (nw) w = nw;
            if (!ni || !nw) {
                OGR_F_Destroy(f);
                e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
                goto done;
            }
        }
        ids[n] = strdup(OGR_F_GetFieldAsString(f, fi));
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (!g || !ids[n]) e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' feature %d has no polygon", path, n + 1);
        else e = weights_geom(g, ids[n], o, nst, x, y, w + (int64_t)n * nst);
        OGR_F_Destroy(f);
        n++;
        if (e) goto done;
    }
    if (n == 0) e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' has no sub-basin polygons", path);
done:
    GDALClose(ds);
    if (e) {
        for (int i = 0; i < n; i++) free(ids[i]);
        free(ids);
        free(w);
        return e;
    }
    *npoly = n;
    *out_ids = ids;
    *out_w = w;
    return SX_OK;
}

sx_err sx_hydro_thiessen_layer(const char *path, const char *id_field, int nst, const double *x, const double *y,
                               int grid, int *npoly, char ***out_ids, double **out_w)
{
    sx_hydro_weights_opts_t o = {SX_HYDRO_WEIGHTS_THIESSEN, 2, grid};
    return sx_hydro_weights_layer(path, id_field, &o, nst, x, y, npoly, out_ids, out_w);
}

/* The header as the file has it, for messages ("time,P,E"). */
static void header_text(const sx_table_t *t, char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = 0;
    for (int c = 0; c < t->ncol && off < n; c++) off += (size_t)snprintf(buf + off, n - off, "%s%s", c ? "," : "", t->head[c]);
}

static sx_err gauge_rows(const sx_table_t *t, const char *path, int max, int ci, int cx, int cy, char (*names)[32], double *x,
                         double *y)
{
    SX_FAIL_IF(t->nrow == 0, SX_ERR_INPUT, "%s lists no gauges; add rows id,x,y under the header", path);
    SX_FAIL_IF(t->nrow > max, SX_ERR_INPUT, "%s:%d: more than %d gauges; at most %d are supported", path,
               sx_table_line(t, max), max, max);
    for (int r = 0; r < t->nrow; r++) {
        const int line = sx_table_line(t, r);
        const char *id = sx_table_at(t, r, ci);
        const size_t len = strlen(id);
        SX_FAIL_IF(len == 0, SX_ERR_INPUT, "%s:%d: column 'id' is empty; give every gauge a name", path, line);
        SX_FAIL_IF(len >= sizeof names[r], SX_ERR_INPUT, "%s:%d: gauge id '%.*s' is longer than %d characters; shorten it",
                   path, line, (int)len, id, (int)sizeof names[r] - 1);
        memcpy(names[r], id, len);
        names[r][len] = 0;
        for (int k = 0; k < r; k++)
            SX_FAIL_IF(!strcmp(names[k], names[r]), SX_ERR_INPUT,
                       "%s:%d: gauge id '%s' is used twice (also on line %d); gauge ids must be unique", path, line,
                       names[r], sx_table_line(t, k));
        SX_CHECK(sx_table_num(t, r, cx, &x[r]));
        SX_CHECK(sx_table_num(t, r, cy, &y[r]));
        SX_FAIL_IF(isnan(x[r]) || isnan(y[r]), SX_ERR_INPUT,
                   "%s:%d: gauge '%s' has no %s; give both coordinates (in the polygons' CRS)", path, line, names[r],
                   isnan(x[r]) ? "x" : "y");
    }
    return SX_OK;
}

sx_err sx_hydro_gauges_read(const char *path, int max, int *n, char (*names)[32], double *x, double *y)
{
    sx_table_t *t = NULL;
    SX_CHECK(sx__hydro_table_read(path, &t));
    const int ci = sx_table_col(t, "id"), cx = sx_table_col(t, "x"), cy = sx_table_col(t, "y");
    sx_err e = SX_OK;
    if (ci < 0 || cx < 0 || cy < 0) {
        char head[160];
        header_text(t, head, sizeof head);
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                       "%s: the header is '%s', not gauge locations; give a CSV with the columns id,x,y (gauge name, "
                       "then coordinates in the polygons' CRS)",
                       path, head);
    } else
        e = gauge_rows(t, path, max, ci, cx, cy, names, x, y);
    if (!e) *n = t->nrow;
    sx_table_destroy(&t);
    SX_CHECK(e);
    return SX_OK;
}
