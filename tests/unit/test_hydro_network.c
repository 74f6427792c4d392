/*
 * test_hydro_network.c — the order of a sub-basin network and its errors:
 * upstream before downstream on a hand-drawn tree; a cycle is named by its
 * sub-basins in flow order (a -> b -> c -> a) and by the file the network
 * came from; a duplicate id names both positions; a watershed file
 * (basin_id, area_km2, downstream_id) whose links loop is refused naming the
 * file and the basins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_hydro_forecast.h"

static void node(sx_hydro_node_t *n, const char *id, const char *down)
{
    memset(n, 0, sizeof *n);
    snprintf(n->id, sizeof n->id, "%s", id);
    snprintf(n->down, sizeof n->down, "%s", down);
    n->area_km2 = 1;
}

static void test_order(void **state)
{
    (void)state;
    sx_hydro_node_t n[5];
    node(&n[0], "outlet", ""), node(&n[1], "mid", "outlet"), node(&n[2], "a", "mid"), node(&n[3], "b", "mid"),
        node(&n[4], "side", "outlet");
    int order[5], pos[5];
    assert_int_equal(sx_hydro_network_order(5, n, NULL, order), SX_OK);
    for (int k = 0; k < 5; k++) pos[order[k]] = k;
    assert_true(pos[2] < pos[1] && pos[3] < pos[1] && pos[1] < pos[0] && pos[4] < pos[0]);
}

static void test_cycle(void **state)
{
    (void)state;
    sx_hydro_node_t n[5];
    node(&n[0], "outlet", ""), node(&n[1], "up", "b"), node(&n[2], "b", "c"), node(&n[3], "c", "d"), node(&n[4], "d", "b");
    int order[5];
    assert_int_equal(sx_hydro_network_order(5, n, "basin.yaml", order), SX_ERR_CONFIG);
    assert_non_null(strstr(sx_err_message(), "basin.yaml: the sub-basins' downstream links form a cycle b -> c -> d -> b"));
    node(&n[3], "c", "outlet"), node(&n[4], "b", "outlet");
    assert_int_equal(sx_hydro_network_order(5, n, NULL, order), SX_ERR_CONFIG);
    assert_non_null(strstr(sx_err_message(), "sub-basin id 'b' is used twice (sub-basins 3 and 5)"));
}

static void test_watershed_cycle(void **state)
{
    (void)state;
    const char *path = SX_TEST_OUT "/hydro_network_cycle.geojson";
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", f);
    const int id[3] = {1, 2, 3}, dn[3] = {0, 3, 2};
    for (int i = 0; i < 3; i++)
        fprintf(f, "%s{\"type\":\"Feature\",\"properties\":{\"basin_id\":%d,\"area_km2\":1.5,\"downstream_id\":%d},"
                   "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%d,0],[%d,0],[%d,1],[%d,0]]]}}\n",
                i ? "," : "", id[i], dn[i], i, i + 1, i + 1, i);
    fputs("]}\n", f);
    fclose(f);
    sx_hydro_node_t n[8];
    int nn = 0;
    assert_int_equal(sx_hydro_network_read_watershed(path, 8, n, &nn), SX_ERR_CONFIG);
    assert_non_null(strstr(sx_err_message(), "hydro_network_cycle.geojson: the sub-basins' downstream links form a cycle 2 -> 3 -> 2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_order), cmocka_unit_test(test_cycle),
                                       cmocka_unit_test(test_watershed_cycle)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
