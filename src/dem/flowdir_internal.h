/*
 * flowdir_internal.h — pieces of the flow-direction kernels shared between
 * the D8 pass (flowdir_dist.c), the flat resolution (flats.c) and the
 * multi-direction methods.
 */
#ifndef SX_DEM_FLOWDIR_INTERNAL_H
#define SX_DEM_FLOWDIR_INTERNAL_H

#include <stdint.h>

#include "dem/pad.h"
#include "sanxiang/sx_grid.h"

/* eq[c]: bit k set when neighbour k has c's elevation; SX__EQ_HIGHER when a
 * data neighbour is higher. */
#define SX__EQ_HIGHER 0x100
/* set by sx__d8_frame on cells the stencil left without a direction (flats) */
#define SX__EQ_FLAT 0x200

/* Bit k set where byte k (from the least significant) of x is zero (exact:
 * no carries between bytes), the bits gathered by one multiply. */
static inline unsigned sx__zero_bytes(uint64_t x)
{
    const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fu;
    uint64_t t = ~(((x & lo7) + lo7) | x | lo7);
    return (unsigned)((t * 0x0002040810204081u) >> 56);
}

/** Metric distances to the 8 neighbours of a cell in global row gj
 *  (per-row metres on a sphere of radius SX_EARTH_RADIUS_M on geographic grids). */
void sx__d8_distances(const sx_grid_t *g, int64_t gj, double dist[8]);

/** D8 directions of the own cells of frame z (type t; halo set) into dir
 *  (frame; halo and beyond: SX_D8_NODATA), their equality masks into eq,
 *  and the own cells left without a direction listed in *none (malloc'ed).
 *  Not collective; OpenMP over rows. */
sx_err sx__d8_frame(const sx__pad_t *p, const sx_grid_t *g, sx_dtype t, const void *z, uint8_t *dir, uint16_t *eq,
                    uint32_t **none, int64_t *nnone);

/** Barnes et al. (2014) flat resolution of the direction-less own cells
 *  listed in none (dir's halo exchanged). Collective. */
sx_err sx__flats_resolve(const sx_decomp_t *d, const sx__pad_t *p, uint8_t *dir, const uint16_t *eq,
                         const uint32_t *none, int64_t nnone);

/** The second half of sx__flowdir_frame: exchange dir's halo, resolve the
 *  flats listed by sx__d8_frame (the DEM is no longer needed). Collective. */
sx_err sx__flowdir_flats(const sx_decomp_t *d, const sx__pad_t *p, uint8_t *dir, const uint16_t *eq,
                         const uint32_t *none, int64_t nnone);

/** D8 with flats over a frame: sx__d8_frame, halo exchange, sx__flats_resolve.
 *  dir and eq are frame arrays the caller owns. Collective. */
sx_err sx__flowdir_frame(const sx_decomp_t *d, const sx__pad_t *p, const sx_grid_t *g, sx_dtype t, const void *z,
                         uint8_t *dir, uint16_t *eq);

/** D8 with flats of an own-layout float64 block: the frame p, its DEM z,
 *  directions dir and equality masks eq (malloc'ed; the caller frees them,
 *  also after a failure). Collective. */
sx_err sx__flowdir_own(const sx_decomp_t *d, const sx_grid_t *g, const double *zown, sx__pad_t *p, double **z,
                       uint8_t **dir, uint16_t **eq);

#endif
