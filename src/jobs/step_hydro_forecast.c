/*
 * step_hydro_forecast.c — job step `hydro_forecast`: the water bureau's
 * operational chain for one basin (forcing -> models -> network routing ->
 * ensemble -> evaluation and warnings -> outputs), see sx_hydro_forecast.h.
 * This file only reads the job file and wires the domain calls; outputs go
 * to the run directory: forecast.csv, hydrographs.nc, <station>.svg,
 * bulletin.md and the hot-start state.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_forecast.h"
#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"
#include "jobs/step_hydro_forecast.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "hydro_forecast"},
    {"basin", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "basin name (stored in and checked against the hot-start state)"},
    {"model", SX_CFG_T_ENUM, 0, "xaj", 1, 0, "xaj|gr4j", "rainfall-runoff model of every sub-basin"},
    {"forcing", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "CSV with time, one rain column per gauge, evaporation (mm/step)"},
    {"gauges", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "rain gauge column names, in the order of the sub-basin weights"},
    {"evaporation", SX_CFG_T_STRING, 0, "E", 1, 0, NULL, "evaporation column (not read with `evap_grid`)"},
    {"evap_grid", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL,
     "{pattern | files | netcdf + variable | hdf5, polygons, id_field, scale}: areal evaporation from a grid, as rain_grid"},
    {"observed", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "column of observed discharge (m3/s) at observed_node"},
    {"observed_node", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "sub-basin id where `observed` is measured"},
    {"event_threshold", SX_CFG_T_FLOAT, 0, "0", 0, 1e9, NULL, "GB/T 22482 events: observed Q >= this (m3/s)"},
    {"start", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "time of the first simulated row (observed rain)"},
    {"issue", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "issue time: last row of observed rain; the state here is saved"},
    {"lead", SX_CFG_T_INT, 1, NULL, 1, 100000, NULL, "forecast steps after the issue time (forecast rain rows)"},
    {"dt_hours", SX_CFG_T_FLOAT, 0, "from the times, else 24", 1e-3, 8784, NULL, "length of a step in hours"},
    {"params", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "model parameters NAME: value (others default)"},
    {"init", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "cold-start states NAME: value"},
    {"net_rain", SX_CFG_T_ENUM, 0, "pet", 1, 0, "pet|aet", "Xinanjiang net-rain definition"},
    {"network", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL,
     "{from_watershed: BASINS.gpkg}: sub-basins, areas and links from `dem watershed` (subbasins then add k, x, ...)"},
    {"subbasins", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL,
     "list of {id, area km2, down, weights [..], k hours, x, warning m3/s, guaranteed m3/s}"},
    {"rain_grid", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL,
     "{pattern | files | netcdf + variable, polygons, id_field, scale}: areal rain from gridded rain instead of gauges"},
    {"gauge_weights", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL,
     "{polygons, id_field, locations, method thiessen|idw, power, grid}: weights of sub-basins without `weights`"},
    {"ensemble", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "{members, rain_sigma, seed}"},
    {"state_in", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "hot-start state of the previous run (HDF5); omit to start cold"},
    {"state_out", SX_CFG_T_STRING, 0, "state.h5", 1, 0, NULL, "file name of the end state in the run directory"},
    {"alternatives", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL,
     "dispatch alternatives [{name, reservoirs: {ID: {rules, release, initial_level}}}]: dispatch.csv compares them"},
    {"hindcast", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL,
     "{from, every, threshold}: instead of one forecast, the cycle at every issue time from `from` to `issue`, scored"},
    {"correction", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL,
     "{method ar|rls|dsrc|enkf, observations, ...}: update the forecast with the discharge observed up to the issue"},
};

static const sx_cfg_field_t sub_fields[] = {
    {"id", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "sub-basin id"},
    {"area", SX_CFG_T_FLOAT, 0, "0", 0, 1e7, NULL, "area km2 (0: a junction)"},
    {"down", SX_CFG_T_STRING, 0, "", 1, 0, NULL, "downstream sub-basin id ('' at the outlet)"},
    {"weights", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "gauge weights (Thiessen), one per gauge"},
    {"k", SX_CFG_T_FLOAT, 0, "0", 0, 1e5, NULL, "Muskingum K of the reach to `down`, hours (0: none)"},
    {"x", SX_CFG_T_FLOAT, 0, "0.2", 0, 0.5, NULL, "Muskingum X"},
    {"warning", SX_CFG_T_FLOAT, 0, "0", 0, 1e9, NULL, "warning discharge 警戒流量 m3/s"},
    {"guaranteed", SX_CFG_T_FLOAT, 0, "0", 0, 1e9, NULL, "guaranteed discharge 保证流量 m3/s"},
    {"reservoir", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL,
     "{curves, rules, initial_level, structures, compensation}: a reservoir whose release leaves this node"},
    {"station", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL,
     "{name, rating, warning_level, guaranteed_level, historical_max_level, return_periods, location}: levels, signals"},
};

static const sx_cfg_field_t net_fields[] = {
    {"from_watershed", SX_CFG_T_PATH, 1, NULL, 1, 0, NULL, "GeoPackage of `sanxiang dem watershed --polygons`"},
};

static const sx_cfg_field_t ens_fields[] = {
    {"members", SX_CFG_T_INT, 0, "0", 0, 1000000, NULL, "ensemble members"},
    {"rain_sigma", SX_CFG_T_FLOAT, 0, "0.3", 0, 3, NULL, "log-normal sigma of forecast-rain multipliers"},
    {"seed", SX_CFG_T_INT, 0, "1", 0, 9.2e18, NULL, "random seed (results depend on it, not on ranks)"},
    {"perturb", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL,
     "parameter ensemble {NAME: r}: member draws NAME uniformly within +-r x its calibration range, in bounds"},
    {"parameter_sets", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL,
     "parameter ensemble from a calibration's population CSV: member m runs row m mod N"},
    {"best", SX_CFG_T_INT, 0, "0", 0, 1000000, NULL, "keep the best N rows of parameter_sets (0: all)"},
};


static sx_err row_of(const sx_cfg_t *cfg, const sx_cfg_node_t *n, const sx_hydro_series_t *s, const char *t, int64_t *out)
{
    for (int64_t i = 0; i < s->n; i++)
        if (!strcmp(s->time[i], t)) {
            *out = i;
            return SX_OK;
        }
    return sx_cfg_fail_at(cfg, n, "time '%s' is not in the forcing (%s .. %s)", t, s->time[0], s->time[s->n - 1]);
}

static sx_err read_map(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const char **names, double *vals, int *n)
{
    *n = 0;
    for (size_t i = 0; map && i < sx_cfg_node_len(map); i++) {
        if (*n >= MAXP) return sx_cfg_fail_at(cfg, map, "too many entries");
        names[*n] = sx_cfg_node_key_at(map, i);
        SX_CHECK(sx_cfg_get_double(cfg, map, names[*n], 0, &vals[*n]));
        (*n)++;
    }
    return SX_OK;
}

/* Nodes from a watershed GeoPackage: rank 0 reads, every rank gets the same nodes. */
static sx_err network_from_watershed(sx_job_t *job, const sx_cfg_node_t *net, MPI_Comm comm, fc_t *f)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *path;
    SX_CHECK(sx_cfg_check(cfg, net, net_fields, sizeof net_fields / sizeof *net_fields));
    SX_CHECK(sx_cfg_get_string(cfg, net, "from_watershed", NULL, &path));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(net, "from_watershed"), path, &path));
    int n = 0;
    sx_err e = sx_mpi_rank() == 0 ? sx_hydro_network_read_watershed(path, 256, f->nodes, &n) : SX_OK;
    SX_CHECK(sx_err_agree(comm, e));
    SX_CHECK_MPI(MPI_Bcast(&n, 1, MPI_INT, 0, comm));
    SX_CHECK_MPI(MPI_Bcast(f->nodes, (int)(n * sizeof *f->nodes), MPI_BYTE, 0, comm));
    f->c.nnodes = n;
    sx_log_info("hydro_forecast: network of %d sub-basins from '%s'", n, path);
    return SX_OK;
}

static sx_err configure(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm, fc_t *f)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx_hydro_forecast_cfg_t *c = &f->c;
    const char *ref, *path, *ecol, *obs = NULL, *obs_node = NULL, *start, *issue, *sin = NULL, *sout, *model, *netrain;
    int64_t lead;
    SX_CHECK(sx_cfg_get_string(cfg, node, "basin", NULL, &c->basin));
    SX_CHECK(sx_cfg_get_string(cfg, node, "model", "xaj", &model));
    c->model = model;
    SX_CHECK(sx_cfg_get_string(cfg, node, "forcing", NULL, &ref));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "forcing"), ref, &path));
    SX_CHECK(sx_cfg_get_string(cfg, node, "evaporation", "E", &ecol));
    SX_CHECK(sx_cfg_get_string(cfg, node, "observed", NULL, &obs));
    SX_CHECK(sx_cfg_get_string(cfg, node, "observed_node", NULL, &obs_node));
    SX_CHECK(sx_cfg_get_double(cfg, node, "event_threshold", 0, &f->x.event_threshold));
    SX_CHECK(sx_cfg_get_string(cfg, node, "start", NULL, &start));
    SX_CHECK(sx_cfg_get_string(cfg, node, "issue", NULL, &issue));
    SX_CHECK(sx_cfg_get_int(cfg, node, "lead", 1, &lead));
    SX_CHECK(sx_cfg_get_string(cfg, node, "state_in", NULL, &sin));
    SX_CHECK(sx_cfg_get_string(cfg, node, "state_out", "state.h5", &sout));
    SX_CHECK(sx_cfg_get_string(cfg, node, "net_rain", "pet", &netrain));
    const sx_cfg_node_t *gauges = sx_cfg_map_get(node, "gauges"), *rg = sx_cfg_map_get(node, "rain_grid");
    if (!gauges == !rg) return sx_cfg_fail_at(cfg, node, "give the rain as `gauges` (CSV columns) or `rain_grid`, one of them");
    c->ngauges = (int)sx_cfg_node_len(gauges);
    if (c->ngauges > SX_HYDRO_MAX_GAUGES) return sx_cfg_fail_at(cfg, gauges, "at most %d gauges", SX_HYDRO_MAX_GAUGES);
    const char *cols[SX_HYDRO_MAX_COLS];
    int nc = 0;
    for (int g = 0; g < c->ngauges; g++) {
        cols[nc] = sx_cfg_node_text(sx_cfg_node_at(gauges, (size_t)g));
        if (!cols[nc]) return sx_cfg_fail_at(cfg, gauges, "gauge names must be text");
        nc++;
    }
    const sx_cfg_node_t *eg = sx_cfg_map_get(node, "evap_grid");
    const int ecol_at = nc;
    if (!eg) cols[nc++] = ecol;
    if (obs && nc < SX_HYDRO_MAX_COLS) cols[nc++] = obs;

    /* forcing: rank 0 reads (missing steps, NaN, negatives name row and time), all get it */
    sx_err e = SX_OK;
    if (sx_mpi_rank() == 0) e = sx_hydro_series_read(path, cols, nc, NULL, 0, &f->s);
    SX_CHECK(sx_err_agree(comm, e));
    SX_CHECK(sx_hydro_series_bcast(comm, 0, &f->s));
    for (int g = 0; g < c->ngauges; g++) f->gp[g] = f->s.col[g];
    c->gauge_p = f->gp;
    c->e = eg ? NULL : f->s.col[ecol_at];
    c->times = &f->s;
    SX_CHECK(row_of(cfg, sx_cfg_map_get(node, "start"), &f->s, start, &c->start));
    SX_CHECK(row_of(cfg, sx_cfg_map_get(node, "issue"), &f->s, issue, &c->issue));
    c->nlead = lead;
    SX_CHECK(sx_cfg_get_double(cfg, node, "dt_hours", f->s.time_is_date ? f->s.dt / 3600 : 24, &c->dt_hours));
    int n;
    SX_CHECK(read_map(cfg, sx_cfg_map_get(node, "params"), f->pn, f->pv, &n));
    c->param_names = f->pn, c->param_values = f->pv, c->nparams = n;
    SX_CHECK(read_map(cfg, sx_cfg_map_get(node, "init"), f->in, f->iv, &n));
    c->init_names = f->in, c->init_values = f->iv, c->ninit = n;
    if (!strcmp(model, "xaj")) c->option_name = "net_rain", c->option_value = netrain;

    const sx_cfg_node_t *subs = sx_cfg_map_get(node, "subbasins"), *gw = sx_cfg_map_get(node, "gauge_weights");
    const sx_cfg_node_t *net = sx_cfg_map_get(node, "network");
    if (!net && !subs) return sx_cfg_fail_at(cfg, node, "give the sub-basins as `subbasins` or `network`");
    int nsub = (int)sx_cfg_node_len(subs);
    if (nsub > 256) return sx_cfg_fail_at(cfg, subs, "at most 256 sub-basins");
    c->nnodes = nsub;
    c->network_source = sx_cfg_source(cfg); /* network errors name the job file (the watershed file below) */
    if (net) SX_CHECK(network_from_watershed(job, net, comm, f));
    f->x.obs_node = -1;
    for (int j = 0; j < nsub; j++) {
        const sx_cfg_node_t *sb = sx_cfg_node_at(subs, (size_t)j);
        SX_CHECK(sx_cfg_check(cfg, sb, sub_fields, sizeof sub_fields / sizeof *sub_fields));
        int i = j;
        if (net) {
            const char *sid;
            SX_CHECK(sx_cfg_get_string(cfg, sb, "id", NULL, &sid));
            for (i = 0; i < c->nnodes && strcmp(f->nodes[i].id, sid); i++) {}
            if (i == c->nnodes) return sx_cfg_fail_at(cfg, sb, "sub-basin '%s' is not a basin_id of the watershed", sid);
            if (sx_cfg_map_get(sb, "area") || sx_cfg_map_get(sb, "down"))
                return sx_cfg_fail_at(cfg, sb, "area and down of sub-basin '%s' come from the watershed; remove them", sid);
        }
        sx_hydro_node_t *d = &f->nodes[i];
        const char *id, *down;
        SX_CHECK(sx_cfg_get_string(cfg, sb, "id", NULL, &id));
        SX_CHECK(sx_cfg_get_string(cfg, sb, "down", d->down, &down));
        snprintf(d->id, sizeof d->id, "%s", id);
        if (down != d->down) snprintf(d->down, sizeof d->down, "%s", down);
        SX_CHECK(sx_cfg_get_double(cfg, sb, "area", d->area_km2, &d->area_km2));
        SX_CHECK(sx_cfg_get_double(cfg, sb, "k", 0, &d->reach_k_h));
        SX_CHECK(sx_cfg_get_double(cfg, sb, "x", 0.2, &d->reach_x));
        SX_CHECK(sx_cfg_get_double(cfg, sb, "warning", 0, &d->warn_q));
        SX_CHECK(sx_cfg_get_double(cfg, sb, "guaranteed", 0, &d->guar_q));
        const sx_cfg_node_t *w = sx_cfg_map_get(sb, "weights");
        if (w && rg) return sx_cfg_fail_at(cfg, w, "sub-basin '%s': `weights` need `gauges`, not `rain_grid`", id);
        if (w && gw) return sx_cfg_fail_at(cfg, w, "sub-basin '%s': give `weights` or the step's `gauge_weights`, not both", id);
        if (gw || rg) d->w[0] = NAN; /* filled from the polygons below, or unused */
        else if (d->area_km2 > 0 && (int)sx_cfg_node_len(w) != c->ngauges)
            return sx_cfg_fail_at(cfg, w ? w : sb, "sub-basin '%s' needs %d gauge weights, has %zu", id, c->ngauges,
                                  sx_cfg_node_len(w));
        for (int g = 0; w && g < c->ngauges; g++) {
            const sx_cfg_node_t *wg = sx_cfg_node_at(w, (size_t)g);
            char *end;
            const char *t = sx_cfg_node_text(wg);
            d->w[g] = t ? strtod(t, &end) : NAN;
            if (!t || end == t || *end) return sx_cfg_fail_at(cfg, wg, "a gauge weight must be a number");
        }
    }
    for (int i = 0; i < c->nnodes && obs_node; i++)
        if (!strcmp(obs_node, f->nodes[i].id)) f->x.obs_node = i;
    if (obs) {
        if (f->x.obs_node < 0) return sx_cfg_fail_at(cfg, node, "observed_node '%s' is not a sub-basin id",
                                                     obs_node ? obs_node : "(missing)");
        f->x.obs = f->s.col[ecol_at + (eg ? 0 : 1)] + c->start;
    }
    c->nodes = f->nodes;
    SX_CHECK(sx__hydro_forecast_reservoirs(job, subs, f));
    SX_CHECK(sx__hydro_forecast_stations(job, subs, f));
    if (gw && rg) return sx_cfg_fail_at(cfg, gw, "`gauge_weights` need `gauges`, not `rain_grid`");
    if (gw) SX_CHECK(sx__hydro_polygon_weights(job, gw, comm, cols, f));
    if (rg) SX_CHECK(sx__hydro_grid_rain(job, rg, comm, f, 0));
    if (eg) SX_CHECK(sx__hydro_grid_rain(job, eg, comm, f, 1));
    const sx_cfg_node_t *ens = sx_cfg_map_get(node, "ensemble");
    int64_t members = 0, seed = 1;
    c->rain_sigma = 0.3;
    if (ens) {
        SX_CHECK(sx_cfg_check(cfg, ens, ens_fields, sizeof ens_fields / sizeof *ens_fields));
        SX_CHECK(sx_cfg_get_int(cfg, ens, "members", 0, &members));
        SX_CHECK(sx_cfg_get_double(cfg, ens, "rain_sigma", 0.3, &c->rain_sigma));
        SX_CHECK(sx_cfg_get_int(cfg, ens, "seed", 1, &seed));
        int np;
        SX_CHECK(read_map(cfg, sx_cfg_map_get(ens, "perturb"), f->qn, f->qv, &np));
        c->nperturb = np, c->perturb_names = f->qn, c->perturb_width = f->qv;
        const char *ps = NULL;
        int64_t best = 0;
        SX_CHECK(sx_cfg_get_string(cfg, ens, "parameter_sets", NULL, &ps));
        SX_CHECK(sx_cfg_get_int(cfg, ens, "best", 0, &best));
        if (ps && np > 0) return sx_cfg_fail_at(cfg, ens, "give `parameter_sets` or `perturb`, not both");
        if (!ps && best > 0) return sx_cfg_fail_at(cfg, ens, "`best` needs `parameter_sets`");
        if (ps) {
            SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(ens, "parameter_sets"), ps, &ps));
            SX_CHECK(sx_hydro_param_sets_read(ps, c->model, best, &f->sets));
            c->sets = &f->sets;
            sx_log_info("hydro_forecast: %lld parameter sets from '%s'; member m runs set m mod %lld",
                        (long long)f->sets.n, ps, (long long)f->sets.n);
        }
    }
    c->members = (int)members;
    c->seed = (uint64_t)seed;
    c->state_in = sin;
    SX_CHECK(sx_job_out_path(job, sout, f->state_out, sizeof f->state_out));
    c->state_out = f->state_out;
    f->x.provenance = sx_job_provenance(job);
    return SX_OK;
}

static sx_err write_outputs(sx_job_t *job, fc_t *f, sx_hydro_forecast_t *r)
{
    char p[SX_PATH_MAX], name[96];
    SX_CHECK(sx_job_out_path(job, "forecast.csv", p, sizeof p));
    SX_CHECK(sx_hydro_forecast_write_csv(p, &f->c, r, &f->x));
    SX_CHECK(sx_job_out_path(job, "areal_rain.csv", p, sizeof p));
    SX_CHECK(sx_hydro_forecast_write_areal(p, &f->c));
    SX_CHECK(sx_job_out_path(job, "hydrographs.nc", p, sizeof p));
    SX_CHECK(sx_hydro_forecast_write_h5(p, &f->c, r, &f->x));
    for (int i = 0; i < r->nnodes; i++) {
        const sx_hydro_node_t *d = &f->nodes[i];
        if (d->warn_q <= 0 && d->guar_q <= 0 && d->down[0]) continue;
        snprintf(name, sizeof name, "hydrograph_%s.svg", d->id);
        SX_CHECK(sx_job_out_path(job, name, p, sizeof p));
        SX_CHECK(sx_hydro_forecast_write_svg(p, &f->c, r, &f->x, i));
    }
    SX_CHECK(sx_job_out_path(job, "reservoirs.csv", p, sizeof p));
    SX_CHECK(sx_hydro_forecast_write_reservoirs(p, &f->c, r));
    SX_CHECK(sx_job_out_path(job, "bulletin.md", p, sizeof p));
    SX_CHECK(sx_hydro_forecast_write_bulletin(p, &f->c, r, &f->x));
    SX_CHECK(sx__hydro_forecast_station_outputs(job, f, r));
    return SX_OK;
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    fc_t *f = calloc(1, sizeof *f);
    SX_FAIL_IF(!f, SX_ERR_NOMEM, "out of memory");
    sx_hydro_forecast_t r;
    memset(&r, 0, sizeof r);
    sx_err e = configure(job, node, comm, f);
    if (e == SX_OK) e = sx__hydro_forecast_correction_check(job, node, f);
    e = sx_err_agree(comm, e);
    const int hindcast = sx_cfg_map_get(node, "hindcast") != NULL; /* instead of one forecast: step_hydro_hindcast.c */
    for (int i = 0; e == SX_OK && hindcast && f->c.reservoirs && i < f->c.nnodes; i++)
        if (f->c.reservoirs[i]) /* the hindcast's network runner (fcnet.c) has no reservoirs: refused, not ignored */
            e = sx_cfg_fail_at(sx_job_cfg(job), sx_cfg_map_get(node, "hindcast"), "a hindcast does not route through "
                               "reservoir nodes yet (sub-basin '%s' has one): run it on the network without them",
                               f->c.nodes[i].id);
    if (e == SX_OK && hindcast) e = sx__hydro_hindcast(job, node, comm, f);
    if (e == SX_OK && !hindcast) {
        sx_perf_start("hydro forecast", SX_PERF_COMPUTE);
        e = sx_hydro_forecast_run(comm, &f->c, &r);
        sx_perf_stop("hydro forecast");
    }
    if (e == SX_OK && !hindcast) e = sx__hydro_forecast_correction(job, node, comm, f, &r);
    if (e == SX_OK && !hindcast) {
        sx_err w = SX_OK;
        sx_perf_start("hydro outputs", SX_PERF_WRITE);
        if (sx_mpi_rank() == 0) w = write_outputs(job, f, &r);
        sx_perf_stop("hydro outputs");
        e = sx_err_agree(comm, w);
    }
    if (e == SX_OK && !hindcast && sx_cfg_map_get(node, "alternatives"))
        e = sx__hydro_forecast_alternatives(job, sx_cfg_map_get(node, "alternatives"), comm, f);
    if (e == SX_OK && !hindcast)
        sx_log_info("hydro_forecast %s: %d sub-basins, issue %s, %lld lead steps, %d members; state -> %s", f->c.basin,
                    f->c.nnodes, f->c.times->time[f->c.issue], (long long)f->c.nlead, f->c.members, f->state_out);
    sx_hydro_forecast_fini(&r);
    sx_hydro_series_fini(&f->s);
    free(f->grid_p);
    free(f->grid_e);
    free(f->q_corr);
    free(f->corr_obs);
    sx_hydro_param_sets_fini(&f->sets);
    sx__hydro_forecast_reservoirs_fini(f);
    sx__hydro_forecast_stations_fini(f);
    free(f);
    return e;
}

const sx_job_step_t sx_step_hydro_forecast = {"hydro_forecast",
                                              "flood forecast: models, network routing, ensemble, warnings, bulletin",
                                              fields, sizeof fields / sizeof *fields, run};
