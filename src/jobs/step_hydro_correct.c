/*
 * step_hydro_correct.c — step `hydro_correct` (`sanxiang hydro correct`):
 * real-time correction (实时校正) of a simulated discharge with the
 * observations up to the issue time, by an AR(p) model of the simulation
 * error fitted by least squares over a window (ar) or by recursive least
 * squares with forgetting (rls), carried `lead` steps ahead
 * (sx_hydro_correct.h). Writes time,simulated,corrected for the lead steps.
 * Observations must lie on the simulation's steps; missing values (empty,
 * NA, NaN, or no row) in the fitting window after the first observation are
 * skipped with a warning each;
 * backwards or repeated times, an issue time outside the simulation and too
 * few observations for the order are refused. Rank 0 does the work.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_hydro_common.h"
#include "sanxiang/sx_hydro_correct.h"
#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"

#define MAX_WARN 20 /* missing observations named one by one, then counted */

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "hydro_correct"},
    {"method", SX_CFG_T_ENUM, 1, NULL, 1, 0, "ar|rls", "ar: least squares over the window; rls: recursive least "
     "squares with forgetting", NULL, "ar|rls"},
    {"order", SX_CFG_T_INT, 1, NULL, 1, SX_HYDRO_CORRECT_MAX_ORDER, NULL, "order p of the error autoregression", NULL,
     "P"},
    {"lambda", SX_CFG_T_FLOAT, 0, "0.98", 1e-6, 1, NULL, "rls: forgetting factor in (0, 1]; 1 = batch least squares",
     NULL, "L"},
    {"window", SX_CFG_T_INT, 0, "0 (all)", 0, 1e9, NULL, "fit over the errors of the last W steps up to the issue",
     NULL, "W"},
    {"limit", SX_CFG_T_FLOAT, 0, "0 (none)", 0, 100, NULL, "keep corrected within [sim/(1+R), sim*(1+R)]", NULL, "R"},
    {"sim", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "CSV time,Q simulated, through the issue time and the lead", NULL,
     "SIM.csv"},
    {"obs", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "CSV time,Q observed at steps of the simulation (empty = missing)",
     NULL, "OBS.csv"},
    {"issue", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "issue time: a time of the simulation; observations up to it "
     "are used", NULL, "TIME"},
    {"lead", SX_CFG_T_INT, 1, NULL, 1, 1e7, NULL, "steps after the issue time to correct", NULL, "N"},
    {"output", SX_CFG_T_STRING, 0, "corrected", 1, 0, NULL, "CSV of time,simulated,corrected", "-o", "OUT.csv"},
};
#define NF (sizeof fields / sizeof *fields)

static const char *label(const sx_cfg_t *cfg, const char *key, char *buf)
{
    return sx_cfg_key_label(cfg, fields, NF, key, buf, 32);
}

/* obs on the steps of sim up to issue (NaN where missing); observations after
 * the issue or before the simulation are not used. */
static sx_err align(const sx_hydro_series_t *so, const sx_hydro_series_t *ss, int64_t issue, double *q,
                    int64_t *first_obs)
{
    SX_FAIL_IF(so->time_is_date != ss->time_is_date, SX_ERR_INPUT, "%s has %s but %s has %s; write both alike",
               so->source, so->time_is_date ? "dates" : "step numbers", ss->source,
               ss->time_is_date ? "dates" : "step numbers");
    const double *v = sx_hydro_series_col(so, "Q");
    for (int64_t t = 0; t <= issue; t++) q[t] = NAN;
    for (int64_t i = 0; i < so->n; i++) {
        if (so->t[i] < ss->t[0] || so->t[i] > ss->t[issue]) continue;
        int64_t at = sx__step_series_row(ss, so->t[i]);
        SX_FAIL_IF(at < 0, SX_ERR_INPUT, "%s row %lld: time %s is not a time of the simulation %s (%s, %s, ...); give "
                   "the observations at the simulation's steps", so->source, (long long)i + 2, so->time[i], ss->source,
                   ss->time[0], ss->n > 1 ? ss->time[1] : "");
        q[at] = v[i];
        if (*first_obs < 0) *first_obs = at;
    }
    return SX_OK;
}

static sx_err correct(sx_job_t *job, const sx_cfg_node_t *node, const sx_hydro_series_t *so,
                      const sx_hydro_series_t *ss, double *obs)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *method, *issue_s, *output;
    int64_t order, window, lead;
    double lambda, limit;
    char k1[32], k2[32], k3[32];
    SX_CHECK(sx_cfg_get_string(cfg, node, "method", NULL, &method));
    SX_CHECK(sx_cfg_get_int(cfg, node, "order", 1, &order));
    SX_CHECK(sx_cfg_get_int(cfg, node, "window", 0, &window));
    SX_CHECK(sx_cfg_get_int(cfg, node, "lead", 1, &lead));
    SX_CHECK(sx_cfg_get_double(cfg, node, "lambda", 0.98, &lambda));
    SX_CHECK(sx_cfg_get_double(cfg, node, "limit", 0, &limit));
    SX_CHECK(sx_cfg_get_string(cfg, node, "issue", NULL, &issue_s));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "corrected", &output));
    int rls = !strcmp(method, "rls");
    if (!rls && sx_cfg_map_get(node, "lambda"))
        return sx_cfg_fail_at(cfg, node, "%s applies to %s rls only", label(cfg, "lambda", k1),
                              label(cfg, "method", k2));
    double ti;
    int is_date;
    int64_t issue = -1;
    if (sx_hydro_time_parse(issue_s, &ti, &is_date) && is_date == ss->time_is_date) issue = sx__step_series_row(ss, ti);
    if (issue < 0)
        return sx_cfg_fail_at(cfg, node, "%s '%s' is not a time of the simulation %s (%s .. %s)",
                              label(cfg, "issue", k1), issue_s, ss->source, ss->time[0], ss->time[ss->n - 1]);
    if (issue + lead > ss->n - 1)
        return sx_cfg_fail_at(cfg, node, "%s %lld steps after %s %s runs past the end of the simulation %s (%s, %lld "
                              "step(s) after it); shorten the lead or extend the simulation", label(cfg, "lead", k1),
                              (long long)lead, label(cfg, "issue", k2), issue_s, ss->source, ss->time[ss->n - 1],
                              (long long)(ss->n - 1 - issue));
    int64_t first_obs = -1; /* the record starts there: no warnings before it */
    SX_CHECK(align(so, ss, issue, obs, &first_obs));
    const double *sim = sx_hydro_series_col(ss, "Q");
    int p = (int)order;
    int64_t first = window > 0 && window + p <= issue ? issue + 1 - window - p : 0, nmiss = 0;
    for (int64_t t = first > first_obs ? first : first_obs; first_obs >= 0 && t <= issue; t++)
        if (isnan(obs[t]) && ++nmiss <= MAX_WARN)
            sx_log_warn("%s: no observation at %s (missing); skipped", so->source, ss->time[t]);
    if (nmiss > MAX_WARN)
        sx_log_warn("%s: %lld more missing observations skipped", so->source, (long long)nmiss - MAX_WARN);
    double *e = malloc((size_t)(issue + 1) * sizeof *e);
    SX_FAIL_IF(!e, SX_ERR_NOMEM, "out of memory for %lld errors", (long long)issue + 1);
    for (int64_t t = 0; t <= issue; t++) e[t] = obs[t] - sim[t];
    int64_t rows = sx_hydro_ar_rows(e + first, issue + 1 - first, p);
    free(e);
    SX_FAIL_IF(rows < p, SX_ERR_INPUT, "%s: %lld complete error row(s) (a row is %d consecutive observations) in "
               "the window ending at %s; AR(%d) needs at least %d: give more observations, widen %s or lower %s",
               so->source, (long long)rows, p + 1, issue_s, p, p, label(cfg, "window", k1), label(cfg, "order", k2));
    sx_hydro_correct_opts_t opts = {rls ? SX_HYDRO_CORRECT_RLS : SX_HYDRO_CORRECT_AR, p, lambda, window, limit};
    sx_hydro_correct_info_t info;
    double *out = malloc((size_t)lead * sizeof *out);
    SX_FAIL_IF(!out, SX_ERR_NOMEM, "out of memory for %lld lead steps", (long long)lead);
    sx_err err = sx_hydro_correct(&opts, sim, obs, issue, lead, out, &info);
    if (err == SX_ERR_INPUT) { /* name the file, time and keys the numbers came from */
        char msg[512];
        snprintf(msg, sizeof msg, "%s", sx_err_message());
        sx_err_clear();
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s up to %s: %s (%s, %s, %s)", so->source, issue_s, msg,
                         label(cfg, "order", k1), label(cfg, "window", k2), label(cfg, "method", k3));
    }
    char path[SX_PATH_MAX];
    if (!err) err = sx_job_out_file(job, output, ".csv", path, sizeof path);
    if (!err) {
        sx_hydro_series_t like = *ss; /* a view of the lead steps' times */
        like.n = lead;
        like.time = ss->time + issue + 1;
        static const char *const names[] = {"simulated", "corrected"};
        const double *cols[] = {sim + issue + 1, out};
        err = sx_hydro_series_write(path, &like, 2, names, cols);
    }
    if (!err) {
        char phi[256] = "";
        for (int i = 0; i < p; i++)
            snprintf(phi + strlen(phi), sizeof phi - strlen(phi), "%s%.6g", i ? ", " : "", info.phi[i]);
        sx_log_info("hydro correct %s AR(%d): phi = [%s] from %lld rows; error at %s propagated %lld step(s) from %s; "
                    "%lld value(s) limited", method, p, phi, (long long)info.rows, issue_s, (long long)lead,
                    ss->time[info.from], (long long)info.limited);
    }
    free(out);
    return err;
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    (void)comm;
    if (sx_mpi_rank() != 0) return SX_OK;
    sx_hydro_series_t so, ss;
    sx_err e = sx__step_read_obs_sim(job, node, 1, &so, &ss);
    double *obs = NULL; /* the observations on the simulation's steps */
    if (!e)
        e = (obs = malloc((size_t)ss.n * sizeof *obs)) ? correct(job, node, &so, &ss, obs)
                                                       : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    free(obs);
    sx_hydro_series_fini(&so);
    sx_hydro_series_fini(&ss);
    return e;
}

const sx_job_step_t sx_step_hydro_correct = {
    "hydro_correct", "real-time error correction of a simulated discharge (AR or RLS on the error)", fields, NF, run,
    "hydro correct", ".csv",
    "e = obs - sim up to the issue time follows e_t = phi_1 e_t-1 + ... + phi_p e_t-p; phi by least squares over\n"
    "--window steps (ar) or recursive least squares with forgetting --lambda (rls); the error is carried --lead\n"
    "steps ahead and added to the simulation. OUT.csv has time,simulated,corrected. Missing observations\n"
    "(empty, NA, NaN) are skipped with a warning."};
