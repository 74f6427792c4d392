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
 * Computation. E is also the least strictly draining surface above the
 * plain fill F (E >= F >= z), so F is computed first, with Barnes' (2016)
 * spill graph in a bounded number of exchanges (fill_dist.c). On F every
 * cell drains, and a cell c with a neighbour q whose F is lower by more
 * than N ulps (N = the number of data cells, the longest path) has
 * E(c) = F(c): E(q) <= next^N(F(q)) < F(c). Only the remaining cells —
 * flats and near-flats of F, where E rises by ulps — are solved, as a
 * min-plus fixpoint over blocks like the flat gradients: each round runs a
 * label-correcting Dijkstra (radix heap, stale entries skipped) over the own
 * block from the round's sources, then swaps the one-cell halo of E; rounds
 * stop when no halo value changed on any rank. Values only decrease and each
 * is a path value, so the result is the unique fixpoint E above, computed by
 * comparisons and nextafter only: bit-identical to sx_dem_fill_serial
 * (epsilon = 1) at any decomposition (tests/mpi/mpi_hydrology.c).
 * Why rounds were unbounded before, and what bounds them now: a block learns
 * a better value only through its halo, once per round, so the rounds are the
 * most block-edge crossings of any optimal path. Solving every cell from the
 * outlets made that the crossings of whole drainage paths (a river meandering
 * along a block edge: one round per meander). With F first, an optimal path
 * matters only inside a flat of F, so the rounds are those of the flat
 * gradients (flats.c): 1 + the block-edge crossings of a shortest path inside
 * one flat, independent of the relief and of rivers.
 * Memory per cell of the block: F and E (16 B), the reach flags 1 B and,
 * while F is computed, the fill's labels (4 B); heap entries 16 B per cell
 * queued (near-flat cells only).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dem/cellq.h"
#include "dem/fill_flood_internal.h"
#include "dem/hydro_internal.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"

/* Relax the own block to its local fixpoint from the cells in the heap;
 * st[c] != 0 marks cells outside the own block. */
static sx_err relax(const sx__pad_t *p, const uint8_t *st, const double *f, double *v, sx__rh_t *h)
{
    while (h->n > 0) {
        sx__pqn_t top;
        SX_CHECK(sx__rh_pop(h, &top));
        uint32_t c = (uint32_t)top.cell;
        if (top.key != sx__key_f64(v[c])) continue; /* lowered after it was queued */
        double up = nextafter(v[c], INFINITY);
        for (int k = 0; k < 8; k++) {
            int64_t m = st[c] ? sx__pad_nb(p, c, k) : (int64_t)c + p->off[k];
            if (m < 0 || st[m] || isnan(v[m])) continue;
            double cand = f[m] > up ? f[m] : up;
            if (cand < v[m]) {
                v[m] = cand;
                SX_CHECK(sx__rh_push(h, sx__key_f64(cand), (uint64_t)m));
            }
        }
    }
    return SX_OK;
}

/* Is F(c) more than n ulps above F(q)? Each of n steps up from F(q) is at
 * most an ulp of the larger magnitude of the two. */
static int far_above(double fc, double fq, double n)
{
    double m = fmax(fabs(fc), fabs(fq));
    return fc - fq > 2 * n * (DBL_EPSILON * m + DBL_TRUE_MIN);
}

sx_err sx__fill_eps_frame(const sx_decomp_t *d, const sx__pad_t *p, double *z, int walls, int *nrounds)
{
    sx_err err = SX_OK;
    MPI_Comm comm = d->comm;
    sx_halo_t *h = NULL;
    double *v = NULL, *old = NULL;
    uint8_t *reach = NULL, *st = NULL;
    uint32_t *ring = NULL;
    int64_t nring = 0;
    sx__rh_t pq = {0};
    size_t n = (size_t)(p->n ? p->n : 1);
    v = malloc(n * sizeof *v);
    reach = calloc(n, 1);
    st = malloc(n);
    if (!v || !reach || !st)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the epsilon-fill block (%lld cells)",
                         (long long)p->n);
    if (err == SX_OK) err = sx_halo_create_padded(d, 1, sizeof *v, &h);
    if (err == SX_OK) err = sx__pad_ring(p, &ring, &nring);
    if (err == SX_OK && !(old = malloc((size_t)(nring ? nring : 1) * sizeof *old)))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the epsilon-fill halo");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    /* F, the plain fill, over z; its halo from the neighbours */
    SX_CHECK_GOTO(sx__fill_frame(d, p, SX_DT_FLOAT64, z, walls, reach), err, done);
    SX_CHECK_GOTO(sx_halo_exchange(h, z), err, done);
    int64_t data = 0, all = 0;
    memset(st, 1, n);
    for (int64_t j = 0; j < p->own.ny; j++) {
        memset(st + sx__pad_at(p, 0, j), 0, (size_t)p->own.nx);
        for (int64_t i = 0; i < p->own.nx; i++) data += !isnan(z[sx__pad_at(p, i, j)]);
    }
    if (MPI_Allreduce(&data, &all, 1, MPI_INT64_T, MPI_SUM, comm) != MPI_SUCCESS) {
        err = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "MPI_Allreduce failed in the epsilon fill");
        goto done;
    }
    /* E: NaN where nothing is to be done (nodata, walled in), F where final
     * already (outlets; a neighbour far below), +inf to be found */
    for (size_t c = 0; c < n; c++) v[c] = NAN;
    for (int64_t j = 0; j < p->own.ny; j++)
        for (int64_t i = 0; i < p->own.nx; i++) {
            int64_t c = sx__pad_at(p, i, j), gi = p->own.x0 + i, gj = p->own.y0 + j;
            if (isnan(z[c]) || !reach[c]) continue;
            int fixed = gi == 0 || gj == 0 || gi == p->gnx - 1 || gj == p->gny - 1;
            for (int k = 0; k < 8 && !fixed; k++) {
                double zq = z[c + p->off[k]];
                fixed = isnan(zq) ? !walls : far_above(z[c], zq, (double)all);
            }
            v[c] = fixed ? z[c] : INFINITY;
        }
    SX_CHECK_GOTO(sx_halo_exchange(h, v), err, done);
    /* sources: final cells next to cells still to be found */
    for (int64_t c = 0; c < p->n && err == SX_OK; c++) {
        if (!(v[c] < INFINITY)) continue;
        int next_to = 0;
        for (int k = 0; k < 8 && !next_to; k++) {
            int64_t m = st[c] ? sx__pad_nb(p, c, k) : c + p->off[k];
            next_to = m >= 0 && !st[m] && v[m] == INFINITY;
        }
        if (next_to) err = sx__rh_push(&pq, sx__key_f64(v[c]), (uint64_t)c);
    }
    int rounds = 0;
    for (;;) {
        rounds++;
        if (err == SX_OK) err = relax(p, st, z, v, &pq);
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
        for (int64_t r = 0; r < nring; r++) old[r] = v[ring[r]];
        SX_CHECK_GOTO(sx_halo_exchange(h, v), err, done);
        int changed = 0, any = 0;
        for (int64_t r = 0; r < nring && err == SX_OK; r++)
            if (v[ring[r]] < old[r]) { /* NaN compares false */
                changed = 1;
                err = sx__rh_push(&pq, sx__key_f64(v[ring[r]]), ring[r]);
            }
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
        int rc = MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, comm);
        if (rc != MPI_SUCCESS) {
            err = sx__mpi_fail(rc, "MPI_Allreduce", SX__FILE, __LINE__);
            goto done;
        }
        if (!any) break;
    }
    if (nrounds) *nrounds = rounds;
    /* reached cells take E; the others keep F, which kept their elevation */
    for (int64_t j = 0; j < p->own.ny; j++)
        for (int64_t i = 0; i < p->own.nx; i++) {
            int64_t c = sx__pad_at(p, i, j);
            if (!isnan(v[c]) && v[c] != INFINITY) z[c] = v[c];
        }
done:
    sx__rh_free(&pq);
    sx_halo_destroy(&h);
    free(v);
    free(reach);
    free(st);
    free(old);
    free(ring);
    return err;
}

sx_err sx_dem_fill_eps_dist(const sx_decomp_t *d, double *zown, int walls)
{
    sx__pad_t p;
    double *z = NULL;
    sx_err err = sx__pad_frame_f64(d, zown, 1, &p, &z);
    if (err == SX_OK) err = sx__fill_eps_frame(d, &p, z, walls, NULL);
    if (err == SX_OK) sx__pad_to_own(&p, z, zown, sizeof *z);
    free(z);
    return err;
}
