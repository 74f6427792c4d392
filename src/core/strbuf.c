/*
 * strbuf.c — growing text buffer; JSON string escaping per RFC 8259 (control
 * characters as \u00XX, UTF-8 passed through unchanged).
 *
 * The JSON also has to read back as YAML: rank 0 broadcasts the effective
 * job configuration as JSON and the other ranks parse it with libyaml, which
 * refuses raw DEL, C1 controls, U+FFFE/U+FFFF and reads NEL, U+2028 and
 * U+2029 as line breaks; those are written as \uXXXX too. A byte that is
 * not UTF-8 becomes U+FFFD, so the output is always valid JSON.
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

/* Length of the UTF-8 sequence at p (1-4) and its code point, or 0 if the
 * bytes are not UTF-8 (overlong, surrogate, beyond U+10FFFF, truncated). */
static int utf8_seq(const unsigned char *p, unsigned *cp)
{
    int n = p[0] < 0x80 ? 1 : p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
          : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : 0;
    if (n == 0) return 0;
    unsigned c = n == 1 ? p[0] : p[0] & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return n;
}

int sx_strbuf_is_utf8(const char *s)
{
    unsigned cp;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int n = utf8_seq(p, &cp);
        if (!n) return 0;
        p += n;
    }
    return 1;
}

void sx_strbuf_json_string(sx_strbuf_t *sb, const char *s)
{
    if (!s) { sx_strbuf_puts(sb, "null"); return; }
    sx_strbuf_putn(sb, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned cp = 0;
        int n = utf8_seq(p, &cp);
        if (n == 0) {
            sx_strbuf_puts(sb, "\\ufffd");
            p++;
            continue;
        }
        switch (cp) {
        case '"': sx_strbuf_puts(sb, "\\\""); break;
        case '\\': sx_strbuf_puts(sb, "\\\\"); break;
        case '\n': sx_strbuf_puts(sb, "\\n"); break;
        case '\r': sx_strbuf_puts(sb, "\\r"); break;
        case '\t': sx_strbuf_puts(sb, "\\t"); break;
        default:
            if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFFFE || cp == 0xFFFF)
                sx_strbuf_printf(sb, "\\u%04x", cp);
            else sx_strbuf_putn(sb, (const char *)p, (size_t)n);
        }
        p += n;
    }
    sx_strbuf_putn(sb, "\"", 1);
}
