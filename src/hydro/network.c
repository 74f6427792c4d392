/*
 * network.c — a basin as a tree of sub-basins: upstream-to-downstream
 * order (Kahn's algorithm, ties by node index so the order is fixed) and
 * routing: each node's outflow is its own runoff plus every upstream node's
 * outflow routed through that node's Muskingum reach. The network can also
 * be read from `sanxiang dem watershed` polygons (basin_id, area_km2,
 * downstream_id): one node per basin_id in ascending order, several
 * polygons of one basin counted once.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>

#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_forecast.h"

static int find(int n, const sx_hydro_node_t *nodes, const char *id)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(nodes[i].id, id)) return i;
    return -1;
}

/* Names of the sub-basins on the cycle reached from node i, in flow order and
 * back to the first ("a -> b -> a"), into buf. Every node left over by Kahn's
 * algorithm lies on a cycle (each node has one downstream, so nothing drains
 * out of a cycle), so the walk from i returns to i. */
static void cycle_text(int nnodes, const sx_hydro_node_t *nodes, const int *down, int i, char *buf, size_t n)
{
    size_t off = (size_t)snprintf(buf, n, "%s", nodes[i].id);
    for (int k = down[i], steps = 0; k >= 0 && steps < nnodes && off < n; k = down[k], steps++) {
        off += (size_t)snprintf(buf + off, n - off, " -> %s", nodes[k].id);
        if (k == i) break;
    }
}

sx_err sx_hydro_network_order(int nnodes, const sx_hydro_node_t *nodes, const char *source, int *order)
{
    const char *src = source ? source : "", *sep = source ? ": " : "";
    SX_FAIL_IF(nnodes < 1 || nnodes > 256, SX_ERR_CONFIG, "%s%sa basin network needs 1..256 sub-basins, got %d", src, sep, nnodes);
    int indeg[256] = {0}, down[256];
    for (int i = 0; i < nnodes; i++) {
        SX_FAIL_IF(!nodes[i].id[0], SX_ERR_CONFIG, "%s%ssub-basin %d has no id; give every sub-basin an id", src, sep, i + 1);
        SX_FAIL_IF(find(i, nodes, nodes[i].id) >= 0, SX_ERR_CONFIG,
                   "%s%ssub-basin id '%s' is used twice (sub-basins %d and %d); ids must be unique", src, sep, nodes[i].id,
                   find(i, nodes, nodes[i].id) + 1, i + 1);
        down[i] = nodes[i].down[0] ? find(nnodes, nodes, nodes[i].down) : -1;
        SX_FAIL_IF(nodes[i].down[0] && down[i] < 0, SX_ERR_CONFIG,
                   "%s%ssub-basin '%s' drains to '%s', which is not a sub-basin of this network", src, sep, nodes[i].id,
                   nodes[i].down);
        SX_FAIL_IF(down[i] == i, SX_ERR_CONFIG, "%s%ssub-basin '%s' drains into itself; give the sub-basin downstream of it",
                   src, sep, nodes[i].id);
    }
    for (int i = 0; i < nnodes; i++)
        if (down[i] >= 0) indeg[down[i]]++;
    int done = 0;
    char used[256] = {0};
    while (done < nnodes) {
        int pick = -1;
        for (int i = 0; i < nnodes && pick < 0; i++)
            if (!used[i] && indeg[i] == 0) pick = i;
        if (pick < 0) {
            int first = 0;
            while (used[first]) first++;
            char cyc[512];
            cycle_text(nnodes, nodes, down, first, cyc, sizeof cyc);
            SX_FAIL(SX_ERR_CONFIG,
                    "%s%sthe sub-basins' downstream links form a cycle %s; every chain must end at an outlet (a "
                    "sub-basin with no downstream): fix the downstream id (down) of one of them",
                    src, sep, cyc);
        }
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
    return sx_hydro_network_route_res(nnodes, nodes, order, nsteps, dt_hours, local, out, reach_in, capture, reach_out,
                                      NULL, NULL, NULL); /* the routing loop: network_reservoir.c */
}

static int cmp_node_id(const void *a, const void *b)
{
    long x = strtol(((const sx_hydro_node_t *)a)->id, NULL, 10), y = strtol(((const sx_hydro_node_t *)b)->id, NULL, 10);
    return (x > y) - (x < y);
}

sx_err sx_hydro_network_read_watershed(const char *path, int max, sx_hydro_node_t *nodes, int *n)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    SX_FAIL_IF(!ds, SX_ERR_IO, "cannot open the watershed polygons '%s' (made by `sanxiang dem watershed --polygons`)",
               path);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH fd = l ? OGR_L_GetLayerDefn(l) : NULL;
    int fi = fd ? OGR_FD_GetFieldIndex(fd, "basin_id") : -1, fa = fd ? OGR_FD_GetFieldIndex(fd, "area_km2") : -1,
        fn = fd ? OGR_FD_GetFieldIndex(fd, "downstream_id") : -1;
    sx_err e = SX_OK;
    int m = 0;
    if (fi < 0 || fa < 0 || fn < 0) {
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' lacks basin_id, area_km2 or downstream_id; re-run `sanxiang "
                       "dem watershed` (downstream_id is written since this version)", path);
        goto done;
    }
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    while (!e && (f = OGR_L_GetNextFeature(l))) {
        int id = OGR_F_GetFieldAsInteger(f, fi), dn = OGR_F_GetFieldAsInteger(f, fn);
        double a = OGR_F_GetFieldAsDouble(f, fa);
        char ids[32];
        snprintf(ids, sizeof ids, "%d", id);
        int k = 0;
        while (k < m && strcmp(nodes[k].id, ids)) k++;
        if (id < 1 || dn < 0 || !(a >= 0))
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' feature %lld: basin_id %d, downstream_id %d, area_km2 %g "
                           "are not a watershed record", path, (long long)OGR_F_GetFID(f), id, dn, a);
        else if (k < m && (nodes[k].area_km2 != a || strtol(nodes[k].down[0] ? nodes[k].down : "0", NULL, 10) != dn))
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s': the polygons of basin %d disagree on area or "
                           "downstream_id", path, id);
        else if (k == m && m == max)
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' has more than %d basins", path, max);
        else if (k == m) {
            memset(&nodes[m], 0, sizeof nodes[m]);
            snprintf(nodes[m].id, sizeof nodes[m].id, "%d", id);
            if (dn > 0) snprintf(nodes[m].down, sizeof nodes[m].down, "%d", dn);
            nodes[m].area_km2 = a;
            nodes[m].reach_x = 0.2;
            m++;
        }
        OGR_F_Destroy(f);
    }
    if (!e && m == 0) e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' has no basins", path);
done:
    GDALClose(ds);
    SX_CHECK(e);
    qsort(nodes, (size_t)m, sizeof *nodes, cmp_node_id);
    int order[256];
    SX_CHECK(sx_hydro_network_order(m, nodes, path, order)); /* a damaged file: name it and the sub-basins */
    *n = m;
    return SX_OK;
}
