/*
 * dsrc_forecast.c — DSRC updating of a forecast network (sx_hydro_update.h):
 * the routing system of sx_hydro_dsrc is the whole network re-run from the
 * start state with the runoff of every sub-basin corrected by the same dR
 * over the last m steps before the issue; the observed node's discharge is
 * the system output.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hydro/fcnet.h"
#include "sanxiang/sx_hydro_update.h"

typedef struct {
    sx__fcnet_t net;
    int node;
    int64_t m;
    double *dfull, *qall; /* [nsteps] runoff correction, [nnodes][nsteps] discharge */
} sys_t;

static sx_err system_fn(void *ctx, const double *dR, double *q)
{
    sys_t *s = ctx;
    const int64_t ns = s->net.nsteps, nh = s->net.nh;
    memset(s->dfull, 0, (size_t)ns * sizeof *s->dfull);
    memcpy(s->dfull + nh - s->m, dR, (size_t)s->m * sizeof *dR);
    SX_CHECK(sx__fcnet_run(&s->net, s->dfull, s->qall));
    memcpy(q, s->qall + (int64_t)s->node * ns, (size_t)ns * sizeof *q);
    return SX_OK;
}

sx_err sx_hydro_dsrc_forecast(const sx_hydro_forecast_cfg_t *c, const sx_hydro_dsrc_opts_t *o, const double *obs,
                              int obs_node, double *q_sim, double *q_corr, double *dR, sx_hydro_dsrc_info_t *info)
{
    sys_t s = {.node = obs_node, .m = o->m};
    sx_err e = sx__fcnet_init(c, &s.net);
    const int64_t ns = s.net.nsteps, nh = s.net.nh;
    if (!e && o->m > nh)
        e = sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__, "DSRC corrects the runoff of %lld steps but the run simulates "
                       "only %lld up to the issue time; start the run earlier or lower m", (long long)o->m,
                       (long long)nh);
    if (!e) {
        s.dfull = malloc((size_t)ns * sizeof *s.dfull);
        s.qall = malloc((size_t)ns * (size_t)c->nnodes * sizeof *s.qall);
        if (!s.dfull || !s.qall) e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for DSRC");
    }
    if (!e) e = sx_hydro_dsrc(o, system_fn, &s, ns, nh - 1, obs, q_sim, dR, q_corr, info);
    free(s.dfull);
    free(s.qall);
    sx__fcnet_fini(&s.net);
    return e;
}
