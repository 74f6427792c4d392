/*
 * thiessen.c — Thiessen polygon weights of rain gauges over sub-basins
 * (Thiessen, A.H. (1911) Precipitation averages for large areas. Monthly
 * Weather Review 39(7):1082-1084, doi:10.1175/1520-0493(1911)39<1082b:PAFLA>2.0.CO;2).
 * The share of a sub-basin nearest to each gauge is measured on a regular
 * grid of cell centres inside the polygon rather than by intersecting
 * Voronoi cells: simple, exact in the limit, and the O(1/grid) error is far
 * below the uncertainty of gauge rain. Gauges outside the basin still get
 * the share of the basin nearest to them, as Thiessen's construction says.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>

#include "sanxiang/sx_hydro_io.h"

static sx_err weights_geom(OGRGeometryH g, const char *name, int nst, const double *x, const double *y, int grid,
                           double *w)
{
    SX_FAIL_IF(nst < 1, SX_ERR_INPUT, "Thiessen weights need at least one station");
    SX_FAIL_IF(grid < 2 || grid > 20000, SX_ERR_INPUT, "Thiessen grid must be 2..20000 cells, got %d", grid);
    OGREnvelope env;
    OGR_G_GetEnvelope(g, &env);
    double dx = (env.MaxX - env.MinX) / grid, dy = (env.MaxY - env.MinY) / grid;
    SX_FAIL_IF(!(dx > 0) || !(dy > 0), SX_ERR_INPUT, "sub-basin %s has an empty extent", name);
    int64_t *count = calloc((size_t)nst, sizeof *count), total = 0;
    SX_FAIL_IF(!count, SX_ERR_NOMEM, "out of memory");
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    for (int j = 0; j < grid; j++)
        for (int i = 0; i < grid; i++) {
            double px = env.MinX + (i + 0.5) * dx, py = env.MinY + (j + 0.5) * dy;
            OGR_G_SetPoint_2D(pt, 0, px, py);
            if (!OGR_G_Contains(g, pt)) continue;
            int best = 0;
            double bd = INFINITY;
            for (int s = 0; s < nst; s++) {
                double d = (px - x[s]) * (px - x[s]) + (py - y[s]) * (py - y[s]);
                if (d < bd) bd = d, best = s;
            }
            count[best]++;
            total++;
        }
    OGR_G_DestroyGeometry(pt);
    if (total == 0) {
        free(count);
        SX_FAIL(SX_ERR_INPUT, "sub-basin %s is too thin for a %d x %d Thiessen grid; raise the grid", name, grid, grid);
    }
    for (int s = 0; s < nst; s++) w[s] = (double)count[s] / (double)total;
    free(count);
    return SX_OK;
}

sx_err sx_hydro_thiessen_wkt(const char *wkt, int nst, const double *x, const double *y, int grid, double *w)
{
    OGRGeometryH g = NULL;
    char *p = (char *)wkt;
    SX_FAIL_IF(OGR_G_CreateFromWkt(&p, NULL, &g) != OGRERR_NONE || !g, SX_ERR_INPUT, "invalid sub-basin WKT: %.60s",
               wkt);
    sx_err e = weights_geom(g, "(WKT)", nst, x, y, grid, w);
    OGR_G_DestroyGeometry(g);
    return e;
}

sx_err sx_hydro_thiessen_layer(const char *path, const char *id_field, int nst, const double *x, const double *y,
                               int grid, int *npoly, char ***out_ids, double **out_w)
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
        else e = weights_geom(g, ids[n], nst, x, y, grid, w + (int64_t)n * nst);
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
