/*
 * signal.c — record termination signals for a clean, agreed stop.
 *
 * The handler stores the signal number in a sig_atomic_t and does nothing
 * else (async-signal-safe). SA_RESTART keeps interrupted system calls (file
 * reads, MPI progress) going; the program notices the flag at its next step
 * boundary.
 */
#include "sanxiang/sx_signal.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "sanxiang/sx_mpi.h"

static volatile sig_atomic_t seen = 0;

static void on_signal(int signum) { seen = signum; }

sx_err sx_signal_install(void)
{
    static const int sigs[] = {SIGTERM, SIGUSR1, SIGINT};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        SX_FAIL_IF(sigaction(sigs[i], &sa, NULL) != 0, SX_ERR_INTERNAL, "cannot install a handler for signal %d: %s",
                   sigs[i], strerror(errno));
    return SX_OK;
}

int sx_signal_pending(void) { return seen; }
void sx_signal_clear(void) { seen = 0; }

sx_err sx_signal_agree(MPI_Comm comm, int *signum)
{
    int mine = seen, any = 0;
    SX_CHECK_MPI(MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, comm));
    *signum = any;
    return SX_OK;
}
