/*
 * serve_internal.h — what `sanxiang serve` answers, apart from the HTTP
 * machinery (serve_request.c); not a public header. Pure functions of the
 * request and the file system, so the unit tests call them directly.
 */
#ifndef SX_SERVE_INTERNAL_H
#define SX_SERVE_INTERNAL_H

#include <stddef.h>

/* Longest decoded request path served (longer: 414). */
#define SX__SERVE_MAX_PATH 2048

/**
 * Maps a request target (the raw path of the request line, still
 * percent-encoded, without query) to a regular file inside root, which must
 * be an absolute path without symbolic links (realpath's result). Returns
 * an HTTP status: 200 with *fd open read-only (the caller closes it), *size
 * and *type (its Content-Type, from the resolved file's name) set; 400 for
 * a target that is not a path or has a malformed escape; 403 for an encoded
 * NUL byte, for "." or ".." segments (also encoded) and for a path that
 * leads out of root through a symbolic link; 404 for a file that does not
 * exist, is not a regular file, or is hidden (a segment that starts with
 * '.', such as the package marker); 414 for a path too long.
 * A target ending in '/' means its index.html.
 */
int sx__serve_open(const char *root, const char *target, int *fd, long long *size, const char **type);

enum { SX__RANGE_NONE, SX__RANGE_OK, SX__RANGE_UNSATISFIABLE };
/** Parses one "bytes=a-b", "bytes=a-" or "bytes=-n" against a file of size
 *  bytes into [*first, *last] (RFC 9110 §14). Multi-range and malformed
 *  values give SX__RANGE_NONE (answered with the whole file, as the RFC
 *  allows); a range starting past the end gives SX__RANGE_UNSATISFIABLE. */
int sx__serve_range(const char *value, long long size, long long *first, long long *last);

/** Content-Type for a file name by its extension (application/octet-stream
 *  for unknown ones). */
const char *sx__serve_type(const char *path);

/** 1 if a Host header (NULL: absent, as in HTTP/1.0) names the loopback
 *  interface: 127.0.0.1, localhost or [::1], with or without a port. */
int sx__serve_host_ok(const char *host);

#endif
