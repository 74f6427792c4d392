/*
 * test_hydro_state.c — hot start through HDF5: two Xinanjiang sub-basins
 * run 400 steps, save, a fresh run loads the state and continues; the
 * result equals one continuous run bit for bit. A state from another basin,
 * another parameter set, another model or lacking a sub-basin is refused.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_hydro.h"

#define N 800

static double P[N], E[N];

static void forcing(void)
{
    unsigned s = 42;
    for (int t = 0; t < N; t++) {
        s = s * 1103515245u + 12345u;
        P[t] = (s >> 16) % 10 < 3 ? (double)((s >> 8) % 600) / 10 : 0;
        E[t] = 2 + sin(t / 58.0);
    }
}

static void make(sx_hydro_model_t **m, double wm)
{
    assert_int_equal(sx_hydro_model_create("xaj", m), SX_OK);
    assert_int_equal(sx_hydro_model_set_param(*m, "WM", wm), SX_OK);
    assert_int_equal(sx_hydro_model_set_param(*m, "L", 2), SX_OK);
    assert_int_equal(sx_hydro_model_reset(*m), SX_OK);
}

static void test_hot_start_cycle(void **state)
{
    forcing();
    const char *ids[2] = {"upper", "lower"};
    const char *path = SX_TEST_OUT "/hydro_state.h5";
    sx_hydro_model_t *c[2], *a[2], *b[2];
    double qc[2][N], qa[2][N];
    for (int u = 0; u < 2; u++) {
        make(&c[u], 120 + 30 * u);
        make(&a[u], 120 + 30 * u);
        make(&b[u], 120 + 30 * u);
        assert_int_equal(sx_hydro_model_run(c[u], N, P, E, qc[u], 0), SX_OK);
        assert_int_equal(sx_hydro_model_run(a[u], 400, P, E, qa[u], 0), SX_OK);
    }
    assert_int_equal(sx_hydro_state_save(path, "chengcun", "400", 2, ids, a, NULL), SX_OK);
    char tm[64];
    assert_int_equal(sx_hydro_state_load(path, "chengcun", 2, ids, b, tm, NULL), SX_OK);
    assert_string_equal(tm, "400");
    for (int u = 0; u < 2; u++) {
        assert_int_equal(sx_hydro_model_run(b[u], N - 400, P + 400, E + 400, qa[u] + 400, 400), SX_OK);
        assert_memory_equal(qa[u], qc[u], sizeof qc[u]);
    }
    /* refusals */
    assert_int_equal(sx_hydro_state_load(path, "zishui", 2, ids, b, NULL, NULL), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "belongs to basin 'chengcun'"));
    const char *other[2] = {"upper", "middle"};
    assert_int_equal(sx_hydro_state_load(path, "chengcun", 2, other, b, NULL, NULL), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "no sub-basin 'middle'"));
    sx_hydro_model_t *d[2];
    make(&d[0], 125); /* recalibrated */
    make(&d[1], 150);
    assert_int_equal(sx_hydro_state_load(path, "chengcun", 2, ids, d, NULL, NULL), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "different parameter set"));
    sx_hydro_model_t *g[1];
    assert_int_equal(sx_hydro_model_create("gr4j", &g[0]), SX_OK);
    assert_int_equal(sx_hydro_state_load(path, "chengcun", 1, ids, g, NULL, NULL), SX_ERR_INPUT);
    assert_int_equal(sx_hydro_state_load(SX_TEST_DATA_DIR "/hydro/gap.csv", "chengcun", 1, ids, g, NULL, NULL), SX_ERR_INPUT);
    assert_int_equal(sx_hydro_state_load(SX_TEST_OUT "/no_such_state.h5", "chengcun", 1, ids, g, NULL, NULL), SX_ERR_IO);
    sx_hydro_model_destroy(&g[0]);
    for (int u = 0; u < 2; u++) {
        sx_hydro_model_destroy(&a[u]);
        sx_hydro_model_destroy(&b[u]);
        sx_hydro_model_destroy(&c[u]);
        sx_hydro_model_destroy(&d[u]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_hot_start_cycle)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
