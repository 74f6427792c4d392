/*
 * grid.c — grid descriptions: copying, comparing, cell coordinates.
 *
 * Pure data handling with no I/O. The CRS is kept as WKT text; deciding
 * whether a CRS is geographic looks at the WKT's root keyword (GEOGCS,
 * GEOGCRS, GEODCRS with an ellipsoidal CS) so core stays free of GDAL/OSR.
 */
#include "sanxiang/sx_grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t sx_dtype_size(sx_dtype t)
{
    switch (t) {
    case SX_DT_UINT8: return 1;
    case SX_DT_INT16:
    case SX_DT_UINT16: return 2;
    case SX_DT_INT32:
    case SX_DT_UINT32:
    case SX_DT_FLOAT32: return 4;
    case SX_DT_INT64:
    case SX_DT_FLOAT64: return 8;
    default: return 0;
    }
}

const char *sx_dtype_name(sx_dtype t)
{
    static const char *const names[] = {"unknown", "uint8", "int16", "uint16", "int32",
                                        "uint32", "int64", "float32", "float64"};
    return (t >= 0 && t <= SX_DT_FLOAT64) ? names[t] : "unknown";
}

sx_err sx_grid_set_wkt(sx_grid_t *g, const char *wkt)
{
    char *copy = NULL;
    if (wkt) {
        copy = strdup(wkt);
        SX_FAIL_IF(!copy, SX_ERR_NOMEM, "cannot copy a CRS description");
    }
    free(g->wkt);
    g->wkt = copy;
    return SX_OK;
}

sx_err sx_grid_copy(sx_grid_t *dst, const sx_grid_t *src)
{
    *dst = *src;
    dst->wkt = NULL;
    return sx_grid_set_wkt(dst, src->wkt);
}

void sx_grid_fini(sx_grid_t *g)
{
    if (!g) return;
    free(g->wkt);
    memset(g, 0, sizeof *g);
}

int sx_grid_same_frame(const sx_grid_t *a, const sx_grid_t *b)
{
    if (a->nx != b->nx || a->ny != b->ny) return 0;
    double tol_x = 1e-9 * fabs(a->gt[1]), tol_y = 1e-9 * fabs(a->gt[5]);
    if (fabs(a->gt[0] - b->gt[0]) > tol_x || fabs(a->gt[1] - b->gt[1]) > tol_x ||
        fabs(a->gt[3] - b->gt[3]) > tol_y || fabs(a->gt[5] - b->gt[5]) > tol_y ||
        fabs(a->gt[2] - b->gt[2]) > tol_x || fabs(a->gt[4] - b->gt[4]) > tol_y)
        return 0;
    if (!a->wkt || !b->wkt) return a->wkt == b->wkt;
    return strcmp(a->wkt, b->wkt) == 0;
}

double sx_grid_x_center(const sx_grid_t *g, int64_t i) { return g->gt[0] + ((double)i + 0.5) * g->gt[1]; }
double sx_grid_y_center(const sx_grid_t *g, int64_t j) { return g->gt[3] + ((double)j + 0.5) * g->gt[5]; }

int sx_grid_is_geographic(const sx_grid_t *g)
{
    if (!g->wkt) return 0;
    const char *w = g->wkt;
    while (*w == ' ' || *w == '\n') w++;
    if (!strncmp(w, "GEOGCS", 6) || !strncmp(w, "GEOGCRS", 7) || !strncmp(w, "GEOGRAPHICCRS", 13)) return 1;
    if (!strncmp(w, "GEODCRS", 7) || !strncmp(w, "GEODETICCRS", 11))
        return strstr(w, "CS[ellipsoidal") != NULL;
    return 0;
}

int sx_grid_is_nodata(const sx_grid_t *g, double v)
{
    if (isnan(v)) return 1;
    if (!g->has_nodata) return 0;
    if (g->dtype == SX_DT_FLOAT32) return (float)v == (float)g->nodata;
    return v == g->nodata;
}
