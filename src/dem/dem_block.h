/*
 * dem_block.h — a rank's block of a DEM (or of any band a hydrology or
 * terrain kernel reads) in a padded frame (pad.h), held in the narrowest
 * floating type that represents the band exactly: float32 for 8/16-bit
 * integer and float32 bands, float64 otherwise. Nodata is NaN.
 */
#ifndef SX_DEM_BLOCK_H
#define SX_DEM_BLOCK_H

#include <mpi.h>

#include "dem/pad.h"
#include "sanxiang/sx_grid.h"
#include "sanxiang/sx_raster.h"

typedef struct {
    sx_raster_t *r;
    sx_grid_t grid;
    sx_decomp_t d;
    sx__pad_t pad;
    sx_dtype t; /* SX_DT_FLOAT32 or SX_DT_FLOAT64: the type of z */
    void *z;    /* pad.n cells; own block and the halo inside the grid read, NaN beyond the grid */
} sx__dem_t;

/** The exact in-memory type for cells of type t. */
sx_dtype sx__dem_type(sx_dtype t);

/** Cell width (east-west) and height in metres in global row gj: the
 *  geotransform's on projected grids, on geographic grids along the
 *  parallel of the row's centre and along the meridian on a sphere of
 *  radius SX_EARTH_RADIUS_M. */
void sx__cell_metres(const sx_grid_t *g, int64_t gj, double *dx, double *dy);

/** Refuse rotated grids and non-square cells, naming the raster and what to do. Not collective. */
sx_err sx__dem_check_frame(const sx_grid_t *g, const char *name);

/**
 * Open name on every rank, check its frame, decompose (aligned to its
 * internal blocks, or as like is when given: a second raster must then be on
 * like's grid), and read the own block (from the file, or from the memory an
 * earlier step of the job kept it in) grown by width cells filled by a halo
 * exchange (cells beyond the grid: NaN), in the type sx__dem_type gives (or
 * float64 if want_f64). nodata and NaN become NaN; an infinite value, and
 * with need_nodata a NaN cell in a band without a nodata value, is an error
 * naming the cell. Collective; ranks agree on the
 * outcome. Release with sx__dem_fini (also after a failure).
 */
sx_err sx__dem_read(MPI_Comm comm, const char *name, int band, int width, int need_nodata, int want_f64,
                    const sx__dem_t *like, sx__dem_t *b);
void sx__dem_fini(sx__dem_t *b);

/** Log (INFO, rank 0's view of the largest rank) the peak resident memory so
 *  far per cell of the rank's block: what a kernel held before its outputs
 *  are written. Collective (one reduction). */
void sx__dem_log_peak(MPI_Comm comm, const char *label, int64_t block_cells);

/** Element size of t (4 or 8). */
static inline size_t sx__dem_elem(const sx__dem_t *b) { return b->t == SX_DT_FLOAT32 ? 4 : 8; }
/** Pointer to the first own cell of b->z and the row stride, for sx_layer_write. */
static inline void *sx__dem_own(const sx__dem_t *b)
{
    return (char *)b->z + (size_t)sx__pad_at(&b->pad, 0, 0) * sx__dem_elem(b);
}

#endif
