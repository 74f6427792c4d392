/*
 * sx_layer_mem.h — layers handed from one step of a job to the next in the
 * ranks' memory, instead of through files.
 *
 * While keeping is on (the job runner turns it on), every layer written with
 * sx_layer_write also leaves this rank's block in memory, under the dataset
 * names a later step will open it by: its COG path and 'NETCDF:"<nc>":<var>'.
 * sx_raster_open() of such a name then gives a handle whose reads of a
 * window inside this rank's block are copies from memory, with no GDAL and
 * no file. A step that decomposes the same grid on the same ranks (every
 * block kernel does: the kept grid carries the writer's block sizes, so
 * sx_decomp_init cuts it the same way) reads nothing from disk. A read
 * outside the block falls back to the file — or, for a layer the job marked
 * intermediate (kept, never written), fails saying so.
 *
 * Memory: a kept layer costs its block in its own type on each rank; the
 * runner drops a layer after the last step that names it, and keeping stops
 * (the file serves) when a rank's kept layers would pass SX_KEEP_MB
 * (default: half the node's memory shared by its ranks).
 */
#ifndef SX_LAYER_MEM_H
#define SX_LAYER_MEM_H

#include <mpi.h>
#include <stdint.h>
#include "sx_decomp.h"
#include "sx_err.h"
#include "sx_grid.h"

/** Keep written layers in memory (keep), and write their files or not
 *  (write_files = 0: the step is intermediate). Not collective; every rank
 *  sets the same. */
void sx_layer_mem_policy(int keep, int write_files);
/** 1 when layers are written to files (the policy's write_files). */
int sx_layer_mem_writes_files(void);

/**
 * Keep this rank's block of a layer (own.ny rows of row_stride cells of
 * dtype; cells equal to fill are nodata) under each of names[0..nnames).
 * must: 1 when the layer has no file to fall back to (intermediate): a
 * budget overrun is then an error instead of a silent skip. Collective over
 * comm (ranks agree whether the layer is kept).
 */
sx_err sx_layer_mem_keep(MPI_Comm comm, const char *const *names, int nnames, const sx_grid_t *grid, sx_window_t own,
                         const void *data, int64_t row_stride, sx_dtype dtype, double fill, int must);

/** Forget the layer kept under name (and its other names). Not collective. */
void sx_layer_mem_drop(const char *name);
/** Forget every kept layer. Not collective. */
void sx_layer_mem_clear(void);
/** Bytes this rank keeps now. */
int64_t sx_layer_mem_bytes(void);

/* For src/io/raster.c: the kept layer behind a dataset name. */
typedef struct sx_mem_layer sx_mem_layer_t;
/** The layer kept under name, or NULL. */
const sx_mem_layer_t *sx__layer_mem_find(const char *name);
/** Its grid (the writer's, block sizes included). */
const sx_grid_t *sx__layer_mem_grid(const sx_mem_layer_t *m);
/** 1 if the layer has a file behind it (it was written). */
int sx__layer_mem_has_file(const sx_mem_layer_t *m);
/** Copy window [x0, x0+nx) x [y0, y0+ny) into buf (buf_type, rows row_stride
 *  apart) if it lies inside this rank's block; *ok = 0 (nothing copied)
 *  otherwise. Not collective. */
sx_err sx__layer_mem_read(const sx_mem_layer_t *m, int64_t x0, int64_t y0, int64_t nx, int64_t ny, sx_dtype buf_type,
                          void *buf, int64_t row_stride, int *ok);

#endif
