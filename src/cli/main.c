/*
 * main.c — the sanxiang command: start MPI (not for version and help), dispatch a command group, report.
 *
 * The only place that turns an error into an exit status. Errors are agreed
 * over ranks before they are reported, so a run prints one message (from
 * rank 0) and every rank exits with the same non-zero status.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_signal.h"
#include "sanxiang/sx_threads.h"

/* OpenMP threads per rank, before any parallel region: SX_THREADS if set,
 * else OMP_NUM_THREADS, else the CPUs each rank may use (sx_threads.h). */
static sx_err start_threads(void)
{
    int requested = 0;
    const char *env = getenv("SX_THREADS");
    sx_err err = env && *env ? sx_threads_parse(env, "SX_THREADS", &requested) : SX_OK;
    SX_CHECK(sx_err_agree(MPI_COMM_WORLD, err));
    return sx_threads_init(requested, "SX_THREADS");
}

/* The one error line of a run, from rank 0. */
static void report(sx_err err)
{
    if (err == SX_OK || sx_mpi_rank() != 0) return;
    char msg[1200];
    sx_err_format(msg, sizeof msg);
    fprintf(stderr, "sanxiang: error: %s\n", msg);
    fflush(stderr);
}

int main(int argc, char **argv)
{
    /* Slurm's USR1 before the time limit and TERM at it only set a flag;
     * jobs stop at their next step boundary (or checkpoint) with status 8.
     * Installed before MPI starts, so a signal that arrives while the ranks
     * start up (srun forwards it at once) is kept, not fatal. */
    sx_err sig = sx_signal_install();
    /* Large arrays from the heap rather than fresh mappings, and freed
     * memory kept for the next step instead of returned: a job's steps
     * allocate frames of the same sizes one after another, and each fresh
     * mapping costs a page fault per 4 KiB page (13 % of a fill -> flowdir
     * -> accum job, docs/performance.md). Peak memory is unchanged. */
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    /* version and help only print: they run without MPI (and so where it cannot start, and with
     * none of its start-up and shut-down), every rank of a launcher knowing its rank from the
     * environment so that one prints. */
    if (!sx_cli_needs_mpi(argc, argv)) {
        sx_mpi_launcher_rank();
        sx_err err = sig != SX_OK ? sig : sx_cli_dispatch(argc, argv);
        report(err);
        return sx_err_exit_status(err);
    }
    sx_err err = sx_mpi_init(&argc, &argv);
    if (err != SX_OK) {
        report(err);
        return sx_err_exit_status(err);
    }
    err = sx_err_agree(MPI_COMM_WORLD, sig);
    if (err == SX_OK) err = start_threads();
    if (err == SX_OK) err = sx_cli_dispatch(argc, argv);
    err = sx_err_agree(MPI_COMM_WORLD, err);
    report(err);
    sx_mpi_finalize();
    return sx_err_exit_status(err);
}
