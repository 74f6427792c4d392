/*
 * accum_internal.h — the flow-accumulation sweep over padded frames
 * (accum.c) for D8, D-infinity and multiple-flow-direction routing, and the
 * per-method pieces it needs (flow_multi.c).
 */
#ifndef SX_DEM_ACCUM_INTERNAL_H
#define SX_DEM_ACCUM_INTERNAL_H

#include <stdint.h>

#include "dem/pad.h"
#include "sanxiang/sx_grid.h"
#include "sanxiang/sx_hydrology.h"

/* dir value of a cell that spreads its flow over all lower neighbours (MFD) */
#define SX__DIR_MULTI 9

typedef struct {
    const sx_decomp_t *d;
    const sx__pad_t *p;      /* width >= 1 (MFD: 2, for the halo cells' proportions) */
    sx_flow_method method;
    const uint8_t *dir;      /* frame, halo set: D8 directions (MFD: SX__DIR_MULTI where MFD applies) */
    const float *ang;        /* DINF: frame of angles in radians (SX_DINF_NONE none, NaN nodata) */
    const void *z;           /* MFD: frame elevations of type zt */
    sx_dtype zt;
    const double *norm;      /* MFD: frame, sum over lower neighbours of the partition weights */
    const sx_grid_t *g;      /* grid (map coordinates in messages; MFD distances) or NULL */
    const double *rowdist;   /* MFD: metric distances to the 8 neighbours, 8 per frame row */
    sx_mfd_rule rule;        /* MFD */
    const void *w;           /* frame weights of type wt, or NULL (1 per cell) */
    sx_dtype wt;
    int strahler;            /* D8 only: Strahler order of the stream cells marked by w > 0 */
    const char *name;        /* the input named in a cycle error */
} sx__flow_t;

/**
 * Accumulation over the own cells of frame acc (NaN on nodata): each cell's
 * weight plus the share of every upstream neighbour's accumulation that
 * flows into it, pulled in the fixed neighbour order W..SW, so sums do not
 * depend on the visiting order or the ranks; edge (frame or NULL) is set
 * where the upstream area touches the grid edge or nodata. A cycle is an
 * input error naming a cell on it. Collective.
 */
sx_err sx__accum_frame(const sx__flow_t *F, double *acc, uint8_t *edge);

/** Share of cell m's flow that goes to its neighbour k (0 if none). */
double sx__flow_share(const sx__flow_t *F, int64_t m, int k);

/** MFD partition weights: norm[c] for the own and halo cells of the frame
 *  whose direction is SX__DIR_MULTI. Not collective; OpenMP over rows. */
void sx__mfd_norms(const sx__flow_t *F, double *norm);

/** D-infinity angles (Tarboton 1997) of the own cells of frame z into ang
 *  (own layout), given the D8 directions with flats resolved and the flat
 *  marks in eq. Not collective; OpenMP over rows. */
void sx__dinf_angles(const sx__pad_t *p, const sx_grid_t *g, sx_dtype zt, const void *z, const uint8_t *dir,
                     const uint16_t *eq, float *ang);

/** Report a cycle among the cells left pending (cnt > 0) by the sweep:
 *  finds a cell on it (the lowest row-major index on the cycle) and fails
 *  with SX_ERR_INPUT naming it (column, row, map coordinates), the file and
 *  what to do. mask[c] has bit k set when neighbour k flows into c.
 *  Collective. */
sx_err sx__accum_cycle(const sx__flow_t *F, const uint8_t *mask, const uint8_t *cnt, const double *acc);

/** After sx__flowdir_frame on a frame of width >= 2: mark the own cells
 *  where MFD applies (a D8 direction from the stencil, not on the grid edge,
 *  no nodata neighbour) SX__DIR_MULTI and exchange dir's halo. Collective. */
sx_err sx__mfd_mark(const sx_decomp_t *d, const sx__pad_t *p, uint8_t *dir, const uint16_t *eq);
/** Metric neighbour distances of every frame row (p->h x 8, malloc'ed). */
sx_err sx__mfd_rowdist(const sx__pad_t *p, const sx_grid_t *g, double **rowdist);
/** Own cells of an angle frame: nodata (NaN or SX_DINF_NODATA) -> NaN; an
 *  angle outside [0, 2 pi) that is not SX_DINF_NONE is an error naming the
 *  cell. Not collective. */
sx_err sx__dinf_check(const sx__pad_t *p, float *ang, const char *name);

#endif
