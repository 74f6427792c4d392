/* test_parse.c — whole-string numbers: what parses, what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sanxiang/sx_parse.h"

static void test_double(void **state)
{
    (void)state;
    double v = -1;
    assert_true(sx_parse_double("2.75e-5", &v) && v == 2.75e-5);
    assert_true(sx_parse_double("  -0.2 ", &v) && v == -0.2);
    assert_true(sx_parse_double("1e-310", &v) && v > 0); /* subnormal: kept */
    const char *bad[] = {"", " ", "12abc", "1,5", "nan", "NaN", "inf", "-Infinity", "1e999", "0x", "--1", "1 2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        v = 7;
        assert_false(sx_parse_double(bad[i], &v));
        assert_true(v == 7); /* untouched on failure */
    }
    assert_false(sx_parse_double(NULL, &v));
}

static void test_int64(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_true(sx_parse_int64("9223372036854775807", &v) && v == INT64_MAX);
    assert_true(sx_parse_int64(" -12 ", &v) && v == -12);
    const char *bad[] = {"", "1.5", "9223372036854775808", "12x", "1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_false(sx_parse_int64(bad[i], &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_double), cmocka_unit_test(test_int64)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
