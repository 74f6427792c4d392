/*
 * network.c — a basin as a tree of sub-basins: upstream-to-downstream
 * order (Kahn's algorithm, ties by node index so the order is fixed) and
 * routing: each node's outflow is its own runoff plus every upstream node's
 * outflow routed through that node's Muskingum reach.
 */
#include <math.h>
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

sx_err sx_hydro_network_order(int nnodes, const sx_hydro_node_t *nodes, int *order)
{
    SX_FAIL_IF(nnodes < 1 || nnodes > 256, SX_ERR_CONFIG, "a basin network needs 1..256 nodes, got %d", nnodes);
    int indeg[256] = {0}, down[256];
    for (int i = 0; i < nnodes; i++) {
        SX_FAIL_IF(!nodes[i].id[0], SX_ERR_CONFIG, "sub-basin %d has no id", i + 1);
        SX_FAIL_IF(find(i, nodes, nodes[i].id) >= 0, SX_ERR_CONFIG, "sub-basin id '%s' is used twice", nodes[i].id);
        down[i] = nodes[i].down[0] ? find(nnodes, nodes, nodes[i].down) : -1;
        SX_FAIL_IF(nodes[i].down[0] && down[i] < 0, SX_ERR_CONFIG,
                   "sub-basin '%s' drains to '%s', which is not a sub-basin of this network", nodes[i].id, nodes[i].down);
        SX_FAIL_IF(down[i] == i, SX_ERR_CONFIG, "sub-basin '%s' drains into itself", nodes[i].id);
    }
    for (int i = 0; i < nnodes; i++)
        if (down[i] >= 0) indeg[down[i]]++;
    int done = 0;
    char used[256] = {0};
    while (done < nnodes) {
        int pick = -1;
        for (int i = 0; i < nnodes && pick < 0; i++)
            if (!used[i] && indeg[i] == 0) pick = i;
        SX_FAIL_IF(pick < 0, SX_ERR_CONFIG, "the sub-basin links form a cycle; every chain must end at an outlet");
        used[pick] = 1;
        order[done++] = pick;
        if (down[pick] >= 0) indeg[down[pick]]--;
    }
    return SX_OK;
}

sx_err sx_hydro_network_route(int nnodes, const sx_hydro_node_t *nodes, const int *order, int64_t nsteps,
                              double dt_hours, const double *local, double *out)
{
    return sx_hydro_network_route_hot(nnodes, nodes, order, nsteps, dt_hours, local, out, NULL, -1, NULL);
}

sx_err sx_hydro_network_route_hot(int nnodes, const sx_hydro_node_t *nodes, const int *order, int64_t nsteps,
                                  double dt_hours, const double *local, double *out, double *const *reach_in,
                                  int64_t capture, double *const *reach_out)
{
    memcpy(out, local, (size_t)nnodes * (size_t)nsteps * sizeof *out);
    double *tmp;
    SX_ALLOC(tmp, nsteps, "routing buffer");
    sx_err e = SX_OK;
    for (int k = 0; k < nnodes; k++) {
        int i = order[k];
        if (!nodes[i].down[0]) continue;
        int d = find(nnodes, nodes, nodes[i].down);
        const double *q = out + (int64_t)i * nsteps; /* complete: all upstream done */
        if (nodes[i].reach_k_h > 0) {
            sx_muskingum_t mk;
            SX_CHECK_GOTO(sx_muskingum_plan(nodes[i].reach_k_h, nodes[i].reach_x, dt_hours, &mk), e, done);
            SX_CHECK_GOTO(sx_muskingum_route_hot(&mk, nsteps, q, tmp, reach_in ? reach_in[i] : NULL, capture,
                                                 reach_out ? reach_out[i] : NULL), e, done);
            q = tmp;
        }
        for (int64_t t = 0; t < nsteps; t++) out[(int64_t)d * nsteps + t] += q[t];
    }
done:
    free(tmp);
    return e;
}
