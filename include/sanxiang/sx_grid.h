/*
 * sx_grid.h — the description of a raster grid, shared by every module.
 *
 * A grid is its size, affine geotransform (GDAL order: x0, dx, rx, y0, ry,
 * dy), coordinate reference system as WKT, nodata value and cell data type.
 * It carries the input's internal block size so decompositions can align to
 * it. Pure data: no I/O here.
 */
#ifndef SX_GRID_H
#define SX_GRID_H

#include <stddef.h>
#include <stdint.h>
#include "sx_err.h"

typedef enum {
    SX_DT_UNKNOWN = 0,
    SX_DT_UINT8,
    SX_DT_INT16,
    SX_DT_UINT16,
    SX_DT_INT32,
    SX_DT_UINT32,
    SX_DT_INT64,
    SX_DT_FLOAT32,
    SX_DT_FLOAT64
} sx_dtype;

/** Size in bytes of one cell of a data type (0 for SX_DT_UNKNOWN). */
size_t sx_dtype_size(sx_dtype t);
/** Short lower-case name: "float32", "uint16", ... */
const char *sx_dtype_name(sx_dtype t);

typedef struct {
    int64_t nx, ny;      /* columns, rows */
    double gt[6];        /* GDAL geotransform */
    char *wkt;           /* CRS as WKT (owned; NULL if unknown) */
    int has_nodata;
    double nodata;
    sx_dtype dtype;
    int block_x, block_y; /* input's internal block size (1 if unknown) */
} sx_grid_t;

/** Deep copy src into dst (dst must be uninitialised or finied). */
sx_err sx_grid_copy(sx_grid_t *dst, const sx_grid_t *src);
/** Free owned fields and zero the struct. Accepts a zeroed struct. */
void sx_grid_fini(sx_grid_t *g);
/** Set the CRS WKT (copied). */
sx_err sx_grid_set_wkt(sx_grid_t *g, const char *wkt);

/** True when both grids have the same size and geotransform (to 1e-9 of a
 *  cell) and equivalent CRS text. Not collective. */
int sx_grid_same_frame(const sx_grid_t *a, const sx_grid_t *b);

/** True when v is this grid's nodata value (compared in the grid's own data
 *  type, so a float32 nodata matches after widening) or NaN. */
int sx_grid_is_nodata(const sx_grid_t *g, double v);

/** Centre coordinates of column i / row j (north-up grids). */
double sx_grid_x_center(const sx_grid_t *g, int64_t i);
double sx_grid_y_center(const sx_grid_t *g, int64_t j);

/** True if the grid's CRS is geographic (degrees). Uses the WKT. */
int sx_grid_is_geographic(const sx_grid_t *g);

#endif
