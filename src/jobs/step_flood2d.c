/*
 * step_flood2d.c — job step `flood2d`: a 2-D local inertial flood simulation
 * on a DEM, driven by inflow hydrographs (CSV, e.g. a forecast's discharge),
 * rainfall and edge conditions; writes max depth, arrival time, max velocity,
 * hazard, a depth time series, flood-extent polygons and the mass balance
 * into the run directory, and resumes from its checkpoint when the same job
 * is run again with the same output directory.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_flood2d.h"
#include "jobs/step_fields.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_sha256.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "flood2d"},
    {"dem", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "DEM in a projected CRS (metres): an input name, earlier output or path"},
    {"duration_s", SX_CFG_T_FLOAT, 1, NULL, 1e-6, 1e9, NULL, "simulated time in seconds"},
    {"report_interval_s", SX_CFG_T_FLOAT, 0, "3600", 1e-6, 1e9, NULL, "seconds between mass-balance rows and depth snapshots"},
    {"snapshots", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "write depth snapshots (depth_series.nc)"},
    {"manning", SX_CFG_T_FLOAT, 0, "0.035", 0, 0.999, NULL, "uniform Manning n (s m^-1/3)"},
    {"manning_raster", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "raster of Manning n on the DEM grid (overrides manning)"},
    {"initial_level", SX_CFG_T_FLOAT, 0, NULL, -1e4, 1e5, NULL, "water level (m) filling cells below it at the start"},
    {"initial_depth", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "raster of initial depth (m) on the DEM grid"},
    {"rain_mm_h", SX_CFG_T_FLOAT, 0, "0", 0, 999, NULL, "uniform rainfall rate (mm/h) for the whole run"},
    {"rain_raster", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "raster of rainfall rate (mm/h) on the DEM grid"},
    {"rain_hyetograph", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL, "CSV time_s,rain_mm_h: uniform rainfall varying in time (replaces rain_mm_h)"},
    {"rain_grid", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL,
     "netCDF/HDF5 (time, y, x) rates (mm/h) on the DEM grid, e.g. NETCDF:\"radar.nc\":rain; piecewise constant"},
    {"inflows", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "point inflows: - {name, x, y, hydrograph: CSV time_s,discharge_m3s}"},
    {"boundaries", SX_CFG_T_MAP, 0, "all closed", 1, 0, NULL,
     "edges west/east/north/south: {type: closed|free|level, slope: S (free), level: m (level)}"},
    {"theta", SX_CFG_T_FLOAT, 0, "0.7", 1e-3, 1, NULL, "de Almeida et al. (2012) weighting (1 = Bates et al. 2010)"},
    {"cfl", SX_CFG_T_FLOAT, 0, "0.7", 1e-3, 10, NULL, "alpha of the time step dt = alpha dx / sqrt(g h_max); <= 1"},
    {"h_dry", SX_CFG_T_FLOAT, 0, "0.001", 1e-9, 1, NULL, "wet/dry threshold (m)"},
    {"dt_max", SX_CFG_T_FLOAT, 0, "10", 1e-6, 1e5, NULL, "largest time step (s)"},
    {"dt_min", SX_CFG_T_FLOAT, 0, "1e-4", 1e-9, 1e5, NULL, "a smaller step stops the run as unstable (s)"},
    {"arrival_depth", SX_CFG_T_FLOAT, 0, "0.01", 1e-9, 100, NULL, "depth (m) that counts as arrival of the flood"},
    {"extent_depth", SX_CFG_T_FLOAT, 0, "0.1", 1e-9, 100, NULL, "max depth (m) that defines the flood-extent polygons"},
    {"checkpoint_minutes", SX_CFG_T_FLOAT, 0, "30", 0, 1e6, NULL, "wall-clock minutes between checkpoints (0: only on signals)"},
    SX_STEP_F_OUTPUTS,
};

static const sx_cfg_field_t inflow_fields[] = {
    {"name", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "name of the inflow (in messages)"},
    {"x", SX_CFG_T_FLOAT, 0, NULL, 1, 0, NULL, "x in the DEM's CRS (a point inflow)"},
    {"y", SX_CFG_T_FLOAT, 0, NULL, 1, 0, NULL, "y in the DEM's CRS (a point inflow)"},
    {"line", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL,
     "or a line inflow [[x, y], ...]: discharge spread over the cells crossed, by length"},
    {"hydrograph", SX_CFG_T_PATH, 1, NULL, 1, 0, NULL,
     "CSV time_s,discharge_m3s, or {forecast: forecast.csv, node, column, scale, step_hours}"},
};

/* hydrograph: {...} — a node's column of a hydro forecast's CSV. */
static const sx_cfg_field_t forecast_fields[] = {
    {"forecast", SX_CFG_T_PATH, 1, NULL, 1, 0, NULL, "the forecast's forecast.csv (node,time,phase,lead,Q_det,...)"},
    {"node", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "node id in the forecast (e.g. outlet)"},
    {"column", SX_CFG_T_STRING, 0, "Q_det", 1, 0, NULL, "Q_det, Q_obs, p05, p25, p50, p75 or p95"},
    {"scale", SX_CFG_T_FLOAT, 0, "1", 1e-9, 1e9, NULL, "multiplier of the discharge"},
    {"step_hours", SX_CFG_T_FLOAT, 0, NULL, 1e-6, 1e6, NULL,
     "the forecast's dt_hours, when its times are step numbers rather than dates"},
};

static const sx_cfg_field_t edge_fields[] = {
    {"type", SX_CFG_T_ENUM, 1, NULL, 1, 0, "closed|free|level", "edge condition"},
    {"slope", SX_CFG_T_FLOAT, 0, "0.001", 1e-9, 0.999, NULL, "water-surface slope out of a free edge"},
    {"level", SX_CFG_T_FLOAT, 0, NULL, -1e4, 1e5, NULL, "water level (m) outside a fixed-level edge"},
};

static const sx_cfg_field_t bnd_fields[] = {
    {"west", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "west edge"},
    {"east", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "east edge"},
    {"north", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "north edge"},
    {"south", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "south edge"},
};

#define MAX_INFLOWS 64

typedef struct {
    sx_f2d_inflow_t in[MAX_INFLOWS];
    double *t[MAX_INFLOWS], *q[MAX_INFLOWS], *xy[MAX_INFLOWS];
    int n;
    sx_f2d_inflow_t rain; /* hyetograph, if rain.n > 0 */
    double *rt, *rq;
} inflow_set;

static void inflows_free(inflow_set *s)
{
    for (int k = 0; k < s->n; k++) {
        free(s->t[k]);
        free(s->q[k]);
        free(s->xy[k]);
        s->xy[k] = NULL;
    }
    free(s->rt);
    free(s->rq);
    s->rt = s->rq = NULL;
    s->n = 0;
}

/* x, y of a point inflow, or the points of `line` (xy malloc'd into *xy). */
static sx_err read_position(const sx_cfg_t *cfg, const sx_cfg_node_t *n, sx_f2d_inflow_t *in, double **xy)
{
    const sx_cfg_node_t *line = sx_cfg_map_get(n, "line");
    int has_x = sx_cfg_map_get(n, "x") != NULL, has_y = sx_cfg_map_get(n, "y") != NULL;
    in->npts = 0;
    if (!line) {
        if (!has_x || !has_y) return sx_cfg_fail_at(cfg, n, "an inflow needs x and y (a point) or line: [[x, y], ...]");
        SX_CHECK(sx_cfg_get_double(cfg, n, "x", 0, &in->x));
        return sx_cfg_get_double(cfg, n, "y", 0, &in->y);
    }
    if (has_x || has_y) return sx_cfg_fail_at(cfg, n, "give either x, y (a point inflow) or line (a line inflow), not both");
    size_t np = sx_cfg_node_len(line);
    if (np < 2) return sx_cfg_fail_at(cfg, line, "a line inflow needs at least two points [[x, y], [x, y], ...]");
    *xy = malloc(2 * np * sizeof **xy);
    if (!*xy) return sx_cfg_fail_at(cfg, line, "out of memory");
    for (size_t i = 0; i < np; i++) {
        const sx_cfg_node_t *pt = sx_cfg_node_at(line, i);
        if (sx_cfg_node_kind(pt) != SX_CFG_SEQ || sx_cfg_node_len(pt) != 2)
            return sx_cfg_fail_at(cfg, pt, "expected a point [x, y]");
        for (size_t c = 0; c < 2; c++) {
            const char *txt = sx_cfg_node_text(sx_cfg_node_at(pt, c));
            char *end = NULL;
            double v = txt ? strtod(txt, &end) : NAN;
            if (!txt || end == txt || *end || !isfinite(v))
                return sx_cfg_fail_at(cfg, sx_cfg_node_at(pt, c), "expected a number (a coordinate in the DEM's CRS)");
            (*xy)[2 * i + c] = v;
        }
    }
    in->npts = (int64_t)np;
    in->xy = *xy;
    return SX_OK;
}

static sx_err read_inflows(const sx_cfg_t *cfg, const sx_cfg_node_t *list, inflow_set *s, MPI_Comm comm)
{
    s->n = 0;
    if (!list) return SX_OK;
    if (sx_cfg_node_len(list) > MAX_INFLOWS) return sx_cfg_fail_at(cfg, list, "at most %d inflows", MAX_INFLOWS);
    for (size_t i = 0; i < sx_cfg_node_len(list); i++) {
        const sx_cfg_node_t *n = sx_cfg_node_at(list, i);
        const sx_cfg_node_t *hy = sx_cfg_map_get(n, "hydrograph");
        int from_forecast = hy && sx_cfg_node_kind(hy) == SX_CFG_MAP;
        sx_cfg_field_t f[sizeof inflow_fields / sizeof *inflow_fields];
        memcpy(f, inflow_fields, sizeof f);
        if (from_forecast) f[sizeof f / sizeof *f - 1].type = SX_CFG_T_MAP; /* hydrograph is the last field */
        SX_CHECK(sx_cfg_check(cfg, n, f, sizeof f / sizeof *f));
        const char *name, *csv = NULL;
        sx_f2d_inflow_t *in = &s->in[s->n];
        SX_CHECK(sx_cfg_get_string(cfg, n, "name", "", &name));
        sx_f2d_forecast_ref_t ref = {0};
        if (from_forecast) {
            SX_CHECK(sx_cfg_check(cfg, hy, forecast_fields, sizeof forecast_fields / sizeof *forecast_fields));
            SX_CHECK(sx_cfg_get_string(cfg, hy, "forecast", "", &ref.path));
            SX_CHECK(sx_cfg_get_string(cfg, hy, "node", "", &ref.node));
            SX_CHECK(sx_cfg_get_string(cfg, hy, "column", "Q_det", &ref.column));
            SX_CHECK(sx_cfg_get_double(cfg, hy, "scale", 1.0, &ref.scale));
            SX_CHECK(sx_cfg_get_double(cfg, hy, "step_hours", 0.0, &ref.step_hours));
        } else {
            SX_CHECK(sx_cfg_get_string(cfg, n, "hydrograph", "", &csv));
        }
        SX_CHECK(read_position(cfg, n, in, &s->xy[s->n]));
        snprintf(in->name, sizeof in->name, "%s", name);
        in->source = from_forecast ? ref.path : csv; /* named in the model's messages */
        /* Every rank reads the small CSV; agree so a missing file stops all. */
        sx_err err = sx_err_agree(comm, from_forecast ? sx_f2d_forecast_read(&ref, &in->n, &s->t[s->n], &s->q[s->n])
                                                      : sx_f2d_hydrograph_read(csv, &in->n, &s->t[s->n], &s->q[s->n]));
        if (err != SX_OK) return err;
        in->t = s->t[s->n];
        in->q = s->q[s->n];
        s->n++;
    }
    return SX_OK;
}

static sx_err read_boundaries(const sx_cfg_t *cfg, const sx_cfg_node_t *b, sx_f2d_bc_t bc[4])
{
    if (!b) return SX_OK;
    SX_CHECK(sx_cfg_check(cfg, b, bnd_fields, sizeof bnd_fields / sizeof *bnd_fields));
    static const char *edge[4] = {"west", "east", "north", "south"};
    for (int k = 0; k < 4; k++) {
        const sx_cfg_node_t *e = sx_cfg_map_get(b, edge[k]);
        if (!e) continue;
        SX_CHECK(sx_cfg_check(cfg, e, edge_fields, sizeof edge_fields / sizeof *edge_fields));
        const char *type;
        SX_CHECK(sx_cfg_get_string(cfg, e, "type", "closed", &type));
        if (!strcmp(type, "free")) {
            bc[k].kind = SX_F2D_BC_FREE;
            SX_CHECK(sx_cfg_get_double(cfg, e, "slope", 0.001, &bc[k].value));
        } else if (!strcmp(type, "level")) {
            bc[k].kind = SX_F2D_BC_LEVEL;
            if (!sx_cfg_map_get(e, "level")) return sx_cfg_fail_at(cfg, e, "a fixed-level edge needs 'level: <metres>'");
            SX_CHECK(sx_cfg_get_double(cfg, e, "level", 0, &bc[k].value));
        } else {
            bc[k].kind = SX_F2D_BC_CLOSED;
        }
    }
    return SX_OK;
}

static sx_err optional_ref(sx_job_t *job, const sx_cfg_node_t *node, const char *key, const char **out)
{
    const char *ref;
    *out = NULL;
    SX_CHECK(sx_cfg_get_string(sx_job_cfg(job), node, key, NULL, &ref));
    if (ref) SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, key), ref, out));
    return SX_OK;
}

static sx_err configure(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm, sx_f2d_run_opts_t *o, inflow_set *in)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx_f2d_params_t *p = &o->model;
    sx_f2d_params_default(p);
    const char *dem_ref;
    SX_CHECK(sx_cfg_get_string(cfg, node, "dem", NULL, &dem_ref));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "dem"), dem_ref, &p->dem));
    SX_CHECK(optional_ref(job, node, "manning_raster", &p->manning_raster));
    SX_CHECK(optional_ref(job, node, "initial_depth", &p->initial_depth));
    SX_CHECK(optional_ref(job, node, "rain_raster", &p->rain_raster));
    SX_CHECK(optional_ref(job, node, "rain_grid", &p->rain_grid));
    SX_CHECK(sx_cfg_get_double(cfg, node, "manning", 0.035, &p->manning));
    SX_CHECK(sx_cfg_get_double(cfg, node, "initial_level", NAN, &p->initial_level));
    SX_CHECK(sx_cfg_get_double(cfg, node, "rain_mm_h", 0, &p->rain_mm_h));
    SX_CHECK(sx_cfg_get_double(cfg, node, "theta", 0.7, &p->theta));
    SX_CHECK(sx_cfg_get_double(cfg, node, "cfl", 0.7, &p->cfl));
    SX_CHECK(sx_cfg_get_double(cfg, node, "h_dry", 1e-3, &p->h_dry));
    SX_CHECK(sx_cfg_get_double(cfg, node, "dt_max", 10, &p->dt_max));
    SX_CHECK(sx_cfg_get_double(cfg, node, "dt_min", 1e-4, &p->dt_min));
    SX_CHECK(sx_cfg_get_double(cfg, node, "arrival_depth", 0.01, &p->arrival_depth));
    SX_CHECK(read_boundaries(cfg, sx_cfg_map_get(node, "boundaries"), p->bc));
    double ckpt_min;
    SX_CHECK(sx_cfg_get_double(cfg, node, "duration_s", 0, &o->t_end));
    SX_CHECK(sx_cfg_get_double(cfg, node, "report_interval_s", 3600, &o->report_interval));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "snapshots", 1, &o->snapshots));
    SX_CHECK(sx_cfg_get_double(cfg, node, "checkpoint_minutes", 30, &ckpt_min));
    SX_CHECK(sx_cfg_get_double(cfg, node, "extent_depth", 0.1, &o->extent_depth));
    SX_CHECK(sx_job_raster_formats(job, node, &o->formats));
    o->checkpoint_seconds = 60 * ckpt_min;
    o->out_dir = sx_job_out_dir(job);
    o->provenance = sx_job_provenance(job);
    SX_CHECK(read_inflows(cfg, sx_cfg_map_get(node, "inflows"), in, comm));
    const char *hyet;
    SX_CHECK(sx_cfg_get_string(cfg, node, "rain_hyetograph", NULL, &hyet));
    if (hyet) {
        snprintf(in->rain.name, sizeof in->rain.name, "%s", hyet);
        SX_CHECK(sx_err_agree(comm, sx_f2d_hydrograph_read(hyet, &in->rain.n, &in->rt, &in->rq)));
        in->rain.t = in->rt;
        in->rain.q = in->rq;
        p->rain_series = &in->rain;
    }
    p->ninflows = in->n;
    p->inflows = in->in;
    return SX_OK;
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    sx_f2d_run_opts_t o;
    memset(&o, 0, sizeof o);
    inflow_set in;
    memset(&in, 0, sizeof in);
    sx_err err = sx_err_agree(comm, configure(job, node, comm, &o, &in));
    /* The run's identity for restarts: the job file's bytes and the overrides. */
    char hash[65];
    sx_sha256_t sh;
    sx_sha256_init(&sh);
    const char *fh = sx_cfg_file_sha256(sx_job_cfg(job)), *ov = sx_cfg_overrides(sx_job_cfg(job));
    sx_sha256_update(&sh, fh, strlen(fh));
    sx_sha256_update(&sh, "\n", 1);
    sx_sha256_update(&sh, ov, strlen(ov));
    sx_sha256_final_hex(&sh, hash);
    hash[16] = '\0';
    o.config_hash = hash;
    if (err == SX_OK) err = sx_flood2d_run(comm, &o);
    if (err == SX_OK) {
        char path[4096];
        if (o.formats & SX_LAYER_COG) snprintf(path, sizeof path, "%s/max_depth.tif", sx_job_out_dir(job));
        else snprintf(path, sizeof path, "NETCDF:\"%s/max_depth.nc\":max_depth", sx_job_out_dir(job));
        err = sx_job_add_layer(job, "max_depth", path);
    }
    inflows_free(&in);
    return err;
}

const sx_job_step_t sx_step_flood2d = {"flood2d", "2-D flood inundation, local inertial (Bates et al. 2010)", fields,
                                       sizeof fields / sizeof *fields, run};
