/*
 * sx_mpi.h — MPI start-up, error translation, error agreement, checked
 * counts and the gather of every rank's variable-length bytes.
 *
 * MPI errors come back as codes (MPI_ERRORS_RETURN is installed on
 * MPI_COMM_WORLD by sx_mpi_init) and are translated into sx_err with the MPI
 * library's own message. At phase boundaries every rank calls
 * sx_err_agree() so that one rank's failure stops all of them together,
 * with the failing rank's message delivered to rank 0 for a single report.
 */
#ifndef SX_MPI_H
#define SX_MPI_H

#include <mpi.h>
#include <stdint.h>
#include "sx_err.h"

/** Initialise MPI (thread level FUNNELED) and install MPI_ERRORS_RETURN.
 *  Collective over MPI_COMM_WORLD. Call once, from main(). */
sx_err sx_mpi_init(int *argc, char ***argv);
/** Finalise MPI if sx_mpi_init initialised it. Collective. */
void sx_mpi_finalize(void);
/**
 * For a command that runs without MPI (one that only prints): take this
 * process's rank and the number of ranks from the launcher's environment
 * (Open MPI's mpirun, PMIx, PMI, Slurm's srun; 0 and 1 without one), so
 * that only rank 0 prints. No MPI call; sx_mpi_finalize then does nothing.
 */
void sx_mpi_launcher_rank(void);
/**
 * Set TCP_NODELAY on every TCP socket of this process whose peer is a
 * loopback address (the MPI library's connection to its node-local PMIx
 * server, which otherwise waits 40 ms on the delayed ACK in MPI_Finalize).
 * sx_mpi_init calls it after MPI_Init. Returns how many sockets it changed,
 * or -1 when /proc/self/fd cannot be read (nothing changed).
 */
int sx_loopback_nodelay(void);

/** Rank and size of MPI_COMM_WORLD, cached (0 and 1 before init). */
int sx_mpi_rank(void);
int sx_mpi_size(void);
/** Number of ranks sharing this node (for per-rank memory budgets). */
int sx_mpi_local_size(void);

sx_err sx__mpi_fail(int mpi_rc, const char *call, const char *file, int line);
/** Translate an MPI return code into sx_err, naming the call. */
#define SX_CHECK_MPI(call)                                              \
    do {                                                                \
        int sx__rc = (call);                                            \
        if (sx__rc != MPI_SUCCESS)                                      \
            return sx__mpi_fail(sx__rc, #call, SX__FILE, __LINE__);     \
    } while (0)

/**
 * Agree on the outcome of a phase. Collective over comm.
 * Every rank passes its local result; all ranks get back SX_OK if all
 * succeeded. Otherwise the lowest failing rank's message is copied to every
 * rank (the record then names that rank) and every rank returns the same
 * code, so exactly one rank (rank 0) prints one message.
 */
sx_err sx_err_agree(MPI_Comm comm, sx_err local);

/** Narrow a count to int for MPI, failing clearly if it does not fit. */
sx_err sx_mpi_count(int64_t n, int *out);
/**
 * Gather nbytes bytes from every rank on root, in rank order (MPI_Gatherv of
 * MPI_BYTE with the counts gathered and the displacements summed here).
 * Collective over comm: every rank calls it, with its own nbytes (0 allowed).
 * mine: this rank's bytes (borrowed; may be NULL when nbytes is 0).
 * On success, on root *all is a malloc'd buffer the caller frees (never NULL,
 * even for 0 bytes) holding rank 0's bytes, then rank 1's, ..., and *total
 * its length; on the other ranks *all = NULL and *total = 0.
 * what names the data and hint says what the user can do, for the message
 * "<n> bytes of <what> exceed one MPI message (2 GiB); <hint>" (SX_ERR_INPUT)
 * when one rank's share or the total passes INT_MAX bytes.
 * Returns the same code on every rank (it agrees on errors); on failure
 * *all = NULL everywhere.
 */
sx_err sx_mpi_gatherv_bytes(MPI_Comm comm, int root, const void *mine, int64_t nbytes, const char *what,
                            const char *hint, void **all, int64_t *total);
/** Broadcast a NUL-terminated string from root: on root *s is the string
 *  (NULL is sent as ""), on the other ranks *s receives a malloc'd copy the
 *  caller frees. Collective over comm. */
/** Barrier in which waiting ranks sleep (MPI_Ibarrier polled every ms)
 *  instead of spinning, so one rank doing serial work with several threads
 *  (e.g. COG compression) gets the cores of the ranks waiting for it. */
sx_err sx_mpi_idle_barrier(MPI_Comm comm);

sx_err sx_mpi_bcast_string(MPI_Comm comm, int root, char **s);

#endif
