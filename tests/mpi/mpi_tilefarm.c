/*
 * mpi_tilefarm.c — the dynamic tile farm hands out every tile exactly once,
 * whatever the rank count and however uneven the tiles' cost, and a result
 * reduced in tile order is the same at any rank count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_decomp.h"
#include "sanxiang/sx_mpi.h"

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    const int64_t ntiles = 53;
    int *mine = calloc((size_t)ntiles, sizeof *mine), *all = calloc((size_t)ntiles, sizeof *all);
    double *result = calloc((size_t)ntiles, sizeof *result), *sum = calloc((size_t)ntiles, sizeof *sum);
    sx_tilefarm_t *f = NULL;
    int fail = 0;
    if (sx_tilefarm_create(MPI_COMM_WORLD, ntiles, &f) != SX_OK) {
        fprintf(stderr, "mpi_tilefarm: rank %d: %s\n", sx_mpi_rank(), sx_err_message());
        fail = 1;
    }
    int64_t t;
    int taken = 0;
    while (!fail && sx_tilefarm_next(f, &t) == SX_OK && t >= 0) {
        /* Uneven cost: tile t does (t % 7 + 1) * 20000 iterations. */
        double acc = 0;
        for (int64_t k = 0; k < (t % 7 + 1) * 20000; k++) acc += sin((double)(k + t));
        result[t] = acc;
        mine[t]++;
        taken++;
    }
    if (sx_tilefarm_destroy(&f) != SX_OK) fail = 1;
    MPI_Allreduce(mine, all, (int)ntiles, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Allreduce(result, sum, (int)ntiles, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD); /* one contributor per tile: exact */
    for (int64_t k = 0; k < ntiles; k++)
        if (all[k] != 1) {
            fprintf(stderr, "tile %lld handed out %d times\n", (long long)k, all[k]);
            fail = 1;
        }
    double total = 0;
    for (int64_t k = 0; k < ntiles; k++) total += sum[k]; /* fixed order */
    /* Same total as one rank computing all tiles in order. */
    double expect = 0;
    for (int64_t k = 0; k < ntiles; k++) {
        double acc = 0;
        for (int64_t i = 0; i < (k % 7 + 1) * 20000; i++) acc += sin((double)(i + k));
        expect += acc;
    }
    if (memcmp(&total, &expect, sizeof total) != 0) {
        fprintf(stderr, "ordered reduction differs: %.17g vs %.17g\n", total, expect);
        fail = 1;
    }
    int anyfail = 0;
    MPI_Allreduce(&fail, &anyfail, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    printf("mpi_tilefarm: rank %d took %d tiles\n", sx_mpi_rank(), taken);
    free(mine); free(all); free(result); free(sum);
    sx_mpi_finalize();
    return anyfail;
}
