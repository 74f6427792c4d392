/*
 * test_hydro_correct.c — real-time error correction (sx_hydro_correct.h):
 * least squares recovers the coefficients of a noise-free AR(2); RLS with
 * lambda = 1 equals batch least squares (with gaps in the errors); an AR(1)
 * L-step correction equals phi^L e_t; a missing error is replaced by its
 * prediction; the limit holds; too few rows and a zero error are refused;
 * and a twin experiment (GR4J truth on hourly storms, GR4J with biased
 * parameters as the forecast, observations with 5 % noise, fixed seed) where AR and RLS each
 * lower the RMSE of the 1- to 6-step forecasts against the uncorrected run.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_correct.h"
#include "unit/hydro_noise.h"

static void test_ar2_exact(void **state)
{
    (void)state;
    double e[40] = {1.0, 0.4};
    for (int t = 2; t < 40; t++) e[t] = 1.2 * e[t - 1] - 0.5 * e[t - 2]; /* a damped oscillation */
    double phi[2];
    int64_t rows;
    assert_int_equal(sx_hydro_ar_fit(e, 40, 2, phi, &rows), SX_OK);
    assert_int_equal(rows, 38);
    close_to(phi[0], 1.2, 1e-9);
    close_to(phi[1], -0.5, 1e-9);
}

static void test_rls_lambda1_equals_ls(void **state)
{
    (void)state;
    enum { N = 300 };
    double e[N];
    e[0] = 0, e[1] = 0.3, e[2] = -0.2;
    for (int t = 3; t < N; t++) e[t] = 0.9 * e[t - 1] - 0.3 * e[t - 2] + 0.1 * e[t - 3] + gauss();
    e[57] = NAN, e[58] = NAN, e[200] = NAN; /* gaps: their rows are skipped by both */
    for (int p = 1; p <= 4; p++) {
        double a[SX_HYDRO_CORRECT_MAX_ORDER], r[SX_HYDRO_CORRECT_MAX_ORDER];
        int64_t ra, rr;
        assert_int_equal(sx_hydro_ar_fit(e, N, p, a, &ra), SX_OK);
        assert_int_equal(sx_hydro_rls_fit(e, N, p, 1.0, r, &rr), SX_OK);
        assert_int_equal(ra, rr);
        assert_int_equal(ra, sx_hydro_ar_rows(e, N, p));
        for (int i = 0; i < p; i++) close_to(r[i], a[i], 1e-10);
    }
    /* forgetting moves the estimate towards the recent regime */
    double e2[400], f1[1], f2[1];
    int64_t n1;
    e2[0] = 1;
    for (int t = 1; t < 400; t++) e2[t] = (t < 300 ? 0.2 : 0.95) * e2[t - 1] + gauss();
    assert_int_equal(sx_hydro_rls_fit(e2, 400, 1, 1.0, f1, &n1), SX_OK);
    assert_int_equal(sx_hydro_rls_fit(e2, 400, 1, 0.9, f2, &n1), SX_OK);
    assert_true(fabs(f2[0] - 0.95) < fabs(f1[0] - 0.95));
}

static void test_ar1_lead(void **state)
{
    (void)state;
    double e[30];
    e[0] = 5;
    for (int t = 1; t < 30; t++) e[t] = 0.8 * e[t - 1] + 0.5 * sin(t); /* not exactly AR(1) */
    double phi[1], out[6];
    int64_t rows, from;
    assert_int_equal(sx_hydro_ar_fit(e, 30, 1, phi, &rows), SX_OK);
    assert_int_equal(sx_hydro_ar_propagate(phi, 1, e, 30, 6, out, &from), SX_OK);
    assert_int_equal(from, 29);
    for (int l = 1; l <= 6; l++) close_to(out[l - 1], pow(phi[0], l) * e[29], 1e-12);
    /* the same through sx_hydro_correct: corrected - sim = phi^L e_t */
    double sim[36], obs[30], c[6];
    for (int t = 0; t < 36; t++) sim[t] = 100 + 10 * t;
    for (int t = 0; t < 30; t++) obs[t] = sim[t] + e[t];
    sx_hydro_correct_opts_t o = {SX_HYDRO_CORRECT_AR, 1, 1, 0, 0};
    sx_hydro_correct_info_t info;
    assert_int_equal(sx_hydro_correct(&o, sim, obs, 29, 6, c, &info), SX_OK);
    close_to(info.phi[0], phi[0], 1e-12);
    for (int l = 1; l <= 6; l++) close_to(c[l - 1] - sim[29 + l], pow(phi[0], l) * e[29], 1e-9);
    /* a missing latest error is replaced by its prediction: one more step of phi */
    obs[29] = NAN;
    assert_int_equal(sx_hydro_correct(&o, sim, obs, 29, 6, c, &info), SX_OK);
    assert_int_equal(info.from, 28);
    for (int l = 1; l <= 6; l++) close_to(c[l - 1] - sim[29 + l], pow(info.phi[0], l + 1) * e[28], 1e-9);
}

static void test_limit_and_refusals(void **state)
{
    (void)state;
    double sim[20], obs[20], c[5];
    for (int t = 0; t < 20; t++) sim[t] = 100, obs[t] = 100 + 60 * pow(0.99, t) + (t % 3) * 0.1;
    for (int t = 15; t < 20; t++) sim[t] = 10; /* a steep falling limb after the issue */
    sx_hydro_correct_opts_t o = {SX_HYDRO_CORRECT_AR, 1, 1, 0, 0.5};
    sx_hydro_correct_info_t info;
    assert_int_equal(sx_hydro_correct(&o, sim, obs, 14, 5, c, &info), SX_OK);
    for (int l = 0; l < 5; l++) close_to(c[l], 15, 1e-12); /* sim * (1 + 0.5) */
    assert_int_equal(info.limited, 5);
    for (int t = 0; t < 20; t++) obs[t] = 40 - 30 * pow(0.99, t) + (t % 3) * 0.1, sim[t] = 100; /* sim far too high */
    o.limit = 0;
    for (int t = 15; t < 20; t++) sim[t] = 10;
    assert_int_equal(sx_hydro_correct(&o, sim, obs, 14, 5, c, &info), SX_OK);
    for (int l = 0; l < 5; l++) assert_true(c[l] == 0); /* never a negative discharge */
    /* refusals: too few rows, errors all zero */
    double e[6] = {1, NAN, 2, NAN, 3, 4}, phi[2];
    int64_t rows;
    assert_int_equal(sx_hydro_ar_fit(e, 6, 2, phi, &rows), SX_ERR_INPUT);
    assert_int_equal(rows, 0);
    double z[10] = {0};
    assert_int_equal(sx_hydro_ar_fit(z, 10, 1, phi, &rows), SX_ERR_INPUT);
    assert_int_equal(sx_hydro_rls_fit(z, 10, 1, 0.9, phi, &rows), SX_ERR_INPUT);
    assert_int_equal(sx_hydro_rls_fit(e, 6, 1, 1.5, phi, &rows), SX_ERR_CONFIG);
}

/* GR4J with parameters x on rain P (mm/step), Q in mm/step. */
static void gr4j(const double *x, int n, const double *P, const double *E, double *Q)
{
    static const char *const name[] = {"X1", "X2", "X3", "X4"};
    sx_hydro_model_t *m = NULL;
    assert_int_equal(sx_hydro_model_create("gr4j", &m), SX_OK);
    for (int i = 0; i < 4; i++) assert_int_equal(sx_hydro_model_set_param(m, name[i], x[i]), SX_OK);
    assert_int_equal(sx_hydro_model_reset(m), SX_OK);
    assert_int_equal(sx_hydro_model_run(m, n, P, E, Q, 0), SX_OK);
    sx_hydro_model_destroy(&m);
}

static void test_twin_experiment(void **state)
{
    (void)state;
    enum { N = 2000, LEAD = 6 };
    static double P[N], E[N], truth[N], sim[N], obs[N];
    rng = 12345;
    for (int t = 0; t < N;) { /* hourly storms: 6-24 h of 1-5 mm/h, about 100 h apart */
        int dry = (int)(-100 * log(1 - uniform())), wet = 6 + (int)(19 * uniform());
        for (int k = 0; k < dry && t < N; k++, t++) P[t] = 0, E[t] = 0.1;
        for (int k = 0; k < wet && t < N; k++, t++) P[t] = 1 + 4 * uniform(), E[t] = 0.05;
    }
    const double xt[4] = {350, 0, 90, 12}, xb[4] = {500, -1, 60, 15}; /* truth, biased forecast model */
    gr4j(xt, N, P, E, truth);
    gr4j(xb, N, P, E, sim);
    for (int t = 0; t < N; t++) obs[t] = fmax(0, truth[t] * (1 + 0.05 * gauss()));
    for (int m = 0; m < 2; m++) {
        sx_hydro_correct_opts_t o = {m ? SX_HYDRO_CORRECT_RLS : SX_HYDRO_CORRECT_AR, 2, 0.98, m ? 0 : 60, 0};
        double se_c[LEAD] = {0}, se_u[LEAD] = {0}, c[LEAD];
        int count = 0;
        for (int issue = 120; issue + LEAD < N; issue++, count++) {
            sx_hydro_correct_info_t info;
            assert_int_equal(sx_hydro_correct(&o, sim, obs, issue, LEAD, c, &info), SX_OK);
            for (int l = 0; l < LEAD; l++) {
                double tr = truth[issue + 1 + l];
                se_c[l] += (c[l] - tr) * (c[l] - tr);
                se_u[l] += (sim[issue + 1 + l] - tr) * (sim[issue + 1 + l] - tr);
            }
        }
        for (int l = 0; l < LEAD; l++) {
            double rc = sqrt(se_c[l] / count), ru = sqrt(se_u[l] / count);
            printf("%s lead %d: RMSE corrected %.4f, uncorrected %.4f mm/step\n", m ? "rls" : "ar", l + 1, rc, ru);
            assert_true(rc < ru);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ar2_exact),
        cmocka_unit_test(test_rls_lambda1_equals_ls),
        cmocka_unit_test(test_ar1_lead),
        cmocka_unit_test(test_limit_and_refusals),
        cmocka_unit_test(test_twin_experiment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
