/*
 * test_hydro_param_sets.c — parameter-set CSV (the calibration's final
 * SCE-UA population, read back by forecast ensembles): a written population
 * reads back bit for bit in file order, `best` keeps the first rows, and
 * every bad file is refused naming line and column: an unknown column, a
 * row of another model, a value outside the parameter's valid range, a
 * field that is not a number, more `best` rows than the file holds.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_io.h"

static char path[64];

static void put(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void refused(const char *model, int64_t best, const char *needle)
{
    sx_hydro_param_sets_t s;
    assert_int_not_equal(sx_hydro_param_sets_read(path, model, best, &s), SX_OK);
    if (!strstr(sx_err_message(), needle)) fail_msg("message '%s' lacks '%s'", sx_err_message(), needle);
    sx_err_clear();
}

static void round_trip(void **state)
{
    (void)state;
    double rows[3 * 5] = {0.01, 350.25, -0.5, 90.125, 1.75, 0.02, 1e-17 + 100, 0, 20, 0.5, 0.5, 2000, 3, 500, 4};
    assert_int_equal(sx_hydro_param_sets_write(path, "gr4j", "nse", rows, 3), SX_OK);
    sx_hydro_param_sets_t s;
    assert_int_equal(sx_hydro_param_sets_read(path, "gr4j", 0, &s), SX_OK);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.np, 4);
    assert_string_equal(s.name[0], "X1");
    assert_string_equal(s.name[3], "X4");
    for (int r = 0; r < 3; r++)
        for (int i = 0; i < 4; i++) assert_memory_equal(&s.v[r * 4 + i], &rows[r * 5 + 1 + i], sizeof(double));
    sx_hydro_param_sets_fini(&s);
    assert_int_equal(sx_hydro_param_sets_read(path, "gr4j", 2, &s), SX_OK);
    assert_int_equal(s.n, 2);
    assert_true(s.v[4] == rows[6]);
    sx_hydro_param_sets_fini(&s);
    refused("gr4j", 4, "best: 4 asks for more sets");
    refused("xaj", 0, "'X1' is not a parameter of xaj");
}

static void bad_files(void **state)
{
    (void)state;
    static const struct {
        const char *text, *needle;
    } bad[] = {
        {"model,X1,X2,X7\ngr4j,300,0,20\n", "line 1, column 4: 'X7' is not a parameter of gr4j"},
        {"X1,X2,X3,X4,loss\n300,0,20,1.5,0.1\n-5,0,20,1.5,0.2\n", "line 3: X1 = -5 is outside its valid range"},
        {"model,X1,X2,X3,X4\ngr4j,300,0,20,1.5\nxaj,300,0,20,1.5\n",
         "line 3 is a 'xaj' parameter set but the forecast runs gr4j"},
        {"X1,X2,X3,X4\n300,abc,20,1.5\n", "column 'X2': 'abc' is not a finite number"},
        {"X1,X2,X3,X4\n300,0,20\n", ":2: row has 3 fields but the header has 4"},
        {"# from a spreadsheet\nmodel,X1,X2,X7\ngr4j,300,0,20\n", "line 2, column 4: 'X7' is not a parameter of gr4j"},
        {"X1,X2,X3,X4\n", "holds no parameter set"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        put(bad[i].text);
        refused("gr4j", 0, bad[i].needle);
    }
    /* a hand-written file without model/loss columns and with a subset of parameters is fine */
    put("\xEF\xBB\xBF# two sets, a spreadsheet's BOM and CRLF\r\nX1, X4\r\n250,2\r\n400,3\r\n");
    sx_hydro_param_sets_t s;
    assert_int_equal(sx_hydro_param_sets_read(path, "gr4j", 0, &s), SX_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.np, 2);
    assert_true(s.v[2] == 400 && s.v[3] == 3);
    sx_hydro_param_sets_fini(&s);
}

int main(void)
{
    snprintf(path, sizeof path, "test_hydro_param_sets_%d.csv", (int)getpid());
    const struct CMUnitTest tests[] = {cmocka_unit_test(round_trip), cmocka_unit_test(bad_files)};
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    remove(path);
    return r;
}
