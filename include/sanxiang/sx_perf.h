/*
 * sx_perf.h — named timers, byte counters and the end-of-run table.
 *
 * Each timer belongs to one category (read, compute, comm, write, other).
 * Timers accumulate wall time on each rank; sx_perf_report() reduces them
 * over ranks (min / max / mean) into one table printed by rank 0 and the same
 * figures as JSON next to the outputs. Not thread-safe: time phases from the
 * thread that calls MPI, around whole OpenMP regions.
 */
#ifndef SX_PERF_H
#define SX_PERF_H

#include <mpi.h>
#include <stdint.h>
#include "sx_err.h"

typedef enum { SX_PERF_READ = 0, SX_PERF_COMPUTE, SX_PERF_COMM, SX_PERF_WRITE, SX_PERF_OTHER, SX_PERF_NCAT } sx_perf_cat;

/** Start / stop the named timer (created on first use in category cat). */
void sx_perf_start(const char *name, sx_perf_cat cat);
void sx_perf_stop(const char *name);
/** Count bytes moved by this rank. */
void sx_perf_add_bytes_read(int64_t n);
void sx_perf_add_bytes_written(int64_t n);
/** Count bytes a read took from a layer kept in memory (no file read); a read
 *  phase with only such bytes is reported as kind "memory". */
void sx_perf_add_bytes_memory(int64_t n);
/** Forget every timer (tests). */
void sx_perf_reset(void);

/**
 * Reduce all timers over comm and print the table on rank 0 (INFO level);
 * if json_out is not NULL, *json_out becomes the figures as JSON text on
 * rank 0 (the caller frees it and writes it where it belongs) and NULL on
 * the other ranks. Collective over comm.
 */
sx_err sx_perf_report(MPI_Comm comm, char **json_out);

#endif
