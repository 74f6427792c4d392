/*
 * sx_layer.h — the one way kernels read their block and write a result layer.
 *
 * Reading: a rank's window of a band as float64 with nodata (and NaN) turned
 * into NaN, placed inside a larger local buffer (block + halo).
 * Writing: a rank's block of a 2-D layer to CF-netCDF (parallel HDF5,
 * collective), to a COG (the parallel COG writer, sx_cog.h) or to both, each
 * under a temporary name renamed only when every rank has succeeded, with
 * provenance attached.
 */
#ifndef SX_LAYER_H
#define SX_LAYER_H

#include <mpi.h>
#include "sx_cog.h"
#include "sx_decomp.h"
#include "sx_err.h"
#include "sx_grid.h"
#include "sx_raster.h"

/** Open name on every rank and describe band; ranks agree on the outcome, so
 *  a missing or unreadable input stops all of them with one message.
 *  Collective over comm. On failure *r is NULL and grid is zeroed. */
sx_err sx_layer_open(MPI_Comm comm, const char *name, int band, sx_raster_t **r, sx_grid_t *grid);

/** Read window win of band into buf, a float64 array laid out over ext
 *  (ext contains win); nodata and NaN become NaN. Not collective. */
sx_err sx_layer_read_f64(sx_raster_t *r, int band, const sx_grid_t *g, sx_window_t win, sx_window_t ext, double *buf);
/** The error for an infinite value v at global cell (gi, gj) of band `band` of
 *  raster `name` on grid g (no measurement: every reader refuses it with this
 *  message, naming the cell and the remedy). Returns SX_ERR_INPUT. */
sx_err sx_layer_infinite_cell(const char *name, int band, const sx_grid_t *g, int64_t gi, int64_t gj, double v);

/** Files of a layer, for callers that name them from a stem (formats bits). */
enum { SX_LAYER_COG = 1, SX_LAYER_NC = 2 };

typedef struct {
    const char *nc_path;       /* CF-netCDF output, or NULL */
    const char *cog_path;      /* COG output, or NULL (at least one of the two) */
    const char *name;          /* variable name */
    const char *long_name;
    const char *units;
    const char *standard_name; /* or NULL */
    sx_dtype dtype;            /* type of data and of the stored variable */
    double fill;               /* nodata / _FillValue */
    const char *resampling;    /* COG overviews: AVERAGE (continuous), NEAREST or MODE (classes); NULL = AVERAGE */
    const char *provenance;    /* JSON, identical on all ranks, or NULL */
    const sx_cog_gcps_t *gcps; /* COG only: GCPs instead of the grid's geotransform and CRS, or NULL */
} sx_layer_out_t;

/**
 * Write this rank's block own of a layer on grid (the output frame: size,
 * geotransform, CRS) from data (own.ny rows of row_stride elements of
 * o->dtype) to o->nc_path and/or o->cog_path. The blocks of the ranks must
 * tile the grid. The COG's bytes do not depend on the number of ranks.
 * Timers "<name>: write netCDF", "<name>: statistics", "<name>: write COG".
 * Collective over comm.
 */
sx_err sx_layer_write(MPI_Comm comm, const sx_grid_t *grid, sx_window_t own, const void *data, int64_t row_stride,
                      const sx_layer_out_t *o);

/** Statistics of the valid cells (not NaN, not fill) of the ranks' blocks:
 *  min, max, mean and population standard deviation, bit-identical at any
 *  rank and thread count (exact sums). st->valid == 0 if no cell is valid.
 *  Collective over comm. */
sx_err sx_layer_stats(MPI_Comm comm, sx_window_t own, const void *data, int64_t row_stride, sx_dtype t, double fill,
                      sx_band_stats_t *st);

/** The GDAL name under which a layer that sx_layer_write just wrote can be
 *  read now: its COG if it wrote one (cog_path not NULL), else the netCDF
 *  variable var of nc_path, each at sx_output_staged()'s name, i.e. its
 *  temporary file while the job step's outputs are staged (on rank 0).
 *  Truncated to len bytes. Not collective. */
void sx_layer_staged_name(const char *cog_path, const char *nc_path, const char *var, char *buf, size_t len);

/** Derive "<stem>.nc" from an output path "<stem>.tif" (or append .nc). */
void sx_layer_nc_beside(const char *cog_path, char *buf, size_t len);

#endif
