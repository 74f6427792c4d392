/*
 * fill_eps.c — parallel Priority-Flood+epsilon: the least strictly draining
 * surface above a DEM, the same at any rank count and block size.
 *
 * Definition (what `dem fill --epsilon` computes). An outlet is a data cell
 * on the grid edge or, unless nodata are walls, next to nodata. E is the
 * least surface with E >= z on which every data cell that is not an outlet
 * has a data neighbour with strictly lower E. Such surfaces are closed under
 * the cell-wise minimum, so the least one is unique; it is the path minimum
 *   E(c) = min over 8-paths c = p0, p1, ..., pk (pk an outlet) of v0, where
 *   vk = z(pk) and vi = max(z(pi), nextafter(v(i+1), +inf)),
 * i.e. Barnes, Lehman & Mulla (2014, doi:10.1016/j.cageo.2013.04.024) Alg. 3
 * with every increment the smallest representable one and the queues popped
 * strictly in value order. Barnes' Alg. 3 lets the pit queue run ahead of
 * open cells of lower elevation, so its flats slope away from whichever
 * outlet was popped first: an order that a tiled run cannot reproduce with
 * perimeter exchanges (Barnes 2016, doi:10.1016/j.cageo.2016.07.001, drops
 * epsilon from the parallel fill for this reason). E >= the plain fill, and
 * cells that cannot reach an outlet keep their elevation, as in the plain fill.
 *
 * Computation: min-plus fixpoint over blocks, as propagate.c does for the
 * flat gradients. Each round runs a label-correcting Dijkstra over the own
 * block (binary heap, stale entries skipped) from the round's sources —
 * round 0 the own outlets at z, later rounds the halo cells whose value went
 * down — then swaps the one-cell halo of E. Rounds stop when no halo value
 * changed on any rank. Values only decrease and each is a path value, so the
 * result is the unique fixpoint E above, computed by comparisons and
 * nextafter only: bit-identical to sx_dem_fill_serial(epsilon=1) at any
 * decomposition (tests/mpi/mpi_hydrology.c). Work: one Dijkstra per block
 * per round in which better values arrive; rounds grow with the number of
 * block edges an optimal path crosses. Memory per cell of a block: z and E
 * (16 B) plus heap entries (24 B each, at most a few per cell).
 */
#include <math.h>
#include <stdlib.h>

#include "dem/hydro_internal.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_mpi.h"

/* Is ext cell e (a data cell of the own block) an outlet? Interior cells
 * have all 8 neighbours inside ext. */
static int outlet(const sx_decomp_t *d, sx_window_t ext, const double *z, int64_t e, int walls)
{
    int64_t gi = ext.x0 + e % ext.nx, gj = ext.y0 + e / ext.nx;
    if (gi == 0 || gj == 0 || gi == d->gnx - 1 || gj == d->gny - 1) return 1;
    for (int k = 0; k < 8 && !walls; k++)
        if (isnan(z[sx__ext_neighbour(ext, e, k, sx_d8_dx, sx_d8_dy)])) return 1;
    return 0;
}

/* Relax the own block to its local fixpoint from the cells in the heap. */
static sx_err relax(sx_window_t ext, sx_window_t own, const double *z, double *v, sx__heap_t *pq)
{
    while (pq->n > 0) {
        sx__hnode_t top = sx__heap_pop(pq);
        int64_t c = top.cell;
        if (top.z > v[c]) continue; /* stale: lowered after it was queued */
        double up = nextafter(top.z, INFINITY);
        for (int k = 0; k < 8; k++) {
            int64_t m = sx__ext_neighbour(ext, c, k, sx_d8_dx, sx_d8_dy);
            if (m < 0 || isnan(z[m]) || !sx__in_own(ext, own, m)) continue;
            double cand = z[m] > up ? z[m] : up;
            if (cand < v[m]) {
                v[m] = cand;
                SX_CHECK(sx__heap_push(pq, cand, m));
            }
        }
    }
    return SX_OK;
}

sx_err sx_dem_fill_eps_dist(const sx_decomp_t *d, double *zown, int walls)
{
    sx_err err = SX_OK;
    sx_halo_t *hz = NULL;
    double *z = NULL, *v = NULL, *old = NULL;
    int64_t *ring = NULL, nring = 0;
    sx__heap_t pq = {0};
    MPI_Comm comm = d->comm;
    sx_window_t own = d->own;

    SX_CHECK(sx_halo_create(d, 1, sizeof(double), &hz));
    sx_window_t ext = sx_halo_extended(hz);
    int64_t n = sx_window_cells(ext);
    z = malloc((size_t)(n ? n : 1) * sizeof *z);
    v = malloc((size_t)(n ? n : 1) * sizeof *v);
    if (!z || !v)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the epsilon-fill block (%lld cells)",
                         (long long)n);
    if (err == SX_OK) err = sx__halo_ring(ext, own, &ring, &nring);
    if (err == SX_OK && !(old = malloc((size_t)(nring ? nring : 1) * sizeof *old)))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the epsilon-fill halo");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    for (int64_t e = 0; e < n; e++) z[e] = NAN;
    sx__own_to_ext(ext, own, zown, z, sizeof *z);
    SX_CHECK_GOTO(sx_halo_exchange(hz, z), err, done);

    for (int64_t e = 0; e < n && err == SX_OK; e++) {
        v[e] = isnan(z[e]) ? NAN : INFINITY;
        if (!isnan(z[e]) && sx__in_own(ext, own, e) && outlet(d, ext, z, e, walls)) {
            v[e] = z[e];
            err = sx__heap_push(&pq, z[e], e);
        }
    }
    for (;;) {
        if (err == SX_OK) err = relax(ext, own, z, v, &pq);
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
        for (int64_t r = 0; r < nring; r++) old[r] = v[ring[r]];
        SX_CHECK_GOTO(sx_halo_exchange(hz, v), err, done);
        int changed = 0, any = 0;
        for (int64_t r = 0; r < nring && err == SX_OK; r++)
            if (v[ring[r]] < old[r]) { /* NaN (nodata) compares false */
                changed = 1;
                err = sx__heap_push(&pq, v[ring[r]], ring[r]);
            }
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
        int rc = MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, comm);
        if (rc != MPI_SUCCESS) {
            err = sx__mpi_fail(rc, "MPI_Allreduce", SX__FILE, __LINE__);
            goto done;
        }
        if (!any) break;
    }
    /* unreached cells (walled in by nodata) keep their elevation */
    for (int64_t j = 0; j < own.ny; j++)
        for (int64_t i = 0; i < own.nx; i++) {
            int64_t e = (own.y0 - ext.y0 + j) * ext.nx + own.x0 - ext.x0 + i;
            if (!isnan(z[e]) && v[e] != INFINITY) zown[j * own.nx + i] = v[e];
        }
done:
    sx__heap_free(&pq);
    sx_halo_destroy(&hz);
    free(z);
    free(v);
    free(old);
    free(ring);
    return err;
}
