/*
 * step_hydro_forecast.h — what the hydro_forecast step's files share: the
 * step's working set and the input readers of step_hydro_inputs.c (gauge
 * weights from polygons, gridded rain, the network from a watershed
 * GeoPackage). Internal to src/jobs.
 */
#ifndef SX_JOBS_STEP_HYDRO_FORECAST_H
#define SX_JOBS_STEP_HYDRO_FORECAST_H

#include "sanxiang/sx_hydro_forecast.h"
#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_hydro_stations.h"
#include "sanxiang/sx_hydro_update.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

#define MAXP 32

/** A reservoir node of the forecast network as the job gives it (step_hydro_forecast_reservoir.c). */
typedef struct {
    sx_reservoir_curves_t curves;
    sx_reservoir_rules_t rules;
    double *release;                 /* specified releases at the forcing rows (NaN: none), or NULL */
    sx_hydro_net_reservoir_t net;    /* what the routing gets */
    char what[160];
} fc_reservoir_t;

typedef struct {
    sx_hydro_series_t s;
    sx_hydro_node_t nodes[256];
    const char *pn[MAXP], *in[MAXP], *qn[MAXP];
    double pv[MAXP], iv[MAXP], qv[MAXP];
    const double *gp[SX_HYDRO_MAX_GAUGES];
    sx_hydro_forecast_cfg_t c;
    sx_hydro_forecast_extra_t x;
    char state_out[SX_PATH_MAX];
    double *grid_p;                  /* [nnodes][s.n] areal rain from gridded rain, or NULL */
    const double *node_p[256];
    double *grid_e;                  /* [nnodes][s.n] areal evaporation from an evaporation grid, or NULL */
    const double *node_e[256];
    sx_hydro_param_sets_t sets;      /* ensemble parameter_sets (n = 0: none) */
    fc_reservoir_t *resv[256];       /* reservoir of node i, or NULL */
    const sx_hydro_net_reservoir_t *resp[256];
    sx_hydro_station_t *st;          /* control stations with levels and signals (nst) */
    int nst;
    double *q_corr;                  /* `correction`: updated forecast at the observed node, or NULL */
    double *corr_obs;                /* its observations on rows start..issue+lead (NaN missing/after the issue) */
    char corr_note[512];
} fc_t;

/** Gauge weights of every sub-basin with an area from `gauge_weights`
 *  {polygons, id_field, locations, method, power, grid}. Collective. */
sx_err sx__hydro_polygon_weights(sx_job_t *job, const sx_cfg_node_t *gw, MPI_Comm comm, const char *const *gauges, fc_t *f);
/** Areal rain of every sub-basin from `rain_grid` into f->grid_p / f->node_p. Collective. */
sx_err sx__hydro_grid_rain(sx_job_t *job, const sx_cfg_node_t *rg, MPI_Comm comm, fc_t *f, int evap);
/** Reservoir nodes: every sub-basin entry with a `reservoir` map (curves, rules, initial_level, structures,
 *  compensation) after the nodes are known. Every rank reads (small files). Not collective. */
sx_err sx__hydro_forecast_reservoirs(sx_job_t *job, const sx_cfg_node_t *subs, fc_t *f);
void sx__hydro_forecast_reservoirs_fini(fc_t *f);
/** A reservoir's `compensation` cp — {station: ID, safe_discharge: m3/s}, or the scalar none (off) — onto
 *  net->comp_node / comp_q; has_rules: the reservoir has rules (compensation caps a ruled release). Errors
 *  name the job file, line and key. Not collective (step_hydro_forecast_reservoir.c). */
sx_err sx__hydro_reservoir_compensation(const sx_cfg_t *cfg, const sx_cfg_node_t *cp, const fc_t *f, int has_rules,
                                        sx_hydro_net_reservoir_t *net);
/** Control stations: every sub-basin entry with a `station` map (rating, thresholds, location), after the
 *  reservoirs. Not collective. */
sx_err sx__hydro_forecast_stations(sx_job_t *job, const sx_cfg_node_t *subs, fc_t *f);
/** The log of the rules each reservoir followed, and the stations' levels, signals and their products
 *  (levels.csv, signals.csv, signals.gpkg, bulletin section) of run r. One rank, after the bulletin. */
sx_err sx__hydro_forecast_station_outputs(sx_job_t *job, fc_t *f, const sx_hydro_forecast_t *r);
void sx__hydro_forecast_stations_fini(fc_t *f);
/** Dispatch alternatives (`alternatives` list): the forecast again per alternative, dispatch.csv.
 *  Collective over comm (step_hydro_dispatch.c). */
sx_err sx__hydro_forecast_alternatives(sx_job_t *job, const sx_cfg_node_t *list, MPI_Comm comm, fc_t *f);
/** The step's `correction` (ar|rls|dsrc|enkf, step_hydro_correction.c): the run r updated with the
 *  discharge observed up to the issue time into f->q_corr and f->x. No `correction`: nothing. Collective. */
sx_err sx__hydro_forecast_correction(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm, fc_t *f,
                                     const sx_hydro_forecast_t *r);
/** The observed discharge on rows start..start+n-1 (NaN missing) for a hindcast: from `correction`
 *  (with its options into o, *has_method = 1) or the step's `observed` column; its node and where they
 *  come from (*src, for messages). Collective. */
sx_err sx__hydro_observations(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm, const fc_t *f, int64_t n,
                              double *obs, int *obs_node, sx_hydro_update_opts_t *o, int *has_method,
                              const char **src);
/** The step's `hindcast` {from, every, threshold}: the forecast cycle at every issue time from `from` to
 *  `issue`, scored per lead; outputs hindcast_*.csv, .svg, .md (step_hydro_hindcast.c). Collective. */
sx_err sx__hydro_hindcast(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm, fc_t *f);
/** Check the step's `correction` keys before the run (so a bad key does not wait for the forecast). */
sx_err sx__hydro_forecast_correction_check(sx_job_t *job, const sx_cfg_node_t *node, const fc_t *f);
#endif
