/*
 * step_hydro_evaluate.c — step `hydro_evaluate` (`sanxiang hydro evaluate`):
 * a simulated discharge series judged against the observed one by
 * GB/T 22482-2008, per flood event (given, or found above a threshold) and
 * over the whole span (DC). Rank 0 does the work; from the command line
 * without -o the table goes to the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_hydro_common.h"
#include "sanxiang/sx_hydro_eval.h"
#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_table.h"

#define MAX_EVENTS 1000

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "hydro_evaluate"},
    {"obs", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "CSV time,Q observed", NULL, "OBS.csv"},
    {"sim", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "CSV time,Q simulated, at the same times", NULL, "SIM.csv"},
    {"events", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "CSV start,end (times of the observed series): the flood events",
     NULL, "EV.csv"},
    {"threshold", SX_CFG_T_FLOAT, 0, NULL, 0, 1e12, NULL, "without events: events where observed Q >= this", NULL, "Q"},
    {"pad", SX_CFG_T_INT, 0, "0", 0, 1e6, NULL, "steps added before and after each event found by threshold"},
    {"area", SX_CFG_T_FLOAT, 0, NULL, 1e-9, 1e9, NULL, "basin area (km2) when Q is in m3/s (runoff depths in mm)",
     NULL, "KM2"},
    {"dt_hours", SX_CFG_T_FLOAT, 0, "from the times, else 24", 1e-6, 8784, NULL, "length of a step in hours", NULL,
     "H"},
    {"warmup", SX_CFG_T_INT, 0, "0", 0, 1e9, NULL, "steps left out (events start after them)"},
    {"output", SX_CFG_T_STRING, 0, "evaluation", 1, 0, NULL, "CSV of the event table (command line: the terminal "
     "without -o)", "-o", "TABLE.csv"},
};
#define NF (sizeof fields / sizeof *fields)

/* Events from a CSV start,end, each time one of the observed series'. */
static sx_err read_events(const char *path, const sx_hydro_series_t *obs, sx_gbt_event_t *ev, int *nev)
{
    sx_table_t *t = NULL;
    SX_CHECK(sx_table_read(path, &t));
    int cs = sx_table_col(t, "start"), ce = sx_table_col(t, "end");
    sx_err e = cs < 0 || ce < 0 ? sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                              "%s: needs columns start,end (times of the observed series)", path)
                                : SX_OK;
    int rows = e ? 0 : t->nrow;
    if (!e && rows > MAX_EVENTS) e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s: more than %d events", path, MAX_EVENTS);
    for (int r = 0; !e && r < rows; r++) {
        const char *when[2] = {sx_table_at(t, r, cs), sx_table_at(t, r, ce)};
        int64_t at[2] = {-1, -1};
        for (int k = 0; k < 2; k++)
            for (int64_t i = 0; i < obs->n && at[k] < 0; i++)
                if (!strcmp(obs->time[i], when[k])) at[k] = i;
        for (int k = 0; k < 2 && !e; k++)
            if (at[k] < 0)
                e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s row %lld: %s time '%s' is not a time of the observed "
                               "series", path, (long long)r + 2, k ? "end" : "start", when[k]);
        if (!e && at[1] < at[0])
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s row %lld: the event ends before it starts", path,
                           (long long)r + 2);
        if (!e) {
            memset(&ev[r], 0, sizeof ev[r]);
            ev[r].start = at[0];
            ev[r].end = at[1];
        }
    }
    *nev = rows;
    sx_table_destroy(&t);
    return e;
}

static sx_err evaluate(sx_job_t *job, const sx_cfg_node_t *node, const sx_hydro_series_t *so,
                       const sx_hydro_series_t *ss, sx_gbt_event_t *ev)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *evf, *output;
    double thr, area, dth;
    int64_t pad, warmup;
    int nev = 0;
    char k1[32], k2[32];
    SX_CHECK(sx_job_input(job, node, "events", &evf));
    SX_CHECK(sx_cfg_get_double(cfg, node, "threshold", -1, &thr));
    SX_CHECK(sx_cfg_get_double(cfg, node, "area", 0, &area));
    SX_CHECK(sx_cfg_get_double(cfg, node, "dt_hours", 0, &dth));
    SX_CHECK(sx_cfg_get_int(cfg, node, "pad", 0, &pad));
    SX_CHECK(sx_cfg_get_int(cfg, node, "warmup", 0, &warmup));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", sx_job_is_command(job) ? NULL : "evaluation", &output));
    if (!evf && thr < 0)
        return sx_cfg_fail_at(cfg, node, "give the flood events (%s) or a threshold to find them (%s)",
                              sx_cfg_key_label(cfg, fields, NF, "events", k1, sizeof k1),
                              sx_cfg_key_label(cfg, fields, NF, "threshold", k2, sizeof k2));
    SX_FAIL_IF(so->n != ss->n || so->t[0] != ss->t[0] || so->dt != ss->dt, SX_ERR_INPUT,
               "the observed (%lld steps from %s) and simulated (%lld steps from %s) series do not cover the same "
               "times; give both at the same times", (long long)so->n, so->time[0], (long long)ss->n, ss->time[0]);
    const double *qo = sx_hydro_series_col(so, "Q"), *qs = sx_hydro_series_col(ss, "Q");
    if (evf) {
        SX_CHECK(read_events(evf, so, ev, &nev));
    } else {
        int64_t w0 = warmup < so->n ? warmup : 0; /* events after the warm-up only */
        SX_CHECK(sx_hydro_find_events(qo + w0, so->n - w0, thr, pad, ev, MAX_EVENTS, &nev));
        if (nev > MAX_EVENTS) nev = MAX_EVENTS;
        for (int i = 0; i < nev; i++) ev[i].start += w0, ev[i].end += w0;
    }
    SX_FAIL_IF(nev == 0, SX_ERR_INPUT, "no flood events to evaluate; lower %s or give %s",
               sx_cfg_key_label(cfg, fields, NF, "threshold", k1, sizeof k1),
               sx_cfg_key_label(cfg, fields, NF, "events", k2, sizeof k2));
    double hours = 24;
    if (area > 0) SX_CHECK(sx_hydro_series_step_hours(so, dth, &hours));
    double factor = area > 0 ? 3.6 * hours / area : 1.0;
    sx_gbt_summary_t sum;
    SX_CHECK(sx_gbt22482_evaluate(qo, qs, so->n, warmup, factor, ev, nev, &sum));
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_err e = sx_gbt22482_table(ev, nev, &sum, so->time, &sb);
    char path[SX_PATH_MAX];
    if (!e && output) e = sx_job_out_file(job, output, ".csv", path, sizeof path);
    if (!e && output) e = sx_write_text_file(path, sb.data);
    else if (!e) fputs(sb.data, stdout);
    sx_strbuf_fini(&sb);
    if (!e)
        sx_log_info("GB/T 22482-2008: %d events, %d qualified, pass rate %.1f%% (%s); DC %.4f (%s)", sum.nevents,
                    sum.nqualified, sum.pass_rate, sum.grade, sum.dc, sum.dc_grade);
    return e;
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    (void)comm;
    if (sx_mpi_rank() != 0) return SX_OK;
    sx_hydro_series_t so, ss;
    sx_err e = sx__step_read_obs_sim(job, node, 0, &so, &ss);
    sx_gbt_event_t *ev = e ? NULL : calloc(MAX_EVENTS, sizeof *ev);
    if (!e && !ev) e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    if (!e) e = evaluate(job, node, &so, &ss, ev);
    free(ev);
    sx_hydro_series_fini(&so);
    sx_hydro_series_fini(&ss);
    return e;
}

const sx_job_step_t sx_step_hydro_evaluate = {
    "hydro_evaluate", "GB/T 22482-2008 evaluation of a simulated discharge against the observed one", fields, NF, run,
    "hydro evaluate", ".csv",
    "Per event: peak (20%), peak time (1 step), runoff depth (20%, 3..20 mm), qualified; pass rate and grade; DC over\n"
    "the whole series. EV.csv has columns start,end (times). Without -o the table is printed.",
    0, 1};
