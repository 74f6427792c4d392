/*
 * f2d_internal.h — the flood model's state, shared by the files of
 * src/flood2d only.
 *
 * Layout: cell arrays (z, h, n) cover the cell block grown by one cell (ce);
 * x-face discharges cover the x-face block grown by one face (xe), where the
 * x-face grid has gnx+1 columns (face i is the west face of cell i, face gnx
 * the east edge of the grid); y-faces likewise with gny+1 rows (face j is
 * the north face of row j). Per-cell statistics cover the own block only.
 */
#ifndef SX_F2D_INTERNAL_H
#define SX_F2D_INTERNAL_H

#include <math.h>

#include "sanxiang/sx_flood2d.h"
#include "sanxiang/sx_raster.h"

typedef struct {
    __int128 acc;
} sx__f2d_xsum_t;

/* Exact sums: values are rounded to multiples of 2^-32 and added as
 * integers, so the result does not depend on order (ranks, threads). The
 * integer part goes in separately so values up to 2^63 fit. */
#define SX__F2D_XSUM_SCALE 4294967296.0
static inline void sx__f2d_xsum_add(sx__f2d_xsum_t *s, double v)
{
    double a = trunc(v);
    s->acc += (__int128)(int64_t)a * ((__int128)1 << 32) + (__int128)llrint((v - a) * SX__F2D_XSUM_SCALE);
}
/** Sum local partial sums over comm exactly. Collective. */
sx_err sx__f2d_xsum_allreduce(MPI_Comm comm, const sx__f2d_xsum_t *local, int n, double *out);

struct sx_f2d {
    MPI_Comm comm;
    sx_f2d_params_t p;
    sx_grid_t grid;
    double dx, dy, area;
    sx_decomp_t dc, dfx, dfy;     /* cells, x-faces, y-faces */
    sx_halo_t *hc, *hfx, *hfy;
    sx_window_t own, ce, fxo, fyo, xe, ye;
    double *z, *h, *n;            /* over ce */
    double *qx, *qy;              /* over xe / ye: discharge at the current time */
    double *qx1, *qy1;            /* new discharges of the step being taken */
    double *s;                    /* limiter factor per cell, over ce */
    double *rain;                 /* m/s per own cell, or NULL */
    double *hmax, *vmax, *hazmax, *tarr, *vout; /* own block */
    int ninflows;
    int64_t *inflow_off;          /* inflow k feeds own cells inflow_c[off[k] .. off[k+1]) */
    int64_t *inflow_c;            /* local index into ce */
    double *inflow_w;             /* fraction of the discharge (1 for a point) */
    double rain_rate_sum;         /* sum of per-cell rain rates (m/s), exact */
    sx_raster_t *rain_r;          /* rain grid series (rain_grid.c), or NULL */
    sx_grid_t rain_g;
    double *rain_tv, *rain_tmp;   /* record times (s from the first); read buffer over ce */
    int64_t rain_nt, rain_k;      /* records; record loaded into rain */
    double rain_dt;               /* record spacing (s) */
    double t;
    int64_t nsteps;
    double vin, vrain;            /* cumulative volumes (identical on every rank) */
    double storage0;
    double last_dt;
};

/* Index helpers. */
static inline int64_t sx__f2d_ci(const struct sx_f2d *m, int64_t gi, int64_t gj)
{
    return (gj - m->ce.y0) * m->ce.nx + (gi - m->ce.x0);
}
static inline int64_t sx__f2d_xi(const struct sx_f2d *m, int64_t fi, int64_t gj)
{
    return (gj - m->xe.y0) * m->xe.nx + (fi - m->xe.x0);
}
static inline int64_t sx__f2d_yi(const struct sx_f2d *m, int64_t gi, int64_t fj)
{
    return (fj - m->ye.y0) * m->ye.nx + (gi - m->ye.x0);
}
static inline int64_t sx__f2d_oi(const struct sx_f2d *m, int64_t gi, int64_t gj)
{
    return (gj - m->own.y0) * m->own.nx + (gi - m->own.x0);
}

/** Derive the staggered face decomposition (axis 0: x-faces, 1: y-faces)
 *  from the cell decomposition. Free with sx__f2d_face_decomp_fini. */
sx_err sx__f2d_face_decomp(const sx_decomp_t *cells, int axis, sx_decomp_t *faces);
void sx__f2d_face_decomp_fini(sx_decomp_t *faces);

/** Same size, geotransform and CRS (by OSRIsSame). */
int sx__f2d_same_frame(const sx_grid_t *a, const sx_grid_t *b);
/** Exact sum of the own cells' rain rates over ranks into rain_rate_sum. Collective. */
sx_err sx__f2d_rain_sum(struct sx_f2d *m);
/** Open and check p.rain_grid; load records with sx__f2d_rain_grid_update,
 *  which also cuts t_stop at the next record boundary. Collective. */
sx_err sx__f2d_rain_grid_open(struct sx_f2d *m);
sx_err sx__f2d_rain_grid_update(struct sx_f2d *m, double *t_stop);
void sx__f2d_rain_grid_close(struct sx_f2d *m);

/* Input checks with rank-independent messages (input_checks.c). */
/** The DEM has at least one valid cell and no infinite elevation. Collective. */
sx_err sx__f2d_check_dem(struct sx_f2d *m);
/** v (over ce) is in [lo, hi] on every own cell where the DEM has data; the
 *  message names the first bad cell in raster order, the units and a hint
 *  on what to correct. Collective. */
sx_err sx__f2d_check_cells(struct sx_f2d *m, const double *v, const char *what, const char *path, double lo, double hi,
                           const char *units, const char *hint);
/** Every inflow hydrograph and the hyetograph with a positive value put it
 *  inside the run (0, t_end); warns (rank 0) about one that ends early with
 *  a positive value. Not collective (same result on every rank). */
sx_err sx__f2d_check_series_cover(const sx_f2d_params_t *p, double t_end, int rank);
/** Fail with a message naming each empty source when nothing floods the
 *  grid. Collective (all ranks pass the same storage0). */
sx_err sx__f2d_check_sources(struct sx_f2d *m, double storage0);

/** Place the inflows (points and lines) on the own cells. Collective. */
sx_err sx__f2d_setup_inflows(struct sx_f2d *m);

/** Discharge of an inflow hydrograph at time t. */
double sx__f2d_inflow_q(const sx_f2d_inflow_t *in, double t);

#endif
