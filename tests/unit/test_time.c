/*
 * test_time.c — sx_time_parse / sx_time_format: published epoch values, the
 * accepted spellings, range checks (leap days, month lengths, 24:00), every
 * refusal, a round trip, and agreement with glibc timegm() on 20000 dates
 * spread over 1600..2400 (an independent implementation).
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "sanxiang/sx_time.h"

static int64_t parse(const char *s)
{
    int64_t t = -12345;
    if (sx_time_parse(s, &t) != SX_OK) fail_msg("'%s' refused: %s", s, sx_err_message());
    return t;
}

static void known(void **state)
{
    (void)state;
    assert_int_equal(parse("1970-01-01"), 0);
    assert_int_equal(parse("2000-01-01 00:00:00"), 946684800); /* POSIX epoch of Y2K */
    assert_int_equal(parse("2024-06-01 01:00"), 1717203600);
    assert_int_equal(parse("2024-06-01T01:00"), 1717203600);
    assert_int_equal(parse("2024-06-01T01:00:00Z"), 1717203600);
    assert_int_equal(parse("2024-06-01 01:00Z"), 1717203600);
    assert_int_equal(parse("1969-12-31 23:59:59"), -1);
    assert_int_equal(parse("2000-02-29"), 951782400);
    assert_int_equal(parse("2038-01-19 03:14:08"), 2147483648LL);
    assert_int_equal(parse("2000-01-01 24:00"), parse("2000-01-02"));
}

static void refused(void **state)
{
    (void)state;
    const char *bad[] = {"", "abc", "12", "2000-1-1", "2000-01-1", "2001-02-29", "1900-02-29", "2000-13-01",
                         "2000-00-10", "2000-04-31", "2000-01-01 25:00", "2000-01-01 24:01", "2000-01-01 10:60",
                         "2000-01-01 10:00:61", "2000-01-01T10", "2000-01-01 10:00 UTC", "2000-01-01  10:00",
                         "2000-01-01 10:00:00.5", "2000-01-01Z1", "2000-01-01 10:00ZZ", " 2000-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t t = 7;
        if (sx_time_parse(bad[i], &t) == SX_OK) fail_msg("'%s' accepted as %lld", bad[i], (long long)t);
        assert_int_equal(t, 7);
        assert_non_null(strstr(sx_err_message(), "is not a time"));
        sx_err_clear();
    }
    int64_t t;
    assert_int_equal(sx_time_parse(NULL, &t), SX_ERR_INPUT);
    sx_err_clear();
}

static void round_trip_and_timegm(void **state)
{
    (void)state;
    char buf[SX_TIME_LEN];
    assert_int_equal(sx_time_format(-1, buf, sizeof buf), SX_OK);
    assert_string_equal(buf, "1969-12-31 23:59:59");
    assert_int_equal(sx_time_format(951782400 + 3723, buf, sizeof buf), SX_OK);
    assert_string_equal(buf, "2000-02-29 01:02:03");
    assert_int_equal(sx_time_format(0, buf, 10), SX_ERR_INPUT);
    /* the extremes are refused without overflowing (found by fuzzing under UBSan) */
    assert_int_equal(sx_time_format(INT64_MIN, buf, sizeof buf), SX_ERR_INPUT);
    assert_int_equal(sx_time_format(INT64_MAX, buf, sizeof buf), SX_ERR_INPUT);
    assert_int_equal(sx_time_format(-62167219200LL, buf, sizeof buf), SX_OK); /* the first second of year 0 */
    assert_string_equal(buf, "0000-01-01 00:00:00");
    assert_int_equal(sx_time_format(-62167219201LL, buf, sizeof buf), SX_ERR_INPUT);
    sx_err_clear();
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
        const int64_t lo = -11676096000LL, hi = 13569465600LL; /* 1600-01-01 .. 2400-01-01 */
        int64_t t = lo + (int64_t)(x % (uint64_t)(hi - lo));
        assert_int_equal(sx_time_format(t, buf, sizeof buf), SX_OK);
        assert_int_equal(parse(buf), t);
        struct tm tm;
        memset(&tm, 0, sizeof tm);
        assert_int_equal(sscanf(buf, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                                &tm.tm_min, &tm.tm_sec), 6);
        tm.tm_year -= 1900, tm.tm_mon -= 1;
        assert_int_equal((int64_t)timegm(&tm), t);
    }
}

/* CF "<unit> since <origin>" as the writers spell it (sx_h5cf, xarray, IMERG). */
static void cf_units(void **state)
{
    (void)state;
    static const struct {
        const char *u;
        double s;
        int64_t o;
    } ok[] = {{"minutes since 2024-06-01 00:00:00", 60, 1717200000},
              {"hours since 2024-06-01", 3600, 1717200000},
              {"seconds since 1970-01-01 00:00:00 UTC", 1, 0},
              {"seconds since 1970-01-01T00:00:00Z", 1, 0},
              {"days since 2000-01-01 00:00:00.0", 86400, 946684800},
              {"h since 2000-01-01 12:00", 3600, 946728000},
              {"second since 1980-01-06 00:00:00 +00:00", 1, 315964800}};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        double s = 0;
        int64_t o = -1;
        assert_int_equal(sx_time_cf_units(ok[i].u, &s, &o), SX_OK);
        assert_true(s == ok[i].s);
        assert_int_equal(o, ok[i].o);
    }
    const char *bad[] = {NULL, "", "minutes", "minutes from 2024-06-01", "fortnights since 2024-06-01",
                         "hours since 2024-06-01 00:00:00 +08:00", "hours since 2024-06-01 00:00:00.5",
                         "hours since 2024-13-01", "hours since 2024-06-01 00:00 UTC extra"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double s;
        int64_t o;
        assert_int_not_equal(sx_time_cf_units(bad[i], &s, &o), SX_OK);
        /* every refusal says it is about the time units (found by fuzzing: a bad origin did not) */
        assert_non_null(strstr(sx_err_message(), "time units"));
    }
}

/* SOURCE_DATE_EPOCH: unset or empty -> not set; whole seconds up to the end of 9999 -> that time;
 * anything else refused, naming the value. */
static void source_date_epoch(void **state)
{
    (void)state;
    int64_t t = -1;
    int set = -1;
    unsetenv("SOURCE_DATE_EPOCH");
    assert_int_equal(sx_time_source_date_epoch(&t, &set), SX_OK);
    assert_int_equal(set, 0);
    setenv("SOURCE_DATE_EPOCH", "", 1);
    assert_int_equal(sx_time_source_date_epoch(&t, &set), SX_OK);
    assert_int_equal(set, 0);
    const struct {
        const char *v;
        int64_t t;
    } good[] = {{"0", 0}, {"1700000000", 1700000000}, {"253402300799", 253402300799}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        setenv("SOURCE_DATE_EPOCH", good[i].v, 1);
        assert_int_equal(sx_time_source_date_epoch(&t, &set), SX_OK);
        assert_int_equal(set, 1);
        assert_true(t == good[i].t);
    }
    const char *bad[] = {"-1", "17e8", "1700000000 ", " 1700000000", "2023-11-14", "253402300800",
                         "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv("SOURCE_DATE_EPOCH", bad[i], 1);
        assert_int_equal(sx_time_source_date_epoch(&t, &set), SX_ERR_USAGE);
        assert_int_equal(set, 0);
        char want[64];
        snprintf(want, sizeof want, "SOURCE_DATE_EPOCH='%s'", bad[i]);
        assert_non_null(strstr(sx_err_message(), want));
    }
    unsetenv("SOURCE_DATE_EPOCH");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(known), cmocka_unit_test(refused),
                                       cmocka_unit_test(round_trip_and_timegm), cmocka_unit_test(cf_units),
                                       cmocka_unit_test(source_date_epoch)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
