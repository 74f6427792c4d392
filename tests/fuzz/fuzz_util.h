/*
 * fuzz_util.h — helpers shared by the libFuzzer harnesses of tests/fuzz:
 * a NUL-terminated copy of the input, a scratch file for readers that take a
 * path, and the checks every harness applies to a refusal (one line that
 * names the input). A failed property aborts, which libFuzzer reports as a
 * crash with the input that caused it.
 */
#ifndef SX_FUZZ_UTIL_H
#define SX_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_error.h>
#include <gdal.h>
#include <math.h>

#include "sanxiang/sx_err.h"
#include "sanxiang/sx_table.h"

/* Abort with a message when a property does not hold. */
#define FZ_REQUIRE(cond, ...)                                          \
    do {                                                               \
        if (!(cond)) {                                                 \
            fprintf(stderr, "fuzz property failed at %s:%d: %s\n  ", \
                    __FILE__, __LINE__, #cond);                        \
            fprintf(stderr, __VA_ARGS__);                              \
            fputc('\n', stderr);                                       \
            abort();                                                   \
        }                                                              \
    } while (0)

/* The input as a C string (malloc'd; embedded NULs end it early). */
static inline char *fz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) abort();
    if (size) memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* A scratch file path unique to this process (one per harness), ending in
 * suffix; the file is removed at exit. */
static char fz__scratch[256];
static inline void fz__unlink_scratch(void) { unlink(fz__scratch); }
static inline const char *fz_scratch_path(const char *suffix)
{
    if (!fz__scratch[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(fz__scratch, sizeof fz__scratch, "%s/sx_fuzz_%ld%s", dir && *dir ? dir : "/tmp", (long)getpid(),
                 suffix);
        atexit(fz__unlink_scratch);
    }
    return fz__scratch;
}

static inline void fz_write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
        perror(path);
        abort();
    }
}

/* A refusal must come with the house message: one line (no control
 * characters), naming `where` (the file, or NULL to skip that check), and
 * must not be an internal error. Clears the record afterwards. */
static inline void fz_check_refusal(sx_err e, const char *where)
{
    const char *m = sx_err_message();
    FZ_REQUIRE(e != SX_ERR_INTERNAL, "internal error: %s", m);
    FZ_REQUIRE(m[0] != '\0', "error %s without a message", sx_err_name(e));
    for (const unsigned char *p = (const unsigned char *)m; *p; p++)
        FZ_REQUIRE(*p >= 0x20 && *p != 0x7f, "message has control byte 0x%02x: %s", *p, m);
    if (where && e != SX_ERR_NOMEM) FZ_REQUIRE(strstr(m, where) != NULL, "message does not name '%s': %s", where, m);
    sx_err_clear();
}

/* Every cell of a table read converts to a finite number, to NaN (missing)
 * or is refused with a message naming `where`. */
static inline void fz_check_cells(const sx_table_t *t, const char *where)
{
    FZ_REQUIRE(t->ncol >= 1 && t->nrow >= 0, "table %dx%d", t->nrow, t->ncol);
    for (int r = 0; r < t->nrow; r++)
        for (int c = 0; c < t->ncol; c++) {
            double v;
            sx_err e = sx_table_num(t, r, c, &v);
            if (e == SX_OK) FZ_REQUIRE(isfinite(v) || isnan(v), "cell %d,%d gave %g", r, c, v);
            else fz_check_refusal(e, where);
        }
}

/* For the harnesses that read through GDAL: every driver registered once,
 * GDAL's own messages silenced (the harness checks sanxiang's). */
static inline void fz_gdal_init(void)
{
    CPLSetErrorHandler(CPLQuietErrorHandler);
    GDALAllRegister();
}

#endif
