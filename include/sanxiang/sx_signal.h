/*
 * sx_signal.h — stop cleanly on SIGTERM / SIGUSR1 / SIGINT.
 *
 * Slurm sends SIGTERM at the time limit (and, with --signal=USR1@N, SIGUSR1
 * N seconds before it). The handlers only record the signal; long-running
 * loops ask at their step boundaries, all ranks together, whether any rank
 * has seen one (sx_signal_agree), then write a checkpoint and return
 * SX_ERR_INTERRUPTED so the job exits with status 8 and can be requeued.
 */
#ifndef SX_SIGNAL_H
#define SX_SIGNAL_H

#include <mpi.h>
#include "sx_err.h"

/** Install the handlers (idempotent). Not collective. */
sx_err sx_signal_install(void);
/** Signal number seen by this process, 0 if none. Async-signal-safe read. */
int sx_signal_pending(void);
/** Forget a seen signal (after a checkpoint that continues). */
void sx_signal_clear(void);
/** Collective over comm: the largest signal number seen by any rank (0 if
 *  none), so every rank takes the same decision at the same step. */
sx_err sx_signal_agree(MPI_Comm comm, int *signum);

#endif
