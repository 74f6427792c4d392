/*
 * sx_flood2d.h — 2-D flood inundation on raster DEMs with the local inertial
 * formulation of the shallow-water equations.
 *
 * Method: Bates, P.D., Horritt, M.S., Fewtrell, T.J. (2010) A simple inertial
 * formulation of the shallow water equations for efficient two-dimensional
 * flood inundation modelling. J. Hydrol. 387:33-45,
 * doi:10.1016/j.jhydrol.2010.03.027 — explicit face fluxes with semi-implicit
 * Manning friction and the CFL time step dt = alpha dx / sqrt(g h_max); with
 * the theta-weighted inertial term of de Almeida, G.A.M., Bates, P., Freer,
 * J.E., Souvignet, M. (2012) Improving the stability of a simple formulation
 * of the shallow water equations for 2-D flood modeling. Water Resour. Res.
 * 48, W05528, doi:10.1029/2011WR011570.
 *
 * Water depth h lives at cell centres, unit-width discharges qx, qy on the
 * cell faces (staggered grid), all in double precision (the running maxima
 * and arrival times in float, the type of the products). Cells whose DEM is
 * nodata are walls. A face carries flow when the depth across it,
 * max(eta_a, eta_b) - max(z_a, z_b), exceeds the wet/dry threshold.
 * Positivity: where a cell's outflow in one step would exceed its volume, its
 * outgoing face fluxes are scaled down so it empties exactly (a volume-
 * conserving limiter; see docs/inundation.md).
 *
 * Parallel: 2-D block decomposition (sx_decomp.h) with halos of 2 cells for h
 * and 3 faces for the discharges, from which each rank computes the fluxes
 * and limiter factors of the ring of cells around its block itself: one
 * halo exchange per step, overlapped with the interior of the block, and the
 * arithmetic of every cell the same at any rank count, so the results are
 * bit-identical to a 1-rank run. The time step comes from an MPI_MAX
 * reduction (exact); volumes for the mass balance are summed exactly
 * (fixed-point integers), so the mass balance is rank-independent too.
 * OpenMP threads inside a rank split the block into bands (any split gives
 * the same bits).
 */
#ifndef SX_FLOOD2D_H
#define SX_FLOOD2D_H

#include <mpi.h>
#include <stdint.h>
#include "sx_decomp.h"
#include "sx_err.h"
#include "sx_grid.h"

#define SX_F2D_G 9.81

/** Domain edges, in this order in sx_f2d_params_t.bc. North is row 0. */
enum { SX_F2D_WEST = 0, SX_F2D_EAST, SX_F2D_NORTH, SX_F2D_SOUTH };

typedef enum {
    SX_F2D_BC_CLOSED = 0, /* no flow through the edge */
    SX_F2D_BC_FREE,       /* outflow only, water-surface slope `value` (normal-depth-like) */
    SX_F2D_BC_LEVEL       /* fixed water level `value` (m) outside the edge; in- or outflow */
} sx_f2d_bc_kind;

typedef struct {
    sx_f2d_bc_kind kind;
    double value;
} sx_f2d_bc_t;

/** An inflow hydrograph: discharge q[k] (m3/s) at time t[k] (s from the
 *  start), linearly interpolated, zero outside [t[0], t[n-1]]. A point
 *  inflow (npts < 2) enters the cell containing (x, y); a line inflow
 *  (npts >= 2 points xy = x0,y0,x1,y1,...) is spread over the cells the
 *  polyline crosses in proportion to the length inside each cell. Arrays
 *  (and source) are borrowed for the life of the model. */
typedef struct {
    char name[64];
    double x, y; /* map coordinates in the DEM's CRS */
    int64_t n;
    const double *t, *q;
    int64_t npts;     /* points of a line inflow (0: a point inflow) */
    const double *xy; /* 2 * npts coordinates in the DEM's CRS */
    const char *source; /* file the hydrograph came from, named in messages; may be NULL */
} sx_f2d_inflow_t;

typedef struct {
    const char *dem;            /* GDAL dataset name; projected CRS, metres */
    int dem_band;               /* 1-based */
    double manning;             /* uniform n (s m^-1/3), used when manning_raster is NULL */
    const char *manning_raster; /* or a raster of n on the DEM's grid */
    double initial_level;       /* NaN: none; else cells below this level start wet */
    const char *initial_depth;  /* raster of initial depth (m) on the DEM's grid, or NULL */
    double rain_mm_h;           /* uniform rainfall rate, mm/h */
    const char *rain_raster;    /* raster of rainfall rate (mm/h) on the DEM's grid, or NULL */
    const sx_f2d_inflow_t *rain_series; /* or a uniform hyetograph: q = rate (mm/h) at t; replaces rain_mm_h */
    const char *rain_grid;      /* or a (time, y, x) netCDF/HDF5 variable of rates (mm/h) on the DEM's grid,
                                   piecewise constant, time 0 = its first record */
    int ninflows;
    const sx_f2d_inflow_t *inflows;
    sx_f2d_bc_t bc[4];
    double theta;               /* de Almeida weighting, (0, 1]; 1 = Bates 2010 */
    double cfl;                 /* alpha of the time step, (0, 1] */
    double h_dry;               /* wet/dry threshold (m) */
    double dt_max;              /* largest time step (s) */
    double dt_min;              /* smaller steps stop the run as unstable (s) */
    double arrival_depth;       /* depth (m) that counts as inundated for the arrival time */
} sx_f2d_params_t;

/** Defaults: band 1, n 0.035, theta 0.7, cfl 0.7, h_dry 1e-3 m, dt_max 10 s,
 *  dt_min 1e-4 s, arrival 0.01 m, closed edges, no water, no rain. */
void sx_f2d_params_default(sx_f2d_params_t *p);

typedef struct sx_f2d sx_f2d_t;

/** Read the DEM and the rasters of p on every rank (each its block), check
 *  them (grids, CRS, values, inflow points inside the wet domain, something
 *  to flood) and set the initial state. Collective over comm; ranks agree on
 *  errors. *out is NULL on failure. */
sx_err sx_f2d_create(MPI_Comm comm, const sx_f2d_params_t *p, sx_f2d_t **out);
/** Collective; accepts *m == NULL. */
void sx_f2d_destroy(sx_f2d_t **m);

/** Advance by one time step, no further than t_stop. Collective. Fails with
 *  SX_ERR_NUMERIC (same on every rank) on a non-finite depth or a step below
 *  dt_min. */
sx_err sx_f2d_step(sx_f2d_t *m, double t_stop);
/** sx_f2d_step that also takes the MPI_MAX of two small non-negative flags
 *  (signal seen, checkpoint due) in the step's one reduction, so a driver
 *  needs no collective of its own; flags_out gets the maxima. Collective. */
sx_err sx_f2d_step_flags(sx_f2d_t *m, double t_stop, const int flags_in[2], int flags_out[2]);
/** Step until the model time reaches t_stop exactly. Collective. */
sx_err sx_f2d_advance(sx_f2d_t *m, double t_stop);

/** Model time (s) and number of steps taken. Same on every rank. */
double sx_f2d_time(const sx_f2d_t *m);
int64_t sx_f2d_steps(const sx_f2d_t *m);
const sx_grid_t *sx_f2d_grid(const sx_f2d_t *m);
/** This rank's block. */
sx_window_t sx_f2d_own(const sx_f2d_t *m);

/** Per-cell fields of this rank's block, copied to out (own.ny x own.nx). */
typedef enum {
    SX_F2D_DEPTH = 0,  /* h (m) */
    SX_F2D_LEVEL,      /* z + h (m), NaN on nodata cells */
    SX_F2D_SPEED,      /* |v| (m/s) from the face discharges, 0 where h < arrival_depth */
    SX_F2D_MAX_DEPTH,  /* since the start; this and the next three are held as float (the products' type) */
    SX_F2D_MAX_SPEED,
    SX_F2D_MAX_HAZARD, /* max of h |v| (m2/s) */
    SX_F2D_ARRIVAL,    /* first time (s) h >= arrival_depth; NaN if never */
    SX_F2D_QX_CELL,    /* x discharge at the cell centre (mean of its faces, m2/s) */
    SX_F2D_QY_CELL
} sx_f2d_field;
sx_err sx_f2d_get_field(const sx_f2d_t *m, sx_f2d_field f, double *out);

/** Volumes (m3) since the start, the same on every rank. */
typedef struct {
    double storage0, storage; /* water on the grid at the start and now */
    double inflow;            /* point inflows */
    double rain;              /* rainfall */
    double outflow;           /* net out through the edges (negative: in) */
    double error;             /* storage - storage0 - inflow - rain + outflow */
} sx_f2d_mass_t;
/** Collective (exact, order-independent sums). */
sx_err sx_f2d_mass(sx_f2d_t *m, sx_f2d_mass_t *mb);

/** Write the whole model state into directory dir (files cells.nc, qx.nc,
 *  qy.nc), with `extra` (one line of text, e.g. the driver's own counters)
 *  stored beside it. Collective. */
sx_err sx_f2d_checkpoint_write(sx_f2d_t *m, const char *dir, const char *extra);
/** Restore a state written by sx_f2d_checkpoint_write for the same inputs
 *  and grid; extra (if not NULL, len bytes) receives the stored line.
 *  Collective. */
sx_err sx_f2d_checkpoint_read(sx_f2d_t *m, const char *dir, char *extra, size_t len);

/* ---- the run driver: outputs, mass balance, checkpoints, signals ---- */

typedef struct {
    sx_f2d_params_t model;
    const char *out_dir;        /* run directory */
    double t_end;               /* s */
    double report_interval;     /* s between mass-balance rows and snapshots */
    int snapshots;              /* write depth snapshots at every report time */
    double checkpoint_seconds;  /* wall-clock seconds between checkpoints (0: never) */
    double extent_depth;        /* depth (m) that defines the flood extent polygons */
    int formats;                /* files of the max layers: SX_LAYER_COG | SX_LAYER_NC (sx_layer.h) */
    const char *config_hash;    /* identifies the run for restarts (job file + overrides) */
    const char *provenance;     /* JSON, or NULL */
} sx_f2d_run_opts_t;

/** Run a flood simulation from start or from the checkpoint in out_dir.
 *  On SIGTERM/SIGUSR1 writes a checkpoint and returns SX_ERR_INTERRUPTED.
 *  Collective over comm. */
sx_err sx_flood2d_run(MPI_Comm comm, const sx_f2d_run_opts_t *o);

/* ---- analytic solutions used by the verification tests ---- */

/** Ritter (1892) dam break on a dry, frictionless bed: depth at x (dam at 0,
 *  depth h0 upstream, x < 0) and time t > 0. */
double sx_f2d_ritter_depth(double h0, double x, double t, double g);
/** Stoker (1957) dam break on a wet bed h1 < h0: depth at x, t. */
double sx_f2d_stoker_depth(double h0, double h1, double x, double t, double g);
/** Thacker (1981) planar surface in a parabolic channel z = h0 (X^2/a^2 - 1),
 *  X = x - xc, with velocity B sin(w t), w = sqrt(2 g h0)/a: depth at x, t. */
double sx_f2d_thacker_depth(double h0, double a, double B, double xc, double x, double t, double g);

/** Inflow hydrograph CSV (header line; columns time_s, discharge_m3s; '#' comments):
 *  arrays malloc'd, caller frees. Not collective. */
sx_err sx_f2d_hydrograph_read(const char *path, int64_t *n, double **t, double **q);

/** Where an inflow hydrograph comes from in a hydro forecast's CSV
 *  (node,time,phase,lead,Q_det,...,p50,...): one node's column, times scale. */
typedef struct {
    const char *path, *node, *column;
    double step_hours; /* the forecast's dt_hours; needed when its times are step numbers */
    double scale;      /* discharge multiplier, > 0 */
} sx_f2d_forecast_ref_t;

/** Read a hydrograph from a forecast CSV: times in seconds from the
 *  forecast's issue time (its last lead-0 row), from the issue time on; at
 *  the issue row an empty ensemble column takes Q_det. Arrays malloc'd,
 *  caller frees. Not collective. */
sx_err sx_f2d_forecast_read(const sx_f2d_forecast_ref_t *ref, int64_t *n, double **t, double **q);

#endif
