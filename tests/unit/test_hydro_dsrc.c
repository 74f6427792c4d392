/*
 * test_hydro_dsrc.c — runoff correction by the dynamic system response
 * curve (sx_hydro_dsrc.h): the runoff correction of the models (dR = 0
 * changes nothing, bit for bit; a dR mm added to the runoff comes out as dR
 * mm more discharge); on a noise-free linear routing (a unit
 * hydrograph) DSRC recovers a known runoff error exactly and the re-routed
 * forecast equals the true discharge, also with a missing observation; too
 * few observations and a routing that does not respond are refused; and a
 * twin experiment (GR4J truth on hourly storms, GR4J with biased parameters
 * as the forecast, observations with 5 % noise, fixed seed) where DSRC
 * lowers the RMSE of the 1- to 6-step forecasts against the uncorrected run.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_dsrc.h"
#include "unit/hydro_noise.h"

enum { NL = 60, ISSUE = 40, M = 5 };
static const double uh[6] = {0.1, 0.3, 0.35, 0.15, 0.07, 0.03};

typedef struct {
    const double *R; /* the model's runoff */
    int64_t n, issue, m;
} lin_t;

static sx_err linear(void *ctx, const double *dR, double *q)
{
    const lin_t *l = ctx;
    double R[NL];
    memcpy(R, l->R, sizeof R);
    for (int64_t j = 0; j < l->m; j++) R[l->issue - l->m + 1 + j] += dR[j];
    sx_hydro_uh_route(R, l->n, uh, 6, q);
    return SX_OK;
}

static void test_linear_exact(void **state)
{
    (void)state;
    double Rt[NL], Rm[NL], qt[NL], obs[NL], qs[NL], qc[NL], dR[M];
    const double err[M] = {2, -1, 0.5, 3, -0.7}; /* the runoff error of the last M steps */
    for (int t = 0; t < NL; t++) Rt[t] = Rm[t] = 2 + 10 * uniform();
    for (int j = 0; j < M; j++) Rm[ISSUE - M + 1 + j] = Rt[ISSUE - M + 1 + j] - err[j];
    sx_hydro_uh_route(Rt, NL, uh, 6, qt);
    for (int t = 0; t < NL; t++) obs[t] = t <= ISSUE ? qt[t] : NAN;
    lin_t l = {Rm, NL, ISSUE, M};
    sx_hydro_dsrc_opts_t o = {M, 12, 0, 1};
    sx_hydro_dsrc_info_t info;
    for (int pass = 0; pass < 2; pass++) {
        if (pass) obs[ISSUE - 8] = NAN; /* a missing observation: one row fewer */
        assert_int_equal(sx_hydro_dsrc(&o, linear, &l, NL, ISSUE, obs, qs, dR, qc, &info), SX_OK);
        assert_int_equal(info.rows, pass ? 11 : 12);
        assert_int_equal(info.rank, M);
        for (int j = 0; j < M; j++) close_to(dR[j], err[j], 1e-9);
        for (int t = 0; t < NL; t++) close_to(qc[t], qt[t], 1e-9); /* the forecast too: re-routed exactly */
        assert_true(info.rms_before > 0.1);
        assert_true(info.rms_after < 1e-9);
    }
    /* a ridge weight shrinks the correction */
    o.alpha = 1;
    assert_int_equal(sx_hydro_dsrc(&o, linear, &l, NL, ISSUE, obs, qs, dR, qc, &info), SX_OK);
    double n2 = 0, e2 = 0;
    for (int j = 0; j < M; j++) n2 += dR[j] * dR[j], e2 += err[j] * err[j];
    assert_true(n2 < e2);
    /* refusals: too few observations; runoff after the last observation cannot be seen */
    o.alpha = 0;
    for (int t = 0; t < ISSUE - 3; t++) obs[t] = NAN;
    assert_int_equal(sx_hydro_dsrc(&o, linear, &l, NL, ISSUE, obs, qs, dR, qc, &info), SX_ERR_INPUT);
    double none[NL];
    for (int t = 0; t < NL; t++) none[t] = t < 20 ? qt[t] : NAN;
    o.window = 30;
    assert_int_equal(sx_hydro_dsrc(&o, linear, &l, NL, ISSUE, none, qs, dR, qc, &info), SX_ERR_INPUT);
}

/* GR4J twin: the forecast model restarted from its state at the window's
 * first step, with dR on the last m steps before the issue. */
enum { N = 2000, LEAD = 6, W = 24, MG = 24, SL = 64 };
typedef struct {
    sx_hydro_model_t *m;
    const double *P, *E, *st; /* forcing and the state before step a */
    int64_t a, n, len;
} gr_t;

static sx_err gr_run(void *ctx, const double *dR, double *q)
{
    gr_t *g = ctx;
    double d[W + LEAD] = {0};
    for (int j = 0; j < MG; j++) d[W - MG + j] = dR[j];
    SX_CHECK(sx_hydro_model_restore(g->m, g->st, g->len));
    return sx_hydro_model_run_dr(g->m, g->n, g->P + g->a, g->E + g->a, d, q, g->a);
}

static void make_gr4j(const double *x, sx_hydro_model_t **m)
{
    static const char *const name[] = {"X1", "X2", "X3", "X4"};
    assert_int_equal(sx_hydro_model_create("gr4j", m), SX_OK);
    for (int i = 0; i < 4; i++) assert_int_equal(sx_hydro_model_set_param(*m, name[i], x[i]), SX_OK);
    assert_int_equal(sx_hydro_model_reset(*m), SX_OK);
}

static void test_twin_experiment(void **state)
{
    (void)state;
    static double P[N], E[N], truth[N], sim[N], obs[N], st[N + 1][SL];
    rng = 12345;
    for (int t = 0; t < N;) { /* the storms of test_hydro_correct's twin experiment */
        int dry = (int)(-100 * log(1 - uniform())), wet = 6 + (int)(19 * uniform());
        for (int k = 0; k < dry && t < N; k++, t++) P[t] = 0, E[t] = 0.1;
        for (int k = 0; k < wet && t < N; k++, t++) P[t] = 1 + 4 * uniform(), E[t] = 0.05;
    }
    const double xt[4] = {350, 0, 90, 12}, xb[4] = {500, -1, 60, 15};
    sx_hydro_model_t *m;
    make_gr4j(xt, &m);
    assert_int_equal(sx_hydro_model_run(m, N, P, E, truth, 0), SX_OK);
    sx_hydro_model_destroy(&m);
    make_gr4j(xb, &m);
    const int64_t len = sx_hydro_model_state_len(m);
    assert_true(len <= SL);
    for (int t = 0; t < N; t++) { /* the forecast model, with its state before every step */
        memcpy(st[t], sx_hydro_model_state(m), (size_t)len * sizeof(double));
        assert_int_equal(sx_hydro_model_run(m, 1, P + t, E + t, sim + t, t), SX_OK);
    }
    for (int t = 0; t < N; t++) obs[t] = fmax(0, truth[t] * (1 + 0.05 * gauss()));
    double se_c[LEAD] = {0}, se_u[LEAD] = {0}, qs[W + LEAD], qc[W + LEAD], dR[MG], lo[W + LEAD];
    int count = 0;
    /* the whole window's runoff corrected (m = W): the runoff of the last
     * steps barely reaches the gauge by the issue time (X4 = 15 h), so a
     * ridge weight keeps it from amplifying the noise */
    sx_hydro_dsrc_opts_t o = {MG, W, 1, 1};
    for (int issue = 120; issue + LEAD < N; issue++) {
        gr_t g = {m, P, E, st[issue - W + 1], issue - W + 1, W + LEAD, len};
        for (int t = 0; t < W + LEAD; t++) lo[t] = t < W ? obs[g.a + t] : NAN;
        sx_hydro_dsrc_info_t info;
        sx_err e = sx_hydro_dsrc(&o, gr_run, &g, W + LEAD, W - 1, lo, qs, dR, qc, &info);
        if (e == SX_ERR_INPUT) { /* dry spell: nothing responds, forecast left as it is */
            memcpy(qc, qs, sizeof qc);
        } else
            assert_int_equal(e, SX_OK);
        for (int t = 0; t < W + LEAD; t++) close_to(qs[t], sim[g.a + t], 1e-12); /* f(0) is the simulation */
        for (int l = 0; l < LEAD; l++) {
            double tr = truth[issue + 1 + l];
            se_c[l] += (qc[W + l] - tr) * (qc[W + l] - tr);
            se_u[l] += (sim[issue + 1 + l] - tr) * (sim[issue + 1 + l] - tr);
        }
        count++;
    }
    sx_hydro_model_destroy(&m);
    for (int l = 0; l < LEAD; l++) {
        double rc = sqrt(se_c[l] / count), ru = sqrt(se_u[l] / count);
        printf("dsrc lead %d: RMSE corrected %.4f, uncorrected %.4f mm/step\n", l + 1, rc, ru);
        assert_true(rc < ru);
    }
}

/* The models' runoff input: dR = 0 is the plain run; dR mm added at one step leave the basin as dR mm. */
static void test_model_runoff_input(void **state)
{
    (void)state;
    enum { T = 400 };
    double P[T], E[T], q0[T], q1[T], q2[T], dR[T] = {0};
    for (int t = 0; t < T; t++) P[t] = t % 50 < 5 ? 20 : 0, E[t] = 0.5;
    for (int kind = 0; kind < 2; kind++) {
        sx_hydro_model_t *m = NULL;
        assert_int_equal(sx_hydro_model_create(kind ? "gr4j" : "xaj", &m), SX_OK);
        const int64_t len = sx_hydro_model_state_len(m);
        double *s0 = malloc((size_t)len * sizeof *s0);
        memcpy(s0, sx_hydro_model_state(m), (size_t)len * sizeof *s0);
        assert_int_equal(sx_hydro_model_run(m, T, P, E, q0, 0), SX_OK);
        assert_int_equal(sx_hydro_model_restore(m, s0, len), SX_OK);
        assert_int_equal(sx_hydro_model_run_dr(m, T, P, E, dR, q1, 0), SX_OK);
        assert_memory_equal(q0, q1, sizeof q0);
        dR[102] = 7; /* a wet step: the extra runoff is routed */
        assert_int_equal(sx_hydro_model_restore(m, s0, len), SX_OK);
        assert_int_equal(sx_hydro_model_run_dr(m, T, P, E, dR, q2, 0), SX_OK);
        dR[102] = 0;
        double extra = 0;
        for (int t = 0; t < T; t++) {
            if (t < 102) assert_true(q2[t] == q0[t]); /* nothing before the correction changes */
            extra += q2[t] - q0[t];
        }
        printf("%s: 7 mm of runoff added at step 102 -> %.4f mm more discharge\n", kind ? "gr4j" : "xaj", extra);
        /* all of it leaves by step 400 (default parameters: GR4J without groundwater exchange, X2 = 0) */
        close_to(extra, 7, 0.01);
        free(s0);
        sx_hydro_model_destroy(&m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_runoff_input),
        cmocka_unit_test(test_linear_exact),
        cmocka_unit_test(test_twin_experiment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
