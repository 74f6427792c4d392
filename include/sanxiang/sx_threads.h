/*
 * sx_threads.h — OpenMP threads per rank, sized to the CPUs the rank may use.
 *
 * The rule: a rank's default thread count is the number of CPUs in its
 * affinity mask (sched_getaffinity) divided by the number of ranks on the same
 * node holding the same mask, and at least 1. A rank bound to one core
 * (mpirun --bind-to core, Open MPI's default at one or two ranks) gets 1; a
 * rank given four CPUs by srun -c 4 gets 4; three unbound ranks on a 2-CPU
 * node get 1 each. OMP_NUM_THREADS overrides the rule, and an explicit request
 * (SX_THREADS, the global --threads option, a job's threads key) overrides both.
 *
 * How to call it: once MPI is up and before any OpenMP region, every rank calls
 * sx_threads_init() with the explicit request (0 when there is none). main()
 * does this with SX_THREADS. A request that becomes known later (a job file's
 * threads key) calls sx_threads_init() again, on every rank, before the work
 * it applies to; a call that changes nothing is silent. Option and key values
 * are checked with sx_threads_parse() so both doors give the same message.
 */
#ifndef SX_THREADS_H
#define SX_THREADS_H

#include "sx_err.h"

/** Largest thread count accepted from a request or OMP_NUM_THREADS. */
#define SX_THREADS_MAX 4096

/** Where the chosen count came from. */
typedef enum { SX_THREADS_FROM_RULE = 0, SX_THREADS_FROM_OMP_ENV, SX_THREADS_FROM_REQUEST } sx_threads_source;

/** What sx_threads_init found and chose, for this rank and its node. */
typedef struct {
    int threads;      /**< the count set with omp_set_num_threads */
    int mask_cpus;    /**< CPUs in this rank's affinity mask */
    int node_ranks;   /**< ranks on this node (MPI_COMM_TYPE_SHARED) */
    int mask_sharers; /**< ranks on this node with exactly this rank's mask, itself included */
    int node_cpus;    /**< CPUs in the union of the masks of the node's ranks */
    int node_threads; /**< threads of all ranks on this node, summed */
    sx_threads_source source;
} sx_threads_info_t;

/**
 * The default count of the rule: mask_cpus / mask_sharers, at least 1.
 * Not collective; pure.
 */
int sx_threads_rule(int mask_cpus, int mask_sharers);

/**
 * Check a requested thread count given as text: one whole number in
 * 1..SX_THREADS_MAX (blanks around it allowed). `origin` names where the text
 * came from for the message ("SX_THREADS", "--threads", "jobs/x.yaml: threads").
 * Returns SX_ERR_USAGE otherwise. Not collective.
 */
sx_err sx_threads_parse(const char *text, const char *origin, int *out);

/**
 * Choose this rank's thread count and set it (omp_set_num_threads).
 * Collective over MPI_COMM_WORLD; MPI must be initialised; call outside any
 * OpenMP region. `requested` > 0 is an explicit request and wins; 0 means
 * OMP_NUM_THREADS if set (its first entry), else the rule. `origin` names the
 * request in the log (may be NULL: "request").
 * Logs the choice once (INFO, rank 0: "threads: N per rank (R ranks on this
 * node, C CPUs in the affinity mask)") and, on each node where the ranks'
 * threads add up to more than the node's CPUs while some rank there runs more
 * than one thread, one WARN from that node's first rank. A later call whose
 * choice equals the current one logs nothing.
 * Errors (the same on every rank): SX_ERR_USAGE for `requested` out of range
 * or a malformed OMP_NUM_THREADS; SX_ERR_MPI.
 */
sx_err sx_threads_init(int requested, const char *origin);

/** The last choice of sx_threads_init (zeros before the first call). Not collective. */
sx_threads_info_t sx_threads_info(void);

/**
 * CPUs in this rank's affinity mask (the online CPU count if the mask cannot
 * be read). Not collective; works before sx_threads_init.
 */
int sx_threads_mask_cpus(void);

#endif
