/*
 * table_in.c — how the hydrological readers (forcing series, gauge
 * locations, parameter sets) read a CSV: through the shared table reader
 * (sx_table.h: RFC 4180 quotes, CRLF, a UTF-8 BOM), with lines starting
 * with '#' taken as comments and the blanks around every header name and
 * cell dropped, so "time, P" and "time,P" read alike. Messages then name
 * the file's line with sx_table_line.
 */
#include <string.h>

#include "hydro/hydro_internal.h"

static void trim(char *s)
{
    size_t a = strspn(s, " \t"), n = strlen(s);
    while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    memmove(s, s + a, n - a);
    s[n - a] = 0;
}

sx_err sx__hydro_table_read(const char *path, sx_table_t **out)
{
    SX_CHECK(sx_table_read_comments(path, '#', out));
    sx_table_t *t = *out;
    for (int c = 0; c < t->ncol; c++) trim(t->head[c]);
    for (int64_t i = 0; i < (int64_t)t->nrow * t->ncol; i++) trim(t->cell[i]);
    return SX_OK;
}
