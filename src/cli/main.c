/*
 * main.c — the sanxiang command: start MPI, dispatch a command group, report.
 *
 * The only place that turns an error into an exit status. Errors are agreed
 * over ranks before they are reported, so a run prints one message (from
 * rank 0) and every rank exits with the same non-zero status.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_signal.h"

int main(int argc, char **argv)
{
    sx_err err = sx_mpi_init(&argc, &argv);
    if (err != SX_OK) {
        char msg[1200];
        sx_err_format(msg, sizeof msg);
        fprintf(stderr, "sanxiang: error: %s\n", msg);
        return sx_err_exit_status(err);
    }
    /* Slurm's USR1 before the time limit and TERM at it only set a flag;
     * jobs stop at their next step boundary (or checkpoint) with status 8. */
    err = sx_signal_install();
    if (err == SX_OK) err = sx_cli_dispatch(argc, argv);
    err = sx_err_agree(MPI_COMM_WORLD, err);
    if (err != SX_OK && sx_mpi_rank() == 0) {
        char msg[1200];
        sx_err_format(msg, sizeof msg);
        fprintf(stderr, "sanxiang: error: %s\n", msg);
        fflush(stderr);
    }
    sx_mpi_finalize();
    return sx_err_exit_status(err);
}
