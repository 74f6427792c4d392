/*
 * sx_log.h — levelled logging and progress lines for batch logs.
 *
 * INFO and DEBUG lines come from rank 0 only; WARN and ERROR from any rank,
 * prefixed with the rank. Lines go to stderr with a UTC timestamp so a Slurm
 * log reads in order. Progress lines show % done, elapsed time and ETA and
 * are throttled (SX_PROGRESS_SECONDS, default 5 s) so logs stay small.
 */
#ifndef SX_LOG_H
#define SX_LOG_H

#include <stdint.h>

typedef enum { SX_LOG_ERROR = 0, SX_LOG_WARN, SX_LOG_INFO, SX_LOG_DEBUG } sx_log_level;

/** Set the most verbose level printed (default INFO; SX_LOG_LEVEL env). */
void sx_log_set_level(sx_log_level level);
sx_log_level sx_log_get_level(void);

void sx_log(sx_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define sx_log_error(...) sx_log(SX_LOG_ERROR, __VA_ARGS__)
#define sx_log_warn(...) sx_log(SX_LOG_WARN, __VA_ARGS__)
#define sx_log_info(...) sx_log(SX_LOG_INFO, __VA_ARGS__)
#define sx_log_debug(...) sx_log(SX_LOG_DEBUG, __VA_ARGS__)

/** Progress of one long step, as seen by rank 0 (its share stands for all:
 *  the decomposition gives every rank a similar share). */
typedef struct {
    char name[64];
    int64_t total;
    int64_t done;
    double t_start;
    double t_last;
    double interval;
    int finished;
} sx_progress_t;

/** Start a progress line for `total` units of work. Not collective. */
void sx_progress_init(sx_progress_t *p, const char *name, int64_t total);
/** Add `n` finished units; prints when the interval has passed. Call from
 *  outside OpenMP regions (or from one thread). */
void sx_progress_add(sx_progress_t *p, int64_t n);
/** Print the final 100% line with the elapsed time. */
void sx_progress_fini(sx_progress_t *p);

/** Wall-clock seconds (monotonic). */
double sx_now(void);

#endif
