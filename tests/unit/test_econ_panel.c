/*
 * test_econ_panel.c — normalisation within the scored year or across the
 * whole panel (normalise_scope), against hand computations on a 3-unit,
 * 2-year, 2-indicator panel (b is "less is better"):
 *
 *   unit  year  a   b          year scope 2021: a over {5,15,30}, -b over {-12,-14,-18}
 *   U1    2020  0   10         panel scope: a over {0,10,20,5,15,30},
 *   U2    2020  10  20                      -b over {-10,-20,-30,-12,-14,-18}
 *   U3    2020  20  30
 *   U1    2021  5   12         min-max 2021, panel: a 5/30, 15/30, 30/30 -> 16.667 50 100
 *   U2    2021  15  14                             b (30-12)/20, (30-14)/20, (30-18)/20 -> 90 80 60
 *   U3    2021  30  18         index (equal weights): 53.333 65 80
 *
 * z-score panel, a: mean 80/6, sample sd sqrt(583.333/5) = 10.80123;
 * U1 2021 (5 - 13.3333)/10.80123 = -0.771517. Ranks over the 6 unit-years:
 * a 2021 -> 2 4 6; -b 2021 -> 5 4 3. Distance to best, b: 10/12, 10/14,
 * 10/18 (x100) over the panel against 12/12, 12/14, 12/18 within 2021.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_econ_run.h"
#include "sanxiang/sx_output.h"

#define OUT SX_TEST_OUT "/econ_panel"

static void write_file(const char *path, const char *text)
{
    assert_int_equal(sx_write_text_file(path, text), SX_OK);
}

static int setup(void **state)
{
    (void)state;
    write_file(OUT "/dict.csv", "code,pillar,direction,weight\na,P,1,1\nb,P,-1,1\n");
    write_file(OUT "/panel.csv", "unit,year,a,b\nU1,2020,0,10\nU2,2020,10,20\nU3,2020,20,30\n"
                                 "U1,2021,5,12\nU2,2021,15,14\nU3,2021,30,18\n");
    write_file(OUT "/one_year.csv", "unit,year,a,b\nU1,2021,5,12\nU2,2021,15,14\nU3,2021,30,18\n");
    return 0;
}

/* Scores of the 3 units at node j after an index run with the given choices. */
static void run(sx_norm m, int panel, int year, double out[3][3])
{
    sx_econ_index_opts_t o;
    sx_econ_index_opts_default(&o);
    o.data_path = OUT "/panel.csv", o.dict_path = OUT "/dict.csv";
    o.read.unit_col = "unit", o.read.year = year;
    o.treat = 0;
    o.norm.method = m;
    o.norm_panel = panel;
    sx_econ_index_t *r = NULL;
    assert_int_equal(sx_econ_index_compute(&o, &r), SX_OK);
    assert_int_equal(r->data->n_unit, 3);
    assert_int_equal(r->frame->n_node, 3); /* a, b, P (the index) */
    for (int u = 0; u < 3; u++)
        for (int j = 0; j < 3; j++) out[u][j] = r->scores[u * 3 + j];
    sx_econ_index_destroy(&r);
}

static void near3(const double *got, double a, double b, double c, double tol)
{
    const double want[3] = {a, b, c};
    for (int k = 0; k < 3; k++)
        if (fabs(got[k] - want[k]) > tol) fail_msg("element %d: got %.9g, want %.9g", k, got[k], want[k]);
}

static void column(double s[3][3], int j, double *col)
{
    for (int u = 0; u < 3; u++) col[u] = s[u][j];
}

static void test_minmax(void **state)
{
    (void)state;
    double s[3][3], c[3];
    run(SX_NORM_MINMAX, 0, 0, s);
    column(s, 0, c), near3(c, 0, 40, 100, 1e-9);
    column(s, 1, c), near3(c, 100, 200.0 / 3, 0, 1e-9);
    run(SX_NORM_MINMAX, 1, 0, s);
    column(s, 0, c), near3(c, 50.0 / 3, 50, 100, 1e-9);
    column(s, 1, c), near3(c, 90, 80, 60, 1e-9);
    column(s, 2, c), near3(c, 160.0 / 3, 65, 80, 1e-9);
    run(SX_NORM_MINMAX, 1, 2020, s); /* the other year on the same scale */
    column(s, 0, c), near3(c, 0, 100.0 / 3, 200.0 / 3, 1e-9);
    column(s, 1, c), near3(c, 100, 50, 0, 1e-9);
}

static void test_other_methods(void **state)
{
    (void)state;
    double s[3][3], c[3];
    run(SX_NORM_ZSCORE, 1, 0, s);
    assert_true(fabs(s[0][0] - -0.771517) < 1e-6);
    run(SX_NORM_RANK, 1, 0, s);
    column(s, 0, c), near3(c, 2, 4, 6, 0);
    column(s, 1, c), near3(c, 5, 4, 3, 0);
    run(SX_NORM_RANK, 0, 0, s);
    column(s, 0, c), near3(c, 1, 2, 3, 0);
    run(SX_NORM_BEST, 1, 0, s);
    column(s, 1, c), near3(c, 1000.0 / 12, 1000.0 / 14, 1000.0 / 18, 1e-9);
    run(SX_NORM_BEST, 0, 0, s);
    column(s, 1, c), near3(c, 100, 1200.0 / 14, 1200.0 / 18, 1e-9);
}

static void test_one_year(void **state)
{
    (void)state;
    sx_econ_index_opts_t o;
    sx_econ_index_opts_default(&o);
    o.data_path = OUT "/one_year.csv", o.dict_path = OUT "/dict.csv";
    o.read.unit_col = "unit";
    o.norm_panel = 1;
    sx_econ_index_t *r = NULL;
    assert_int_equal(sx_econ_index_compute(&o, &r), SX_ERR_CONFIG);
    assert_null(r);
    assert_non_null(strstr(sx_err_message(), "one_year.csv"));
    assert_non_null(strstr(sx_err_message(), "normalise_scope"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_minmax), cmocka_unit_test(test_other_methods),
                                       cmocka_unit_test(test_one_year)};
    return cmocka_run_group_tests(tests, setup, NULL);
}
