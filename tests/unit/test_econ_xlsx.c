/*
 * test_econ_xlsx.c — indicator tables read from XLSX sheets through GDAL's
 * XLSX driver give the same table as the CSV they were saved from.
 * tests/data/econ/xlsx_cells.xlsx was written from xlsx_cells.csv by
 * tests/regression/econ_csv2xlsx.py (an independent minimal writer): sheet
 * "Panel 2020" with two title rows above the header, sheet "Dictionary"
 * with the header in row 1; numeric cells stored as numbers, text (Chinese,
 * commas, quotes) as shared strings, one blank row.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_econ.h"

#define XLSX SX_TEST_DATA_DIR "/econ/xlsx_cells.xlsx"
#define CSV SX_TEST_DATA_DIR "/econ/xlsx_cells.csv"

/* Every cell equal as text, or as the same double when both are numbers. */
static void assert_same_table(const sx_table_t *a, const sx_table_t *b)
{
    assert_int_equal(a->nrow, b->nrow);
    assert_int_equal(a->ncol, b->ncol);
    for (int c = 0; c < a->ncol; c++) assert_string_equal(a->head[c], b->head[c]);
    for (int r = 0; r < a->nrow; r++)
        for (int c = 0; c < a->ncol; c++) {
            double x, y;
            if (sx_table_num(a, r, c, &x) == SX_OK && sx_table_num(b, r, c, &y) == SX_OK) {
                if (isnan(x) || isnan(y)) assert_true(isnan(x) && isnan(y));
                else if (x != y) fail_msg("row %d col %d: %.17g != %.17g", r, c, x, y);
            } else assert_string_equal(sx_table_at(a, r, c), sx_table_at(b, r, c));
        }
}

static void test_cells(void **state)
{
    (void)state;
    sx_table_t *x = NULL, *c = NULL;
    assert_int_equal(sx_table_read_xlsx(XLSX, "Panel 2020", 3, &x), SX_OK);
    assert_int_equal(sx_table_read(CSV, &c), SX_OK);
    assert_non_null(strstr(x->path, "xlsx_cells.xlsx[Panel 2020]"));
    assert_int_equal(x->nrow, 4); /* the blank row is skipped */
    assert_int_equal(x->ncol, 4);
    assert_string_equal(x->head[2], "value");
    assert_string_equal(sx_table_at(x, 0, 0), "430100"); /* numeric cell, integer code */
    assert_string_equal(sx_table_at(x, 0, 1), "长沙市");
    assert_string_equal(sx_table_at(x, 1, 1), "Zhuzhou, city");
    assert_string_equal(sx_table_at(x, 3, 3), "quote \"x\"");
    double v;
    assert_int_equal(sx_table_num(x, 0, 2, &v), SX_OK);
    assert_true(v == 0.1);
    assert_int_equal(sx_table_num(x, 1, 2, &v), SX_OK);
    assert_true(v == -2.5e-7);
    assert_int_equal(sx_table_num(x, 2, 2, &v), SX_OK); /* empty cell */
    assert_true(isnan(v));
    assert_same_table(x, c);
    sx_table_destroy(&x);
    /* header in row 1 of the second sheet; sx_table_load picks XLSX by extension */
    assert_int_equal(sx_table_load(XLSX, "Dictionary", 0, &x), SX_OK);
    assert_same_table(x, c);
    sx_table_destroy(&x);
    /* no sheet named: the first sheet, whose row 1 is a title */
    assert_int_equal(sx_table_load(XLSX, NULL, 1, &x), SX_OK);
    assert_int_equal(x->ncol, 1);
    assert_string_equal(x->head[0], "Panel 2020 (title row 1)");
    sx_table_destroy(&x);
    sx_table_destroy(&c);
}

static void test_errors(void **state)
{
    (void)state;
    sx_table_t *x = NULL;
    assert_int_equal(sx_table_read_xlsx(XLSX, "Panel 2021", 1, &x), SX_ERR_INPUT);
    assert_null(x);
    assert_non_null(strstr(sx_err_message(), "xlsx_cells.xlsx"));
    assert_non_null(strstr(sx_err_message(), "no sheet 'Panel 2021'"));
    assert_non_null(strstr(sx_err_message(), "'Panel 2020', 'Dictionary'"));
    assert_int_equal(sx_table_read_xlsx(XLSX, "Panel 2020", 40, &x), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "header row 40"));
    assert_int_not_equal(sx_table_read_xlsx(SX_TEST_DATA_DIR "/econ/nope.xlsx", NULL, 1, &x), SX_OK);
    assert_non_null(strstr(sx_err_message(), "nope.xlsx"));
    assert_int_not_equal(sx_table_read_xlsx(CSV, NULL, 1, &x), SX_OK); /* not a workbook */
    assert_int_equal(sx_table_load(CSV, "Panel 2020", 1, &x), SX_ERR_CONFIG);
    assert_non_null(strstr(sx_err_message(), "read as CSV"));
    /* a missing indicator column names the file, the sheet and the column */
    assert_int_equal(sx_table_read_xlsx(XLSX, "Panel 2020", 3, &x), SX_OK);
    sx_table_t *dict = NULL;
    const char *d = "code,pillar\nvalue,P\nGDP,P\n";
    assert_int_equal(sx_table_parse(d, strlen(d), "dict.csv", &dict), SX_OK);
    sx_econ_frame_t *f = NULL;
    assert_int_equal(sx_econ_frame_from_table(dict, &f), SX_OK);
    sx_econ_data_t *data = NULL;
    sx_econ_read_opts_t ro = {0};
    assert_int_equal(sx_econ_data_from_table(x, f, &ro, &data), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "xlsx_cells.xlsx[Panel 2020]"));
    assert_non_null(strstr(sx_err_message(), "'GDP'"));
    sx_econ_frame_destroy(&f);
    sx_table_destroy(&dict);
    sx_table_destroy(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cells), cmocka_unit_test(test_errors)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
