/*
 * sx_sha256.h — SHA-256 (FIPS 180-4) for job-file and input fingerprints in
 * provenance records. Streaming interface; not thread-shared.
 */
#ifndef SX_SHA256_H
#define SX_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include "sx_err.h"

typedef struct {
    uint32_t h[8];
    uint64_t nbytes;
    unsigned char buf[64];
    size_t nbuf;
} sx_sha256_t;

void sx_sha256_init(sx_sha256_t *s);
void sx_sha256_update(sx_sha256_t *s, const void *data, size_t len);
/** Finish and write the 64 hex digits plus NUL into hex[65]. */
void sx_sha256_final_hex(sx_sha256_t *s, char hex[65]);
/** One-shot helper. */
void sx_sha256_hex(const void *data, size_t len, char hex[65]);
/** Hash a whole file (streamed). Not collective. */
sx_err sx_sha256_file(const char *path, char hex[65]);

#endif
