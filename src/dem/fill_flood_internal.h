/*
 * fill_flood_internal.h — state of the per-block Priority-Flood phases
 * (fill_flood.c) shared with the driver (fill_dist.c).
 */
#ifndef SX_DEM_FILL_FLOOD_INTERNAL_H
#define SX_DEM_FILL_FLOOD_INTERNAL_H

#include <stdint.h>

#include "dem/cellq.h"
#include "dem/fill_graph.h"
#include "dem/pad.h"
#include "sanxiang/sx_grid.h"

#define FILL_SKIP UINT32_MAX /* label of nodata, halo and beyond-grid cells */

typedef struct {
    const sx__pad_t *p;
    const sx_decomp_t *d;
    int walls;
    uint32_t *lab;          /* p->n labels */
    sx__edges_t *es;        /* edges between local labels (0 = outside) */
    uint32_t nlab;          /* local labels 1..nlab */
    uint32_t *out;          /* outlet cells */
    int64_t nout, capout;
    const int64_t *firsts;  /* per rank: global label of its local label 1 (cross edges) */
    sx__q32_t pit, trace, maybe; /* maybe: traced cells with a lower unclaimed neighbour */
    sx__rh_t pq;
} sx__flood_t;

sx_err sx__fill_outlet(sx__flood_t *f, uint32_t c);
/** Labels, seeds, flood and outlet links of the block in z (type t, padded
 *  frame, halo read); raises z to the local levels. */
sx_err sx__fill_phase1(sx__flood_t *f, sx_dtype t, void *z);
/** Edges to the halo's labels (f->lab's halo exchanged, f->firsts set), in global labels. */
sx_err sx__fill_cross(sx__flood_t *f, sx_dtype t, const void *z, sx__edges_t *es, int64_t first);
/** Raise to spill[local label - 1]; undrainable labels back to z0 (own layout) if given. */
void sx__fill_raise(const sx__flood_t *f, sx_dtype t, void *z, const double *spill, const void *z0);
void sx__flood_fini(sx__flood_t *f);

/** The whole tiled fill of a padded frame z (type t; own block and halo
 *  set, NaN = nodata), in place; reach (frame, or NULL) gets 1 on the own
 *  cells that drain to an outlet, 0 on the others. Collective over d->comm. */
sx_err sx__fill_frame(const sx_decomp_t *d, const sx__pad_t *p, sx_dtype t, void *z, int walls, uint8_t *reach);

/** The epsilon fill (fill_eps.c) of a float64 padded frame z (halo set),
 *  in place; *rounds (if not NULL) gets the number of exchange rounds its
 *  fixpoint took. Collective. */
sx_err sx__fill_eps_frame(const sx_decomp_t *d, const sx__pad_t *p, double *z, int walls, int *rounds);

#endif
