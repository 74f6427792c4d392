/* test_err.c — the error record, its table and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_err.h"

static sx_err inner(int fail)
{
    SX_FAIL_IF(fail, SX_ERR_INPUT, "value %d is bad; use a smaller one", 42);
    return SX_OK;
}

static sx_err outer(int fail)
{
    SX_CHECK(inner(fail));
    return SX_OK;
}

static void test_table(void **state)
{
    assert_string_equal(sx_err_name(SX_OK), "SX_OK");
    assert_string_equal(sx_err_name(SX_ERR_CONFIG), "SX_ERR_CONFIG");
    assert_int_equal(sx_err_exit_status(SX_OK), 0);
    assert_int_equal(sx_err_exit_status(SX_ERR_USAGE), 2);
    assert_int_equal(sx_err_exit_status(SX_ERR_CONFIG), 3);
    assert_int_equal(sx_err_exit_status(SX_ERR_IO), 4);
    for (int e = 1; e < SX_ERR_COUNT_; e++) assert_int_not_equal(sx_err_exit_status((sx_err)e), 0);
}

static void test_propagation(void **state)
{
    sx_err_clear();
    assert_int_equal(outer(0), SX_OK);
    assert_int_equal(outer(1), SX_ERR_INPUT);
    assert_int_equal(sx_err_code(), SX_ERR_INPUT);
    assert_string_equal(sx_err_message(), "value 42 is bad; use a smaller one");
    assert_string_equal(sx_err_origin_file(), "tests/unit/test_err.c");
    char buf[512];
    sx_err_format(buf, sizeof buf);
    assert_non_null(strstr(buf, "tests/unit/test_err.c:"));
    assert_non_null(strstr(buf, "value 42 is bad"));
    assert_null(strstr(buf, "[rank")); /* single-rank runs carry no rank prefix */
}

/* A cell or YAML value quoted in a message may hold a newline (found by
 * fuzzing the CSV reader); the message must stay one line. */
static void test_one_line(void **state)
{
    const char *cell = "\xe9\x95\xbf\xe6\xb2\x99\n\xe5\xb8\x82\r\t\x01";
    sx_err_set(SX_ERR_INPUT, "x.c", 1, "'%s' is not a number", cell);
    assert_string_equal(sx_err_message(), "'\xe9\x95\xbf\xe6\xb2\x99\\n\xe5\xb8\x82\\r\\t\\x01' is not a number");
    char big[2000];
    memset(big, '\n', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sx_err_set(SX_ERR_INPUT, "x.c", 1, "%s", big); /* escaping beyond the record's size truncates */
    assert_null(strchr(sx_err_message(), '\n'));
    assert_true(strlen(sx_err_message()) < 1024);
    sx_err_clear();
}

static volatile size_t huge = (size_t)1 << 58; /* volatile: no compile-time size warning */

static sx_err alloc_huge(void)
{
    double *p;
    SX_ALLOC(p, huge, "a test array");
    return SX_OK;
}

static void test_alloc_failure(void **state)
{
    assert_int_equal(alloc_huge(), SX_ERR_NOMEM);
    assert_non_null(strstr(sx_err_message(), "a test array"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_propagation),
        cmocka_unit_test(test_one_line),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
