/*
 * parse.c — whole-string numbers (see sx_parse.h).
 */
#include "sanxiang/sx_parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

static int only_blanks(const char *p)
{
    while (*p && isspace((unsigned char)*p)) p++;
    return *p == '\0';
}

int sx_parse_double(const char *s, double *out)
{
    if (!s) return 0;
    char *end;
    double v = strtod(s, &end); /* overflow gives ±HUGE_VAL (refused), underflow a tiny value (kept) */
    if (end == s || !isfinite(v) || !only_blanks(end)) return 0;
    *out = v;
    return 1;
}

int sx_parse_int64(const char *s, int64_t *out)
{
    if (!s) return 0;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno == ERANGE || !only_blanks(end)) return 0;
    *out = (int64_t)v;
    return 1;
}
