/*
 * test_econ_treat.c — hand-checkable cases for the table reader, framework,
 * imputation, screening, skew/kurtosis, outlier treatment, normalisation,
 * aggregation, ranks and target tracking, plus the bad inputs a planner can
 * meet (malformed CSV, non-numbers, cycles, constant indicators).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_econ.h"

static void near(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol)) fail_msg("%s: got %.10g, expected %.10g", what, got, want);
}

static sx_table_t *parse(const char *text)
{
    sx_table_t *t = NULL;
    assert_int_equal(sx_table_parse(text, strlen(text), "test.csv", &t), SX_OK);
    return t;
}

static void test_table(void **state)
{
    sx_table_t *t = parse("\xEF\xBB\xBF" "a,b,c\r\n1,\"x, \"\"y\"\"\",NA\r\n\n2,\"multi\nline\",3\n");
    assert_int_equal(t->nrow, 2);
    assert_int_equal(t->ncol, 3);
    assert_string_equal(t->head[0], "a");
    assert_string_equal(sx_table_at(t, 0, 1), "x, \"y\"");
    assert_string_equal(sx_table_at(t, 1, 1), "multi\nline");
    double v;
    assert_int_equal(sx_table_num(t, 0, 2, &v), SX_OK);
    assert_true(isnan(v));
    assert_int_equal(sx_table_num(t, 1, 2, &v), SX_OK);
    near(v, 3, 0, "number");
    assert_int_equal(sx_table_num(t, 0, 1, &v), SX_ERR_INPUT); /* not a number: named error */
    assert_non_null(strstr(sx_err_message(), "column 'b'"));
    assert_int_equal(sx_table_col(t, "z|C"), 2);
    sx_table_destroy(&t);
    assert_null(t);
    sx_table_t *bad = NULL;
    const char *ragged = "a,b\n1,2,3\n";
    assert_int_equal(sx_table_parse(ragged, strlen(ragged), "r.csv", &bad), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "r.csv:2"));
    const char *open = "a\n\"1\n";
    assert_int_equal(sx_table_parse(open, strlen(open), "q.csv", &bad), SX_ERR_INPUT);
    assert_int_equal(sx_table_read("/nonexistent/x.csv", &bad), SX_ERR_IO);
}

static void test_frame(void **state)
{
    /* planner layout: pillars only named in the parent column, two tops -> common root */
    sx_table_t *t = parse("code,pillar,direction,weight\nx1,P1,1,1\nx2,P1,-1,2\nx3,P2,1,1\n");
    sx_econ_frame_t *f = NULL;
    assert_int_equal(sx_econ_frame_from_table(t, &f), SX_OK);
    assert_int_equal(f->n_ind, 3);
    assert_int_equal(f->n_node, 6); /* x1 x2 x3 P1 P2 Index */
    assert_int_equal(f->n_level, 3);
    assert_string_equal(f->code[5], "Index");
    assert_int_equal(f->parent[1], sx_econ_frame_find(f, "P1"));
    assert_int_equal(f->dir[1], -1);
    sx_econ_frame_destroy(&f);
    sx_table_destroy(&t);
    t = parse("code,pillar\nA,B\nB,A\n");
    assert_int_equal(sx_econ_frame_from_table(t, &f), SX_ERR_INPUT); /* cycle */
    sx_table_destroy(&t);
    t = parse("code,pillar,direction\nx1,P,2\n");
    assert_int_equal(sx_econ_frame_from_table(t, &f), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "direction"));
    sx_table_destroy(&t);
    t = parse("code,pillar\nx1,P\nx1,P\n");
    assert_int_equal(sx_econ_frame_from_table(t, &f), SX_ERR_INPUT);
    sx_table_destroy(&t);
}

static void test_impute_screen(void **state)
{
    sx_table_t *dict = parse("code,pillar\nx1,P\nx2,P\n");
    sx_table_t *data = parse("code,g,year,x1,x2\n"
                                  "A,a,2020,1,10\nA,a,2021,,\nA,a,2022,3,30\n"
                                  "B,a,2020,5,\nB,a,2021,7,\nB,a,2022,9,\n"
                                  "C,b,2020,2,4\nC,b,2021,4,8\nC,b,2022,,\n");
    sx_econ_frame_t *f = NULL;
    sx_econ_data_t *d = NULL;
    assert_int_equal(sx_econ_frame_from_table(dict, &f), SX_OK);
    sx_econ_read_opts_t ro = {.group_col = "g", .year = 2021};
    assert_int_equal(sx_econ_data_from_table(data, f, &ro, &d), SX_OK);
    assert_int_equal(d->n_year, 3);
    assert_int_equal(d->n_unit, 3);
    assert_true(isnan(d->x[0]) && isnan(d->x[1]));
    int64_t n;
    assert_int_equal(sx_econ_impute(d, SX_IMPUTE_LINEAR, &n), SX_OK);
    near(d->x[0], 2, 1e-15, "A x1 2021 interpolated");
    near(d->x[1], 20, 1e-15, "A x2 2021 interpolated");
    assert_true(isnan(d->x[3])); /* B x2 never observed */
    assert_int_equal(n, 2);
    double cov[3];
    sx_econ_coverage(d->x, 3, 2, cov, NULL);
    near(cov[1], 0.5, 0, "B coverage");
    int kept[3];
    assert_int_equal(sx_econ_screen(d, 0.75, kept), SX_OK);
    assert_int_equal(d->n_unit, 2);
    assert_int_equal(kept[1], 0);
    assert_string_equal(d->unit[1], "C");
    sx_econ_data_destroy(&d);
    ro.year = 2022;
    assert_int_equal(sx_econ_data_from_table(data, f, &ro, &d), SX_OK);
    assert_int_equal(sx_econ_impute(d, SX_IMPUTE_LAST, &n), SX_OK);
    near(d->x[2 * 2 + 0], 4, 0, "C x1 2022 carried forward");
    sx_econ_data_destroy(&d);
    assert_int_equal(sx_econ_data_from_table(data, f, &ro, &d), SX_OK);
    assert_int_equal(sx_econ_impute(d, SX_IMPUTE_GROUP_MEAN, &n), SX_OK);
    near(d->x[1 * 2 + 1], 30, 0, "B x2 = mean of group a (A: 30)");
    assert_true(isnan(d->x[2 * 2 + 0])); /* C x1: group b has no other unit -> stays missing */
    sx_econ_data_destroy(&d);
    /* a threshold nobody meets: clear error, and the data stays consistent (no double free) */
    ro.year = 2021;
    assert_int_equal(sx_econ_data_from_table(data, f, &ro, &d), SX_OK);
    assert_int_equal(sx_econ_screen(d, 1.0, NULL), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "keeps"));
    sx_econ_data_destroy(&d);
    ro.year = 1999;
    assert_int_equal(sx_econ_data_from_table(data, f, &ro, &d), SX_ERR_INPUT); /* missing year */
    sx_table_destroy(&data);
    data = parse("code,x1\nA,1\nA,2\n");
    ro.year = 0;
    assert_int_equal(sx_econ_data_from_table(data, f, &ro, &d), SX_ERR_INPUT); /* x2 column missing */
    sx_table_destroy(&data);
    sx_table_destroy(&dict);
    sx_econ_frame_destroy(&f);
}

static void test_skew_treat(void **state)
{
    /* COINr's treat vignette vector: 1..10, 30, 100 */
    double x[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100};
    /* Excel SKEW / KURT (type-2 estimators) of this vector as pandas
     * Series.skew() / .kurt() give them, an implementation independent of ours */
    double sk = sx_econ_skew(x, 12, 1), kt = sx_econ_kurt(x, 12, 1);
    near(sk, 3.0632410342394993, 1e-12, "skew");
    near(kt, 9.741390834569145, 1e-12, "kurtosis");
    sx_econ_treat_opts_t o = {2, 2.0, 3.5};
    sx_econ_treat_info_t info;
    assert_int_equal(sx_econ_treat(x, 12, 1, &o, &info), SX_OK);
    /* one point is enough: 100 -> 30 gives skew 1.712 (pandas) < 2 */
    assert_int_equal(info.kind, SX_TREAT_WINSOR);
    assert_int_equal(info.nwin, 1);
    near(x[11], 30, 0, "winsorised 100");
    near(info.skew1, 1.7120380600890506, 1e-12, "skew after");
    near(info.kurt1, 1.8157805377242031, 1e-12, "kurtosis after");
    /* winmax 0: no Winsorisation allowed, so log_CT of the original values */
    double y[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100};
    o.winmax = 0;
    assert_int_equal(sx_econ_treat(y, 12, 1, &o, &info), SX_OK);
    assert_int_equal(info.kind, SX_TREAT_LOG);
    near(y[0], log(0.01 * 99), 1e-12, "log_CT of the minimum");
    near(y[11], log(99 + 0.99), 1e-12, "log_CT of the maximum");
}

static void test_normalise_aggregate(void **state)
{
    const char *codes[2] = {"a", "b"};
    int dir[2] = {1, -1};
    double x[6] = {1, 10, 2, 20, 3, 40};
    sx_econ_norm_opts_t o = {SX_NORM_MINMAX, 0, 100, 0, 1};
    assert_int_equal(sx_econ_normalise(x, 3, 2, dir, NULL, codes, &o), SX_OK);
    near(x[0], 0, 0, "minmax a"), near(x[2], 50, 1e-12, "minmax a"), near(x[1], 100, 1e-12, "minmax b reversed");
    near(x[5], 0, 0, "minmax b worst");
    double z[3] = {1, 2, 3};
    o.method = SX_NORM_ZSCORE;
    assert_int_equal(sx_econ_normalise(z, 3, 1, NULL, NULL, codes, &o), SX_OK);
    near(z[0], -1, 1e-12, "z-score (sample sd 1)");
    double r[4] = {5, 1, 5, 3};
    o.method = SX_NORM_RANK;
    assert_int_equal(sx_econ_normalise(r, 4, 1, NULL, NULL, codes, &o), SX_OK);
    near(r[0], 3.5, 0, "tied rank"), near(r[1], 1, 0, "rank");
    double t[2] = {50, 150}, tg[1] = {100};
    o.method = SX_NORM_TARGET;
    assert_int_equal(sx_econ_normalise(t, 2, 1, NULL, tg, codes, &o), SX_OK);
    near(t[0], 50, 1e-12, "distance to target"), near(t[1], 100, 0, "capped at target");
    double b[2] = {2, 4};
    int dneg[1] = {-1};
    o.method = SX_NORM_BEST;
    assert_int_equal(sx_econ_normalise(b, 2, 1, dneg, NULL, codes, &o), SX_OK);
    near(b[0], 100, 0, "best (lowest)"), near(b[1], 50, 0, "half the best");
    double c[3] = {7, 7, 7};
    o.method = SX_NORM_MINMAX;
    assert_int_equal(sx_econ_normalise(c, 3, 1, NULL, NULL, codes, &o), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "constant"));

    /* aggregation: missing values re-normalise the weights; zero in geometric */
    double m[2 * 3] = {10, NAN, 40, 0, 50, 50};
    int cols[3] = {0, 1, 2};
    double w[3] = {1, 1, 2}, out[2];
    assert_int_equal(sx_econ_aggregate(m, 2, 3, cols, 3, w, SX_AGG_ARITH, out), SX_OK);
    near(out[0], (10 + 80) / 3.0, 1e-12, "arith with NaN");
    near(out[1], (0 + 50 + 100) / 4.0, 1e-12, "arith");
    assert_int_equal(sx_econ_aggregate(m, 2, 3, cols, 3, w, SX_AGG_GEOM, out), SX_OK);
    near(out[0], exp((log(10) + 2 * log(40)) / 3), 1e-12, "geometric");
    near(out[1], 0, 0, "geometric with a zero");
    m[0] = -1;
    assert_int_equal(sx_econ_aggregate(m, 2, 3, cols, 3, w, SX_AGG_GEOM, out), SX_ERR_INPUT);
    double s[5] = {3, NAN, 5, 3, 1};
    int rk[5];
    sx_econ_rank_desc(s, 5, 1, rk);
    assert_int_equal(rk[2], 1), assert_int_equal(rk[0], 2), assert_int_equal(rk[3], 2);
    assert_int_equal(rk[4], 4), assert_int_equal(rk[1], 5);
}

static void test_targets(void **state)
{
    sx_econ_target_t t;
    /* 100 -> 200 over 2020-2025; 150 in 2023 */
    assert_int_equal(sx_econ_target_track(100, 2020, 200, 2025, 150, 2023, 1, &t), SX_OK);
    near(t.completion, 50, 1e-12, "completion");
    near(t.cagr_required, 100 * (pow(2, 0.2) - 1), 1e-12, "required CAGR");
    near(t.cagr_actual, 100 * (pow(1.5, 1 / 3.0) - 1), 1e-12, "actual CAGR");
    near(t.expected, 160, 1e-12, "straight-line path");
    assert_int_equal(t.on_track, 0); /* 50 % done, 60 % of the time gone */
    assert_int_equal(sx_econ_target_track(100, 2020, 200, 2025, 170, 2023, 1, &t), SX_OK);
    assert_int_equal(t.on_track, 1);
    /* a "less is better" indicator: 10 -> 5 */
    assert_int_equal(sx_econ_target_track(10, 2020, 5, 2025, 7, 2022, -1, &t), SX_OK);
    near(t.completion, 60, 1e-12, "completion (decrease)");
    assert_int_equal(t.on_track, 1);
    assert_int_equal(sx_econ_target_track(100, 2020, 100, 2025, 100, 2020, 1, &t), SX_OK);
    near(t.completion, 100, 0, "target = base reached");
    assert_int_equal(t.on_track, -1);
    assert_int_equal(sx_econ_target_track(1, 2025, 2, 2020, 1, 2025, 1, &t), SX_ERR_INPUT);
    assert_int_equal(sx_econ_target_track(1, 2020, 2, 2025, 1, 2030, 1, &t), SX_ERR_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),      cmocka_unit_test(test_frame),
        cmocka_unit_test(test_impute_screen), cmocka_unit_test(test_skew_treat),
        cmocka_unit_test(test_normalise_aggregate), cmocka_unit_test(test_targets)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
