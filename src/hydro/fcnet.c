/*
 * fcnet.c — the forecast network re-run by the updating methods (see
 * fcnet.h): sub-basin models from the forecast's configuration, the start
 * state (cold or the hot-start file), whole-window runs with a runoff
 * correction (DSRC) and single steps of a flat state vector (EnKF). A
 * single step routes the network through sx_hydro_network_route_hot with a
 * one-step series, so stepping through the window gives the same numbers as
 * one whole-window run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hydro/fcnet.h"
#include "sanxiang/sx_mpi.h"

static const double *evap(const sx__fcnet_t *n, int k)
{
    return n->c->node_e ? n->c->node_e[n->node_of[k]] : n->c->e;
}

static sx_err load_hot(const sx_hydro_forecast_cfg_t *c, sx__fcnet_t *n, const char *const *ids)
{
    const char *rids[256], *rtags[256];
    char tags[256][96], tm[64];
    double *rst[256];
    int64_t rl[256];
    int nr = 0;
    for (int i = 0; i < c->nnodes; i++)
        if (n->rlen[i] > 0) {
            sx_muskingum_t mk;
            SX_CHECK(sx_muskingum_plan(c->nodes[i].reach_k_h, c->nodes[i].reach_x, c->dt_hours, &mk));
            sx_muskingum_tag(&mk, tags[nr], sizeof tags[nr]);
            rids[nr] = c->nodes[i].id, rtags[nr] = tags[nr], rst[nr] = n->x0 + n->roff[i], rl[nr] = n->rlen[i];
            nr++;
        }
    sx_hydro_reach_states_t rs = {nr, rids, rtags, rst, rl};
    SX_CHECK(sx_hydro_state_load(c->state_in, c->basin, n->nm, ids, n->m, tm, &rs));
    const char *need = c->start > 0 ? c->times->time[c->start - 1] : "(before the first row)";
    SX_FAIL_IF(strcmp(tm, need), SX_ERR_INPUT, "hot-start state '%s' is valid at %s but this run needs the state at %s",
               c->state_in, tm, need);
    return SX_OK;
}

sx_err sx__fcnet_init(const sx_hydro_forecast_cfg_t *c, sx__fcnet_t *n)
{
    memset(n, 0, sizeof *n);
    n->c = c;
    n->nh = c->issue - c->start + 1;
    n->nsteps = n->nh + c->nlead;
    SX_CHECK(sx_hydro_network_order(c->nnodes, c->nodes, c->network_source, n->order));
    const char *ids[256];
    for (int i = 0; i < c->nnodes; i++)
        if (c->nodes[i].area_km2 > 0) {
            n->node_of[n->nm] = i;
            ids[n->nm] = c->nodes[i].id;
            sx_err e = sx__hydro_fc_make_model(c, &n->m[n->nm]);
            n->nm++; /* counted even when it failed half-way: sx__fcnet_fini destroys it */
            SX_CHECK(e);
            n->soff[n->nm] = n->soff[n->nm - 1] + sx_hydro_model_state_len(n->m[n->nm - 1]);
        }
    SX_FAIL_IF(n->nm == 0, SX_ERR_CONFIG, "no sub-basin has an area; nothing produces runoff");
    n->nx = n->soff[n->nm];
    for (int i = 0; i < c->nnodes; i++) {
        if (!c->nodes[i].down[0] || c->nodes[i].reach_k_h <= 0) continue;
        sx_muskingum_t mk;
        SX_CHECK(sx_muskingum_plan(c->nodes[i].reach_k_h, c->nodes[i].reach_x, c->dt_hours, &mk));
        n->roff[i] = n->nx;
        n->rlen[i] = sx_muskingum_state_len(&mk);
        n->nx += n->rlen[i];
    }
    SX_ALLOC(n->x0, n->nx, "start state");
    SX_ALLOC(n->P, (int64_t)n->nm * n->nsteps, "areal rain");
    SX_ALLOC(n->local, (int64_t)c->nnodes * n->nsteps, "local runoff");
    SX_ALLOC(n->qmm, n->nsteps, "runoff");
    for (int k = 0; k < n->nm; k++)
        for (int64_t t = 0; t < n->nsteps; t++)
            n->P[(int64_t)k * n->nsteps + t] = sx_hydro_forecast_areal_rain(c, n->node_of[k], c->start + t);
    for (int64_t i = n->soff[n->nm]; i < n->nx; i++) n->x0[i] = -1; /* cold reaches: steady */
    if (c->state_in) SX_CHECK(load_hot(c, n, ids));
    for (int k = 0; k < n->nm; k++)
        memcpy(n->x0 + n->soff[k], sx_hydro_model_state(n->m[k]), (size_t)(n->soff[k + 1] - n->soff[k]) * sizeof(double));
    return SX_OK;
}

void sx__fcnet_fini(sx__fcnet_t *n)
{
    for (int k = 0; k < n->nm; k++) sx_hydro_model_destroy(&n->m[k]);
    free(n->x0);
    free(n->P);
    free(n->local);
    free(n->qmm);
    memset(n, 0, sizeof *n);
}

/* Reach state pointers into x; NULL where a node has no reach or a cold reach has not run yet. */
static void reach_ptrs(const sx__fcnet_t *n, double *x, double **in, double **out)
{
    for (int i = 0; i < n->c->nnodes; i++) {
        out[i] = n->rlen[i] > 0 ? x + n->roff[i] : NULL;
        in[i] = out[i] && x[n->roff[i]] >= 0 ? out[i] : NULL;
    }
}

sx_err sx__fcnet_run(sx__fcnet_t *n, const double *dR, double *q)
{
    return sx__fcnet_run_from(n, n->x0, 0, n->nsteps, dR, q);
}

sx_err sx__fcnet_run_from(sx__fcnet_t *n, const double *x0, int64_t t0, int64_t ns, const double *dR, double *q)
{
    const sx_hydro_forecast_cfg_t *c = n->c;
    SX_FAIL_IF(t0 < 0 || ns < 1 || t0 + ns > n->nsteps, SX_ERR_INTERNAL, "network run of %lld steps from %lld",
               (long long)ns, (long long)t0);
    memset(n->local, 0, (size_t)c->nnodes * (size_t)ns * sizeof *n->local);
    for (int k = 0; k < n->nm; k++) {
        SX_CHECK(sx_hydro_model_restore(n->m[k], x0 + n->soff[k], n->soff[k + 1] - n->soff[k]));
        SX_CHECK(sx_hydro_model_run_dr(n->m[k], ns, n->P + (int64_t)k * n->nsteps + t0, evap(n, k) + c->start + t0, dR,
                                       n->qmm, c->start + t0));
        double factor = c->nodes[n->node_of[k]].area_km2 / (3.6 * c->dt_hours);
        for (int64_t t = 0; t < ns; t++) n->local[(int64_t)n->node_of[k] * ns + t] = n->qmm[t] * factor;
    }
    double *in[256], *out[256], *x = malloc((size_t)n->nx * sizeof *x);
    SX_FAIL_IF(!x, SX_ERR_NOMEM, "out of memory");
    memcpy(x, x0, (size_t)n->nx * sizeof *x);
    reach_ptrs(n, x, in, out);
    sx_err e = sx_hydro_network_route_hot(c->nnodes, c->nodes, n->order, ns, c->dt_hours, n->local, q, in, -1, NULL);
    free(x);
    return e;
}

sx_err sx__fcnet_step(sx__fcnet_t *n, double *x, int64_t t, double f, double *q)
{
    const sx_hydro_forecast_cfg_t *c = n->c;
    for (int i = 0; i < c->nnodes; i++) n->local[i] = 0;
    for (int k = 0; k < n->nm; k++) {
        sx_hydro_model_t *m = n->m[k];
        const int64_t len = n->soff[k + 1] - n->soff[k];
        double p = n->P[(int64_t)k * n->nsteps + t] * f;
        SX_CHECK(sx_hydro_model_restore(m, x + n->soff[k], len));
        SX_CHECK(sx_hydro_model_run(m, 1, &p, evap(n, k) + c->start + t, n->qmm, c->start + t));
        memcpy(x + n->soff[k], sx_hydro_model_state(m), (size_t)len * sizeof *x);
        n->local[n->node_of[k]] = n->qmm[0] * c->nodes[n->node_of[k]].area_km2 / (3.6 * c->dt_hours);
    }
    double *in[256], *out[256];
    reach_ptrs(n, x, in, out);
    return sx_hydro_network_route_hot(c->nnodes, c->nodes, n->order, 1, c->dt_hours, n->local, q, in, 0, out);
}

int64_t sx__fcnet_clip(const sx__fcnet_t *n, double *x)
{
    int64_t changed = 0;
    for (int k = 0; k < n->nm; k++) {
        double before[1024]; /* states are at most 8 + 1000 values (Nash buffer) */
        const int64_t len = n->soff[k + 1] - n->soff[k];
        const int64_t keep = len < 1024 ? len : 1024;
        memcpy(before, x + n->soff[k], (size_t)keep * sizeof *before);
        sx_hydro_model_clip(n->m[k], x + n->soff[k]);
        for (int64_t i = 0; i < keep; i++) changed += before[i] != x[n->soff[k] + i];
    }
    for (int64_t i = n->soff[n->nm]; i < n->nx; i++)
        if (!(x[i] >= 0)) x[i] = 0, changed++;
    return changed;
}
