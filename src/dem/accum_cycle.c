/*
 * accum_cycle.c — say where a cycle is when the accumulation sweep stalls.
 *
 * When a round finishes no cell anywhere while cells remain, every cell left
 * waits for an upstream neighbour that also waits. Following from each
 * waiting cell its first waiting inflow (neighbour order W..SW) is a
 * function on the waiting cells, and every cycle of it is a cycle of the
 * flow, traversed upstream. Each rank finds the cycles inside its block and,
 * for the walks that leave it, the halo cell where they leave and the least
 * cell index on the way (memoised, so O(block)); rank 0 joins those pieces
 * across blocks. The cell reported is the least row-major index on the cycle
 * whose least index is least of all, which does not depend on the ranks.
 * Runs only on that error path; its memory (16 B per cell of the block) is
 * given back before the error returns.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dem/accum_internal.h"
#include "sanxiang/sx_mpi.h"

typedef struct {
    int64_t from, to, low; /* global cells: a waiting perimeter cell, the halo cell its walk leaves to, least on the way */
} port_t;

static int port_cmp(const void *a, const void *b)
{
    const port_t *x = a, *y = b;
    return (x->from > y->from) - (x->from < y->from);
}

static inline int64_t gid(const sx__pad_t *p, int64_t c) { return sx__pad_gj(p, c) * p->gnx + sx__pad_gi(p, c); }

/* The first waiting inflow of waiting cell c (frame index), or -1. */
static int64_t upstream(const sx__pad_t *p, const uint8_t *mask, const double *acc, const uint8_t *dir, int64_t c)
{
    for (int k = 0; k < 8; k++)
        if ((mask[c] >> k) & 1) {
            int64_t n = c + p->off[k];
            if (isnan(acc[n]) && dir[n] != SX_D8_NODATA) return n;
        }
    return -1;
}

/* Least cell on the cycles of the walks inside the block (INT64_MAX if
 * none); ports for walks from perimeter cells that leave it. */
static sx_err local(const sx__flow_t *F, const uint8_t *mask, const double *acc, int64_t *least, port_t **ports,
                    int64_t *nports)
{
    const sx__pad_t *p = F->p;
    int64_t *state = malloc((size_t)p->n * sizeof *state), *low = malloc((size_t)p->n * sizeof *low);
    int64_t *path = malloc((size_t)p->n * sizeof *path);
    int64_t cap = 2 * (p->own.nx + p->own.ny) + 4;
    *ports = malloc((size_t)cap * sizeof **ports);
    *nports = 0;
    *least = INT64_MAX;
    if (!state || !low || !path || !*ports) {
        free(state);
        free(low);
        free(path);
        SX_FAIL(SX_ERR_NOMEM, "the flow directions contain a cycle; there is not enough memory to say where");
    }
    /* state: 0 unseen, -1 on the current walk, -2 done inside (on or into a cycle),
     * >= 1 done: 1 + global index of the halo cell its walk leaves to */
    for (int64_t c = 0; c < p->n; c++) state[c] = 0;
    for (int64_t j = 0; j < p->own.ny; j++)
        for (int64_t i = 0; i < p->own.nx; i++) {
            int64_t s = sx__pad_at(p, i, j);
            if (state[s] || !isnan(acc[s]) || F->dir[s] == SX_D8_NODATA) continue;
            int64_t n = 0, v = s, out = -2, lo = INT64_MAX;
            while (v >= 0 && sx__pad_in_own(p, v) && state[v] == 0) {
                state[v] = -1;
                path[n++] = v;
                v = upstream(p, mask, acc, F->dir, v);
            }
            if (v >= 0 && sx__pad_in_own(p, v) && state[v] == -1) { /* a cycle inside the block */
                int64_t m = gid(p, v);
                for (int64_t x = n - 1; path[x] != v; x--) m = gid(p, path[x]) < m ? gid(p, path[x]) : m;
                if (m < *least) *least = m;
            } else if (v >= 0 && !sx__pad_in_own(p, v)) {
                out = 1 + gid(p, v);
            } else if (v >= 0) {
                out = state[v];
                lo = state[v] >= 1 ? low[v] : INT64_MAX;
            }
            for (int64_t x = n - 1; x >= 0; x--) { /* back along the walk: exit and least index on the way */
                int64_t g = gid(p, path[x]);
                lo = g < lo ? g : lo;
                state[path[x]] = out;
                low[path[x]] = lo;
            }
        }
    for (int64_t j = 0; j < p->own.ny; j++)
        for (int64_t i = 0; i < p->own.nx; i += (j == 0 || j == p->own.ny - 1 || i == p->own.nx - 1) ? 1 : p->own.nx - 1) {
            int64_t c = sx__pad_at(p, i, j);
            if (isnan(acc[c]) && F->dir[c] != SX_D8_NODATA && state[c] >= 1)
                (*ports)[(*nports)++] = (port_t){gid(p, c), state[c] - 1, low[c]};
        }
    free(state);
    free(low);
    free(path);
    return SX_OK;
}

/* Rank 0: the least cell on the cycles that cross blocks. */
static int64_t across(port_t *pt, int64_t n)
{
    int64_t best = INT64_MAX;
    qsort(pt, (size_t)n, sizeof *pt, port_cmp);
    int64_t *mark = calloc((size_t)(n ? n : 1), sizeof *mark);
    if (!mark) return best;
    for (int64_t s = 0; s < n; s++) {
        if (mark[s]) continue;
        int64_t x = s;
        while (x >= 0 && !mark[x]) {
            mark[x] = s + 1;
            port_t key = {pt[x].to, 0, 0};
            port_t *nx = bsearch(&key, pt, (size_t)n, sizeof *pt, port_cmp);
            x = nx ? nx - pt : -1;
        }
        if (x >= 0 && mark[x] == s + 1) { /* closed on this walk: a cycle through the ports from x */
            int64_t m = INT64_MAX, y = x;
            do {
                m = pt[y].low < m ? pt[y].low : m;
                port_t key = {pt[y].to, 0, 0};
                port_t *nx = bsearch(&key, pt, (size_t)n, sizeof *pt, port_cmp);
                y = nx ? nx - pt : x;
            } while (y != x);
            best = m < best ? m : best;
        }
    }
    free(mark);
    return best;
}

sx_err sx__accum_cycle(const sx__flow_t *F, const uint8_t *mask, const uint8_t *cnt, const double *acc)
{
    (void)cnt;
    MPI_Comm comm = F->d->comm;
    int rank;
    MPI_Comm_rank(comm, &rank);
    int64_t least = INT64_MAX, waiting = 0, all = 0, nports = 0;
    port_t *ports = NULL, *allp = NULL;
    for (int64_t j = 0; j < F->p->own.ny; j++)
        for (int64_t i = 0; i < F->p->own.nx; i++) {
            int64_t c = sx__pad_at(F->p, i, j);
            waiting += isnan(acc[c]) && F->dir[c] != SX_D8_NODATA;
        }
    MPI_Allreduce(&waiting, &all, 1, MPI_INT64_T, MPI_SUM, comm);
    sx_err err = local(F, mask, acc, &least, &ports, &nports);
    SX_CHECK(sx_err_agree(comm, err));
    int64_t gl = INT64_MAX, total = 0;
    MPI_Reduce(&least, &gl, 1, MPI_INT64_T, MPI_MIN, 0, comm);
    /* a failed gather only costs the search across blocks: the cycle is reported either way */
    void *got = NULL;
    if (sx_mpi_gatherv_bytes(comm, 0, ports, nports * (int64_t)sizeof *ports, "flow-cycle ports",
                             "run on fewer ranks", &got, &total) == SX_OK &&
        rank == 0) {
        allp = got;
        int64_t m = across(allp, total / (int64_t)sizeof *allp);
        gl = m < gl ? m : gl;
    }
    free(ports);
    free(allp);
    const char *what = "recompute them with `sanxiang dem flowdir` from the (filled) DEM";
    if (rank != 0 || gl == INT64_MAX)
        SX_FAIL(SX_ERR_INPUT, "'%s' contains a flow cycle (%lld cells never drain); they are not flow directions of a "
                              "DEM — %s",
                F->name, (long long)all, what);
    int64_t gi = gl % F->p->gnx, gj = gl / F->p->gnx;
    char at[160] = "";
    if (F->g) snprintf(at, sizeof at, "; map x %.10g, y %.10g", sx_grid_x_center(F->g, gi), sx_grid_y_center(F->g, gj));
    SX_FAIL(SX_ERR_INPUT,
            "'%s' has a flow cycle through cell (col %lld, row %lld%s): following the directions from there leads "
            "back to it (%lld cells never drain); they are not flow directions of a DEM — %s",
            F->name, (long long)gi, (long long)gj, at, (long long)all, what);
}
