/*
 * test_hydro_eval.c — objectives and GB/T 22482-2008 on hand-checkable
 * series: NSE of a perfect and of a mean simulation, KGE of a scaled
 * simulation, per-event flags at the 20 % / one-step / 20 mm boundaries and
 * the grades at 85 / 70 / 60 %; event detection; CSV forcing errors; a
 * spreadsheet export (UTF-8 BOM, CRLF, comment lines, quotes, blanks) read
 * as the shared table reader reads it, with errors naming the file's line.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_hydro_eval.h"
#include "sanxiang/sx_hydro_io.h"

static void test_objectives(void **state)
{
    double o[6] = {1, 2, 3, 4, 5, 6}, s[6], v;
    memcpy(s, o, sizeof s);
    assert_int_equal(sx_hydro_score(SX_OBJ_NSE, o, s, 0, 6, &v), SX_OK);
    assert_true(v == 1);
    for (int i = 0; i < 6; i++) s[i] = 3.5; /* the mean: NSE 0 */
    assert_int_equal(sx_hydro_score(SX_OBJ_NSE, o, s, 0, 6, &v), SX_OK);
    assert_true(fabs(v) < 1e-15);
    for (int i = 0; i < 6; i++) s[i] = 2 * o[i]; /* r = 1, alpha = 2, beta = 2: KGE = 1 - sqrt(2) */
    assert_int_equal(sx_hydro_score(SX_OBJ_KGE, o, s, 0, 6, &v), SX_OK);
    assert_true(fabs(v - (1 - sqrt(2))) < 1e-12);
    assert_int_equal(sx_hydro_score(SX_OBJ_PEAK, o, s, 0, 6, &v), SX_OK);
    assert_true(fabs(v - 1) < 1e-15);
    /* warm-up excluded: only steps 3..5 count */
    s[0] = 100;
    for (int i = 3; i < 6; i++) s[i] = o[i];
    assert_int_equal(sx_hydro_score(SX_OBJ_NSE, o, s, 3, 6, &v), SX_OK);
    assert_true(v == 1);
    assert_int_equal(sx_hydro_score(SX_OBJ_NSE, o, s, 6, 6, &v), SX_ERR_CONFIG);
    double c[4] = {2, 2, 2, 2};
    assert_int_equal(sx_hydro_score(SX_OBJ_NSE, c, c, 0, 4, &v), SX_ERR_INPUT);
    sx_hydro_objective ob;
    assert_int_equal(sx_hydro_objective_parse("LogNSE", &ob), SX_OK);
    assert_int_equal(ob, SX_OBJ_LOGNSE);
    assert_int_equal(sx_hydro_objective_parse("rmse", &ob), SX_ERR_CONFIG);
}

static void test_gbt_event_flags(void **state)
{
    /* obs: two events of 5 steps, peak 100 at step 2 and 12; mm per step. */
    double obs[20] = {0}, sim[20] = {0};
    for (int i = 0; i < 5; i++) obs[i] = obs[10 + i] = (i == 2 ? 100 : 10);
    memcpy(sim, obs, sizeof sim);
    sim[2] = 120;       /* event 1: peak +20 %: qualifies (within 20 %) */
    sim[13] = 121;      /* event 2: peak 121 at step 13 (+21 %, one step late) */
    sim[12] = 10;
    sx_gbt_event_t ev[2] = {{.start = 0, .end = 4}, {.start = 10, .end = 14}};
    sx_gbt_summary_t sum;
    assert_int_equal(sx_gbt22482_evaluate(obs, sim, 20, 0, 1.0, ev, 2, &sum), SX_OK);
    assert_true(ev[0].peak_ok && ev[0].time_ok && ev[0].depth_ok && ev[0].qualified);
    assert_true(fabs(ev[0].depth_allow - 20) < 1e-12); /* 20 % of 140 mm = 28, capped at 20 */
    assert_true(!ev[1].peak_ok && ev[1].time_ok);
    assert_int_equal(ev[1].peak_time_err, 1);
    assert_int_equal(sum.nqualified, 1);
    assert_true(fabs(sum.pass_rate - 50) < 1e-12);
    assert_string_equal(sum.grade, "不合格");
    /* depth allowance floor of 3 mm for a small event */
    double o2[4] = {1, 4, 2, 1}, s2[4] = {1, 4, 2, 3.9};
    sx_gbt_event_t e2 = {.start = 0, .end = 3};
    assert_int_equal(sx_gbt22482_evaluate(o2, s2, 4, 0, 1.0, &e2, 1, &sum), SX_OK);
    assert_true(fabs(e2.depth_allow - 3) < 1e-12 && e2.depth_ok);
    sx_gbt_event_t bad = {.start = 3, .end = 30};
    assert_int_equal(sx_gbt22482_evaluate(o2, s2, 4, 0, 1.0, &bad, 1, &sum), SX_ERR_INPUT);
}

static void test_grades(void **state)
{
    assert_string_equal(sx_gbt22482_grade(85), "甲");
    assert_string_equal(sx_gbt22482_grade(84.9), "乙");
    assert_string_equal(sx_gbt22482_grade(70), "乙");
    assert_string_equal(sx_gbt22482_grade(60), "丙");
    assert_string_equal(sx_gbt22482_grade(59.9), "不合格");
    assert_string_equal(sx_gbt22482_dc_grade(0.9), "甲");
    assert_string_equal(sx_gbt22482_dc_grade(0.7), "乙");
    assert_string_equal(sx_gbt22482_dc_grade(0.5), "丙");
}

static void test_find_events(void **state)
{
    double q[12] = {0, 5, 9, 5, 0, 0, 0, 8, 0, 7, 0, 0};
    sx_gbt_event_t ev[4];
    int n;
    assert_int_equal(sx_hydro_find_events(q, 12, 5, 1, ev, 4, &n), SX_OK);
    /* runs 1..3, 7, 9 widened by 1: [0,4], [6,10] (7 and 9 merge) */
    assert_int_equal(n, 2);
    assert_int_equal(ev[0].start, 0);
    assert_int_equal(ev[0].end, 4);
    assert_int_equal(ev[1].start, 6);
    assert_int_equal(ev[1].end, 10);
}

static void test_series_errors(void **state)
{
    sx_hydro_series_t s;
    const char *req[] = {"P", "E"};
    assert_int_equal(sx_hydro_series_read(SX_TEST_DATA_DIR "/hydro/good_hourly.csv", req, 2, NULL, 0, &s), SX_OK);
    assert_int_equal(s.n, 6);
    assert_true(s.time_is_date && s.dt == 3600);
    assert_true(sx_hydro_series_col(&s, "P")[2] == 30);
    sx_hydro_series_fini(&s);
    assert_int_equal(sx_hydro_series_read(SX_TEST_DATA_DIR "/hydro/gap.csv", req, 2, NULL, 0, &s), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "gap.csv:4: missing time step(s) between 2024-06-01 01:00 and 2024-06-01 03:00"));
    assert_int_equal(sx_hydro_series_read(SX_TEST_DATA_DIR "/hydro/nan.csv", req, 2, NULL, 0, &s), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "nan.csv:3: time 2024-06-01 01:00: P is nan"));
    assert_int_equal(sx_hydro_series_read(SX_TEST_DATA_DIR "/hydro/negative.csv", req, 2, NULL, 0, &s), SX_ERR_INPUT);
    assert_int_equal(sx_hydro_series_read(SX_TEST_DATA_DIR "/hydro/empty.csv", req, 2, NULL, 0, &s), SX_ERR_INPUT);
    assert_int_equal(sx_hydro_series_read(SX_TEST_DATA_DIR "/hydro/no_e.csv", req, 2, NULL, 0, &s), SX_ERR_INPUT);
    assert_int_equal(sx_hydro_series_read(SX_TEST_DATA_DIR "/hydro/missing.csv", req, 2, NULL, 0, &s), SX_ERR_IO);
}

static void test_series_formats(void **state)
{
    sx_hydro_series_t s;
    const char *req[] = {"P", "E"};
    assert_int_equal(sx_hydro_series_read(SX_TEST_DATA_DIR "/hydro/bom_crlf.csv", req, 2, NULL, 0, &s), SX_OK);
    assert_int_equal(s.n, 3);
    assert_true(s.time_is_date && s.dt == 3600);
    assert_string_equal(s.time[0], "2024-06-01 00:00");
    assert_true(sx_hydro_series_col(&s, "P")[1] == 12);
    assert_true(sx_hydro_series_col(&s, "E")[2] == 0.2);
    sx_hydro_series_fini(&s);
    /* times that go back: the message names the line in the file (after a comment line) */
    assert_int_equal(sx_hydro_series_read(SX_TEST_DATA_DIR "/hydro/backwards.csv", req, 2, NULL, 0, &s), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "backwards.csv:5: time 2024-06-01 00:30 does not follow 2024-06-01 01:00"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_objectives),      cmocka_unit_test(test_gbt_event_flags),
        cmocka_unit_test(test_grades),          cmocka_unit_test(test_find_events),
        cmocka_unit_test(test_series_errors),   cmocka_unit_test(test_series_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
