/*
 * step_hydro_correction.c — the `correction` of a hydro_forecast step:
 * reads the discharge observed up to the issue time (a telemetry CSV with
 * gaps allowed, or the step's `observed` column), checks which keys belong
 * to which method, and updates the run by ar | rls | dsrc | enkf
 * (sx_hydro_update.h). Observations: missing values are skipped with a
 * warning each (from the first observation on), a record ending before the
 * issue time (late telemetry) is a warning, observations after the issue are
 * not used; times backwards or repeated, or not on the forcing's steps, and
 * a window without observations are refused naming the file and time.
 * Rank 0 reads; every rank gets the same observations and result.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_hydro_common.h"
#include "jobs/step_hydro_forecast.h"
#include "sanxiang/sx_hydro_update.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"

#define MAX_WARN 20

static const sx_cfg_field_t corr_fields[] = {
    {"method", SX_CFG_T_ENUM, 1, NULL, 1, 0, "ar|rls|dsrc|enkf",
     "ar/rls: AR(p) on the error; dsrc: runoff by the system response curve; enkf: ensemble Kalman filter on states"},
    {"observations", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL,
     "CSV time,Q observed (gaps allowed); default: the step's `observed` column"},
    {"column", SX_CFG_T_STRING, 0, "Q", 1, 0, NULL, "discharge column of `observations`"},
    {"node", SX_CFG_T_STRING, 0, "observed_node", 1, 0, NULL, "sub-basin id where the discharge is observed"},
    {"window", SX_CFG_T_INT, 0, "ar, rls, enkf: 0 (all); dsrc: 24", 0, 1e9, NULL,
     "use the observations of the last W steps up to the issue"},
    {"order", SX_CFG_T_INT, 0, "1", 1, SX_HYDRO_CORRECT_MAX_ORDER, NULL, "ar, rls: order p of the error model"},
    {"lambda", SX_CFG_T_FLOAT, 0, "0.98", 1e-6, 1, NULL, "rls: forgetting factor"},
    {"limit", SX_CFG_T_FLOAT, 0, "0", 0, 100, NULL, "ar, rls: corrected within [sim/(1+R), sim*(1+R)]"},
    {"steps", SX_CFG_T_INT, 0, "window", 1, 1000, NULL, "dsrc: runoff steps corrected (the last m up to the issue)"},
    {"alpha", SX_CFG_T_FLOAT, 0, "1", 0, 1e6, NULL, "dsrc: ridge weight (0: plain least squares)"},
    {"delta", SX_CFG_T_FLOAT, 0, "1", 1e-6, 1e3, NULL, "dsrc: runoff step of the response curve, mm"},
    {"members", SX_CFG_T_INT, 0, "50", 2, 100000, NULL, "enkf: ensemble members"},
    {"obs_rel", SX_CFG_T_FLOAT, 0, "0.1", 0, 10, NULL, "enkf: observation error sd, fraction of the observed Q"},
    {"obs_min", SX_CFG_T_FLOAT, 0, "0.1", 1e-9, 1e9, NULL, "enkf: least observation error sd, m3/s"},
    {"inflation", SX_CFG_T_FLOAT, 0, "1.02", 1, 10, NULL, "enkf: multiplicative inflation of the anomalies"},
    {"rain_sigma", SX_CFG_T_FLOAT, 0, "0.3", 0, 3, NULL, "enkf: log-normal sd of the members' rain (model error)"},
    {"seed", SX_CFG_T_INT, 0, "1", 0, 9.2e18, NULL, "enkf: random seed (results depend on it, not on ranks)"},
};
#define NCF (sizeof corr_fields / sizeof *corr_fields)

/* Keys that belong to one method only, and the methods they belong to. */
static const struct {
    const char *key, *methods;
} only[] = {{"order", "ar|rls"}, {"limit", "ar|rls"}, {"lambda", "rls"}, {"steps", "dsrc"}, {"alpha", "dsrc"},
            {"delta", "dsrc"}, {"members", "enkf"}, {"obs_rel", "enkf"}, {"obs_min", "enkf"}, {"inflation", "enkf"},
            {"rain_sigma", "enkf"}, {"seed", "enkf"}};

static int method_in(const char *m, const char *list)
{
    size_t n = strlen(m);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, "|");
        if (len == n && !strncmp(p, m, n)) return 1;
        p += len + (p[len] == '|');
    }
    return 0;
}

static sx_err read_opts(const sx_cfg_t *cfg, const sx_cfg_node_t *cn, sx_hydro_update_opts_t *o, const char **method)
{
    SX_CHECK(sx_cfg_check(cfg, cn, corr_fields, NCF));
    SX_CHECK(sx_cfg_get_string(cfg, cn, "method", NULL, method));
    for (size_t i = 0; i < sizeof only / sizeof *only; i++)
        if (sx_cfg_map_get(cn, only[i].key) && !method_in(*method, only[i].methods))
            return sx_cfg_fail_at(cfg, sx_cfg_map_get(cn, only[i].key), "correction.%s applies to method %s, not %s",
                                  only[i].key, only[i].methods, *method);
    const int dsrc = !strcmp(*method, "dsrc");
    int64_t order, window, steps, members, seed;
    memset(o, 0, sizeof *o);
    SX_CHECK(sx_cfg_get_int(cfg, cn, "window", dsrc ? 24 : 0, &window));
    SX_CHECK(sx_cfg_get_int(cfg, cn, "order", 1, &order));
    SX_CHECK(sx_cfg_get_double(cfg, cn, "lambda", 0.98, &o->ar.lambda));
    SX_CHECK(sx_cfg_get_double(cfg, cn, "limit", 0, &o->ar.limit));
    SX_CHECK(sx_cfg_get_int(cfg, cn, "steps", window > 0 ? window : 24, &steps));
    SX_CHECK(sx_cfg_get_double(cfg, cn, "alpha", 1, &o->dsrc.alpha));
    SX_CHECK(sx_cfg_get_double(cfg, cn, "delta", 1, &o->dsrc.delta));
    SX_CHECK(sx_cfg_get_int(cfg, cn, "members", 50, &members));
    SX_CHECK(sx_cfg_get_double(cfg, cn, "obs_rel", 0.1, &o->enkf.obs_rel));
    SX_CHECK(sx_cfg_get_double(cfg, cn, "obs_min", 0.1, &o->enkf.obs_min));
    SX_CHECK(sx_cfg_get_double(cfg, cn, "inflation", 1.02, &o->enkf.inflation));
    SX_CHECK(sx_cfg_get_double(cfg, cn, "rain_sigma", 0.3, &o->enkf.rain_sigma));
    SX_CHECK(sx_cfg_get_int(cfg, cn, "seed", 1, &seed));
    if (dsrc && window < steps)
        return sx_cfg_fail_at(cfg, cn, "correction.window %lld must be at least correction.steps %lld (observed steps "
                              "to fit the runoff of)", (long long)window, (long long)steps);
    o->method = !strcmp(*method, "rls")    ? SX_HYDRO_UPDATE_RLS
                : dsrc                     ? SX_HYDRO_UPDATE_DSRC
                : !strcmp(*method, "enkf") ? SX_HYDRO_UPDATE_ENKF
                                           : SX_HYDRO_UPDATE_AR;
    o->ar.method = o->method == SX_HYDRO_UPDATE_RLS ? SX_HYDRO_CORRECT_RLS : SX_HYDRO_CORRECT_AR;
    o->ar.order = (int)order;
    o->ar.window = window;
    o->dsrc.m = steps;
    o->dsrc.window = window;
    o->enkf.members = (int)members;
    o->enkf.window = window;
    o->enkf.seed = (uint64_t)seed;
    return SX_OK;
}

/* The telemetry file's discharge on the forcing's rows start..last (NaN where missing), rank 0. */
static sx_err align(const char *path, const char *column, const sx_hydro_forecast_cfg_t *c, int64_t last, double *obs)
{
    sx_hydro_series_t so;
    const char *req[] = {column};
    SX_CHECK(sx_hydro_series_read_missing(path, req, 1, &so));
    const sx_hydro_series_t *s = c->times;
    sx_err e = SX_OK;
    if (so.time_is_date != s->time_is_date)
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s has %s but the forcing has %s; write both alike", path,
                       so.time_is_date ? "dates" : "step numbers", s->time_is_date ? "dates" : "step numbers");
    const double *v = sx_hydro_series_col(&so, column);
    int64_t after = 0;
    for (int64_t i = 0; !e && i < so.n; i++) {
        if (so.t[i] > s->t[last]) {
            after++;
            continue;
        }
        if (so.t[i] < s->t[c->start]) continue;
        int64_t row = sx__step_series_row(s, so.t[i]);
        if (row < 0)
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s row %lld: time %s is not a time of the forcing (%s, %s, "
                           "...); give the observations at the forcing's steps", path, (long long)i + 2, so.time[i],
                           s->time[0], s->n > 1 ? s->time[1] : "");
        else
            obs[row - c->start] = v[i];
    }
    if (!e && after && last == c->issue)
        sx_log_info("%s: %lld observation(s) after the issue time %s not used", path, (long long)after, s->time[last]);
    sx_hydro_series_fini(&so);
    return e;
}

/* Warnings for gaps and late data; refusal of a window without observations. */
static sx_err check_gaps(const char *src, const sx_hydro_forecast_cfg_t *c, const double *obs, int64_t window)
{
    const int64_t nh = c->issue - c->start + 1, a = window > 0 && window < nh ? nh - window : 0;
    int64_t first = -1, last = -1, nmiss = 0;
    for (int64_t t = 0; t < nh; t++)
        if (isfinite(obs[t])) last = t, first = first < 0 ? t : first;
    SX_FAIL_IF(last < a, SX_ERR_INPUT, "%s has no observation between %s and the issue time %s; the forecast cannot be "
               "corrected: give the observations or remove `correction`", src, c->times->time[c->start + a],
               c->times->time[c->issue]);
    for (int64_t t = first > a ? first : a; t <= last; t++)
        if (!isfinite(obs[t]) && ++nmiss <= MAX_WARN)
            sx_log_warn("%s: no observation at %s (missing); skipped", src, c->times->time[c->start + t]);
    if (nmiss > MAX_WARN) sx_log_warn("%s: %lld more missing observations skipped", src, (long long)nmiss - MAX_WARN);
    if (last < nh - 1)
        sx_log_warn("%s: the last observation is at %s, %lld step(s) before the issue time %s (late); the correction "
                    "uses what there is", src, c->times->time[c->start + last], (long long)(nh - 1 - last),
                    c->times->time[c->issue]);
    return SX_OK;
}

/* The correction's options, observation file (path, NULL: the step's `observed`), column and node. */
static sx_err settings(sx_job_t *job, const sx_cfg_node_t *cn, const fc_t *f, sx_hydro_update_opts_t *o,
                       const char **method, const char **path, const char **column, int *node)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const sx_hydro_forecast_cfg_t *c = &f->c;
    const char *ref = NULL, *nid = NULL;
    *path = NULL;
    SX_CHECK(read_opts(cfg, cn, o, method));
    /* DSRC and the EnKF re-run the network without its reservoirs (fcnet.c): refused rather than ignored. */
    for (int i = 0; c->reservoirs && (o->method == SX_HYDRO_UPDATE_DSRC || o->method == SX_HYDRO_UPDATE_ENKF) &&
                    i < c->nnodes; i++)
        if (c->reservoirs[i])
            return sx_cfg_fail_at(cfg, sx_cfg_map_get(cn, "method"), "correction.method %s does not route through "
                                  "reservoir nodes yet (sub-basin '%s' has one): use ar or rls, which correct the "
                                  "forecast at the observed node", *method, c->nodes[i].id);
    SX_CHECK(sx_cfg_get_string(cfg, cn, "observations", NULL, &ref));
    SX_CHECK(sx_cfg_get_string(cfg, cn, "column", "Q", column));
    SX_CHECK(sx_cfg_get_string(cfg, cn, "node", NULL, &nid));
    if (ref) SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(cn, "observations"), ref, path));
    if (!*path && !f->x.obs)
        return sx_cfg_fail_at(cfg, cn, "correction needs the observed discharge: give correction.observations (a CSV "
                              "time,Q) or the step's `observed` column");
    int obs_node = f->x.obs_node;
    for (int i = 0; nid && i < c->nnodes; i++)
        if (!strcmp(nid, c->nodes[i].id)) obs_node = i;
    if (nid && (obs_node < 0 || strcmp(nid, c->nodes[obs_node].id)))
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(cn, "node"), "correction.node '%s' is not a sub-basin id", nid);
    if (obs_node < 0) return sx_cfg_fail_at(cfg, cn, "give correction.node (the sub-basin where the discharge is observed)");
    if (f->x.obs && obs_node != f->x.obs_node)
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(cn, "node"), "correction.node '%s' differs from observed_node '%s'; "
                              "the step's observations are at observed_node", nid, c->nodes[f->x.obs_node].id);
    *node = obs_node;
    return SX_OK;
}

sx_err sx__hydro_forecast_correction_check(sx_job_t *job, const sx_cfg_node_t *node, const fc_t *f)
{
    const sx_cfg_node_t *cn = sx_cfg_map_get(node, "correction");
    sx_hydro_update_opts_t o;
    const char *method, *path, *column;
    int obs_node;
    return cn ? settings(job, cn, f, &o, &method, &path, &column, &obs_node) : SX_OK;
}

sx_err sx__hydro_forecast_correction(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm, fc_t *f,
                                     const sx_hydro_forecast_t *r)
{
    const sx_cfg_node_t *cn = sx_cfg_map_get(node, "correction");
    if (!cn) return SX_OK;
    const sx_hydro_forecast_cfg_t *c = &f->c;
    sx_hydro_update_opts_t o;
    const char *method, *path, *column;
    int obs_node;
    SX_CHECK(settings(job, cn, f, &o, &method, &path, &column, &obs_node));
    const int64_t nh = c->issue - c->start + 1, ns = nh + c->nlead;
    SX_ALLOC(f->corr_obs, ns, "observations");
    SX_ALLOC(f->q_corr, c->nlead, "corrected forecast");
    for (int64_t t = 0; t < ns; t++) f->corr_obs[t] = t < nh && !path ? f->x.obs[t] : NAN;
    const char *src = path ? path : sx_cfg_source(sx_job_cfg(job));
    sx_err e = SX_OK;
    if (sx_mpi_rank() == 0) {
        if (path) e = align(path, column, c, c->issue, f->corr_obs);
        if (!e) e = check_gaps(src, c, f->corr_obs, o.ar.window);
    }
    SX_CHECK(sx_err_agree(comm, e));
    SX_CHECK_MPI(MPI_Bcast(f->corr_obs, (int)nh, MPI_DOUBLE, 0, comm));
    e = sx_hydro_forecast_update(comm, c, &o, f->corr_obs, obs_node, r->q_det + (int64_t)obs_node * r->nsteps,
                                 f->q_corr, f->corr_note, sizeof f->corr_note);
    if (e == SX_ERR_INPUT) { /* name the observations, the issue time and the keys */
        char msg[512];
        snprintf(msg, sizeof msg, "%s", sx_err_message());
        sx_err_clear();
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s up to %s: %s (correction.method %s, correction.window)",
                       src, c->times->time[c->issue], msg, method);
    }
    SX_CHECK(sx_err_agree(comm, e));
    if (!f->x.obs) f->x.obs = f->corr_obs, f->x.obs_node = obs_node;
    f->x.q_corr = f->q_corr;
    f->x.corr_method = sx_hydro_update_method_name(o.method);
    f->x.corr_note = f->corr_note;
    sx_log_info("hydro_forecast: corrected at %s by %s: %s", c->nodes[obs_node].id, f->x.corr_method, f->corr_note);
    return SX_OK;
}

sx_err sx__hydro_observations(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm, const fc_t *f, int64_t n,
                              double *obs, int *obs_node, sx_hydro_update_opts_t *o, int *has_method,
                              const char **src)
{
    const sx_cfg_node_t *cn = sx_cfg_map_get(node, "correction");
    const sx_hydro_forecast_cfg_t *c = &f->c;
    const char *method, *path = NULL, *column = "Q";
    *has_method = cn != NULL;
    *obs_node = f->x.obs_node;
    if (cn) SX_CHECK(settings(job, cn, f, o, &method, &path, &column, obs_node));
    else if (!f->x.obs)
        return sx_cfg_fail_at(sx_job_cfg(job), node, "a hindcast needs the observed discharge: give the step's "
                              "`observed` column and observed_node, or correction.observations");
    for (int64_t t = 0; t < n; t++) obs[t] = path ? NAN : f->x.obs[t];
    *src = path ? path : sx_cfg_source(sx_job_cfg(job));
    sx_err e = SX_OK;
    if (sx_mpi_rank() == 0 && path) e = align(path, column, c, c->start + n - 1, obs);
    SX_CHECK(sx_err_agree(comm, e));
    SX_CHECK_MPI(MPI_Bcast(obs, (int)n, MPI_DOUBLE, 0, comm));
    return SX_OK;
}
