/*
 * enkf.c — ensemble Kalman filter updating of a forecast network's states
 * from the discharge observed at one node (see sx_hydro_update.h for the
 * equations and sources). Each rank advances its block of members through
 * the window one step at a time (fcnet.h); at an observed step the members'
 * states and predicted discharges are gathered, so every rank computes the
 * same means, covariances and gain in member order and updates its own
 * members. After the issue step the members forecast the lead with the
 * forecast rain and the mean of the gathered forecasts is the corrected run.
 *
 * Memory per rank: its members' states, plus all members' states and
 * discharge (members x (state length + 1)) and the lead forecasts (members x
 * nodes x lead) gathered.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hydro/fcnet.h"
#include "hydro/hydro_rng.h"
#include "sanxiang/sx_hydro_update.h"
#include "sanxiang/sx_mpi.h"

typedef struct {
    int rank, size;
    int64_t m0, m1;         /* own members [m0, m1) */
    int *counts, *displs;   /* gather layout of per-member blocks of `per` doubles */
} split_t;

static sx_err check_opts(const sx_hydro_enkf_opts_t *o)
{
    SX_FAIL_IF(o->members < 2 || o->members > 100000, SX_ERR_CONFIG, "the EnKF needs 2..100000 members, got %d",
               o->members);
    SX_FAIL_IF(!(o->obs_rel >= 0) || !(o->obs_min > 0), SX_ERR_CONFIG,
               "EnKF observation error: obs_rel %g must be >= 0 and obs_min %g > 0", o->obs_rel, o->obs_min);
    SX_FAIL_IF(!(o->inflation >= 1 && o->inflation <= 10), SX_ERR_CONFIG, "EnKF inflation %g must lie in [1, 10]",
               o->inflation);
    SX_FAIL_IF(!(o->rain_sigma >= 0 && o->rain_sigma <= 3), SX_ERR_CONFIG, "EnKF rain_sigma %g must lie in [0, 3]",
               o->rain_sigma);
    SX_FAIL_IF(o->window < 0, SX_ERR_CONFIG, "EnKF window %lld must be >= 0", (long long)o->window);
    return SX_OK;
}

/* The analysis at one step: all[N][nx + 1] holds every member's state and
 * predicted discharge; own members (rows m0..m1 of all, and mine) updated. */
static int64_t analyse(const sx__fcnet_t *n, const sx_hydro_enkf_opts_t *o, const split_t *s, double *all,
                       double *mine, sx__rng_t *rng, double yobs, double *mean, double *cov, double *spread)
{
    const int64_t nx = n->nx, per = nx + 1, N = o->members;
    for (int64_t j = 0; j < per; j++) mean[j] = 0;
    for (int64_t i = 0; i < N; i++)
        for (int64_t j = 0; j < per; j++) mean[j] += all[i * per + j];
    for (int64_t j = 0; j < per; j++) mean[j] /= (double)N;
    for (int64_t i = 0; i < N; i++) /* inflate the anomalies */
        for (int64_t j = 0; j < per; j++) all[i * per + j] = mean[j] + o->inflation * (all[i * per + j] - mean[j]);
    for (int64_t j = 0; j < per; j++) cov[j] = 0;
    for (int64_t i = 0; i < N; i++) {
        double ay = all[i * per + nx] - mean[nx];
        for (int64_t j = 0; j < per; j++) cov[j] += (all[i * per + j] - mean[j]) * ay;
    }
    for (int64_t j = 0; j < per; j++) cov[j] /= (double)(N - 1);
    *spread = sqrt(cov[nx]);
    const double sd = fmax(o->obs_rel * yobs, o->obs_min), den = cov[nx] + sd * sd;
    int64_t clipped = 0;
    for (int64_t i = s->m0; i < s->m1; i++) {
        double *x = mine + (i - s->m0) * per;
        const double *xa = all + i * per;
        double innov = yobs + sd * sx__rng_normal(&rng[i - s->m0]) - xa[nx];
        for (int64_t j = 0; j < nx; j++) x[j] = xa[j] + cov[j] / den * innov;
        clipped += sx__fcnet_clip(n, x);
    }
    return clipped;
}

static sx_err gather(MPI_Comm comm, const split_t *s, const double *mine, double *all)
{
    if (MPI_Allgatherv(mine, s->counts[s->rank], MPI_DOUBLE, all, s->counts, s->displs, MPI_DOUBLE, comm) !=
        MPI_SUCCESS)
        SX_FAIL(SX_ERR_MPI, "gathering the EnKF members failed");
    return SX_OK;
}

/* Every member's lead forecast from its current state (copied: the filter
 * goes on), gathered; the members' mean into mean[nnodes][nlead]. */
static sx_err branch(MPI_Comm comm, sx__fcnet_t *n, const split_t *s, int N, int64_t per, const double *mine,
                     int64_t t, double *tmp, double *q, double *lmine, double *lall, double *mean)
{
    const int64_t nn = n->c->nnodes, nl = n->c->nlead, lper = nn * nl, nmine = s->m1 - s->m0;
    sx_err e = SX_OK;
    for (int64_t i = 0; !e && i < nmine; i++) {
        memcpy(tmp, mine + i * per, (size_t)n->nx * sizeof *tmp);
        for (int64_t l = 0; !e && l < nl; l++) {
            e = sx__fcnet_step(n, tmp, t + 1 + l, 1.0, q);
            for (int64_t k = 0; k < nn; k++) lmine[i * lper + k * nl + l] = q[k];
        }
    }
    SX_CHECK(sx_err_agree(comm, e));
    SX_CHECK(gather(comm, s, lmine, lall));
    for (int64_t j = 0; j < lper; j++) mean[j] = 0;
    for (int64_t i = 0; i < N; i++)
        for (int64_t j = 0; j < lper; j++) mean[j] += lall[i * lper + j];
    for (int64_t j = 0; j < lper; j++) mean[j] /= (double)N;
    return SX_OK;
}

sx_err sx__hydro_enkf_run(MPI_Comm comm, const sx_hydro_forecast_cfg_t *c, const sx_hydro_enkf_opts_t *o,
                          const double *obs, int obs_node, int64_t nissue, const int64_t *issue, double *q_corr,
                          sx_hydro_enkf_info_t *info)
{
    memset(info, 0, sizeof *info);
    SX_CHECK(check_opts(o));
    SX_FAIL_IF(obs_node < 0 || obs_node >= c->nnodes, SX_ERR_INTERNAL, "EnKF observation node %d", obs_node);
    split_t s = {0}, ls = {0};
    SX_CHECK_MPI(MPI_Comm_rank(comm, &s.rank));
    SX_CHECK_MPI(MPI_Comm_size(comm, &s.size));
    s.m0 = (int64_t)o->members * s.rank / s.size;
    s.m1 = (int64_t)o->members * (s.rank + 1) / s.size;
    ls = s;
    const int64_t nmine = s.m1 - s.m0, N = o->members, nn = c->nnodes, nl = c->nlead;
    sx__fcnet_t n;
    sx_err e = sx__fcnet_init(c, &n);
    const int64_t nx = n.nx, per = nx + 1, nh = n.nh, lper = nn * nl;
    if (!e && (nissue < 1 || issue[nissue - 1] != nh - 1))
        e = sx_err_set(SX_ERR_INTERNAL, SX__FILE, __LINE__, "EnKF issue steps must end at the run's issue");
    double *mine = NULL, *all = NULL, *mean = NULL, *cov = NULL, *q = NULL, *lmine = NULL, *lall = NULL, *tmp = NULL;
    sx__rng_t *rng = NULL;
    s.counts = malloc((size_t)s.size * sizeof *s.counts);
    s.displs = malloc((size_t)s.size * sizeof *s.displs);
    ls.counts = malloc((size_t)s.size * sizeof *s.counts);
    ls.displs = malloc((size_t)s.size * sizeof *s.displs);
    if (!e) {
        mine = malloc((size_t)(nmine * per + 1) * sizeof *mine);
        all = malloc((size_t)(N * per) * sizeof *all);
        mean = malloc((size_t)per * sizeof *mean);
        cov = malloc((size_t)per * sizeof *cov);
        q = malloc((size_t)nn * sizeof *q);
        tmp = malloc((size_t)per * sizeof *tmp);
        lmine = malloc((size_t)(nmine * lper + 1) * sizeof *lmine);
        lall = malloc((size_t)(N * lper) * sizeof *lall);
        rng = malloc((size_t)(nmine + 1) * sizeof *rng);
        if (!mine || !all || !mean || !cov || !q || !tmp || !lmine || !lall || !rng || !s.counts || !s.displs ||
            !ls.counts || !ls.displs)
            e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the EnKF (%d members of %lld states)",
                           o->members, (long long)per);
    }
    if (!e) e = sx__hydro_blocks(s.size, o->members, per, s.counts, s.displs);
    if (!e) e = sx__hydro_blocks(s.size, o->members, lper, ls.counts, ls.displs);
    for (int64_t i = 0; !e && i < nmine; i++) {
        memcpy(mine + i * per, n.x0, (size_t)nx * sizeof *mine);
        sx__rng_seed(&rng[i], o->seed, 0x656e6b66ull /* "enkf" */, (uint64_t)(s.m0 + i));
    }
    e = sx_err_agree(comm, e);
    const double s2 = o->rain_sigma * o->rain_sigma;
    int64_t next = 0; /* the next issue step */
    /* a failing step stops this rank's members; the ranks agree at the next
     * analysis or issue (or after the window), so the collectives stay matched */
    for (int64_t t = 0; t < nh && next < nissue; t++) {
        for (int64_t i = 0; !e && i < nmine; i++) {
            double f = exp(o->rain_sigma * sx__rng_normal(&rng[i]) - 0.5 * s2);
            e = sx__fcnet_step(&n, mine + i * per, t, f, q);
            mine[i * per + nx] = q[obs_node];
        }
        if (isfinite(obs[t]) && (o->window == 0 || t >= nh - o->window)) {
            e = sx_err_agree(comm, e);
            if (!e) e = gather(comm, &s, mine, all);
            if (e) break;
            info->clipped += analyse(&n, o, &s, all, mine, rng, obs[t], mean, cov, &info->spread);
            info->analyses++;
        }
        if (t == issue[next]) {
            e = sx_err_agree(comm, e);
            if (!e) e = branch(comm, &n, &ls, o->members, per, mine, t, tmp, q, lmine, lall, q_corr + next * lper);
            if (e) break;
            next++;
        }
    }
    e = sx_err_agree(comm, e);
    if (!e) e = sx__hydro_sum_count(comm, info->clipped, &info->clipped);
    free(mine);
    free(all);
    free(mean);
    free(cov);
    free(q);
    free(tmp);
    free(lmine);
    free(lall);
    free(rng);
    free(s.counts);
    free(s.displs);
    free(ls.counts);
    free(ls.displs);
    sx__fcnet_fini(&n);
    return e;
}

sx_err sx_hydro_enkf_forecast(MPI_Comm comm, const sx_hydro_forecast_cfg_t *c, const sx_hydro_enkf_opts_t *o,
                              const double *obs, int obs_node, double *q_corr, sx_hydro_enkf_info_t *info)
{
    const int64_t last = c->issue - c->start;
    return sx__hydro_enkf_run(comm, c, o, obs, obs_node, 1, &last, q_corr, info);
}
