/*
 * step_hydro_route.c — step `hydro_route` (`sanxiang hydro route`): a
 * hydrograph routed through a reach by Muskingum (K, X) or
 * Muskingum–Cunge (K and X from the reach's length, celerity, width and
 * slope at a reference discharge, Ponce 1989), with the stability condition
 * 2KX <= dt <= 2K(1-X) met by sub-reaches or sub-steps. Rank 0 does the work.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_hydro_common.h"
#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "hydro_route"},
    {"method", SX_CFG_T_ENUM, 1, NULL, 1, 0, "muskingum|cunge", "routing method", "1", "METHOD"},
    {"inflow", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "CSV time,Q: the inflow hydrograph", NULL, "IN.csv"},
    {"k", SX_CFG_T_FLOAT, 0, NULL, 0, 1e6, NULL, "Muskingum K: travel time (hours)", NULL, "HOURS"},
    {"x", SX_CFG_T_FLOAT, 0, NULL, -1e9, 1e9, NULL, "Muskingum X: weighting, 0..0.5", NULL, "X"},
    {"dt", SX_CFG_T_FLOAT, 0, "from the times", 1e-6, 8784, NULL, "step of the series (hours)", NULL, "HOURS"},
    {"length", SX_CFG_T_FLOAT, 0, NULL, 1e-6, 1e8, NULL, "Cunge: reach length (m)", NULL, "M"},
    {"celerity", SX_CFG_T_FLOAT, 0, NULL, 1e-9, 1e3, NULL, "Cunge: flood-wave celerity (m/s)", NULL, "M/S"},
    {"width", SX_CFG_T_FLOAT, 0, NULL, 1e-9, 1e6, NULL, "Cunge: channel width (m)", NULL, "M"},
    {"slope", SX_CFG_T_FLOAT, 0, NULL, 1e-12, 1, NULL, "Cunge: bed slope (m/m)", NULL, "S"},
    {"qref", SX_CFG_T_FLOAT, 0, "the inflow peak", 1e-12, 1e9, NULL, "Cunge: reference discharge (m3/s)", NULL,
     "M3/S"},
    {"output", SX_CFG_T_STRING, 0, "routed", 1, 0, NULL, "CSV of time,Q routed", "-o", "OUT.csv"},
};
#define NF (sizeof fields / sizeof *fields)

/* The keys a method needs, named as the user wrote them (options or job keys). */
static sx_err need(const sx_cfg_t *cfg, const sx_cfg_node_t *node, const char *method, const char *const *keys, int n)
{
    char names[256] = "", one[64];
    int missing = 0;
    for (int i = 0; i < n; i++) {
        size_t o = strlen(names);
        snprintf(names + o, sizeof names - o, "%s%s", i ? (i == n - 1 ? " and " : ", ") : "",
                 sx_cfg_key_label(cfg, fields, NF, keys[i], one, sizeof one));
        missing |= !sx_cfg_map_get(node, keys[i]);
    }
    if (missing) return sx_cfg_fail_at(cfg, node, "%s routing needs %s", method, names);
    return SX_OK;
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    (void)comm;
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *method, *in, *output;
    double k, x, dt, len, cel, width, slope, qref;
    SX_CHECK(sx_cfg_get_string(cfg, node, "method", NULL, &method));
    int cunge = !strcmp(method, "cunge");
    static const char *const mk_keys[] = {"k", "x"}, *const cg_keys[] = {"length", "celerity", "width", "slope"};
    SX_CHECK(cunge ? need(cfg, node, method, cg_keys, 4) : need(cfg, node, method, mk_keys, 2));
    SX_CHECK(sx_cfg_get_double(cfg, node, "k", 0, &k));
    SX_CHECK(sx_cfg_get_double(cfg, node, "x", 0, &x));
    SX_CHECK(sx_cfg_get_double(cfg, node, "dt", 0, &dt));
    SX_CHECK(sx_cfg_get_double(cfg, node, "length", 0, &len));
    SX_CHECK(sx_cfg_get_double(cfg, node, "celerity", 0, &cel));
    SX_CHECK(sx_cfg_get_double(cfg, node, "width", 0, &width));
    SX_CHECK(sx_cfg_get_double(cfg, node, "slope", 0, &slope));
    SX_CHECK(sx_cfg_get_double(cfg, node, "qref", 0, &qref));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "routed", &output));
    if (!cunge) {
        sx_muskingum_t check; /* a bad K or X fails before any file is read */
        SX_CHECK(sx_muskingum_plan(k, x, dt > 0 ? dt : 1, &check));
    }
    if (sx_mpi_rank() != 0) return SX_OK;
    SX_CHECK(sx_job_input(job, node, "inflow", &in));
    char path[SX_PATH_MAX];
    SX_CHECK(sx_job_out_file(job, output, ".csv", path, sizeof path));
    static const char *const req[] = {"Q"};
    sx_hydro_series_t s;
    SX_CHECK(sx_hydro_series_read(in, req, 1, NULL, 0, &s));
    const double *q = sx_hydro_series_col(&s, "Q");
    double *o = calloc((size_t)s.n, sizeof *o);
    sx_err e = o ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory routing %lld steps", (long long)s.n);
    char dt_key[32];
    if (!e && dt <= 0 && !s.time_is_date)
        e = sx_cfg_fail_at(cfg, node, "%s has step numbers, not dates: give the step in hours (%s)", in,
                           sx_cfg_key_label(cfg, fields, NF, "dt", dt_key, sizeof dt_key));
    if (!e && dt <= 0) dt = s.dt / 3600.0;
    if (!e && cunge) {
        if (qref <= 0)
            for (int64_t t = 0; t < s.n; t++) qref = fmax(qref, q[t]);
        e = sx_muskingum_cunge_params(len, cel, width, slope, qref, &k, &x);
    }
    sx_muskingum_t mk;
    if (!e) e = sx_muskingum_plan(k, x, dt, &mk);
    if (!e) e = sx_muskingum_route(&mk, s.n, q, o);
    static const char *const names[] = {"Q"};
    const double *cols[] = {o};
    if (!e) e = sx_hydro_series_write(path, &s, 1, names, cols);
    if (!e)
        sx_log_info("hydro route %s: K %.4g h, X %.4g, dt %.4g h -> %d sub-reach(es), %d sub-step(s); c0 %.6f c1 %.6f "
                    "c2 %.6f", method, k, x, dt, mk.nreach, mk.nsub, mk.c0, mk.c1, mk.c2);
    free(o);
    sx_hydro_series_fini(&s);
    return e;
}

const sx_job_step_t sx_step_hydro_route = {
    "hydro_route", "route a hydrograph through a reach (Muskingum, Muskingum-Cunge)", fields, NF, run, "hydro route",
    ".csv",
    "muskingum needs --k HOURS and --x X; cunge needs --length, --celerity, --width and --slope (K and X at the\n"
    "reference discharge --qref, by default the inflow peak). Stability 2KX <= dt <= 2K(1-X) is met with\n"
    "sub-reaches or sub-steps. IN.csv and OUT.csv have columns time,Q."};
