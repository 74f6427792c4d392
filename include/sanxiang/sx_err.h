/*
 * sx_err.h — error codes, error records and the macros that carry them.
 *
 * Every fallible function in libsanxiang returns sx_err (SX_OK == 0) and
 * hands results back through out-pointers. The first failure records a
 * message with the file and line where it happened (sx_err_set); callers
 * that pass the error on with SX_CHECK append their own location to a short
 * trace. Only main() turns an error into an exit status.
 *
 * Thread safety: the error record is thread-local. Inside OpenMP regions do
 * not call SX_FAIL_IF directly; record the first error in a shared variable
 * and raise it after the region (see STYLE.md).
 */
#ifndef SX_ERR_H
#define SX_ERR_H

#include <stddef.h>
#include <stdlib.h> /* calloc in SX_ALLOC */

/* X-macro: code name, exit status, short description. The exit status lets
 * Slurm scripts and operators tell bad input (3) from I/O trouble (4). */
#define SX_ERR_TABLE(X)                                                     \
    X(SX_OK, 0, "success")                                                  \
    X(SX_ERR_USAGE, 2, "bad command line")                                  \
    X(SX_ERR_CONFIG, 3, "bad job file or option")                           \
    X(SX_ERR_INPUT, 3, "bad input data")                                    \
    X(SX_ERR_CRS, 3, "coordinate reference system mismatch or unsupported") \
    X(SX_ERR_IO, 4, "file could not be read or written")                    \
    X(SX_ERR_GDAL, 4, "GDAL error")                                         \
    X(SX_ERR_HDF5, 4, "HDF5 error")                                         \
    X(SX_ERR_NOMEM, 5, "out of memory")                                     \
    X(SX_ERR_MPI, 6, "MPI error")                                           \
    X(SX_ERR_REMOTE, 7, "another rank failed")                              \
    X(SX_ERR_INTERRUPTED, 8, "interrupted by a signal")                     \
    X(SX_ERR_NUMERIC, 9, "numerical failure")                               \
    X(SX_ERR_INTERNAL, 70, "internal error")

typedef enum {
#define SX__ERR_ENUM(name, status, text) name,
    SX_ERR_TABLE(SX__ERR_ENUM)
#undef SX__ERR_ENUM
    SX_ERR_COUNT_
} sx_err;

/** Name of an error code ("SX_ERR_INPUT"). Not collective. */
const char *sx_err_name(sx_err e);
/** One-line description of an error code. Not collective. */
const char *sx_err_text(sx_err e);
/** Process exit status for an error code (0 for SX_OK). Not collective. */
int sx_err_exit_status(sx_err e);

/**
 * Record a new error: code, location and a printf-style message saying what
 * went wrong and what to do. Replaces any earlier record. Returns code so it
 * can be used in a return statement. Not collective.
 */
sx_err sx_err_set(sx_err code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** Say what this rank is working on ("input 'dem.tif', 40000 x 40000 cells,
 *  about 8e8 per rank"): an out-of-memory error recorded afterwards names it
 *  and what to do. Not collective. */
void sx_err_set_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Append a propagation point to the current record's trace. Not collective. */
void sx_err_trace(const char *file, int line);

/** Forget the current error record (after it has been handled). */
void sx_err_clear(void);

/** Current record: message (never NULL, "" if none), origin file/line. */
const char *sx_err_message(void);
const char *sx_err_origin_file(void);
int sx_err_origin_line(void);
sx_err sx_err_code(void);

/** Rank that raised the error (-1 if this rank did); set by sx_err_agree. */
int sx_err_origin_rank(void);

/**
 * Format the record as one line for the user:
 *   "[rank 2/4] dem/fill.c:212: input 'basin.tif' has ..."
 * The rank prefix is left out in single-rank runs. Not collective.
 */
void sx_err_format(char *buf, size_t len);

/* Source file path relative to src/, so messages stay short. */
#define SX__FILE (sx__short_path(__FILE__))
const char *sx__short_path(const char *path);

/** Fail with code and message if cond holds. */
#define SX_FAIL_IF(cond, code, ...)                                  \
    do {                                                             \
        if (cond) return sx_err_set((code), SX__FILE, __LINE__, __VA_ARGS__); \
    } while (0)

/** Fail unconditionally. */
#define SX_FAIL(code, ...) return sx_err_set((code), SX__FILE, __LINE__, __VA_ARGS__)

/** Propagate an error from a call, adding this location to the trace. */
#define SX_CHECK(expr)                                  \
    do {                                                \
        sx_err sx__e = (expr);                          \
        if (sx__e != SX_OK) {                           \
            sx_err_trace(SX__FILE, __LINE__);           \
            return sx__e;                               \
        }                                               \
    } while (0)

/** Like SX_CHECK but jumps to a cleanup label, leaving the code in var. */
#define SX_CHECK_GOTO(expr, var, label)                 \
    do {                                                \
        (var) = (expr);                                 \
        if ((var) != SX_OK) {                           \
            sx_err_trace(SX__FILE, __LINE__);           \
            goto label;                                 \
        }                                               \
    } while (0)

/** Record an error and jump to a cleanup label. */
#define SX_FAIL_GOTO(var, label, code, ...)                                   \
    do {                                                                      \
        (var) = sx_err_set((code), SX__FILE, __LINE__, __VA_ARGS__);          \
        goto label;                                                           \
    } while (0)

/** Allocation that fails with SX_ERR_NOMEM naming what it was for. */
#define SX_ALLOC(ptr, count, what)                                                  \
    do {                                                                            \
        size_t sx__n = (size_t)(count);                                             \
        (ptr) = sx__n ? calloc(sx__n, sizeof(*(ptr))) : NULL;                       \
        SX_FAIL_IF(sx__n && !(ptr), SX_ERR_NOMEM,                                   \
                   "cannot allocate %zu bytes for %s", sx__n * sizeof(*(ptr)), (what)); \
    } while (0)

#endif /* SX_ERR_H */
