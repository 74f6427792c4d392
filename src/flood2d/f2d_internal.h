/*
 * f2d_internal.h — the flood model's state, shared by the files of
 * src/flood2d only.
 *
 * Layout: cell arrays (z, h, h1, n) cover the cell block grown by two cells
 * (ce); x-face discharges cover the x-face block grown by three faces (xe),
 * where the x-face grid has gnx+1 columns (face i is the west face of cell
 * i, face gnx the east edge of the grid); y-faces likewise with gny+1 rows
 * (face j is the north face of row j). Those halo widths let a rank compute
 * the fluxes and limiter factors of the ring of cells around its block
 * itself (sweep.c). Per-cell statistics cover the own block only.
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

/* An inflow entering a cell of one own row (sweep order: by row, then
 * inflow, then the inflow's own order). */
typedef struct {
    int64_t gi; /* column */
    int k;      /* inflow */
    double w;   /* fraction of its discharge */
} sx__f2d_inrow_t;

/* Constants of one time step, shared by the threads of a sweep. */
typedef struct {
    double dt, t_new;
    double rf;                /* rain factor at the step's midpoint (hyetograph), else 1 */
    double rain_rate;         /* uniform rain (m/s) on data cells when m->rain is NULL */
    double half_1mtheta;      /* 0.5 (1 - theta) */
    const double *inflow_qdt; /* per inflow: discharge at the midpoint x dt */
} sx__f2d_stepc_t;

struct sx_f2d {
    MPI_Comm comm;
    sx_f2d_params_t p;
    sx_grid_t grid;
    double dx, dy, area;
    sx_decomp_t dc, dfx, dfy;     /* cells, x-faces, y-faces */
    sx_halo_t *hc, *hfx, *hfy;
    sx_window_t own, ce, fxo, fyo, xe, ye;
    double *z, *h, *h1;           /* over ce: bed, depth now and after the step being taken */
    double *n;                    /* over ce: roughness raster, or NULL for p.manning everywhere */
    double *qx, *qy;              /* over xe / ye: discharge at the current time */
    double *qx1, *qy1;            /* new discharges of the step being taken */
    double *rain;                 /* m/s per own cell, or NULL */
    double rain_rate;             /* uniform rain (m/s) on data cells when rain is NULL */
    /* Own block. The running maxima and the arrival time are float: the
     * products are float32, and rounding is monotone, so the float of the
     * maximum is the maximum of the floats — the products are the same bits
     * as from double maxima, with half the memory traffic. */
    float *hmax, *vmax, *hazmax, *tarr;
    double *vout;
    int ninflows;
    int64_t *inflow_off;          /* inflow k feeds own cells inflow_c[off[k] .. off[k+1]) */
    int64_t *inflow_c;            /* local index into ce */
    double *inflow_w;             /* fraction of the discharge (1 for a point) */
    int64_t *inflow_row_off;      /* own row r's inflow cells: inflow_rows[off[r] .. off[r+1]) */
    sx__f2d_inrow_t *inflow_rows;
    double *inflow_qdt;           /* per inflow, this step */
    int nthreads;                 /* OpenMP threads of a sweep */
    double *rowbuf;               /* nthreads x 12 rows of sweep scratch */
    double hmax_local;            /* largest finite own depth now (for the next time step) */
    int64_t nbad_local;           /* own cells with a non-finite depth now */
    double level_hmax;            /* largest depth of a fixed-level edge over own edge cells */
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

/** Row-buffer length of a sweep (doubles per row). */
int64_t sx__f2d_sweep_rowcap(const struct sx_f2d *m);
/** Advance own cells [x0, x1) x [y0, y1) by one step (sweep.c), reading
 *  h, qx, qy (with halos where the rectangle needs them) and writing h1,
 *  qx1, qy1 and the statistics; *hm gets the max with the new depths, *nb
 *  adds the non-finite ones. Runs OpenMP threads inside; not collective. */
void sx__f2d_sweep(struct sx_f2d *m, const sx__f2d_stepc_t *k, int64_t x0, int64_t x1, int64_t y0, int64_t y1, double *hm,
                   int64_t *nb);
/** y = cube root of x (positive finite), through the same vector clones as
 *  the sweep; for the test that checks them against libm. Not collective. */
void sx__f2d_cbrt_array(const double *x, double *y, int64_t n);
/** hmax_local and nbad_local from the current depths (after set-up or a
 *  restart). Not collective. */
void sx__f2d_local_hmax(struct sx_f2d *m);

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
