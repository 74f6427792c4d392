/*
 * perf.c — named timers and the end-of-run performance table.
 *
 * Timers are kept in a small fixed table (names are phase names, not per
 * item). At report time rank 0 gathers every rank's names so a timer that
 * only some ranks used still appears; each timer is then reduced (min, max,
 * sum) in one collective each, in the order of the union, on every rank.
 */
#include "sanxiang/sx_perf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_strbuf.h"

#define PERF_MAX 64
#define PERF_NAME 48

typedef struct {
    char name[PERF_NAME];
    sx_perf_cat cat;
    double total, started;
    double file_bytes, mem_bytes; /* read while this timer ran: from files, from layers kept in memory */
    int running;
} perf_timer;

static perf_timer timers[PERF_MAX];
static int ntimers;
static int64_t bytes_read, bytes_written, bytes_memory;
static const char *const cat_names[] = {"read", "compute", "comm", "write", "other"};

static perf_timer *find(const char *name, sx_perf_cat cat, int create)
{
    for (int i = 0; i < ntimers; i++)
        if (!strcmp(timers[i].name, name)) return &timers[i];
    if (!create || ntimers == PERF_MAX) return NULL;
    perf_timer *t = &timers[ntimers++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->cat = cat;
    return t;
}

void sx_perf_start(const char *name, sx_perf_cat cat)
{
    perf_timer *t = find(name, cat, 1);
    if (t && !t->running) {
        t->running = 1;
        t->started = sx_now();
    }
}

void sx_perf_stop(const char *name)
{
    perf_timer *t = find(name, SX_PERF_OTHER, 0);
    if (t && t->running) {
        t->total += sx_now() - t->started;
        t->running = 0;
    }
}

void sx_perf_add_bytes_read(int64_t n)
{
    bytes_read += n;
    for (int i = 0; i < ntimers; i++)
        if (timers[i].running && timers[i].cat == SX_PERF_READ) timers[i].file_bytes += (double)n;
}

void sx_perf_add_bytes_memory(int64_t n)
{
    bytes_memory += n;
    for (int i = 0; i < ntimers; i++)
        if (timers[i].running && timers[i].cat == SX_PERF_READ) timers[i].mem_bytes += (double)n;
}
void sx_perf_add_bytes_written(int64_t n) { bytes_written += n; }

void sx_perf_reset(void)
{
    ntimers = 0;
    bytes_read = bytes_written = bytes_memory = 0;
}

typedef struct {
    char name[PERF_NAME];
    int cat;
} perf_key;

/* Union of timer names over ranks, in rank-0-first order; same on all ranks. */
static sx_err gather_keys(MPI_Comm comm, perf_key *keys, int *nkeys)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    perf_key mine[PERF_MAX];
    memset(mine, 0, sizeof mine);
    for (int i = 0; i < ntimers; i++) {
        memcpy(mine[i].name, timers[i].name, PERF_NAME);
        mine[i].cat = (int)timers[i].cat;
    }
    perf_key *all = NULL;
    if (rank == 0) SX_ALLOC(all, (size_t)size * PERF_MAX, "timer names");
    int rc = MPI_Gather(mine, (int)sizeof mine, MPI_BYTE, all, (int)sizeof mine, MPI_BYTE, 0, comm);
    if (rc != MPI_SUCCESS) {
        free(all);
        return sx__mpi_fail(rc, "MPI_Gather", SX__FILE, __LINE__);
    }
    int n = 0;
    if (rank == 0) {
        for (int r = 0; r < size; r++)
            for (int i = 0; i < PERF_MAX; i++) {
                perf_key *k = &all[(size_t)r * PERF_MAX + i];
                if (!k->name[0]) continue;
                int seen = 0;
                for (int j = 0; j < n && !seen; j++) seen = !strcmp(keys[j].name, k->name);
                if (!seen && n < PERF_MAX) keys[n++] = *k;
            }
        free(all);
    }
    SX_CHECK_MPI(MPI_Bcast(&n, 1, MPI_INT, 0, comm));
    SX_CHECK_MPI(MPI_Bcast(keys, (int)(sizeof(perf_key) * PERF_MAX), MPI_BYTE, 0, comm));
    *nkeys = n;
    return SX_OK;
}

sx_err sx_perf_report(MPI_Comm comm, char **json_out)
{
    if (json_out) *json_out = NULL;
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    perf_key keys[PERF_MAX];
    int nkeys = 0;
    SX_CHECK(gather_keys(comm, keys, &nkeys));

    /* per timer: seconds; then bytes read, written, from memory; then per timer bytes from files, from memory */
    double local[3 * PERF_MAX + 3], mn[3 * PERF_MAX + 3], mx[3 * PERF_MAX + 3], sum[3 * PERF_MAX + 3];
    for (int i = 0; i < nkeys; i++) {
        perf_timer *t = find(keys[i].name, SX_PERF_OTHER, 0);
        local[i] = t ? t->total : 0.0;
        local[nkeys + 3 + i] = t ? t->file_bytes : 0.0;
        local[2 * nkeys + 3 + i] = t ? t->mem_bytes : 0.0;
    }
    local[nkeys] = (double)bytes_read;
    local[nkeys + 1] = (double)bytes_written;
    local[nkeys + 2] = (double)bytes_memory;
    int n = 3 * nkeys + 3;
    SX_CHECK_MPI(MPI_Reduce(local, mn, n, MPI_DOUBLE, MPI_MIN, 0, comm));
    SX_CHECK_MPI(MPI_Reduce(local, mx, n, MPI_DOUBLE, MPI_MAX, 0, comm));
    SX_CHECK_MPI(MPI_Reduce(local, sum, n, MPI_DOUBLE, MPI_SUM, 0, comm));

    sx_err err = SX_OK;
    /* A read phase served wholly by layers an earlier step kept in memory reads no file: say so. */
    const char *kind[PERF_MAX];
    for (int i = 0; i < nkeys; i++)
        kind[i] = keys[i].cat == SX_PERF_READ && sum[nkeys + 3 + i] == 0 && sum[2 * nkeys + 3 + i] > 0
                      ? "memory" : cat_names[keys[i].cat];
    if (rank == 0) {
        sx_log_info("performance over %d rank%s (seconds):", size, size > 1 ? "s" : "");
        sx_log_info("  %-28s %-8s %10s %10s %10s", "phase", "kind", "min", "mean", "max");
        for (int i = 0; i < nkeys; i++)
            sx_log_info("  %-28s %-8s %10.3f %10.3f %10.3f", keys[i].name, kind[i], mn[i], sum[i] / size, mx[i]);
        sx_log_info("  bytes read %.0f (max per rank %.0f), bytes written %.0f (max per rank %.0f), bytes handed over "
                    "in memory %.0f", sum[nkeys], mx[nkeys], sum[nkeys + 1], mx[nkeys + 1], sum[nkeys + 2]);
        if (json_out) {
            sx_strbuf_t sb;
            sx_strbuf_init(&sb);
            sx_strbuf_printf(&sb, "{\n  \"ranks\": %d,\n  \"timers\": [\n", size);
            for (int i = 0; i < nkeys; i++) {
                sx_strbuf_puts(&sb, "    {\"name\": ");
                sx_strbuf_json_string(&sb, keys[i].name);
                sx_strbuf_printf(&sb, ", \"kind\": \"%s\", \"min_s\": %.6f, \"mean_s\": %.6f, \"max_s\": %.6f}%s\n",
                                 kind[i], mn[i], sum[i] / size, mx[i], i + 1 < nkeys ? "," : "");
            }
            sx_strbuf_printf(&sb, "  ],\n  \"bytes_read\": %.0f,\n  \"bytes_written\": %.0f,\n  \"bytes_from_memory\": %.0f\n}\n",
                             sum[nkeys], sum[nkeys + 1], sum[nkeys + 2]);
            if (sb.failed) {
                err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot build perf JSON");
                sx_strbuf_fini(&sb);
            } else {
                *json_out = sb.data; /* the caller's now */
            }
        }
    }
    return sx_err_agree(comm, err);
}
