/*
 * time.c — calendar time <-> seconds since 1970 (UTC) for sx_time.h.
 *
 * Day numbers use the proleptic Gregorian "days from civil" and "civil from
 * days" algorithms of H. Hinnant, "chrono-Compatible Low-Level Date
 * Algorithms" (2013, http://howardhinnant.github.io/date_algorithms.html),
 * exact for every int64 day; no libc time zone or locale is involved, so the
 * result is the same on every rank and machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_time.h"

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* n decimal digits at *p into *v; advances *p. */
static int digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9') return 0;
        x = 10 * x + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return 1;
}

static int month_days(int y, int m)
{
    static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : md[m - 1];
}

sx_err sx_time_parse(const char *s, int64_t *unix_seconds)
{
    const char *p = s ? s : "";
    int y, mo, d, h = 0, mi = 0, sec = 0;
    int ok = digits(&p, 4, &y) && *p++ == '-' && digits(&p, 2, &mo) && *p++ == '-' && digits(&p, 2, &d);
    if (ok && (*p == ' ' || *p == 'T')) {
        p++;
        ok = digits(&p, 2, &h) && *p++ == ':' && digits(&p, 2, &mi);
        if (ok && *p == ':') {
            p++;
            ok = digits(&p, 2, &sec);
        }
        if (ok && *p == 'Z') p++;
    }
    ok = ok && !*p && mo >= 1 && mo <= 12 && d >= 1 && d <= month_days(y, mo) && mi <= 59 && sec <= 60 &&
         (h <= 23 || (h == 24 && mi == 0 && sec == 0));
    SX_FAIL_IF(!ok, SX_ERR_INPUT, "'%s' is not a time YYYY-MM-DD[( |T)HH:MM[:SS][Z]] (UTC) with valid fields",
               s ? s : "(null)");
    *unix_seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    return SX_OK;
}

sx_err sx_time_format(int64_t t, char *buf, size_t len)
{
    int64_t days = t / 86400, rem = t % 86400, y; /* floor division without overflow at INT64_MIN */
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int m, d;
    civil_from_days(days, &y, &m, &d);
    SX_FAIL_IF(y < 0 || y > 9999, SX_ERR_INPUT, "time %lld s lies outside the years 0000-9999", (long long)t);
    SX_FAIL_IF(len < SX_TIME_LEN, SX_ERR_INPUT, "time buffer of %zu bytes is too small", len);
    snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d", (int)y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
             (int)(rem % 60));
    return SX_OK;
}

/* CF units: "<unit> since <origin>". The unit may be plural, singular or
 * abbreviated (UDUNITS: s, min, h, d); the origin is a date, optionally a
 * clock time with an all-zero fraction of a second (".0", as some writers
 * put), and optionally a UTC zone ("UTC", "Z", "+00:00", "+0000"). */
static int utc_zone(const char *z)
{
    return !strcmp(z, "UTC") || !strcmp(z, "Z") || !strcmp(z, "+00:00") || !strcmp(z, "+0000") || !strcmp(z, "+00");
}

sx_err sx_time_cf_units(const char *units, double *seconds_per_unit, int64_t *origin)
{
    static const struct {
        const char *name;
        double s;
    } table[] = {{"seconds", 1},    {"second", 1},     {"s", 1},       {"minutes", 60}, {"minute", 60},    {"min", 60},
                 {"hours", 3600},   {"hour", 3600},    {"h", 3600},    {"days", 86400}, {"day", 86400},    {"d", 86400}};
    char buf[128], *save = NULL;
    SX_FAIL_IF(!units || strlen(units) >= sizeof buf, SX_ERR_INPUT, "time units '%s' are not CF '<unit> since <date>'",
               units ? units : "(none)");
    snprintf(buf, sizeof buf, "%s", units);
    char *unit = strtok_r(buf, " ", &save), *since = strtok_r(NULL, " ", &save);
    char *date = strtok_r(NULL, " ", &save), *clock = strtok_r(NULL, " ", &save), *zone = strtok_r(NULL, " ", &save);
    SX_FAIL_IF(!unit || !since || strcmp(since, "since") || !date || strtok_r(NULL, " ", &save), SX_ERR_INPUT,
               "time units '%s' are not CF '<unit> since <date>'", units);
    if (clock && utc_zone(clock) && !zone) zone = clock, clock = NULL;
    SX_FAIL_IF(zone && !utc_zone(zone), SX_ERR_INPUT, "time units '%s': only UTC origins are read, not '%s'", units, zone);
    double s = 0;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (!strcmp(unit, table[i].name)) s = table[i].s;
    SX_FAIL_IF(s == 0, SX_ERR_INPUT, "time units '%s': '%s' is not seconds, minutes, hours or days", units, unit);
    char full[96];
    snprintf(full, sizeof full, "%s%s%s", date, clock ? " " : "", clock ? clock : "");
    char *dot = strchr(full, '.');
    if (dot) { /* "HH:MM:SS.000[Z]": an all-zero fraction only */
        size_t zeros = strspn(dot + 1, "0");
        SX_FAIL_IF(zeros == 0 || (dot[1 + zeros] && strcmp(dot + 1 + zeros, "Z")), SX_ERR_INPUT,
                   "time units '%s': the origin has a fraction of a second", units);
        memmove(dot, dot + 1 + zeros, strlen(dot + 1 + zeros) + 1);
    }
    SX_FAIL_IF(sx_time_parse(full, origin) != SX_OK, SX_ERR_INPUT,
               "time units '%s': the origin '%s' is not a date YYYY-MM-DD[ HH:MM[:SS]] (UTC) with valid fields", units,
               full);
    *seconds_per_unit = s;
    return SX_OK;
}

sx_err sx_time_source_date_epoch(int64_t *unix_seconds, int *set)
{
    const char *v = getenv("SOURCE_DATE_EPOCH");
    *set = 0;
    *unix_seconds = 0;
    if (!v || !*v) return SX_OK;
    const char *p = v;
    int64_t t = 0;
    for (; *p >= '0' && *p <= '9' && t <= 253402300799; p++) t = t * 10 + (*p - '0');
    SX_FAIL_IF(*p || t > 253402300799, SX_ERR_USAGE, /* 9999-12-31 23:59:59 UTC */
               "SOURCE_DATE_EPOCH='%s' is not a whole number of seconds since 1970-01-01 00:00 UTC up to the "
               "year 9999; unset it, or set it e.g. to $(date +%%s) or to the date your inputs were made",
               v);
    *unix_seconds = t;
    *set = 1;
    return SX_OK;
}
