/*
 * sx_h5cf.h — parallel HDF5 output laid out as netCDF-4 / CF-1.8.
 *
 * Files written here open with their georeferencing in GDAL (netCDF driver),
 * QGIS and xarray: x/y (and optional time) coordinate variables that are
 * HDF5 dimension scales, a "crs" grid-mapping variable carrying crs_wkt,
 * spatial_ref and GeoTransform, and data variables with _FillValue, units
 * and grid_mapping. Data are chunked and DEFLATE-compressed (with shuffle)
 * and written collectively: every rank writes its own window, nobody
 * gathers the raster.
 *
 * Use the ".nc" extension so every tool picks the right driver.
 */
#ifndef SX_H5CF_H
#define SX_H5CF_H

#include <mpi.h>
#include <stdint.h>
#include "sx_err.h"
#include "sx_grid.h"

typedef struct sx_h5cf sx_h5cf_t;

typedef struct {
    const char *name;          /* variable name, e.g. "slope" */
    const char *long_name;     /* human description */
    const char *units;         /* CF units string, e.g. "degree", "m" */
    const char *standard_name; /* CF standard name or NULL */
    sx_dtype dtype;            /* stored type */
    double fill;               /* _FillValue (also the nodata value) */
    int time_series;           /* 1: dims (time, y, x); 0: (y, x) */
} sx_h5cf_var_t;

/**
 * Create path (truncating) for grid. ntime > 0 adds a time dimension of
 * that length with values set by sx_h5cf_set_time (units such as
 * "seconds since 2024-06-01 00:00:00"). attrs_json, if not NULL, is stored
 * as the global attribute "sanxiang_provenance". Collective over comm.
 */
sx_err sx_h5cf_create(MPI_Comm comm, const char *path, const sx_grid_t *grid, int64_t ntime,
                      const char *time_units, const char *attrs_json, sx_h5cf_t **out);

/** Define a data variable. Collective. */
sx_err sx_h5cf_define(sx_h5cf_t *f, const sx_h5cf_var_t *var);

/**
 * Write this rank's window [x0, x0+nx) x [y0, y0+ny) of variable name at
 * time index t (ignored for 2-D variables). data holds ny rows of row_stride
 * elements of the variable's dtype; nx or ny may be 0 for a rank with
 * nothing to write. Collective: every rank must call it.
 */
sx_err sx_h5cf_write(sx_h5cf_t *f, const char *name, int64_t t, int64_t x0, int64_t y0, int64_t nx,
                     int64_t ny, const void *data, int64_t row_stride);

/** Set the value of time step t (rank 0's value is used). Collective. */
sx_err sx_h5cf_set_time(sx_h5cf_t *f, int64_t t, double value);

/** Set a global text attribute. Collective. */
sx_err sx_h5cf_set_global(sx_h5cf_t *f, const char *name, const char *value);

/** Close and free; accepts NULL. Collective. */
sx_err sx_h5cf_close(sx_h5cf_t **f);

/** Version string of the HDF5 library linked ("1.10.8 (parallel)"). */
const char *sx_h5cf_library_version(void);

#endif
