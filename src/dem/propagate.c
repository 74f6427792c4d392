/*
 * propagate.c — distributed fixpoint of min-plus propagation over a grid
 * graph: the breadth-first searches of flat resolution (distance from the
 * high and low edges of a flat) and the flat-wide maximum, split over ranks.
 *
 * A serial BFS gives each cell its shortest-path distance to the seeds; that
 * distance is the least fixpoint of v[t] = min(v[t], v[f] + 1) over the links,
 * which is unique. Each round relaxes the own block to its local fixpoint
 * (label-correcting FIFO), then swaps the one-cell halo; the halo cells act as
 * extra sources in the next round. Rounds end when no rank changed a cell on
 * its block perimeter, i.e. when nothing new can cross a block edge. The
 * number of rounds is bounded by how often a shortest path crosses block
 * edges; traffic per round is the block perimeter.
 */
#include <mpi.h>
#include <stdlib.h>

#include "dem/hydro_internal.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_mpi.h"

static int on_perimeter(sx_window_t ext, sx_window_t own, int64_t e)
{
    int64_t gi = ext.x0 + e % ext.nx, gj = ext.y0 + e / ext.nx;
    return gi == own.x0 || gj == own.y0 || gi == own.x0 + own.nx - 1 || gj == own.y0 + own.ny - 1;
}

sx_err sx__propagate_min(MPI_Comm comm, sx_halo_t *halo, sx_window_t ext, sx_window_t own, int64_t *v,
                         int64_t step, sx__link_fn link, const void *ctx)
{
    sx_err err = SX_OK;
    sx__fifo_t q = {0};
    uint8_t *inq = NULL;
    int64_t *ring = NULL, nring = 0;
    int64_t n = sx_window_cells(ext);
    inq = calloc((size_t)(n > 0 ? n : 1), 1);
    if (!inq) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %lld queue flags", (long long)n);
    if (err == SX_OK) err = sx__halo_ring(ext, own, &ring, &nring);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    for (int round = 0;; round++) {
        if (round > 0) SX_CHECK_GOTO(sx_halo_exchange(halo, v), err, done);
        /* first round: every reached cell is a source; later: only the halo */
        int64_t ns = round == 0 ? n : nring;
        for (int64_t s = 0; s < ns && err == SX_OK; s++) {
            int64_t e = round == 0 ? s : ring[s];
            if (v[e] != SX__INF) {
                err = sx__fifo_push(&q, e);
                inq[e] = 1;
            }
        }
        int changed = 0;
        while (!sx__fifo_empty(&q) && err == SX_OK) {
            int64_t f = sx__fifo_pop(&q);
            inq[f] = 0;
            int64_t cand = v[f] + step;
            for (int k = 0; k < 8; k++) {
                int64_t t = sx__ext_neighbour(ext, f, k, sx_d8_dx, sx_d8_dy);
                if (t < 0 || cand >= v[t] || !sx__in_own(ext, own, t) || !link(ctx, f, t, k)) continue;
                v[t] = cand;
                if (on_perimeter(ext, own, t)) changed = 1;
                if (!inq[t]) {
                    inq[t] = 1;
                    err = sx__fifo_push(&q, t);
                    if (err != SX_OK) break;
                }
            }
        }
        /* after round 0, perimeter values found locally must still be shown to the neighbours */
        if (round == 0) changed = 1;
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
        int any = 0;
        int rc = MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, comm);
        if (rc != MPI_SUCCESS) {
            err = sx__mpi_fail(rc, "MPI_Allreduce", SX__FILE, __LINE__);
            goto done;
        }
        if (!any) break;
        q.head = q.tail = 0;
    }
done:
    sx__fifo_free(&q);
    free(inq);
    free(ring);
    return err;
}
