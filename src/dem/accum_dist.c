/*
 * accum_dist.c — D8 flow accumulation in O(n) by in-degree counting (the
 * topological sweep of Barnes 2017, doi:10.1016/j.envsoft.2017.02.022, and of
 * RichDEM/TauDEM), over a block decomposition.
 *
 * Each cell waits until every neighbour draining into it is final, then pulls
 * acc = w + sum of those neighbours' acc in the fixed order W..SW. Pulling in
 * a fixed order (instead of pushing as cells finish) makes floating-point
 * weighted sums independent of the visiting order, hence of the ranks and
 * block sizes; counts are integers in doubles, exact to 2^53.
 * Across blocks: each round finishes whatever is ready in the block, then the
 * one-cell halo of acc (NaN = not final) is exchanged and halo cells that
 * became final release their downstream own cells. Traffic per round is the
 * block perimeter (Barnes 2017 sends per-perimeter-cell links to one rank
 * instead; the rounds here keep floating-point sums in one fixed order). A
 * round in which no rank finishes a cell while cells remain means the
 * directions contain a cycle: an input error.
 * The same sweep gives Strahler (1957) stream orders (sx_dem_strahler_dist).
 * Memory per cell of a block: 1 (dir) + 8 (acc) + 1 (count) + 1 (edge) bytes
 * plus the queue.
 */
#include <math.h>
#include <stdlib.h>

#include "dem/hydro_internal.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_mpi.h"

/* Does ext cell m drain into its neighbour in direction k-from-e (i.e. m is
 * neighbour k of e and points back at e)? */
static int drains_into(const uint8_t *dir, int64_t m, int k)
{
    return dir[m] < 8 && dir[m] == (uint8_t)((k + 4) & 7);
}

typedef enum { SWEEP_ACCUM, SWEEP_STRAHLER } sweep_mode;

/* Strahler (1957) order of a stream cell from its upstream stream cells'
 * orders: 1 at a source; the highest incoming order, plus one where two or
 * more streams of that order meet. Non-stream cells carry 0. */
static double strahler(double mx, int nmx)
{
    return mx == 0 ? 1 : (nmx >= 2 ? mx + 1 : mx);
}

static sx_err sweep(const sx_decomp_t *d, const uint8_t *dirown, const double *w, double *accown, uint8_t *edgeown,
                    sweep_mode mode)
{
    sx_err err = SX_OK;
    sx_halo_t *hd = NULL, *ha = NULL, *he = NULL;
    uint8_t *dir = NULL, *cnt = NULL, *edge = NULL, *seen = NULL;
    double *acc = NULL;
    sx__fifo_t q = {0};
    int64_t *ring = NULL, nring = 0;
    MPI_Comm comm = d->comm;
    sx_window_t own = d->own;

    SX_CHECK(sx_halo_create(d, 1, 1, &hd));
    if (err == SX_OK) err = sx_halo_create(d, 1, sizeof(double), &ha);
    if (err == SX_OK) err = sx_halo_create(d, 1, 1, &he);
    sx_window_t ext = sx_halo_extended(hd);
    int64_t n = sx_window_cells(ext);
    size_t nn = (size_t)(n ? n : 1);
    if (err == SX_OK) {
        dir = malloc(nn);
        cnt = calloc(nn, 1);
        edge = calloc(nn, 1);
        seen = calloc(nn, 1);
        acc = malloc(nn * sizeof *acc);
        if (!dir || !cnt || !edge || !seen || !acc)
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the accumulation block (%lld cells)",
                             (long long)n);
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    for (int64_t e = 0; e < n; e++) {
        dir[e] = SX_D8_NODATA;
        acc[e] = NAN;
    }
    sx__own_to_ext(ext, own, dirown, dir, 1);
    SX_CHECK_GOTO(sx_halo_exchange(hd, dir), err, done);

    SX_CHECK_GOTO(sx_err_agree(comm, sx__halo_ring(ext, own, &ring, &nring)), err, done);
    int64_t pending = 0;
    for (int64_t e = 0; e < n && err == SX_OK; e++) {
        if (!sx__in_own(ext, own, e) || dir[e] == SX_D8_NODATA) continue;
        pending++;
        int64_t gi = ext.x0 + e % ext.nx, gj = ext.y0 + e / ext.nx;
        if (gi == 0 || gj == 0 || gi == d->gnx - 1 || gj == d->gny - 1) edge[e] = 1;
        for (int k = 0; k < 8; k++) {
            int64_t m = sx__ext_neighbour(ext, e, k, sx_d8_dx, sx_d8_dy);
            if (m < 0) continue;
            if (dir[m] == SX_D8_NODATA) edge[e] = 1;
            else if (drains_into(dir, m, k)) cnt[e]++;
        }
        if (cnt[e] == 0) err = sx__fifo_push(&q, e);
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    for (;;) {
        int64_t finished = 0;
        while (!sx__fifo_empty(&q) && err == SX_OK) {
            int64_t e = sx__fifo_pop(&q);
            int64_t o = (ext.y0 + e / ext.nx - own.y0) * own.nx + ext.x0 + e % ext.nx - own.x0;
            double a = w ? w[o] : 1.0, mx = 0;
            int nmx = 0;
            uint8_t ed = edge[e];
            for (int k = 0; k < 8; k++) {
                int64_t m = sx__ext_neighbour(ext, e, k, sx_d8_dx, sx_d8_dy);
                if (m >= 0 && drains_into(dir, m, k)) {
                    a += acc[m];
                    ed |= edge[m];
                    if (acc[m] > mx) {
                        mx = acc[m];
                        nmx = 1;
                    } else if (acc[m] == mx && mx > 0) {
                        nmx++;
                    }
                }
            }
            if (mode == SWEEP_STRAHLER) a = w[o] > 0 ? strahler(mx, nmx) : 0;
            acc[e] = a;
            edge[e] = ed;
            finished++;
            if (dir[e] < 8) {
                int64_t t = sx__ext_neighbour(ext, e, dir[e], sx_d8_dx, sx_d8_dy);
                if (t >= 0 && sx__in_own(ext, own, t) && dir[t] != SX_D8_NODATA && --cnt[t] == 0)
                    err = sx__fifo_push(&q, t);
            }
        }
        pending -= finished;
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
        int64_t loc[2] = {pending, finished}, glob[2];
        if (MPI_Allreduce(loc, glob, 2, MPI_INT64_T, MPI_SUM, comm) != MPI_SUCCESS) {
            err = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "MPI_Allreduce failed in flow accumulation");
            goto done;
        }
        if (glob[0] == 0) break;
        if (glob[1] == 0) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "the flow directions contain a cycle (%lld cells never drain); they are not D8 "
                             "directions of a DEM — recompute them with `sanxiang dem flowdir`",
                             (long long)glob[0]);
            goto done;
        }
        SX_CHECK_GOTO(sx_halo_exchange(ha, acc), err, done);
        SX_CHECK_GOTO(sx_halo_exchange(he, edge), err, done);
        for (int64_t r = 0; r < nring && err == SX_OK; r++) {
            int64_t e = ring[r];
            if (seen[e] || isnan(acc[e]) || dir[e] >= 8) continue;
            seen[e] = 1;
            int64_t t = sx__ext_neighbour(ext, e, dir[e], sx_d8_dx, sx_d8_dy);
            if (t >= 0 && sx__in_own(ext, own, t) && dir[t] != SX_D8_NODATA && --cnt[t] == 0)
                err = sx__fifo_push(&q, t);
        }
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    }
    sx__ext_to_own(ext, own, acc, accown, sizeof *acc);
    if (edgeown) sx__ext_to_own(ext, own, edge, edgeown, 1);
done:
    sx_halo_destroy(&hd);
    sx_halo_destroy(&ha);
    sx_halo_destroy(&he);
    sx__fifo_free(&q);
    free(ring);
    free(dir);
    free(cnt);
    free(edge);
    free(seen);
    free(acc);
    return err;
}

sx_err sx_dem_accum_dist(const sx_decomp_t *d, const uint8_t *dir, const double *w, double *acc, uint8_t *edge)
{
    return sweep(d, dir, w, acc, edge, SWEEP_ACCUM);
}

sx_err sx_dem_strahler_dist(const sx_decomp_t *d, const uint8_t *dir, const double *stream, double *order)
{
    return sweep(d, dir, stream, order, NULL, SWEEP_STRAHLER);
}
