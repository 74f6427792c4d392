/*
 * mpi_expect.h — the MPI tests' soft assertion: EXPECT(cond, fmt, ...)
 * prints "[rank r] FAIL file:line: message" and counts the failure in
 * mpi_failures, so a test reports every difference on every rank before it
 * reduces the count and exits non-zero.
 */
#ifndef MPI_EXPECT_H
#define MPI_EXPECT_H

#include <stdio.h>

#include "sanxiang/sx_mpi.h"

static int mpi_failures = 0;

#define EXPECT(cond, ...)                                                                  \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "[rank %d] FAIL %s:%d: ", sx_mpi_rank(), __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fprintf(stderr, "\n");                                                         \
            mpi_failures++;                                                                \
        }                                                                                  \
    } while (0)

#endif
