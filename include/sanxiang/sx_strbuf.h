/*
 * sx_strbuf.h — a growing text buffer with JSON string escaping, used for
 * provenance records, perf reports and catalog files. A failed allocation
 * sets `failed` and turns later appends into no-ops, so callers check once
 * at the end.
 */
#ifndef SX_STRBUF_H
#define SX_STRBUF_H

#include <stddef.h>

typedef struct {
    char *data;
    size_t len, cap;
    int failed;
} sx_strbuf_t;

void sx_strbuf_init(sx_strbuf_t *sb);
void sx_strbuf_fini(sx_strbuf_t *sb);
void sx_strbuf_puts(sx_strbuf_t *sb, const char *s);
void sx_strbuf_putn(sx_strbuf_t *sb, const char *s, size_t n);
void sx_strbuf_printf(sx_strbuf_t *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Append s as a quoted JSON string (NULL gives null). Bytes that are not
 *  UTF-8 become U+FFFD; characters YAML would not read back verbatim (DEL,
 *  C1 controls, U+2028, U+2029, U+FFFE, U+FFFF) are \u-escaped, so the
 *  text parses as YAML to the same string. */
void sx_strbuf_json_string(sx_strbuf_t *sb, const char *s);
/** 1 if s is well-formed UTF-8 (no overlong forms or surrogates), else 0. */
int sx_strbuf_is_utf8(const char *s);

#endif
