/*
 * mpi_err_agree.c — one rank's failure stops every rank with one message.
 *
 * The last rank fails with an input error; every rank must get the same
 * code back, and the message every rank holds must be the failing rank's,
 * naming it. A round where nobody fails must return SX_OK everywhere.
 */
#include <stdio.h>
#include <string.h>

#include "sanxiang/sx_mpi.h"

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    int rank = sx_mpi_rank(), size = sx_mpi_size(), fail = 0;

    if (sx_err_agree(MPI_COMM_WORLD, SX_OK) != SX_OK) fail = 1;

    sx_err local = SX_OK;
    if (rank == size - 1) local = sx_err_set(SX_ERR_INPUT, "dem/fill.c", 212, "input 'basin.tif' has NaN cells");
    sx_err got = sx_err_agree(MPI_COMM_WORLD, local);
    char msg[1200];
    sx_err_format(msg, sizeof msg);
    if (got != SX_ERR_INPUT) {
        fprintf(stderr, "[rank %d] expected SX_ERR_INPUT, got %s\n", rank, sx_err_name(got));
        fail = 1;
    }
    if (!strstr(msg, "input 'basin.tif' has NaN cells") || !strstr(msg, "dem/fill.c:212")) {
        fprintf(stderr, "[rank %d] message lost: '%s'\n", rank, msg);
        fail = 1;
    }
    char want[64];
    snprintf(want, sizeof want, "[rank %d/%d]", size - 1, size);
    if (size > 1 && !strstr(msg, want)) {
        fprintf(stderr, "[rank %d] message does not name the failing rank: '%s'\n", rank, msg);
        fail = 1;
    }
    /* Two ranks failing: the lowest failing rank's message wins everywhere. */
    if (size > 2) {
        sx_err_clear();
        local = (rank == 1 || rank == 2) ? sx_err_set(SX_ERR_IO, "x.c", rank, "rank %d failed", rank) : SX_OK;
        got = sx_err_agree(MPI_COMM_WORLD, local);
        sx_err_format(msg, sizeof msg);
        if (got != SX_ERR_IO || !strstr(msg, "rank 1 failed")) {
            fprintf(stderr, "[rank %d] two failures: got %s '%s'\n", rank, sx_err_name(got), msg);
            fail = 1;
        }
    }
    int anyfail = 0;
    MPI_Allreduce(&fail, &anyfail, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0) printf("mpi_err_agree: %d ranks %s\n", size, anyfail ? "FAILED" : "passed");
    sx_mpi_finalize();
    return anyfail;
}
