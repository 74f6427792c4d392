/*
 * test_table.c — the CSV table reader (src/io/table.c): RFC 4180 fields,
 * and the inputs fuzzing found it misread: a NUL byte (UTF-16 text) cut
 * cells short, and a header of blanks made a table without column names.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_table.h"

static void test_rfc4180(void **state)
{
    static const char csv[] = "\xEF\xBB\xBF" "code ,\"name, quoted\",\"a \"\"b\"\"\"\r\n"
                              "430100,\"\xe9\x95\xbf\xe6\xb2\x99\n\xe5\xb8\x82\",1e3\r\n\r\n430200,,NA\r\n";
    sx_table_t *t = NULL;
    assert_int_equal(sx_table_parse(csv, sizeof csv - 1, "t.csv", &t), SX_OK);
    assert_int_equal(t->ncol, 3);
    assert_int_equal(t->nrow, 2);
    assert_string_equal(t->head[0], "code");
    assert_string_equal(t->head[1], "name, quoted");
    assert_string_equal(t->head[2], "a \"b\"");
    assert_string_equal(sx_table_at(t, 0, 1), "\xe9\x95\xbf\xe6\xb2\x99\n\xe5\xb8\x82");
    double v = 0;
    assert_int_equal(sx_table_num(t, 0, 2, &v), SX_OK);
    assert_true(v == 1000);
    assert_int_equal(sx_table_num(t, 1, 2, &v), SX_OK);
    assert_true(isnan(v));
    assert_int_equal(sx_table_num(t, 0, 1, &v), SX_ERR_INPUT); /* the message quotes the cell on one line */
    assert_non_null(strstr(sx_err_message(), "t.csv: row 1 (line 2), column 'name, quoted'"));
    assert_null(strchr(sx_err_message(), '\n'));
    sx_table_destroy(&t);
}

static void test_nul_byte(void **state)
{
    static const char utf16[] = "\xFF\xFE" "c\0o\0d\0e\0\n\0" "1\0\n\0"; /* "code\n1\n" as UTF-16LE */
    sx_table_t *t = NULL;
    assert_int_equal(sx_table_parse(utf16, sizeof utf16 - 1, "u16.csv", &t), SX_ERR_INPUT);
    assert_null(t);
    assert_non_null(strstr(sx_err_message(), "u16.csv:1: NUL byte"));
    static const char late[] = "a,b\n1,2\n3,4\0junk\n";
    assert_int_equal(sx_table_parse(late, sizeof late - 1, "late.csv", &t), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "late.csv:3: NUL byte"));
}

static void test_header_without_names(void **state)
{
    sx_table_t *t = NULL;
    static const char blanks[] = "\n \t\f\n1\n";
    assert_int_equal(sx_table_parse(blanks, sizeof blanks - 1, "h.csv", &t), SX_ERR_INPUT);
    assert_null(t);
    assert_non_null(strstr(sx_err_message(), "h.csv:2: the header row has no column names"));
    static const char commas[] = " , ,\n1,2,3\n";
    assert_int_equal(sx_table_parse(commas, sizeof commas - 1, "h.csv", &t), SX_ERR_INPUT);
    static const char some[] = ",value\n1,2\n"; /* one unnamed column (a row index) is fine */
    assert_int_equal(sx_table_parse(some, sizeof some - 1, "h.csv", &t), SX_OK);
    assert_string_equal(t->head[0], "");
    assert_string_equal(t->head[1], "value");
    sx_table_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rfc4180), cmocka_unit_test(test_nul_byte),
                                       cmocka_unit_test(test_header_without_names)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
