/*
 * hindcast.c — the forecast cycle at every issue time of a past period (see
 * sx_hydro_hindcast.h): one continuous run of the network keeps the
 * simulation at the observed node and the flat state before every step;
 * then every issue time is updated by its method using only the
 * observations up to it. AR/RLS and DSRC split the issue times over the
 * ranks (gathered by index); the EnKF runs one filter with its members
 * split over the ranks. An issue whose method cannot be fitted (too few
 * observations yet) keeps the uncorrected forecast and is counted.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hydro/fcnet.h"
#include "sanxiang/sx_hydro_hindcast.h"
#include "sanxiang/sx_mpi.h"

void sx_hydro_hindcast_fini(sx_hydro_hindcast_t *h)
{
    if (!h) return;
    free(h->issue);
    free(h->sim);
    free(h->corr);
    memset(h, 0, sizeof *h);
}

typedef struct {
    sx__fcnet_t *net;
    const double *x0; /* state before step a */
    int64_t a, ns, m, W;
    int node;
    double *dfull, *qall;
} dsys_t;

/* DSRC's system at one issue: the network from the continuous run's state at
 * the window's first step, runoff corrected on the last m steps of the window. */
static sx_err dsys(void *ctx, const double *dR, double *q)
{
    dsys_t *s = ctx;
    memset(s->dfull, 0, (size_t)s->ns * sizeof *s->dfull);
    memcpy(s->dfull + s->W - s->m, dR, (size_t)s->m * sizeof *dR);
    SX_CHECK(sx__fcnet_run_from(s->net, s->x0, s->a, s->ns, s->dfull, s->qall));
    memcpy(q, s->qall + (int64_t)s->node * s->ns, (size_t)s->ns * sizeof *q);
    return SX_OK;
}

/* One issue by AR/RLS or DSRC into corr[nlead]; 1 when it could not be fitted (corr = sim). */
static sx_err one_issue(const sx_hydro_update_opts_t *o, sx__fcnet_t *net, const double *X, const sx_hydro_hindcast_t *h,
                        const double *obs, int node, int64_t i, double *corr, double *scratch, int *fell)
{
    const int64_t nl = h->nlead;
    sx_err e;
    *fell = 0;
    if (o->method == SX_HYDRO_UPDATE_AR || o->method == SX_HYDRO_UPDATE_RLS) {
        sx_hydro_correct_info_t info;
        e = sx_hydro_correct(&o->ar, h->sim, obs, i, nl, corr, &info);
    } else {
        const int64_t W = o->dsrc.window, a = i - W + 1, ns = W + nl;
        if (a < 0) {
            e = SX_ERR_INPUT;
        } else {
            dsys_t s = {net, X + a * net->nx, a, ns, o->dsrc.m, W, node, scratch, scratch + ns};
            double *qs = scratch + ns + ns * net->c->nnodes, *qc = qs + ns, *dr = qc + ns;
            sx_hydro_dsrc_info_t info;
            e = sx_hydro_dsrc(&o->dsrc, dsys, &s, ns, W - 1, obs + a, qs, dr, qc, &info);
            if (!e) memcpy(corr, qc + W, (size_t)nl * sizeof *corr);
        }
    }
    if (e == SX_ERR_INPUT) { /* not enough observations yet: the uncorrected forecast stands */
        sx_err_clear();
        memcpy(corr, h->sim + i + 1, (size_t)nl * sizeof *corr);
        *fell = 1;
        e = SX_OK;
    }
    return e;
}

static sx_err by_issue(MPI_Comm comm, const sx_hydro_update_opts_t *o, sx__fcnet_t *net, const double *X,
                       sx_hydro_hindcast_t *h, const double *obs, int node)
{
    int rank, size;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &rank));
    SX_CHECK_MPI(MPI_Comm_size(comm, &size));
    const int64_t i0 = h->nissue * rank / size, i1 = h->nissue * (rank + 1) / size, nl = h->nlead;
    const int64_t W = o->method == SX_HYDRO_UPDATE_DSRC ? o->dsrc.window + nl : 1;
    double *mine = malloc((size_t)((i1 - i0) * nl + 1) * sizeof *mine);
    double *scratch = malloc((size_t)(W * (net->c->nnodes + 4) + o->dsrc.m + 1) * sizeof *scratch);
    int *counts = malloc((size_t)size * sizeof *counts), *displs = malloc((size_t)size * sizeof *displs);
    int64_t fell = 0;
    sx_err e = mine && scratch && counts && displs ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    for (int64_t k = i0; !e && k < i1; k++) {
        int f;
        e = one_issue(o, net, X, h, obs, node, h->issue[k], mine + (k - i0) * nl, scratch, &f);
        fell += f;
    }
    if (!e) e = sx__hydro_blocks(size, h->nissue, nl, counts, displs);
    e = sx_err_agree(comm, e);
    if (!e && MPI_Allgatherv(mine, counts[rank], MPI_DOUBLE, h->corr, counts, displs, MPI_DOUBLE, comm) != MPI_SUCCESS)
        e = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "gathering the hindcast forecasts failed");
    if (!e) e = sx__hydro_sum_count(comm, fell, &h->fallback);
    free(mine);
    free(scratch);
    free(counts);
    free(displs);
    return e;
}

sx_err sx_hydro_hindcast_run(MPI_Comm comm, const sx_hydro_forecast_cfg_t *c, const sx_hydro_update_opts_t *o,
                             const double *obs, int obs_node, int64_t first, int64_t every, sx_hydro_hindcast_t *h)
{
    memset(h, 0, sizeof *h);
    SX_FAIL_IF(first < c->start || first > c->issue || every < 1, SX_ERR_CONFIG,
               "hindcast issue times from row %lld every %lld steps must lie within the run (rows %lld..%lld)",
               (long long)first, (long long)every, (long long)c->start, (long long)c->issue);
    h->nlead = c->nlead;
    h->every = every;
    SX_FAIL_IF(every > c->nlead, SX_ERR_CONFIG, "hindcast: issue times every %lld steps leave steps no forecast of "
               "lead %lld reaches; issue at least every %lld steps", (long long)every, (long long)c->nlead,
               (long long)c->nlead);
    h->nissue = (c->issue - first) / every + 1;
    sx_hydro_forecast_cfg_t cc = *c; /* ends at the last issue time (and its lead) */
    cc.issue = first + (h->nissue - 1) * every;
    c = &cc;
    sx__fcnet_t net;
    sx_err e = sx__fcnet_init(c, &net);
    double *X = NULL, *q = NULL, *x = NULL;
    h->nsteps = net.nsteps;
    const int dsrc = o && o->method == SX_HYDRO_UPDATE_DSRC;
    if (!e) {
        h->issue = malloc((size_t)h->nissue * sizeof *h->issue);
        h->sim = malloc((size_t)h->nsteps * sizeof *h->sim);
        h->corr = o ? malloc((size_t)(h->nissue * h->nlead) * sizeof *h->corr) : NULL;
        q = malloc((size_t)c->nnodes * sizeof *q);
        x = malloc((size_t)net.nx * sizeof *x);
        X = dsrc ? malloc((size_t)(net.nsteps * net.nx) * sizeof *X) : NULL;
        if (!h->issue || !h->sim || (o && !h->corr) || !q || !x || (dsrc && !X))
            e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for a hindcast of %lld issue times",
                           (long long)h->nissue);
    }
    for (int64_t k = 0; !e && k < h->nissue; k++) h->issue[k] = first - c->start + k * every;
    if (!e) memcpy(x, net.x0, (size_t)net.nx * sizeof *x);
    for (int64_t t = 0; !e && t < net.nsteps; t++) { /* the continuous run: the uncorrected forecasts */
        if (X) memcpy(X + t * net.nx, x, (size_t)net.nx * sizeof *x);
        e = sx__fcnet_step(&net, x, t, 1.0, q);
        h->sim[t] = q[obs_node];
    }
    e = sx_err_agree(comm, e);
    if (!e && o && o->method == SX_HYDRO_UPDATE_ENKF) {
        sx_hydro_enkf_opts_t eo = o->enkf;
        eo.window = 0; /* one filter through the period: every observation before each issue */
        double *all = malloc((size_t)(h->nissue * c->nnodes * h->nlead) * sizeof *all);
        sx_hydro_enkf_info_t info;
        e = all ? sx__hydro_enkf_run(comm, c, &eo, obs, obs_node, h->nissue, h->issue, all, &info)
                : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        for (int64_t k = 0; !e && k < h->nissue; k++)
            memcpy(h->corr + k * h->nlead, all + (k * c->nnodes + obs_node) * h->nlead, (size_t)h->nlead * sizeof *all);
        if (!e)
            snprintf(h->note, sizeof h->note, "EnKF, %d members: %lld analyses, %lld state values clipped to bounds",
                     eo.members, (long long)info.analyses, (long long)info.clipped);
        free(all);
    } else if (!e && o) {
        e = by_issue(comm, o, &net, X, h, obs, obs_node);
        if (!e)
            snprintf(h->note, sizeof h->note, "%s at %lld issue times, %lld left uncorrected (too few observations)",
                     sx_hydro_update_method_name(o->method), (long long)h->nissue, (long long)h->fallback);
    }
    free(X);
    free(q);
    free(x);
    sx__fcnet_fini(&net);
    if (e) sx_hydro_hindcast_fini(h);
    return e;
}

int64_t sx_hydro_hindcast_max_lead(const sx_hydro_hindcast_t *h) { return h->nlead - h->every + 1; }

void sx_hydro_hindcast_series(const sx_hydro_hindcast_t *h, int64_t L, int corrected, double *f)
{
    for (int64_t t = 0; t < h->nsteps; t++) {
        f[t] = NAN;
        if (t - L < h->issue[0]) continue;
        int64_t k = (t - L - h->issue[0]) / h->every; /* latest issue <= t - L */
        if (k >= h->nissue) k = h->nissue - 1;
        int64_t lead = t - h->issue[k];
        if (lead < 1 || lead > h->nlead) continue;
        f[t] = corrected && h->corr ? h->corr[k * h->nlead + lead - 1] : h->sim[t];
    }
}

sx_err sx_hydro_hindcast_score(const sx_hydro_hindcast_t *h, const double *obs, double threshold, double depth_factor,
                               int64_t L, sx_hydro_hindcast_score_t *out)
{
    const int64_t Lmax = sx_hydro_hindcast_max_lead(h);
    SX_FAIL_IF(L < 1 || L > Lmax, SX_ERR_INTERNAL, "hindcast lead %lld outside 1..%lld", (long long)L, (long long)Lmax);
    memset(out, 0, sizeof *out);
    out->lead = L;
    out->from = h->issue[0] + Lmax;
    out->to = h->issue[h->nissue - 1] + 2;
    const int64_t n = out->to - out->from;
    SX_FAIL_IF(n < 3, SX_ERR_CONFIG, "the hindcast scores %lld steps (from the first issue time plus %lld to the last "
               "plus 1); widen the period", (long long)n, (long long)Lmax);
    for (int64_t t = out->from; t < out->to; t++)
        SX_FAIL_IF(!isfinite(obs[t]), SX_ERR_INPUT, "the hindcast scores every step from the first issue time plus "
                   "%lld; step %lld of the run has no observed discharge", (long long)Lmax, (long long)t);
    double *f = malloc((size_t)h->nsteps * sizeof *f);
    SX_FAIL_IF(!f, SX_ERR_NOMEM, "out of memory");
    sx_err e = sx_hydro_find_events(obs + out->from, n, threshold, 2, out->ev[0], SX_HINDCAST_MAX_EVENTS, &out->nev);
    if (out->nev > SX_HINDCAST_MAX_EVENTS) out->nev = SX_HINDCAST_MAX_EVENTS;
    memcpy(out->ev[1], out->ev[0], sizeof out->ev[0]);
    for (int s = 0; !e && s < 2; s++) {
        sx_hydro_hindcast_series(h, L, s, f);
        double se = 0;
        for (int64_t t = out->from; t < out->to; t++) se += (f[t] - obs[t]) * (f[t] - obs[t]);
        out->rmse[s] = sqrt(se / (double)n);
        if (out->nev > 0)
            e = sx_gbt22482_evaluate(obs + out->from, f + out->from, n, 0, depth_factor, out->ev[s], out->nev, &out->sum[s]);
        else
            e = sx_hydro_score(SX_OBJ_NSE, obs + out->from, f + out->from, 0, n, &out->sum[s].dc);
    }
    free(f);
    return e;
}
