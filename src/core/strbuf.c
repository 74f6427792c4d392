/*
 * strbuf.c — growing text buffer; JSON string escaping per RFC 8259 (control
 * characters as \u00XX, UTF-8 passed through unchanged).
 */
#include "sanxiang/sx_strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sx_strbuf_init(sx_strbuf_t *sb)
{
    memset(sb, 0, sizeof *sb);
    sb->data = malloc(256);
    if (!sb->data) { sb->failed = 1; return; }
    sb->cap = 256;
    sb->data[0] = '\0';
}

void sx_strbuf_fini(sx_strbuf_t *sb)
{
    free(sb->data);
    memset(sb, 0, sizeof *sb);
}

static int reserve(sx_strbuf_t *sb, size_t extra)
{
    if (sb->failed) return 0;
    if (sb->len + extra + 1 <= sb->cap) return 1;
    size_t cap = sb->cap ? sb->cap : 256;
    while (cap < sb->len + extra + 1) cap *= 2;
    char *p = realloc(sb->data, cap);
    if (!p) { sb->failed = 1; return 0; }
    sb->data = p;
    sb->cap = cap;
    return 1;
}

void sx_strbuf_putn(sx_strbuf_t *sb, const char *s, size_t n)
{
    if (!reserve(sb, n)) return;
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void sx_strbuf_puts(sx_strbuf_t *sb, const char *s) { sx_strbuf_putn(sb, s, strlen(s)); }

void sx_strbuf_printf(sx_strbuf_t *sb, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && reserve(sb, (size_t)n)) {
        vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap2);
        sb->len += (size_t)n;
    }
    va_end(ap2);
}

void sx_strbuf_json_string(sx_strbuf_t *sb, const char *s)
{
    if (!s) { sx_strbuf_puts(sb, "null"); return; }
    sx_strbuf_putn(sb, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': sx_strbuf_puts(sb, "\\\""); break;
        case '\\': sx_strbuf_puts(sb, "\\\\"); break;
        case '\n': sx_strbuf_puts(sb, "\\n"); break;
        case '\r': sx_strbuf_puts(sb, "\\r"); break;
        case '\t': sx_strbuf_puts(sb, "\\t"); break;
        default:
            if (*p < 0x20) sx_strbuf_printf(sb, "\\u%04x", *p);
            else sx_strbuf_putn(sb, (const char *)p, 1);
        }
    }
    sx_strbuf_putn(sb, "\"", 1);
}
