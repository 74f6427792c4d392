/*
 * sx_hydro_forecast.h — the operational chain for one basin: areal rain per
 * sub-basin from gauge weights, a rainfall–runoff model per sub-basin
 * (hot-started from the previous run's state), a network routed upstream to
 * downstream by Muskingum, and an ensemble of perturbed-rain members giving
 * discharge percentiles and the probabilities of exceeding each station's
 * warning (警戒) and guaranteed (保证) discharge per lead time.
 *
 * Window: rows [start, issue] of the forcing carry observed rain (the model
 * runs through them from the saved state, and the state at `issue` is saved
 * for the next run); rows (issue, issue + nlead] carry forecast rain, which
 * each member multiplies by exp(sigma·z - sigma²/2), z ~ N(0, 1) drawn per
 * member and lead step from a stream seeded by (seed, member) — mean
 * preserving, the same whichever rank runs the member. Members are split
 * over the ranks in contiguous blocks and gathered by member index, so the
 * percentiles are bit-identical at any rank count.
 *
 * Parameter ensembles (nperturb > 0): member m also draws each named
 * parameter uniformly in [v - r (hi - lo), v + r (hi - lo)] clipped to the
 * parameter's valid range, where v is the configured value, lo..hi its
 * calibration range and r the given relative half-width, from a stream
 * seeded by (seed, "par", m). Such a member runs its models over the whole
 * window (observed rain, then its perturbed forecast rain) from the run's
 * initial state — cold: the init values; hot: the saved named states (the
 * internal lag/unit-hydrograph stores start empty) — since a state is only
 * consistent with the parameters that produced it. Members whose drawn set
 * breaks a cross-parameter rule are an error naming the member.
 *
 * Parameter sets (sets != NULL, e.g. the final SCE-UA population of
 * `hydro calibrate`): member m runs set m mod N over the whole window exactly
 * as a perturbed-parameter member (same start state rule), with its own
 * perturbed forecast rain; the assignment depends only on m, never on ranks.
 */
#ifndef SX_HYDRO_FORECAST_H
#define SX_HYDRO_FORECAST_H

#include <mpi.h>
#include <stdint.h>
#include "sx_err.h"
#include "sx_hydro_io.h"
#include "sx_hydro_reservoir.h"

#define SX_HYDRO_MAX_GAUGES 14
#define SX_HYDRO_NPCT 5 /* percentiles 5, 25, 50, 75, 95 */

typedef struct {
    char id[32];
    char down[32];        /* downstream node id, "" at the outlet */
    double area_km2;      /* 0 for a junction without own runoff */
    double w[SX_HYDRO_MAX_GAUGES]; /* gauge weights (Thiessen), sum 1 when area > 0 */
    double reach_k_h, reach_x;     /* Muskingum reach to `down` (K = 0: no routing) */
    double warn_q, guar_q;         /* warning / guaranteed discharge m³/s (0: none) */
} sx_hydro_node_t;

/** A reservoir at a network node: the node's discharge (its own runoff plus
 *  everything routed into it) is the reservoir's inflow, and the reservoir's
 *  release is the node's outflow, which goes down the node's reach. Level-pool
 *  routing with the rules of sx_reservoir_operate_capped. Caller-owned. */
typedef struct {
    const sx_reservoir_curves_t *curves;
    const sx_reservoir_rules_t *rules; /* NULL: the outlets run free */
    double z0;                         /* level (m) at the window's first row; NaN: the flood-limit level with
                                          rules, else outflow = inflow */
    const double *release;             /* specified releases over the window rows (NaN: none), or NULL */
    int comp_node;                     /* 错峰: node index of the downstream control point, -1: none */
    double comp_q;                     /* its safe discharge (m3/s) */
    const char *what;                  /* names the reservoir in messages ("job.yaml: reservoir 'zhexi'") */
    double z_design;                   /* 设计洪水位, design flood level (m) for the ensemble's exceedance
                                          probability; NaN: none */
    const sx_reservoir_hot_t *hot;     /* the state at the row before the window: the first row is routed from
                                          it as one step of a longer run; NULL: z0 as above. The forecast run
                                          sets it from the hot-start file (callers leave it NULL) */
    int keep_z0;                       /* 1: start from z0 even on a hot start (a dispatch alternative's own
                                          starting level) */
} sx_hydro_net_reservoir_t;

/** What the reservoirs did, [node][step] over the window (rows of nodes
 *  without a reservoir untouched). Any pointer may be NULL. */
typedef struct {
    double *inflow, *level, *storage;
    sx_reservoir_rule_t *rule;
} sx_hydro_net_res_out_t;

typedef struct {
    const char *basin;                 /* name stored in / checked against the state */
    const char *model;                 /* "xaj" | "gr4j" */
    const char *const *param_names;
    const double *param_values;
    int nparams;
    const char *const *init_names;     /* cold-start states */
    const double *init_values;
    int ninit;
    const char *option_name, *option_value; /* may be NULL */
    int nnodes;
    const sx_hydro_node_t *nodes;
    const char *network_source;        /* where the nodes come from (job or GeoPackage file), for messages; may be NULL */
    int ngauges;
    const double *const *gauge_p;      /* ngauges series of rain, mm per step, all rows */
    const double *const *node_p;       /* or: nnodes series of areal rain (mm per step, all rows; NULL
                                          entries at junctions), e.g. from gridded rain; then gauges and
                                          weights are not used. NULL: areal rain from gauges x weights */
    const double *e;                   /* evaporation, mm per step (all sub-basins) */
    const double *const *node_e;       /* or: nnodes series of areal evaporation (mm per step, all rows; NULL
                                          entries at junctions), e.g. from an evaporation grid; NULL: e */
    const sx_hydro_series_t *times;    /* for the time labels and the step length */
    int64_t start, issue, nlead;       /* rows */
    double dt_hours;
    int members;
    double rain_sigma;
    uint64_t seed;
    int nperturb;                      /* parameter ensemble: named parameters and relative half-widths */
    const char *const *perturb_names;
    const double *perturb_width;       /* fraction of the calibration range, (0, 1] */
    const sx_hydro_param_sets_t *sets; /* or: member m runs parameter set m mod sets->n (NULL: none) */
    const char *state_in;              /* NULL: cold start */
    const char *state_out;             /* NULL: do not save */
    const sx_hydro_net_reservoir_t *const *reservoirs; /* nnodes entries (NULL: no reservoir there), or NULL */
} sx_hydro_forecast_cfg_t;

typedef struct {
    int nnodes;
    int64_t nsteps;      /* issue - start + 1 + nlead */
    int64_t nlead;
    int members;
    int order[256];      /* upstream-to-downstream order of the nodes */
    double *q_det;       /* [node][step] m³/s, deterministic (unperturbed) */
    double *pct;         /* [node][lead][SX_HYDRO_NPCT] */
    double *p_warn;      /* [node][lead] probability (0..1), NaN without a level */
    double *p_guar;
    char state_time[64]; /* time of the state the run started from ("" cold) */
    /* with reservoirs: the deterministic run's [node][step] inflow, level, storage and governing rule */
    double *res_inflow, *res_level, *res_storage;
    sx_reservoir_rule_t *res_rule;
    double *ens;         /* [member][node][lead] every member's discharge (kept for levels and signals) */
    /* with reservoirs and members: reservoir k is node res_node[k] (network file order) */
    int nres, res_node[256];
    double *ens_res_level; /* [member][k][lead] every member's pool level (m) */
    double *res_lpct;    /* [k][lead][SX_HYDRO_NPCT] level percentiles (m); releases: pct at the node */
    double *res_p;       /* [k][lead][3] share of members above the flood-limit, flood-control high and design
                            levels (NaN where the level is not given) */
    double *res_p_any;   /* [k][3] share of members above each of them at some lead step */
} sx_hydro_forecast_t;

/** Topological order of the network (upstream first); fails naming an
 *  unknown downstream id, a duplicate id or a cycle (the sub-basins on it, in
 *  flow order). source names where the nodes come from (a file) at the start
 *  of messages; may be NULL. Not collective. */
sx_err sx_hydro_network_order(int nnodes, const sx_hydro_node_t *nodes, const char *source, int *order);

/** The network of `sanxiang dem watershed` polygons (fields basin_id,
 *  area_km2, downstream_id; 0 = outlet): one node per basin, ids the basin_id
 *  as text, in ascending order, no reach (k = 0, x = 0.2), no weights. At most
 *  max nodes. Not collective. */
sx_err sx_hydro_network_read_watershed(const char *path, int max, sx_hydro_node_t *nodes, int *n);

/** Route local runoff local[node][step] (m³/s) through the network into
 *  out[node][step] (outflow of each node). Not collective. */
sx_err sx_hydro_network_route(int nnodes, const sx_hydro_node_t *nodes, const int *order, int64_t nsteps,
                              double dt_hours, const double *local, double *out);

/** As sx_hydro_network_route, starting node i's reach from reach_in[i]
 *  (NULL entries or NULL array: steady state) and copying each reach's state
 *  after step capture into reach_out[i] (arrays of sx_muskingum_state_len). */
sx_err sx_hydro_network_route_hot(int nnodes, const sx_hydro_node_t *nodes, const int *order, int64_t nsteps,
                                  double dt_hours, const double *local, double *out, double *const *reach_in,
                                  int64_t capture, double *const *reach_out);

/**
 * As sx_hydro_network_route_hot with reservoirs: at a node with res[i] the
 * accumulated discharge is routed through the reservoir (its release replaces
 * it) before it goes down the reach. A reservoir with a compensation control
 * point C (错峰) caps its ruled release at step t by comp_q - Q'(C, t + lag),
 * where Q' is the discharge at C of the network routed without this
 * reservoir's release (the other reservoirs by their rules, without
 * compensation) and lag the travel time (sum of the reaches' K on the way,
 * in whole steps). times (nsteps labels, may be NULL) name steps in
 * messages; ro (may be NULL) receives what the reservoirs did. res NULL:
 * sx_hydro_network_route_hot. Errors name the reservoir. Not collective.
 */
sx_err sx_hydro_network_route_res(int nnodes, const sx_hydro_node_t *nodes, const int *order, int64_t nsteps,
                                  double dt_hours, const double *local, double *out, double *const *reach_in,
                                  int64_t capture, double *const *reach_out, const sx_hydro_net_reservoir_t *const *res,
                                  const char *const *times, sx_hydro_net_res_out_t *ro);

/** Allocate f->res_* ([nnodes][nsteps], NaN / capacity) when c has a
 *  reservoir; nothing otherwise. Not collective. */
sx_err sx_hydro_forecast_res_alloc(const sx_hydro_forecast_cfg_t *c, sx_hydro_forecast_t *f);

/** The reservoirs' ensemble statistics of f from f->ens_res_level and the
 *  members' releases in f->ens: res_lpct, res_p, res_p_any (Hyndman & Fan
 *  type 7 as the discharge percentiles). Needs f->nres > 0 and members > 0.
 *  Same numbers on every rank. Not collective. */
sx_err sx_hydro_forecast_res_stats(const sx_hydro_forecast_cfg_t *c, sx_hydro_forecast_t *f);

/** Areal rain of node i at forcing row t (mm per step): node_p[i][t] or
 *  sum_g w[g] gauge_p[g][t]. Not collective. */
double sx_hydro_forecast_areal_rain(const sx_hydro_forecast_cfg_t *c, int i, int64_t t);

/* ---- gridded rain --------------------------------------------------- */

typedef struct {
    const char *const *files; /* one raster per forcing row (band 1), indexed by row; or NULL */
    const char *cube;         /* or one GDAL dataset with a (time, y, x) variable, one band per time,
                                 e.g. NETCDF:"rain.nc":precipitation; time from the band's NETCDF_DIM_time */
    /* A forcing row labelled T carries the rain of [T, T + dt) (IMERG labels a record by its start). */
    const char *const *h5;    /* or HDF5 files in the GPM IMERG layout (see grid_h5.c), in time order */
    int nh5;
    const char *h5_var;       /* e.g. "/Grid/precipitation" (V07), "/Grid/precipitationCal" (V06) */
    const char *h5_dims;      /* NULL/"" detect; "time,lon,lat" | "time,lat,lon" */
    double h5_record_s;       /* record length, s (IMERG 1800); rates are integrated over the step */
    double scale;             /* grid value x scale = mm per model step (HDF5: the step's mm x scale) */
    const char *what;         /* "rain" (NULL) or "evaporation": names the grid in messages */
} sx_hydro_grid_src_t;

/**
 * Areal rain of sub-basins ids[0..n) (features of `polygons` whose id_field
 * matches; several features per id are united) from gridded rain, rows
 * [r0, r1] of times, into out[k * times->n + t] (mm per step). Pixel-centre
 * rule, reprojection and refusals: see grid_rain.c. Collective over comm;
 * every rank gets the same, bit-identical result.
 */
sx_err sx_hydro_grid_areal(MPI_Comm comm, const sx_hydro_grid_src_t *src, const char *polygons, const char *id_field,
                           int n, const char *const *ids, const sx_hydro_series_t *times, int64_t r0, int64_t r1,
                           double *out);

/** Run the chain. Collective over comm; every rank returns the same result. */
sx_err sx_hydro_forecast_run(MPI_Comm comm, const sx_hydro_forecast_cfg_t *cfg, sx_hydro_forecast_t *out);
void sx_hydro_forecast_fini(sx_hydro_forecast_t *f);



/* ---- outputs (one rank writes; each through a temporary name) ---------- */

typedef struct {
    const double *obs;   /* observed discharge at obs_node over the window rows, or NULL */
    int obs_node;        /* node index of obs */
    double event_threshold; /* GB/T 22482 events: obs >= threshold (m³/s), 0: none */
    const char *provenance; /* JSON or NULL */
    const double *q_corr;   /* updated forecast at obs_node, nlead values (sx_hydro_update.h), or NULL */
    const char *corr_method, *corr_note; /* its method ("ar" ...) and one-line account */
} sx_hydro_forecast_extra_t;

/** forecast.csv: node,time,phase,lead,Q_det,Q_obs,p05..p95,p_warn,p_guar; with x->q_corr also Q_corr
 *  (the updated forecast, at obs_node's lead rows). */
sx_err sx_hydro_forecast_write_csv(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f,
                                   const sx_hydro_forecast_extra_t *x);
/** areal_rain.csv: time and one column per sub-basin with an area (mm per step), rows start..issue+nlead;
 *  with gridded evaporation (node_e) also one column E_<id> per such sub-basin. */
sx_err sx_hydro_forecast_write_areal(const char *path, const sx_hydro_forecast_cfg_t *c);
/** hydrographs.nc: netCDF-4/HDF5 with time and node dimension scales, Q_det(node, time),
 *  Q_pct(node, lead, percentile), p_warn/p_guar(node, lead), units and long names. */
sx_err sx_hydro_forecast_write_h5(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f,
                                  const sx_hydro_forecast_extra_t *x);
/** SVG hydrograph of node i: observed, forecast, ensemble band, warning levels. */
sx_err sx_hydro_forecast_write_svg(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f,
                                   const sx_hydro_forecast_extra_t *x, int node);
/** reservoirs.csv: reservoir,time,phase,inflow,outflow,storage,level,rule of the deterministic run
 *  (m3/s, m3, m) — which rule governed each step — and on forecast rows with members the level and
 *  release percentiles (z05..z95, r05..r95) and the shares of members above the flood-limit,
 *  flood-control high and design levels; nothing is written without reservoirs. */
sx_err sx_hydro_forecast_write_reservoirs(const char *path, const sx_hydro_forecast_cfg_t *c,
                                          const sx_hydro_forecast_t *f);
/** bulletin.md: peaks, times and warnings per station, fit over the observed period. */
sx_err sx_hydro_forecast_write_bulletin(const char *path, const sx_hydro_forecast_cfg_t *c,
                                        const sx_hydro_forecast_t *f, const sx_hydro_forecast_extra_t *x);
#endif
