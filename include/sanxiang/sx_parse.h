/*
 * sx_parse.h — numbers from text, the whole text or nothing.
 *
 * One finite number, optionally surrounded by blanks, and nothing else:
 * "1e-3" and " 42 " parse; "", "12abc", "nan", "inf" and "1e999" do not.
 * Callers turn a failure into a message naming the file, key or option.
 */
#ifndef SX_PARSE_H
#define SX_PARSE_H

#include <stdint.h>

/* 1 and *out set when s (may be NULL) is one finite number, else 0. */
int sx_parse_double(const char *s, double *out);
/* 1 and *out set when s is one base-10 integer in int64 range, else 0. */
int sx_parse_int64(const char *s, int64_t *out);

#endif
