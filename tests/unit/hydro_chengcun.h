/*
 * hydro_chengcun.h — test helper: the Chengcun basin data set
 * (data/hydrology/xinanjiang_chengcun) and a run of the published
 * Xinanjiang parameter set over its 20 Thiessen-weighted units.
 */
#ifndef TEST_HYDRO_CHENGCUN_H
#define TEST_HYDRO_CHENGCUN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_hydro.h"

#define CC_N 2922
#define CC_G 10
#define CC_U 20

typedef struct {
    double p[CC_N][CC_G], em[CC_N], qsim[CC_N];
    double area[CC_U], w[CC_U][CC_G], total_area;
} chengcun_t;

static inline void chengcun_load(chengcun_t *c)
{
    FILE *f = fopen(SX_DATA_DIR "/hydrology/xinanjiang_chengcun/chengcun_daily.csv", "r");
    assert_non_null(f);
    char line[1024];
    assert_non_null(fgets(line, sizeof line, f));
    for (int t = 0; t < CC_N; t++) {
        assert_non_null(fgets(line, sizeof line, f));
        char *s = strchr(line, ',') + 1;
        for (int g = 0; g < CC_G; g++) c->p[t][g] = strtod(s, &s), s++;
        c->em[t] = strtod(s, &s), s++;
        c->qsim[t] = strtod(s, &s);
    }
    fclose(f);
    f = fopen(SX_DATA_DIR "/hydrology/xinanjiang_chengcun/watershed_utf8.txt", "r");
    assert_non_null(f);
    for (int i = 0; i < 6; i++) assert_non_null(fgets(line, sizeof line, f));
    char *s = line;
    c->total_area = 0;
    for (int u = 0; u < CC_U; u++) c->area[u] = strtod(s, &s), c->total_area += c->area[u];
    for (int u = 0; u < CC_U; u++) {
        assert_non_null(fgets(line, sizeof line, f));
        s = line;
        for (int g = 0; g < CC_G; g++) c->w[u][g] = strtod(s, &s);
    }
    fclose(f);
}

/* Published parameters (parameter.txt): KC UM LM C WM B IM SM EX KG KI CS CI CG CR KE XE.
 * Our lag-and-route CS is the channel-network recession CR; L = 0. */
static inline void chengcun_model(sx_hydro_model_t **m)
{
    static const char *names[] = {"K", "WUM", "WLM", "C", "WM", "B", "IM", "SM", "EX", "KG", "KI", "CI", "CG", "CS", "L"};
    static const double vals[] = {0.93, 20, 60, 0.18, 120, 0.3, 0.01, 30, 1.5, 0.13, 0.57, 0.76, 0.98, 0.21, 0};
    assert_int_equal(sx_hydro_model_create("xaj", m), SX_OK);
    for (int i = 0; i < 15; i++) assert_int_equal(sx_hydro_model_set_param(*m, names[i], vals[i]), SX_OK);
    assert_int_equal(sx_hydro_model_reset(*m), SX_OK);
    assert_int_equal(sx_hydro_model_set_state(*m, "WU", 10), SX_OK);
    assert_int_equal(sx_hydro_model_set_state(*m, "WL", 30), SX_OK);
    assert_int_equal(sx_hydro_model_set_state(*m, "WD", 20), SX_OK);
}

/* Run every unit, sum to m³/s at the outlet, route by Muskingum KE = 24 h, XE = 0.4. */
static inline void chengcun_run_published(const chengcun_t *c, double *qout)
{
    double *P = malloc(CC_N * sizeof *P), *E = malloc(CC_N * sizeof *E), *Q = malloc(CC_N * sizeof *Q);
    double *sum = calloc(CC_N, sizeof *sum);
    for (int t = 0; t < CC_N; t++) E[t] = c->em[t];
    for (int u = 0; u < CC_U; u++) {
        sx_hydro_model_t *m = NULL;
        chengcun_model(&m);
        for (int t = 0; t < CC_N; t++) {
            P[t] = 0;
            for (int g = 0; g < CC_G; g++) P[t] += c->w[u][g] * c->p[t][g];
        }
        assert_int_equal(sx_hydro_model_run(m, CC_N, P, E, Q, 0), SX_OK);
        for (int t = 0; t < CC_N; t++) sum[t] += Q[t] * c->area[u] / (3.6 * 24);
        sx_hydro_model_destroy(&m);
    }
    sx_muskingum_t mk;
    assert_int_equal(sx_muskingum_plan(24, 0.4, 24, &mk), SX_OK);
    assert_int_equal(sx_muskingum_route(&mk, CC_N, sum, qout), SX_OK);
    free(P), free(E), free(Q), free(sum);
}

#endif
