/*
 * step_hydro_hindcast.c — the `hindcast` of a hydro_forecast step: instead
 * of one forecast, the forecast cycle at every issue time from `from` to the
 * step's `issue`, every `every` steps, uncorrected and (with `correction`)
 * updated, scored per lead time by GB/T 22482-2008
 * (sx_hydro_hindcast.h). Writes hindcast_scores.csv, hindcast_events.csv,
 * hindcast_forecasts.csv, hindcast_passrate.svg and hindcast.md to the run
 * directory (rank 0). The rain ensemble and the hot-start state of a single
 * forecast are not used.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_hydro_common.h"
#include "jobs/step_hydro_forecast.h"
#include "sanxiang/sx_hydro_hindcast.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"

static const sx_cfg_field_t hc_fields[] = {
    {"from", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "first issue time (a time of the forcing, start .. issue)"},
    {"every", SX_CFG_T_INT, 0, "1", 1, 1e6, NULL, "steps between issue times (at most the lead)"},
    {"threshold", SX_CFG_T_FLOAT, 0, "event_threshold", 0, 1e9, NULL, "flood events: observed Q >= this, m3/s"},
};

/* Area upstream of (and at) node i, km²: the runoff depth's basin. */
static double upstream_area(const sx_hydro_forecast_cfg_t *c, int i)
{
    double a = 0;
    for (int k = 0; k < c->nnodes; k++) {
        int j = k, hops = 0;
        while (j != i && c->nodes[j].down[0] && hops++ < c->nnodes) {
            int d = -1;
            for (int m = 0; m < c->nnodes && d < 0; m++)
                if (!strcmp(c->nodes[m].id, c->nodes[j].down)) d = m;
            if (d < 0) break;
            j = d;
        }
        if (j == i) a += c->nodes[k].area_km2;
    }
    return a;
}

static sx_err write_all(sx_job_t *job, const fc_t *f, const sx_hydro_hindcast_t *h, const double *obs,
                        const sx_hydro_hindcast_score_t *sc, int n, const char *method, double threshold)
{
    char p[SX_PATH_MAX];
    SX_CHECK(sx_job_out_path(job, "hindcast_scores.csv", p, sizeof p));
    SX_CHECK(sx_hydro_hindcast_write_scores(p, sc, n, method));
    SX_CHECK(sx_job_out_path(job, "hindcast_events.csv", p, sizeof p));
    SX_CHECK(sx_hydro_hindcast_write_events(p, &f->c, sc, n, method));
    SX_CHECK(sx_job_out_path(job, "hindcast_forecasts.csv", p, sizeof p));
    SX_CHECK(sx_hydro_hindcast_write_forecasts(p, &f->c, h, obs));
    SX_CHECK(sx_job_out_path(job, "hindcast_passrate.svg", p, sizeof p));
    SX_CHECK(sx_hydro_hindcast_write_svg(p, &f->c, sc, n, method));
    SX_CHECK(sx_job_out_path(job, "hindcast.md", p, sizeof p));
    SX_CHECK(sx_hydro_hindcast_write_md(p, &f->c, h, sc, n, method, threshold));
    return SX_OK;
}

/* Score every lead and write (rank 0). */
static sx_err score(sx_job_t *job, const fc_t *f, const sx_hydro_hindcast_t *h, const double *obs, const char *src,
                    int node, const char *method, double threshold)
{
    const int64_t lmax = sx_hydro_hindcast_max_lead(h);
    sx_hydro_hindcast_score_t *sc = calloc((size_t)lmax, sizeof *sc);
    SX_FAIL_IF(!sc, SX_ERR_NOMEM, "out of memory for the hindcast scores");
    const double area = upstream_area(&f->c, node), depth = 3.6 * f->c.dt_hours / (area > 0 ? area : 1);
    const int64_t from = h->issue[0] + lmax, to = h->issue[h->nissue - 1] + 2;
    for (int64_t t = from; t < to && t < h->nsteps; t++)
        if (!isfinite(obs[t])) {
            free(sc);
            SX_FAIL(SX_ERR_INPUT, "%s has no observation at %s, inside the hindcast's scored span %s .. %s (every step "
                    "is scored); fill the gap or move hindcast.from after it", src, f->c.times->time[f->c.start + t],
                    f->c.times->time[f->c.start + from], f->c.times->time[f->c.start + to - 1]);
        }
    sx_err e = SX_OK;
    for (int64_t L = 1; !e && L <= lmax; L++) e = sx_hydro_hindcast_score(h, obs, threshold, depth, L, &sc[L - 1]);
    if (!e) e = write_all(job, f, h, obs, sc, (int)lmax, method, threshold);
    for (int64_t L = 1; !e && L <= lmax; L++)
        if (method)
            sx_log_info("hindcast lead %lld: %d events; pass rate %.0f %% uncorrected, %.0f %% %s; DC %.3f, %.3f",
                        (long long)L, sc[L - 1].nev, sc[L - 1].sum[0].pass_rate, sc[L - 1].sum[1].pass_rate, method,
                        sc[L - 1].sum[0].dc, sc[L - 1].sum[1].dc);
        else
            sx_log_info("hindcast lead %lld: %d events; pass rate %.0f %%, DC %.3f", (long long)L, sc[L - 1].nev,
                        sc[L - 1].sum[0].pass_rate, sc[L - 1].sum[0].dc);
    free(sc);
    return e;
}

sx_err sx__hydro_hindcast(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm, fc_t *f)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const sx_cfg_node_t *hn = sx_cfg_map_get(node, "hindcast");
    const sx_hydro_forecast_cfg_t *c = &f->c;
    const char *from;
    int64_t every;
    double threshold, t;
    int is_date;
    SX_CHECK(sx_cfg_check(cfg, hn, hc_fields, sizeof hc_fields / sizeof *hc_fields));
    SX_CHECK(sx_cfg_get_string(cfg, hn, "from", NULL, &from));
    SX_CHECK(sx_cfg_get_int(cfg, hn, "every", 1, &every));
    SX_CHECK(sx_cfg_get_double(cfg, hn, "threshold", f->x.event_threshold, &threshold));
    int64_t first = -1;
    if (sx_hydro_time_parse(from, &t, &is_date) && is_date == c->times->time_is_date)
        first = sx__step_series_row(c->times, t);
    if (first < c->start || first > c->issue)
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(hn, "from"), "hindcast.from '%s' must be a time of the forcing "
                              "between start %s and issue %s", from, c->times->time[c->start], c->times->time[c->issue]);
    if (every > c->nlead)
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(hn, "every"), "hindcast.every %lld exceeds the lead %lld: some steps "
                              "would have no forecast", (long long)every, (long long)c->nlead);
    if (!(threshold > 0))
        return sx_cfg_fail_at(cfg, hn, "give hindcast.threshold (or the step's event_threshold): floods are the runs of "
                              "observed discharge above it");
    const int64_t n = c->issue - c->start + 1 + c->nlead;
    double *obs = malloc((size_t)n * sizeof *obs);
    SX_FAIL_IF(!obs, SX_ERR_NOMEM, "out of memory");
    sx_hydro_update_opts_t o;
    int node_i, has;
    sx_hydro_hindcast_t h;
    memset(&h, 0, sizeof h);
    const char *src;
    sx_err e = sx__hydro_observations(job, node, comm, f, n, obs, &node_i, &o, &has, &src);
    if (!e) {
        sx_perf_start("hydro hindcast", SX_PERF_COMPUTE);
        e = sx_hydro_hindcast_run(comm, c, has ? &o : NULL, obs, node_i, first, every, &h);
        sx_perf_stop("hydro hindcast");
    }
    const char *method = has ? sx_hydro_update_method_name(o.method) : NULL;
    if (!e) {
        sx_err w = sx_mpi_rank() == 0 ? score(job, f, &h, obs, src, node_i, method, threshold) : SX_OK;
        e = sx_err_agree(comm, w);
    }
    if (!e)
        sx_log_info("hydro_forecast %s: hindcast of %lld issue times (%s .. %s, every %lld), lead %lld, at %s; %s", c->basin,
                    (long long)h.nissue, c->times->time[first], c->times->time[c->start + h.issue[h.nissue - 1]],
                    (long long)every, (long long)c->nlead, c->nodes[node_i].id, h.note[0] ? h.note : "uncorrected only");
    sx_hydro_hindcast_fini(&h);
    free(obs);
    return e;
}
