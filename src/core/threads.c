/*
 * threads.c — choose each rank's OpenMP thread count from the CPUs it may use.
 *
 * A rank's mask is the set of CPUs the OS lets it run on. When OMP_PROC_BIND
 * is set, libgomp has already pinned the initial thread to one place by the
 * time main() runs, so the mask is then read back as the union of the OpenMP
 * places (libgomp builds them from the process's original mask) instead of
 * from sched_getaffinity. The ranks of a node (MPI_COMM_TYPE_SHARED) gather
 * their masks: ranks holding the same mask share its CPUs evenly, and the
 * union of all masks is what the node gives the job, against which the sum
 * of threads is checked. The choice is made here and nowhere else;
 * everything that sizes work by threads reads omp_get_max_threads().
 *
 * Invariant: ranks never exceed their share by default — the rule's threads
 * on a node add up to at most the node's CPUs, or to one per rank when ranks
 * outnumber CPUs. Overrides may exceed it, and then a warning says so.
 */
#include "sanxiang/sx_threads.h"

#include <errno.h>
#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_parse.h"

static sx_threads_info_t current;

int sx_threads_rule(int mask_cpus, int mask_sharers)
{
    int share = mask_sharers > 0 ? mask_cpus / mask_sharers : mask_cpus;
    return share > 1 ? share : 1;
}

sx_err sx_threads_parse(const char *text, const char *origin, int *out)
{
    int64_t v = 0;
    SX_FAIL_IF(!sx_parse_int64(text, &v) || v < 1 || v > SX_THREADS_MAX, SX_ERR_USAGE,
               "%s='%s' is not a thread count; give a whole number from 1 to %d, or leave it out to use the "
               "CPUs each rank may use",
               origin ? origin : "threads", text ? text : "", SX_THREADS_MAX);
    *out = (int)v;
    return SX_OK;
}

/* This rank's CPUs as a zeroed, malloc'd cpu_set of *nbytes bytes, or NULL. */
static cpu_set_t *read_mask(size_t *nbytes)
{
    long conf = sysconf(_SC_NPROCESSORS_CONF);
    int ncpu = 1024;
    while (conf > 0 && ncpu < conf) ncpu *= 2;
    int places = omp_get_num_places();
    for (; ncpu <= (1 << 20); ncpu *= 2) {
        cpu_set_t *set = CPU_ALLOC(ncpu);
        if (!set) return NULL;
        size_t size = CPU_ALLOC_SIZE(ncpu);
        CPU_ZERO_S(size, set);
        int ok = 1;
        if (places > 0) {
            for (int p = 0; p < places && ok; p++) {
                int n = omp_get_place_num_procs(p);
                int *ids = n > 0 ? malloc((size_t)n * sizeof *ids) : NULL;
                if (n > 0 && !ids) {
                    CPU_FREE(set);
                    return NULL;
                }
                if (n > 0) omp_get_place_proc_ids(p, ids);
                for (int i = 0; i < n; i++) {
                    if (ids[i] < 0 || ids[i] >= ncpu) ok = 0;
                    else CPU_SET_S((size_t)ids[i], size, set);
                }
                free(ids);
            }
            if (ok && CPU_COUNT_S(size, set) > 0) {
                *nbytes = size;
                return set;
            }
        } else if (sched_getaffinity(0, size, set) == 0) {
            *nbytes = size;
            return set;
        } else if (errno != EINVAL) {
            CPU_FREE(set);
            return NULL;
        }
        CPU_FREE(set); /* too small for the kernel's (or a place's) CPU numbers: double */
    }
    return NULL;
}

static int online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int sx_threads_mask_cpus(void)
{
    size_t size = 0;
    cpu_set_t *set = read_mask(&size);
    if (!set) return online_cpus();
    int n = CPU_COUNT_S(size, set);
    CPU_FREE(set);
    return n > 0 ? n : online_cpus();
}

/* OMP_NUM_THREADS' first entry (it may be a list for nested levels), or 0 when unset. */
static sx_err omp_env_threads(int *out)
{
    *out = 0;
    const char *env = getenv("OMP_NUM_THREADS");
    if (!env || !*env) return SX_OK;
    char first[64];
    snprintf(first, sizeof first, "%s", env);
    first[strcspn(first, ",")] = '\0';
    return sx_threads_parse(first, "OMP_NUM_THREADS", out);
}

/* Fills in the node facts: gathers every node rank's mask (as bytes of one
 * agreed length) and counts sharers and the union. Collective over node. */
static sx_err node_masks(MPI_Comm node, sx_threads_info_t *info)
{
    size_t size = 0;
    cpu_set_t *mine = read_mask(&size);
    int mine_bytes = mine ? (int)size : 0, bytes = 0, nranks = 0, me = 0;
    SX_CHECK_MPI(MPI_Allreduce(&mine_bytes, &bytes, 1, MPI_INT, MPI_MAX, node));
    MPI_Comm_size(node, &nranks);
    MPI_Comm_rank(node, &me);
    info->node_ranks = nranks;
    /* A rank that could not read its mask sends all-zero bytes and counts
     * the online CPUs as its own; nobody else matches it. */
    unsigned char *all = bytes > 0 ? calloc((size_t)bytes, (size_t)nranks + 1) : NULL;
    sx_err err = bytes > 0 && !all ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__,
                                                "cannot allocate %d bytes for the node's CPU masks", bytes * nranks)
                                   : SX_OK;
    err = sx_err_agree(node, err); /* the ranks of a node go on to the Allgather together, or none does */
    if (err != SX_OK) {
        if (mine) CPU_FREE(mine);
        return err;
    }
    if (bytes == 0) { /* no rank could read a mask: assume each may use the whole node */
        info->mask_cpus = online_cpus();
        info->mask_sharers = nranks;
        info->node_cpus = info->mask_cpus;
        return SX_OK;
    }
    unsigned char *own = all + (size_t)nranks * (size_t)bytes;
    if (mine) memcpy(own, mine, size);
    int rc = MPI_Allgather(own, bytes, MPI_BYTE, all, bytes, MPI_BYTE, node);
    if (rc != MPI_SUCCESS) {
        if (mine) CPU_FREE(mine);
        free(all);
        return sx__mpi_fail(rc, "MPI_Allgather", SX__FILE, __LINE__);
    }
    info->mask_cpus = mine ? CPU_COUNT_S(size, mine) : online_cpus();
    info->mask_sharers = 0;
    cpu_set_t *uni = (cpu_set_t *)own; /* reuse: own bytes become the union */
    memset(own, 0, (size_t)bytes);
    for (int r = 0; r < nranks; r++) {
        const unsigned char *theirs = all + (size_t)r * (size_t)bytes;
        if (r == me || (mine && memcmp(theirs, all + (size_t)me * (size_t)bytes, (size_t)bytes) == 0))
            info->mask_sharers++;
        for (int b = 0; b < bytes; b++) own[b] |= theirs[b];
    }
    info->node_cpus = CPU_COUNT_S((size_t)bytes, uni);
    if (info->node_cpus < info->mask_cpus) info->node_cpus = info->mask_cpus;
    if (mine) CPU_FREE(mine);
    free(all);
    return SX_OK;
}

static const char *cpus_word(int n) { return n == 1 ? "CPU" : "CPUs"; }

sx_err sx_threads_init(int requested, const char *origin)
{
    sx_err err = SX_OK;
    if (requested < 0 || requested > SX_THREADS_MAX)
        err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "%s asks for %d threads; give 1 to %d",
                         origin ? origin : "request", requested, SX_THREADS_MAX);
    int from_env = 0;
    if (err == SX_OK && requested == 0) err = omp_env_threads(&from_env);
    SX_CHECK(sx_err_agree(MPI_COMM_WORLD, err));

    MPI_Comm node;
    SX_CHECK_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
    sx_threads_info_t info = {0};
    err = node_masks(node, &info);
    if (err == SX_OK) {
        info.source = requested > 0 ? SX_THREADS_FROM_REQUEST : from_env > 0 ? SX_THREADS_FROM_OMP_ENV
                                                                             : SX_THREADS_FROM_RULE;
        info.threads = requested > 0 ? requested : from_env > 0 ? from_env
                                                                : sx_threads_rule(info.mask_cpus, info.mask_sharers);
        int rc = MPI_Allreduce(&info.threads, &info.node_threads, 1, MPI_INT, MPI_SUM, node);
        if (rc != MPI_SUCCESS) err = sx__mpi_fail(rc, "MPI_Allreduce", SX__FILE, __LINE__);
    }
    int node_rank = 0, most_on_node = 0;
    MPI_Comm_rank(node, &node_rank);
    if (err == SX_OK) {
        int rc = MPI_Allreduce(&info.threads, &most_on_node, 1, MPI_INT, MPI_MAX, node);
        if (rc != MPI_SUCCESS) err = sx__mpi_fail(rc, "MPI_Allreduce", SX__FILE, __LINE__);
    }
    MPI_Comm_free(&node);
    SX_CHECK(sx_err_agree(MPI_COMM_WORLD, err));

    /* Silent when nothing changes (a job repeating the command's request). */
    int changed = info.threads != current.threads || info.source != current.source, any_changed = 0;
    int range[2] = {-info.threads, info.threads}, world[2];
    SX_CHECK_MPI(MPI_Allreduce(&changed, &any_changed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD));
    SX_CHECK_MPI(MPI_Allreduce(range, world, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD));
    omp_set_num_threads(info.threads);
    current = info;
    if (!any_changed) return SX_OK;

    char count[48], from[80] = "";
    if (-world[0] == world[1]) snprintf(count, sizeof count, "%d", world[1]);
    else snprintf(count, sizeof count, "%d to %d", -world[0], world[1]);
    if (info.source == SX_THREADS_FROM_OMP_ENV) snprintf(from, sizeof from, ", from OMP_NUM_THREADS");
    else if (info.source == SX_THREADS_FROM_REQUEST) snprintf(from, sizeof from, ", from %s", origin ? origin : "request");
    sx_log_info("threads: %s per rank%s (%d rank%s on this node, %d %s in the affinity mask)", count, from,
                info.node_ranks, info.node_ranks == 1 ? "" : "s", info.mask_cpus, cpus_word(info.mask_cpus));
    /* Ranks outnumbering CPUs at one thread each is the user's choice of
     * rank count, not a thread problem; warn only when threads add to it. */
    if (node_rank == 0 && most_on_node > 1 && info.node_threads > info.node_cpus)
        sx_log_warn("threads: %d rank%s on this node run %d threads in all on %d %s (their affinity masks), "
                    "so they slow each other down; leave OMP_NUM_THREADS and --threads unset to size threads "
                    "to the CPUs, or run fewer ranks per node",
                    info.node_ranks, info.node_ranks == 1 ? "" : "s", info.node_threads, info.node_cpus,
                    cpus_word(info.node_cpus));
    return SX_OK;
}

sx_threads_info_t sx_threads_info(void) { return current; }
