/*
 * flowdir_dist.c — D8 flow directions (O'Callaghan & Mark 1984) with flats
 * drained by the method of Barnes, Lehman & Mulla (2014),
 * doi:10.1016/j.cageo.2013.01.009, over a block decomposition.
 *
 * 1. D8: each data cell points to the neighbour of steepest drop per metric
 *    distance; grid-edge cells point off the grid and cells next to nodata
 *    into it (nodata acts as an infinitely low outlet, as in Barnes' code).
 * 2. Flats: a cell without a direction next to a higher cell is a high edge;
 *    a cell with a direction next to a direction-less cell of equal
 *    elevation is a low edge. Barnes' three breadth-first searches become
 *    fixpoints (propagate.c): d_high, the BFS level from the high edges over
 *    direction-less cells of equal elevation; H, the largest d_high of the
 *    flat (the flat is the equal-elevation component, as Barnes labels it);
 *    d_low, the BFS level from the low edges. The flat mask is
 *    H - d_high + 2 d_low (2 d_low where no high edge reaches), and each
 *    direction-less cell of a drainable flat points to its equal-elevation
 *    neighbour of least mask (Barnes' tie rule). Flats without a low edge
 *    (undrained pits) keep no direction.
 * The fixpoints are unique, so the directions do not depend on the number of
 * ranks or the block size. Verified against Barnes' published test DEMs
 * (tests/regression, when the reference data are given) and N-rank = 1-rank.
 * Memory per cell of a block: 8 (z) + 1 (dir) + 3 x 8 (gradients) bytes.
 */
#include <math.h>
#include <stdlib.h>

#include "dem/hydro_internal.h"
#include "sanxiang/sx_dem.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_mpi.h"

typedef struct {
    const double *z;
    const uint8_t *dir;
} flat_ctx_t;

static int link_away(const void *c, int64_t f, int64_t t, int k)
{
    const flat_ctx_t *x = c;
    (void)k;
    return x->dir[f] == SX_D8_NONE && x->dir[t] == SX_D8_NONE && x->z[f] == x->z[t];
}

static int link_flat(const void *c, int64_t f, int64_t t, int k)
{
    const flat_ctx_t *x = c;
    (void)k;
    return x->dir[f] != SX_D8_NODATA && x->dir[t] != SX_D8_NODATA && x->z[f] == x->z[t];
}

static int link_towards(const void *c, int64_t f, int64_t t, int k)
{
    const flat_ctx_t *x = c;
    (void)k;
    return x->dir[t] == SX_D8_NONE && x->dir[f] != SX_D8_NODATA && x->z[f] == x->z[t];
}

/* Metric distances to the 8 neighbours of a cell in global row gj. */
static void distances(const sx_grid_t *g, int64_t gj, double dist[8])
{
    double dx = fabs(g->gt[1]), dy = fabs(g->gt[5]);
    if (sx_grid_is_geographic(g)) {
        const double deg = M_PI / 180.0;
        dx = dx * deg * SX_EARTH_RADIUS_M * cos(sx_grid_y_center(g, gj) * deg);
        dy = dy * deg * SX_EARTH_RADIUS_M;
    }
    if (!(dx > 0)) dx = 1;
    if (!(dy > 0)) dy = 1;
    double dd = hypot(dx, dy);
    for (int k = 0; k < 8; k++) dist[k] = (k & 1) ? dd : (sx_d8_dx[k] ? dx : dy);
}

static uint8_t edge_dir(int64_t gi, int64_t gj, int64_t nx, int64_t ny)
{
    int w = gi == 0, e = gi == nx - 1, n = gj == 0, s = gj == ny - 1;
    if (w && n) return 1;
    if (w && s) return 7;
    if (e && n) return 3;
    if (e && s) return 5;
    if (w) return 0;
    if (e) return 4;
    if (n) return 2;
    return 6;
}

/* Steepest descent of ext cell e (an interior data cell). */
static uint8_t d8_cell(sx_window_t ext, const double *z, int64_t e, const double dist[8])
{
    double best = 0;
    uint8_t dir = SX_D8_NONE;
    for (int k = 0; k < 8; k++) {
        double zn = z[sx__ext_neighbour(ext, e, k, sx_d8_dx, sx_d8_dy)];
        double s = isnan(zn) ? INFINITY : (z[e] - zn) / dist[k];
        if (s > best || (s == best && dir != SX_D8_NONE && (dir & 1) && !(k & 1))) {
            best = s;
            dir = (uint8_t)k;
        }
    }
    return dir;
}

sx_err sx_dem_flowdir_dist(const sx_decomp_t *d, const sx_grid_t *g, const double *zown, uint8_t *dirown)
{
    sx_err err = SX_OK;
    sx_halo_t *hz = NULL, *hd = NULL, *hv = NULL;
    double *z = NULL;
    uint8_t *dir = NULL;
    int64_t *dh = NULL, *hh = NULL, *dl = NULL;
    MPI_Comm comm = d->comm;
    sx_window_t own = d->own;

    SX_CHECK(sx_halo_create(d, 1, sizeof(double), &hz));
    if (err == SX_OK) err = sx_halo_create(d, 1, 1, &hd);
    if (err == SX_OK) err = sx_halo_create(d, 1, sizeof(int64_t), &hv);
    sx_window_t ext = sx_halo_extended(hz);
    int64_t n = sx_window_cells(ext);
    size_t nn = (size_t)(n ? n : 1);
    if (err == SX_OK) {
        z = malloc(nn * sizeof *z);
        dir = malloc(nn);
        dh = malloc(nn * sizeof *dh);
        hh = malloc(nn * sizeof *hh);
        dl = malloc(nn * sizeof *dl);
        if (!z || !dir || !dh || !hh || !dl)
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the flow-direction block (%lld cells)",
                             (long long)n);
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    for (int64_t e = 0; e < n; e++) z[e] = NAN;
    sx__own_to_ext(ext, own, zown, z, sizeof *z);
    SX_CHECK_GOTO(sx_halo_exchange(hz, z), err, done);

    /* 1. D8 */
    for (int64_t e = 0; e < n; e++) dir[e] = SX_D8_NODATA;
#pragma omp parallel for schedule(static)
    for (int64_t j = 0; j < own.ny; j++) {
        double dist[8];
        int64_t gj = own.y0 + j;
        distances(g, gj, dist);
        for (int64_t i = 0; i < own.nx; i++) {
            int64_t gi = own.x0 + i, e = (gj - ext.y0) * ext.nx + gi - ext.x0;
            if (isnan(z[e])) continue;
            if (gi == 0 || gj == 0 || gi == d->gnx - 1 || gj == d->gny - 1) dir[e] = edge_dir(gi, gj, d->gnx, d->gny);
            else dir[e] = d8_cell(ext, z, e, dist);
        }
    }
    SX_CHECK_GOTO(sx_halo_exchange(hd, dir), err, done);

    /* 2. flat gradients */
    flat_ctx_t ctx = {z, dir};
    for (int64_t e = 0; e < n; e++) {
        dh[e] = dl[e] = SX__INF;
        if (!sx__in_own(ext, own, e) || dir[e] == SX_D8_NODATA) continue;
        for (int k = 0; k < 8; k++) {
            int64_t m = sx__ext_neighbour(ext, e, k, sx_d8_dx, sx_d8_dy);
            if (m < 0 || dir[m] == SX_D8_NODATA) continue;
            if (dir[e] == SX_D8_NONE && z[m] > z[e]) dh[e] = 1;                         /* high edge */
            if (dir[e] != SX_D8_NONE && dir[m] == SX_D8_NONE && z[m] == z[e]) dl[e] = 1; /* low edge */
        }
    }
    SX_CHECK_GOTO(sx__propagate_min(comm, hv, ext, own, dh, 1, link_away, &ctx), err, done);
    for (int64_t e = 0; e < n; e++) hh[e] = dh[e] == SX__INF ? 0 : -dh[e];
    SX_CHECK_GOTO(sx__propagate_min(comm, hv, ext, own, hh, 0, link_flat, &ctx), err, done);
    SX_CHECK_GOTO(sx__propagate_min(comm, hv, ext, own, dl, 1, link_towards, &ctx), err, done);
    /* mask into dh: H - d_high + 2 d_low for drainable flat cells and low edges, else 0 */
    for (int64_t e = 0; e < n; e++) {
        int64_t m = 0;
        if (dl[e] != SX__INF) m = (dh[e] != SX__INF ? -hh[e] - dh[e] : 0) + 2 * dl[e];
        dh[e] = m;
    }
    SX_CHECK_GOTO(sx_halo_exchange(hv, dh), err, done);
    for (int64_t e = 0; e < n; e++) {
        if (!sx__in_own(ext, own, e) || dir[e] != SX_D8_NONE || dl[e] == SX__INF) continue;
        int64_t best = dh[e];
        uint8_t bd = SX_D8_NONE;
        for (int k = 0; k < 8; k++) {
            int64_t m = sx__ext_neighbour(ext, e, k, sx_d8_dx, sx_d8_dy);
            if (m < 0 || dir[m] == SX_D8_NODATA || z[m] != z[e]) continue;
            if (dh[m] < best || (dh[m] == best && bd != SX_D8_NONE && (bd & 1) && !(k & 1))) {
                best = dh[m];
                bd = (uint8_t)k;
            }
        }
        dir[e] = bd;
    }
    sx__ext_to_own(ext, own, dir, dirown, 1);
done:
    sx_halo_destroy(&hz);
    sx_halo_destroy(&hd);
    sx_halo_destroy(&hv);
    free(z);
    free(dir);
    free(dh);
    free(hh);
    free(dl);
    return err;
}
