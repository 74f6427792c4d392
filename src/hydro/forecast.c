/*
 * forecast.c — one forecast run for a basin (see sx_hydro_forecast.h):
 * hot start, observed-rain run to the issue time, state saved, forecast
 * rain run deterministically and as an ensemble over ranks, network routing
 * (reservoirs hot-started from the state file too), percentiles and
 * exceedance probabilities, every member's reservoir levels gathered.
 *
 * Exactness: every member's numbers depend only on (seed, member); members
 * are gathered by index; percentiles sort each step's member values on every
 * rank identically. Memory per rank: its members' lead-time series plus the
 * gathered percentile input (members x (nodes + reservoirs) x lead doubles:
 * discharges and pool levels).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hydro/fcnet.h"
#include "hydro/hydro_rng.h"
#include "hydro_internal.h"
#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_forecast.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"

void sx_hydro_forecast_fini(sx_hydro_forecast_t *f)
{
    if (!f) return;
    free(f->q_det);
    free(f->pct);
    free(f->p_warn);
    free(f->p_guar);
    free(f->res_inflow);
    free(f->res_level);
    free(f->res_storage);
    free(f->res_rule);
    free(f->ens);
    free(f->ens_res_level);
    free(f->res_lpct);
    free(f->res_p);
    free(f->res_p_any);
    memset(f, 0, sizeof *f);
}

static sx_err check_cfg(const sx_hydro_forecast_cfg_t *c)
{
    const int64_t n = c->times->n;
    SX_FAIL_IF(c->start < 0 || c->issue < c->start || c->issue >= n, SX_ERR_CONFIG,
               "forecast window: start row %lld and issue row %lld must satisfy 0 <= start <= issue < %lld",
               (long long)c->start, (long long)c->issue, (long long)n);
    SX_FAIL_IF(c->nlead < 1 || c->issue + c->nlead >= n, SX_ERR_CONFIG,
               "forecast needs %lld lead steps after the issue time %s but the forcing ends at %s; extend the "
               "forecast rain or shorten the lead", (long long)c->nlead, c->times->time[c->issue], c->times->time[n - 1]);
    SX_FAIL_IF(c->members < 0 || c->members > 1000000, SX_ERR_CONFIG, "ensemble members must be 0..1000000");
    SX_FAIL_IF(!(c->rain_sigma >= 0) || c->rain_sigma > 3, SX_ERR_CONFIG, "rain_sigma must lie in [0, 3]");
    SX_FAIL_IF(c->nperturb < 0 || c->nperturb > 64, SX_ERR_CONFIG, "0..64 perturbed parameters");
    SX_FAIL_IF(c->sets && c->nperturb > 0, SX_ERR_CONFIG, "give the ensemble parameter_sets or perturb, not both");
    SX_FAIL_IF(c->sets && (c->sets->n < 1 || strcasecmp(c->sets->model, c->model)), SX_ERR_CONFIG,
               "the ensemble's parameter sets are for '%s', the forecast runs '%s'", c->sets->model, c->model);
    for (int i = 0; i < c->nperturb; i++)
        SX_FAIL_IF(!(c->perturb_width[i] > 0 && c->perturb_width[i] <= 1), SX_ERR_CONFIG,
                   "perturbation width of parameter '%s' must lie in (0, 1], got %g", c->perturb_names[i],
                   c->perturb_width[i]);
    double step;
    SX_FAIL_IF(!(c->dt_hours > 0), SX_ERR_CONFIG, "dt_hours must be > 0, got %g", c->dt_hours);
    SX_CHECK(sx_hydro_series_step_hours(c->times, c->dt_hours, &step));
    for (int i = 0; i < c->nnodes; i++)
        SX_FAIL_IF(!(c->nodes[i].area_km2 >= 0) || !isfinite(c->nodes[i].area_km2), SX_ERR_CONFIG,
                   "%s%ssub-basin '%s': area = %g km2; give its area in km2 (0 for a junction without own runoff)",
                   c->network_source ? c->network_source : "", c->network_source ? ": " : "", c->nodes[i].id,
                   c->nodes[i].area_km2);
    if (c->node_p) {
        for (int i = 0; i < c->nnodes; i++)
            SX_FAIL_IF(c->nodes[i].area_km2 > 0 && !c->node_p[i], SX_ERR_CONFIG, "sub-basin '%s' has no areal rain",
                       c->nodes[i].id);
        return SX_OK;
    }
    SX_FAIL_IF(c->ngauges < 1 || c->ngauges > SX_HYDRO_MAX_GAUGES, SX_ERR_CONFIG, "1..%d rain gauges supported",
               SX_HYDRO_MAX_GAUGES);
    for (int i = 0; i < c->nnodes; i++) {
        const sx_hydro_node_t *d = &c->nodes[i];
        if (d->area_km2 == 0) continue;
        double s = 0;
        for (int g = 0; g < c->ngauges; g++) {
            SX_FAIL_IF(!(d->w[g] >= 0), SX_ERR_CONFIG, "sub-basin '%s': gauge weight %d is negative", d->id, g + 1);
            s += d->w[g];
        }
        SX_FAIL_IF(fabs(s - 1) > 1e-3, SX_ERR_CONFIG,
                   "sub-basin '%s': gauge weights sum to %.5f, not 1; Thiessen weights must cover the sub-basin", d->id, s);
    }
    return SX_OK;
}

double sx_hydro_forecast_areal_rain(const sx_hydro_forecast_cfg_t *c, int i, int64_t t)
{
    if (c->node_p) return c->node_p[i][t];
    double p = 0;
    for (int g = 0; g < c->ngauges; g++) p += c->nodes[i].w[g] * c->gauge_p[g][t];
    return p;
}

sx_err sx__hydro_fc_make_model(const sx_hydro_forecast_cfg_t *c, sx_hydro_model_t **m)
{
    SX_CHECK(sx_hydro_model_create(c->model, m));
    if (c->option_name) SX_CHECK(sx_hydro_model_set_option(*m, c->option_name, c->option_value));
    for (int i = 0; i < c->nparams; i++) SX_CHECK(sx_hydro_model_set_param(*m, c->param_names[i], c->param_values[i]));
    SX_CHECK(sx_hydro_model_reset(*m));
    for (int i = 0; i < c->ninit; i++) SX_CHECK(sx_hydro_model_set_state(*m, c->init_names[i], c->init_values[i]));
    return SX_OK;
}

typedef struct {
    int nm;                  /* models (nodes with area) */
    int node_of[256];
    const char *ids[256];
    sx_hydro_model_t *m[256];
    double *issue_state[256];
    int64_t state_len[256];
    double *P;               /* [nm][nsteps] areal rain */
    double *local;           /* [nnodes][nsteps] m³/s */
    double *routed;          /* [nnodes][nsteps] */
    double *qmm;
    /* channel reaches, by node index (NULL where a node has no routed reach) */
    double *rin[256], *rout[256];
    char rtag[256][96];
    int64_t rlen[256];
    int hot;                 /* rin holds a loaded state */
    double *named0[256];     /* hot start: named states at the start, per model (parameter members) */
    const sx_hydro_kind_t *kind;
    /* reservoirs: what the routing gets (c->reservoirs, or copies hot-started from the state file) */
    const sx_hydro_net_reservoir_t *const *res;
    sx_hydro_net_reservoir_t *rnet;         /* [nnodes] copies when hot */
    const sx_hydro_net_reservoir_t *rres[256];
    sx_reservoir_hot_t rhot[256];
    double rst[256][4];                     /* a reservoir's state as the file holds it */
} work_t;

/* The reaches in file order (nodes with a routed reach), as the state API wants them. */
static void reach_list(const sx_hydro_forecast_cfg_t *c, work_t *w, double *const *arr, const char **ids,
                       const char **tags, double **st, int64_t *len, sx_hydro_reach_states_t *r)
{
    int n = 0;
    for (int i = 0; i < c->nnodes; i++)
        if (w->rlen[i] > 0) {
            ids[n] = c->nodes[i].id;
            tags[n] = w->rtag[i];
            st[n] = arr[i];
            len[n] = w->rlen[i];
            n++;
        }
    r->n = n;
    r->ids = ids;
    r->tags = tags;
    r->st = st;
    r->len = len;
    r->nres = 0;
    for (int i = 0; c->reservoirs && i < c->nnodes; i++)
        if (c->reservoirs[i]) {
            ids[n + r->nres] = c->nodes[i].id;
            st[n + r->nres] = w->rst[i];
            r->nres++;
        }
    r->res_ids = ids + n;
    r->res_st = st + n;
}

static void work_free(work_t *w)
{
    for (int i = 0; i < 256; i++) {
        free(w->rin[i]);
        free(w->rout[i]);
    }
    for (int i = 0; i < w->nm; i++) {
        sx_hydro_model_destroy(&w->m[i]);
        free(w->issue_state[i]);
        free(w->named0[i]);
    }
    free(w->P);
    free(w->local);
    free(w->routed);
    free(w->qmm);
    free(w->rnet);
}

/* Hot start: the reservoirs route on from the state file's storage, level, release and inflow (w->rst),
 * except one given its own starting level (keep_z0). */
static sx_err hot_reservoirs(const sx_hydro_forecast_cfg_t *c, work_t *w)
{
    w->res = c->reservoirs;
    if (!c->reservoirs) return SX_OK;
    SX_ALLOC(w->rnet, c->nnodes, "reservoirs");
    for (int i = 0; i < c->nnodes; i++) {
        w->rres[i] = c->reservoirs[i];
        if (!c->reservoirs[i] || c->reservoirs[i]->keep_z0) continue;
        w->rhot[i] = (sx_reservoir_hot_t){w->rst[i][0], w->rst[i][1], w->rst[i][2], w->rst[i][3]};
        w->rnet[i] = *c->reservoirs[i];
        w->rnet[i].hot = &w->rhot[i];
        w->rres[i] = &w->rnet[i];
        sx_log_info("%s: hot start at level %.3f m from the state%s", c->reservoirs[i]->what, w->rst[i][1],
                    isnan(c->reservoirs[i]->z0) ? "" : " (initial_level applies to a cold start only)");
    }
    w->res = w->rres;
    return SX_OK;
}

/* Evaporation series of model k (all rows). */
static const double *evap(const sx_hydro_forecast_cfg_t *c, const work_t *w, int k)
{
    return c->node_e ? c->node_e[w->node_of[k]] : c->e;
}

/* Local runoff of every model node over lead steps with rain factors f (NULL: 1). */
static sx_err run_lead(const sx_hydro_forecast_cfg_t *c, work_t *w, int64_t nh, int64_t nsteps, const double *f)
{
    double *Pm = w->qmm + nsteps; /* scratch after qmm */
    for (int k = 0; k < w->nm; k++) {
        const sx_hydro_node_t *d = &c->nodes[w->node_of[k]];
        SX_CHECK(sx_hydro_model_restore(w->m[k], w->issue_state[k], w->state_len[k]));
        for (int64_t l = 0; l < c->nlead; l++) Pm[l] = w->P[(int64_t)k * nsteps + nh + l] * (f ? f[l] : 1.0);
        SX_CHECK(sx_hydro_model_run(w->m[k], c->nlead, Pm, evap(c, w, k) + c->issue + 1, w->qmm, c->issue + 1));
        double factor = d->area_km2 / (3.6 * c->dt_hours);
        for (int64_t l = 0; l < c->nlead; l++) w->local[(int64_t)w->node_of[k] * nsteps + nh + l] = w->qmm[l] * factor;
    }
    return SX_OK;
}

/* Draw member mb's parameter values (vals[nperturb]) from its own stream. */
static sx_err draw_params(const sx_hydro_forecast_cfg_t *c, const work_t *w, int64_t mb, double *vals)
{
    sx__rng_t r;
    sx__rng_seed(&r, c->seed, 0x706172ull /* "par" */, (uint64_t)mb);
    for (int i = 0; i < c->nperturb; i++) {
        const sx_hydro_var_t *v = NULL;
        for (int k = 0; k < sx_hydro_kind_nparams(w->kind) && !v; k++)
            if (!strcmp(sx_hydro_kind_param(w->kind, k)->name, c->perturb_names[i])) v = sx_hydro_kind_param(w->kind, k);
        SX_FAIL_IF(!v, SX_ERR_CONFIG, "%s has no parameter '%s' to perturb", c->model, c->perturb_names[i]);
        double base;
        SX_CHECK(sx_hydro_model_get_param(w->m[0], v->name, &base));
        double h = c->perturb_width[i] * (v->cal_hi - v->cal_lo);
        double lo = fmax(v->min, base - h), hi = fmin(v->max, base + h);
        vals[i] = lo + (hi - lo) * sx__rng_uniform(&r);
    }
    return SX_OK;
}

/* Local runoff of every model node over the whole window with member parameters
 * vals and lead rain factors f (parameter ensembles). */
static sx_err run_member(const sx_hydro_forecast_cfg_t *c, work_t *w, int64_t nh, int64_t nsteps, const double *f,
                         int64_t mb, int nv, const char *const *names, const double *vals)
{
    double *Pm = w->qmm + nsteps;
    for (int k = 0; k < w->nm; k++) {
        const sx_hydro_node_t *d = &c->nodes[w->node_of[k]];
        sx_hydro_model_t *m = NULL;
        sx_err e = sx_hydro_model_create(c->model, &m);
        if (!e && c->option_name) e = sx_hydro_model_set_option(m, c->option_name, c->option_value);
        for (int i = 0; !e && i < c->nparams; i++) e = sx_hydro_model_set_param(m, c->param_names[i], c->param_values[i]);
        for (int i = 0; !e && i < nv; i++) e = sx_hydro_model_set_param(m, names[i], vals[i]);
        if (!e) e = sx_hydro_model_reset(m);
        for (int i = 0; !e && i < c->ninit && !w->hot; i++) e = sx_hydro_model_set_state(m, c->init_names[i], c->init_values[i]);
        for (int s = 0; !e && w->hot && s < sx_hydro_kind_nstates(w->kind); s++)
            e = sx_hydro_model_set_state(m, sx_hydro_kind_state(w->kind, s)->name, w->named0[k][s]);
        for (int64_t t = 0; t < nsteps; t++) Pm[t] = w->P[(int64_t)k * nsteps + t] * (t >= nh && f ? f[t - nh] : 1.0);
        if (!e) e = sx_hydro_model_run(m, nsteps, Pm, evap(c, w, k) + c->start, w->qmm, c->start);
        sx_hydro_model_destroy(&m);
        if (e) {
            char what[160];
            snprintf(what, sizeof what, "%s", sx_err_message());
            if (c->sets)
                SX_FAIL(e, "ensemble member %lld (parameter set %lld of the calibration's sets) fails: %s", (long long)mb,
                        (long long)(mb % c->sets->n + 1), what);
            SX_FAIL(e, "ensemble member %lld (parameter set drawn from seed %llu) fails: %s; narrow the perturbation",
                    (long long)mb, (unsigned long long)c->seed, what);
        }
        double factor = d->area_km2 / (3.6 * c->dt_hours);
        for (int64_t t = 0; t < nsteps; t++) w->local[(int64_t)w->node_of[k] * nsteps + t] = w->qmm[t] * factor;
    }
    return SX_OK;
}

static sx_err setup(MPI_Comm comm, const sx_hydro_forecast_cfg_t *c, work_t *w, sx_hydro_forecast_t *out, int64_t nh,
                    int64_t nsteps)
{
    for (int i = 0; i < c->nnodes; i++)
        if (c->nodes[i].area_km2 > 0) {
            w->node_of[w->nm] = i;
            w->ids[w->nm] = c->nodes[i].id;
            SX_CHECK(sx__hydro_fc_make_model(c, &w->m[w->nm]));
            w->nm++;
        }
    SX_FAIL_IF(w->nm == 0, SX_ERR_CONFIG, "no sub-basin has an area; nothing produces runoff");
    w->kind = sx_hydro_model_kind(w->m[0]);
    SX_ALLOC(w->P, (int64_t)w->nm * nsteps, "areal rain");
    SX_ALLOC(w->local, (int64_t)c->nnodes * nsteps, "local runoff");
    SX_ALLOC(w->routed, (int64_t)c->nnodes * nsteps, "routed discharge");
    SX_ALLOC(w->qmm, 3 * nsteps, "runoff buffer");
    for (int k = 0; k < w->nm; k++)
        for (int64_t t = 0; t < nsteps; t++)
            w->P[(int64_t)k * nsteps + t] = sx_hydro_forecast_areal_rain(c, w->node_of[k], c->start + t);
    for (int i = 0; i < c->nnodes; i++) {
        const sx_hydro_node_t *d = &c->nodes[i];
        if (!d->down[0] || d->reach_k_h <= 0) continue;
        sx_muskingum_t mk;
        SX_CHECK(sx_muskingum_plan(d->reach_k_h, d->reach_x, c->dt_hours, &mk));
        w->rlen[i] = sx_muskingum_state_len(&mk);
        sx_muskingum_tag(&mk, w->rtag[i], sizeof w->rtag[i]);
        SX_ALLOC(w->rin[i], w->rlen[i], "reach state");
        SX_ALLOC(w->rout[i], w->rlen[i], "reach state");
    }
    w->res = c->reservoirs;
    if (c->state_in) {
        const char *rids[512], *rtags[256];
        double *rst[512];
        int64_t rlen[256];
        sx_hydro_reach_states_t rs;
        reach_list(c, w, w->rin, rids, rtags, rst, rlen, &rs);
        SX_CHECK(sx_hydro_state_load(c->state_in, c->basin, w->nm, w->ids, w->m, out->state_time, &rs));
        w->hot = 1;
        const char *need = c->start > 0 ? c->times->time[c->start - 1] : "(before the first row)";
        SX_FAIL_IF(strcmp(out->state_time, need), SX_ERR_INPUT,
                   "hot-start state '%s' is valid at %s but this run starts at %s and needs the state at %s; run the "
                   "missing period first or start cold", c->state_in, out->state_time, c->times->time[c->start], need);
        SX_CHECK(hot_reservoirs(c, w));
        if (c->nperturb > 0 || c->sets) {
            const int ns = sx_hydro_kind_nstates(w->kind);
            for (int k = 0; k < w->nm; k++) {
                SX_ALLOC(w->named0[k], ns, "start states");
                for (int s = 0; s < ns; s++)
                    SX_CHECK(sx_hydro_model_get_state(w->m[k], sx_hydro_kind_state(w->kind, s)->name, &w->named0[k][s]));
            }
        }
    }
    return SX_OK;
}

sx_err sx_hydro_forecast_run(MPI_Comm comm, const sx_hydro_forecast_cfg_t *c, sx_hydro_forecast_t *out)
{
    memset(out, 0, sizeof *out);
    SX_CHECK(check_cfg(c));
    SX_CHECK(sx_hydro_network_order(c->nnodes, c->nodes, c->network_source, out->order));
    int rank, size;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &rank));
    SX_CHECK_MPI(MPI_Comm_size(comm, &size));
    const int64_t nh = c->issue - c->start + 1, nsteps = nh + c->nlead, nl = c->nlead;
    const int nn = c->nnodes;
    out->nnodes = nn;
    out->nsteps = nsteps;
    out->nlead = nl;
    out->members = c->members;
    work_t w;
    memset(&w, 0, sizeof w);
    double *mine = NULL, *all = NULL, *vals = NULL, *f = NULL, pv[64], *mlev = NULL, *mine_r = NULL;
    const char *set_names[SX_HYDRO_MAX_SET_PARAMS];
    for (int i = 0; c->sets && i < c->sets->np; i++) set_names[i] = c->sets->name[i];
    int *counts = NULL, *displs = NULL, *counts_r = NULL, *displs_r = NULL;
    for (int i = 0; c->reservoirs && i < nn; i++)
        if (c->reservoirs[i]) out->res_node[out->nres++] = i;
    sx_err e = setup(comm, c, &w, out, nh, nsteps);
    e = sx_err_agree(comm, e);
    if (e) goto done;

    /* observed period: run, keep the issue state, save it (rank 0) */
    for (int k = 0; k < w.nm; k++) {
        const sx_hydro_node_t *d = &c->nodes[w.node_of[k]];
        SX_CHECK_GOTO(sx_hydro_model_run(w.m[k], nh, w.P + (int64_t)k * nsteps, evap(c, &w, k) + c->start, w.qmm, c->start),
                      e, agree1);
        double factor = d->area_km2 / (3.6 * c->dt_hours);
        for (int64_t t = 0; t < nh; t++) w.local[(int64_t)w.node_of[k] * nsteps + t] = w.qmm[t] * factor;
        w.state_len[k] = sx_hydro_model_state_len(w.m[k]);
        w.issue_state[k] = malloc((size_t)w.state_len[k] * sizeof(double));
        if (!w.issue_state[k]) {
            e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
            goto agree1;
        }
        memcpy(w.issue_state[k], sx_hydro_model_state(w.m[k]), (size_t)w.state_len[k] * sizeof(double));
    }
    SX_CHECK_GOTO(run_lead(c, &w, nh, nsteps, NULL), e, agree1);
    out->q_det = malloc((size_t)nn * (size_t)nsteps * sizeof *out->q_det);
    if (!out->q_det) {
        e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        goto agree1;
    }
    SX_CHECK_GOTO(sx_hydro_forecast_res_alloc(c, out), e, agree1);
    sx_hydro_net_res_out_t ro = {out->res_inflow, out->res_level, out->res_storage, out->res_rule};
    SX_CHECK_GOTO(sx_hydro_network_route_res(nn, c->nodes, out->order, nsteps, c->dt_hours, w.local, out->q_det,
                                             w.hot ? w.rin : NULL, nh - 1, w.rout, w.res,
                                             (const char *const *)c->times->time + c->start, &ro), e, agree1);
    if (rank == 0 && c->state_out) {
        /* models: restore the issue state (run_lead left them at the end of the lead) */
        for (int k = 0; k < w.nm; k++)
            SX_CHECK_GOTO(sx_hydro_model_restore(w.m[k], w.issue_state[k], w.state_len[k]), e, agree1);
        const char *rids[512], *rtags[256];
        double *rst[512];
        int64_t rlen[256];
        sx_hydro_reach_states_t rs;
        for (int i = 0; c->reservoirs && i < nn; i++) /* the reservoirs at the issue row */
            if (c->reservoirs[i]) {
                const int64_t k = (int64_t)i * nsteps + nh - 1;
                w.rst[i][0] = out->res_storage[k], w.rst[i][1] = out->res_level[k];
                w.rst[i][2] = out->q_det[k], w.rst[i][3] = out->res_inflow[k];
            }
        reach_list(c, &w, w.rout, rids, rtags, rst, rlen, &rs);
        SX_CHECK_GOTO(sx_hydro_state_save(c->state_out, c->basin, c->times->time[c->issue], w.nm, w.ids, w.m, &rs), e,
                      agree1);
    }
agree1:
    e = sx_err_agree(comm, e);
    if (e || c->members == 0) goto done;

    /* ensemble: members [m0, m1) on this rank */
    int64_t m0 = (int64_t)c->members * rank / size, m1 = (int64_t)c->members * (rank + 1) / size;
    const int64_t per = (int64_t)nn * nl, per_r = (int64_t)out->nres * nl; /* discharges; reservoir levels */
    mine = malloc((size_t)((m1 - m0) * per + 1) * sizeof *mine);
    all = malloc((size_t)(c->members * per) * sizeof *all);
    f = malloc((size_t)nl * sizeof *f);
    counts = malloc((size_t)size * sizeof *counts);
    displs = malloc((size_t)size * sizeof *displs);
    counts_r = malloc((size_t)size * sizeof *counts_r);
    displs_r = malloc((size_t)size * sizeof *displs_r);
    mine_r = malloc((size_t)((m1 - m0) * per_r + 1) * sizeof *mine_r);
    out->ens_res_level = malloc((size_t)(c->members * per_r + 1) * sizeof *out->ens_res_level);
    mlev = out->nres ? malloc((size_t)nn * (size_t)nsteps * sizeof *mlev) : NULL;
    if (!mine || !all || !f || !counts || !displs || !counts_r || !displs_r || !mine_r || !out->ens_res_level ||
        (out->nres && !mlev)) {
        e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the ensemble (%d members)", c->members);
        goto agree2;
    }
    for (int64_t mb = m0; mb < m1; mb++) {
        sx__rng_t r;
        sx__rng_seed(&r, c->seed, 0x656e73ull /* "ens" */, (uint64_t)mb);
        for (int64_t l = 0; l < nl; l++) f[l] = exp(c->rain_sigma * sx__rng_normal(&r) - 0.5 * c->rain_sigma * c->rain_sigma);
        if (c->sets) /* member m takes set m mod N: rank-independent, every set used in turn */
            SX_CHECK_GOTO(run_member(c, &w, nh, nsteps, f, mb, c->sets->np, set_names,
                                     c->sets->v + (mb % c->sets->n) * c->sets->np), e, agree2);
        else if (c->nperturb > 0) {
            SX_CHECK_GOTO(draw_params(c, &w, mb, pv), e, agree2);
            SX_CHECK_GOTO(run_member(c, &w, nh, nsteps, f, mb, c->nperturb, c->perturb_names, pv), e, agree2);
        } else
            SX_CHECK_GOTO(run_lead(c, &w, nh, nsteps, f), e, agree2);
        sx_hydro_net_res_out_t mro = {NULL, mlev, NULL, NULL};
        SX_CHECK_GOTO(sx_hydro_network_route_res(nn, c->nodes, out->order, nsteps, c->dt_hours, w.local, w.routed,
                                                 w.hot ? w.rin : NULL, -1, NULL, w.res,
                                                 (const char *const *)c->times->time + c->start, &mro), e, agree2);
        for (int i = 0; i < nn; i++)
            memcpy(mine + (mb - m0) * per + (int64_t)i * nl, w.routed + (int64_t)i * nsteps + nh, (size_t)nl * sizeof *mine);
        for (int k = 0; k < out->nres; k++) /* the member's pool levels over the lead */
            memcpy(mine_r + (mb - m0) * per_r + (int64_t)k * nl, mlev + (int64_t)out->res_node[k] * nsteps + nh,
                   (size_t)nl * sizeof *mine_r);
    }
    SX_CHECK_GOTO(sx__hydro_blocks(size, c->members, per, counts, displs), e, agree2);
    SX_CHECK_GOTO(sx__hydro_blocks(size, c->members, per_r, counts_r, displs_r), e, agree2);
agree2:
    e = sx_err_agree(comm, e);
    if (e) goto done;
    if (MPI_Allgatherv(mine, counts[rank], MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, comm) != MPI_SUCCESS) {
        e = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "gathering the ensemble members failed");
        goto done;
    }
    if (out->nres && MPI_Allgatherv(mine_r, counts_r[rank], MPI_DOUBLE, out->ens_res_level, counts_r, displs_r,
                                    MPI_DOUBLE, comm) != MPI_SUCCESS) {
        e = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "gathering the members' reservoir levels failed");
        goto done;
    }
    out->pct = malloc((size_t)per * SX_HYDRO_NPCT * sizeof *out->pct);
    out->p_warn = malloc((size_t)per * sizeof *out->p_warn);
    out->p_guar = malloc((size_t)per * sizeof *out->p_guar);
    vals = malloc((size_t)c->members * sizeof *vals);
    if (!out->pct || !out->p_warn || !out->p_guar || !vals) {
        e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for ensemble statistics");
        goto done;
    }
    for (int i = 0; i < nn; i++)
        for (int64_t l = 0; l < nl; l++) {
            int nw = 0, ng = 0;
            for (int mb = 0; mb < c->members; mb++) {
                vals[mb] = all[(int64_t)mb * per + (int64_t)i * nl + l];
                nw += vals[mb] > c->nodes[i].warn_q;
                ng += vals[mb] > c->nodes[i].guar_q;
            }
            sx__hydro_percentiles(vals, c->members, out->pct + ((int64_t)i * nl + l) * SX_HYDRO_NPCT);
            out->p_warn[(int64_t)i * nl + l] = c->nodes[i].warn_q > 0 ? (double)nw / c->members : NAN;
            out->p_guar[(int64_t)i * nl + l] = c->nodes[i].guar_q > 0 ? (double)ng / c->members : NAN;
        }
    out->ens = all; /* kept for levels and signals (network_levels.c) */
    all = NULL;
    if (out->nres) e = sx_hydro_forecast_res_stats(c, out);
done:
    free(mine);
    free(mine_r);
    free(mlev);
    free(counts_r);
    free(displs_r);
    free(all);
    free(vals);
    free(f);
    free(counts);
    free(displs);
    work_free(&w);
    if (e) sx_hydro_forecast_fini(out);
    return e;
}
