/*
 * network_reservoir.c — routing a basin network whose nodes may hold
 * reservoirs (sx_hydro_network_route_res). Nodes are taken upstream to
 * downstream; a node's discharge is its own runoff plus every upstream
 * node's outflow routed through that node's Muskingum reach. At a reservoir
 * node that discharge is the reservoir's inflow, routed through the pool by
 * storage indication with the reservoir's operating rules
 * (sx_reservoir_operate_capped), and the release is what goes down the reach.
 *
 * Compensation (错峰 / 补偿调度, e.g. 《水库防洪调度》, 水利部 SL 224-98
 * §5 and Chow, Maidment & Mays 1988 §8.5 on downstream control points): a
 * reservoir with a control point C holds its ruled release at step t to
 *     R(t) <= Q_safe(C) - Q'(C, t + lag),
 * Q' the discharge at C without this reservoir's release (the network routed
 * again with the reservoir's outflow set to zero, the other reservoirs
 * operated by their rules without compensation) and lag the travel time to C
 * (the sum of the reaches' K on the way, rounded to whole steps), so that the
 * release arrives at C while the interval flood leaves room for it. Beyond
 * the window's end the last value of Q' is held. Every number depends only on
 * the inputs: the same at any rank count. A hot-started reservoir (hot set)
 * routes its first row as the step from the previous run's last row.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_forecast.h"

static int find(int n, const sx_hydro_node_t *nodes, const char *id)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(nodes[i].id, id)) return i;
    return -1;
}

typedef struct {
    int nnodes;
    const sx_hydro_node_t *nodes;
    const int *order;
    int64_t nsteps;
    double dt_hours;
    const double *local;
    double *const *reach_in;
    const sx_hydro_net_reservoir_t *const *res;
    const char *const *times;
} net_t;

static sx_err route(const net_t *n, double *out, int64_t capture, double *const *reach_out, int exclude, int nocomp,
                    sx_hydro_net_res_out_t *ro);

/* Travel time (steps) from node i down to node c; -1 when c is not downstream of i. */
static int64_t lag_steps(const net_t *n, int i, int c)
{
    double k = 0;
    for (int j = i, hops = 0; j >= 0 && hops <= n->nnodes; hops++) {
        if (j == c) return (int64_t)floor(k / n->dt_hours + 0.5);
        k += n->nodes[j].reach_k_h;
        j = n->nodes[j].down[0] ? find(n->nnodes, n->nodes, n->nodes[j].down) : -1;
    }
    return -1;
}

/* The compensation cap of reservoir node i over the window into cap[nsteps]. */
static sx_err comp_cap(const net_t *n, int i, double *cap)
{
    const sx_hydro_net_reservoir_t *r = n->res[i];
    const int64_t ns = n->nsteps, lag = lag_steps(n, i, r->comp_node);
    SX_FAIL_IF(lag < 0 || r->comp_node == i, SX_ERR_CONFIG,
               "compensation control point '%s' is not downstream of the reservoir; name a station below it",
               n->nodes[r->comp_node].id); /* reservoir() names the reservoir */
    double *q;
    SX_ALLOC(q, (int64_t)n->nnodes * ns, "compensation routing");
    sx_err e = route(n, q, -1, NULL, i, 1, NULL);
    const double *qc = q + (int64_t)r->comp_node * ns;
    for (int64_t t = 0; !e && t < ns; t++) cap[t] = r->comp_q - qc[t + lag < ns ? t + lag : ns - 1];
    free(q);
    return e;
}

/* Reservoir node i: out_i (its inflow) replaced by the release. */
static sx_err reservoir(const net_t *n, int i, double *q, int nocomp, sx_hydro_net_res_out_t *ro)
{
    const sx_hydro_net_reservoir_t *r = n->res[i];
    const int64_t ns = n->nsteps;
    double *w;
    SX_ALLOC(w, 4 * ns, "reservoir routing");
    sx_reservoir_rule_t *rule = malloc((size_t)ns * sizeof *rule);
    double *in = w, *sto = w + ns, *lev = w + 2 * ns, *cap = w + 3 * ns;
    memcpy(in, q, (size_t)ns * sizeof *q);
    sx_err e = rule ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory routing a reservoir");
    double s0 = 0;
    if (!e && r->hot) /* hot start: the step from the previous run's last row */
        e = sx_reservoir_storage_check(r->curves, r->hot->storage, "the hot-start state's storage");
    else if (!e && !isnan(r->z0))
        e = sx_reservoir_storage_at(r->curves, r->z0, r->what, &s0);
    else if (!e && r->rules)
        e = sx_reservoir_storage_at(r->curves, r->rules->z_limit, r->what, &s0);
    else if (!e)
        e = sx_reservoir_storage_steady(r->curves, in[0], &s0);
    const int comp = !nocomp && r->comp_node >= 0 && r->rules;
    if (!e && comp) e = comp_cap(n, i, cap);
    if (!e && r->hot)
        e = sx_reservoir_operate_hot(r->curves, r->rules, n->dt_hours * 3600, ns, in, r->release, comp ? cap : NULL,
                                     r->hot, n->times, q, sto, lev, rule);
    else if (!e)
        e = sx_reservoir_operate_capped(r->curves, r->rules, n->dt_hours * 3600, ns, in, r->release, comp ? cap : NULL,
                                        s0, n->times, q, sto, lev, rule);
    if (e) {
        char m[512];
        snprintf(m, sizeof m, "%s", sx_err_message());
        e = sx_err_set(e, SX__FILE, __LINE__, "%s: %s", r->what, m);
    }
    const int64_t o = (int64_t)i * ns;
    if (!e && ro && ro->inflow) memcpy(ro->inflow + o, in, (size_t)ns * sizeof *in);
    if (!e && ro && ro->level) memcpy(ro->level + o, lev, (size_t)ns * sizeof *lev);
    if (!e && ro && ro->storage) memcpy(ro->storage + o, sto, (size_t)ns * sizeof *sto);
    if (!e && ro && ro->rule) memcpy(ro->rule + o, rule, (size_t)ns * sizeof *rule);
    free(rule);
    free(w);
    return e;
}

static sx_err route(const net_t *n, double *out, int64_t capture, double *const *reach_out, int exclude, int nocomp,
                    sx_hydro_net_res_out_t *ro)
{
    const int64_t ns = n->nsteps;
    memcpy(out, n->local, (size_t)n->nnodes * (size_t)ns * sizeof *out);
    double *tmp;
    SX_ALLOC(tmp, ns, "routing buffer");
    sx_err e = SX_OK;
    for (int k = 0; k < n->nnodes; k++) {
        const int i = n->order[k];
        double *qi = out + (int64_t)i * ns; /* complete: all upstream done */
        if (i == exclude)
            memset(qi, 0, (size_t)ns * sizeof *qi);
        else if (n->res && n->res[i])
            SX_CHECK_GOTO(reservoir(n, i, qi, nocomp, ro), e, done);
        if (!n->nodes[i].down[0]) continue;
        const int d = find(n->nnodes, n->nodes, n->nodes[i].down);
        const double *q = qi;
        if (n->nodes[i].reach_k_h > 0) {
            sx_muskingum_t mk;
            SX_CHECK_GOTO(sx_muskingum_plan(n->nodes[i].reach_k_h, n->nodes[i].reach_x, n->dt_hours, &mk), e, done);
            SX_CHECK_GOTO(sx_muskingum_route_hot(&mk, ns, q, tmp, n->reach_in ? n->reach_in[i] : NULL, capture,
                                                 reach_out ? reach_out[i] : NULL), e, done);
            q = tmp;
        }
        for (int64_t t = 0; t < ns; t++) out[(int64_t)d * ns + t] += q[t];
    }
done:
    free(tmp);
    return e;
}

sx_err sx_hydro_network_route_res(int nnodes, const sx_hydro_node_t *nodes, const int *order, int64_t nsteps,
                                  double dt_hours, const double *local, double *out, double *const *reach_in,
                                  int64_t capture, double *const *reach_out, const sx_hydro_net_reservoir_t *const *res,
                                  const char *const *times, sx_hydro_net_res_out_t *ro)
{
    const net_t n = {nnodes, nodes, order, nsteps, dt_hours, local, reach_in, res, times};
    return route(&n, out, capture, reach_out, -1, 0, ro);
}
