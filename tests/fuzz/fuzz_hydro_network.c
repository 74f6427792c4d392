/*
 * fuzz_hydro_network.c — libFuzzer harness for the sub-basin network reader
 * (sx_hydro_network_read_watershed: `dem watershed` polygons with basin_id,
 * area_km2, downstream_id) and what the forecast does with it next: the
 * upstream-to-downstream order (sx_hydro_network_order) and the routing
 * through Muskingum reaches (sx_hydro_network_route).
 *
 * Input: a vector file as GDAL reads it — GeoJSON when it starts with '{',
 * otherwise CSV (`basin_id,area_km2,downstream_id`, what ogr2ogr writes) —
 * placed in GDAL's in-memory file system.
 *
 * Properties, besides no crash, leak or undefined behaviour:
 *  - a refusal is one line naming the file (reader) or the sub-basin (order);
 *  - nodes come in ascending basin_id, each id once;
 *  - the order lists every node once, each before the node it drains to;
 *  - with constant local inflow 1 in every sub-basin with an area and
 *    reaches starting in steady state, every node's outflow at every step
 *    equals the number of such sub-basins upstream of it, itself included.
 */
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <math.h>
#include <string.h>

#include "sanxiang/sx_hydro_forecast.h"
#include "fuzz_util.h"

#define MAXN 256
#define NSTEP 6

static int index_of(int n, const sx_hydro_node_t *nodes, const char *id)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(nodes[i].id, id)) return i;
    return -1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_gdal_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20) return -1;
    size_t lead = 0;
    while (lead < size && (data[lead] == ' ' || data[lead] == '\n' || data[lead] == '\r' || data[lead] == '\t')) lead++;
    const char *path = lead < size && data[lead] == '{' ? "/vsimem/fuzz_basins.geojson" : "/vsimem/fuzz_basins.csv";
    VSILFILE *f = VSIFileFromMemBuffer(path, (GByte *)data, size, FALSE); /* the fuzzer's buffer, not copied */
    FZ_REQUIRE(f != NULL, "cannot place the input at %s", path);
    VSIFCloseL(f);

    static sx_hydro_node_t nodes[MAXN];
    int n = 0;
    sx_err e = sx_hydro_network_read_watershed(path, MAXN, nodes, &n);
    VSIUnlink(path);
    CPLErrorReset();
    if (e != SX_OK) {
        fz_check_refusal(e, path);
        return 0;
    }
    FZ_REQUIRE(n >= 1 && n <= MAXN, "%d nodes", n);
    for (int i = 0; i < n; i++) {
        FZ_REQUIRE(nodes[i].area_km2 >= 0, "node %s area %g", nodes[i].id, nodes[i].area_km2);
        if (i) FZ_REQUIRE(strtol(nodes[i - 1].id, NULL, 10) < strtol(nodes[i].id, NULL, 10), "ids %s, %s out of order",
                          nodes[i - 1].id, nodes[i].id);
        nodes[i].reach_k_h = 1.5 * (i % 4); /* some reaches routed, some not */
    }

    int order[MAXN];
    e = sx_hydro_network_order(n, nodes, path, order);
    if (e != SX_OK) { /* an unknown downstream id or a cycle: the message names a sub-basin */
        const char *m = sx_err_message();
        FZ_REQUIRE(strstr(m, "sub-basin"), "refusal does not name a sub-basin: %s", m);
        fz_check_refusal(e, NULL);
        return 0;
    }
    int pos[MAXN], seen[MAXN] = {0};
    for (int k = 0; k < n; k++) {
        FZ_REQUIRE(order[k] >= 0 && order[k] < n && !seen[order[k]], "order[%d] = %d", k, order[k]);
        seen[order[k]] = 1;
        pos[order[k]] = k;
    }
    int down[MAXN], upstream[MAXN];
    for (int i = 0; i < n; i++) {
        down[i] = nodes[i].down[0] ? index_of(n, nodes, nodes[i].down) : -1;
        FZ_REQUIRE(!nodes[i].down[0] || down[i] >= 0, "node %s drains to unknown %s", nodes[i].id, nodes[i].down);
        if (down[i] >= 0) FZ_REQUIRE(pos[i] < pos[down[i]], "%s comes after %s, which it drains to", nodes[i].id,
                                     nodes[down[i]].id);
        upstream[i] = 0;
    }
    for (int i = 0; i < n; i++)
        if (nodes[i].area_km2 > 0)
            for (int j = i, hops = 0; j >= 0 && hops <= n; j = down[j], hops++) upstream[j]++;

    double *local = calloc((size_t)n * NSTEP, sizeof *local), *out = calloc((size_t)n * NSTEP, sizeof *out);
    FZ_REQUIRE(local && out, "calloc");
    for (int i = 0; i < n; i++)
        for (int t = 0; t < NSTEP; t++) local[i * NSTEP + t] = nodes[i].area_km2 > 0;
    e = sx_hydro_network_route(n, nodes, order, NSTEP, 1.0, local, out);
    FZ_REQUIRE(e == SX_OK, "routing a valid network failed: %s", sx_err_message());
    for (int i = 0; i < n; i++)
        for (int t = 0; t < NSTEP; t++)
            FZ_REQUIRE(fabs(out[i * NSTEP + t] - upstream[i]) <= 1e-9 * (upstream[i] + 1),
                       "node %s step %d: outflow %.17g, %d sub-basins upstream", nodes[i].id, t, out[i * NSTEP + t],
                       upstream[i]);
    free(local);
    free(out);
    sx_err_clear();
    return 0;
}
