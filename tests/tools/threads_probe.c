/*
 * threads_probe.c — report the thread count sx_threads_init chose, per rank.
 *
 *   [mpirun -np N] threads_probe [REQUESTED]
 *
 * Calls sx_threads_init(REQUESTED or 0) as the sanxiang command does, then
 * opens one OpenMP region and counts the threads that actually ran in it.
 * Each rank prints one line:
 *   threads_probe: rank R threads T ran P mask M sharers S node_ranks K node_cpus C node_threads X
 * Exits 0, or 2 with the error message when sx_threads_init fails.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_threads.h"

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    int requested = 0;
    sx_err err = argc > 1 ? sx_threads_parse(argv[1], "threads_probe", &requested) : SX_OK;
    err = sx_err_agree(MPI_COMM_WORLD, err);
    if (err == SX_OK) err = sx_threads_init(requested, "threads_probe");
    if (err != SX_OK) {
        char msg[1200];
        sx_err_format(msg, sizeof msg);
        if (sx_mpi_rank() == 0) fprintf(stderr, "threads_probe: error: %s\n", msg);
        sx_mpi_finalize();
        return 2;
    }
    int ran = 0;
#pragma omp parallel
    {
#pragma omp single
        ran = omp_get_num_threads();
    }
    sx_threads_info_t t = sx_threads_info();
    printf("threads_probe: rank %d threads %d ran %d mask %d sharers %d node_ranks %d node_cpus %d node_threads %d\n",
           sx_mpi_rank(), t.threads, ran, t.mask_cpus, t.mask_sharers, t.node_ranks, t.node_cpus, t.node_threads);
    fflush(stdout);
    sx_mpi_finalize();
    return 0;
}
