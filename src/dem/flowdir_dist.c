/*
 * flowdir_dist.c — D8 flow directions (O'Callaghan & Mark 1984) with flats
 * drained by the method of Barnes, Lehman & Mulla (2014),
 * doi:10.1016/j.cageo.2013.01.009, over a block decomposition.
 *
 * 1. D8 (flowdir_d8.h, a vectorised stencil over the padded frame): each
 *    data cell points to the neighbour of steepest drop per metric distance;
 *    grid-edge cells point off the grid (corners diagonally) and cells next
 *    to nodata into it (nodata acts as an infinitely low outlet, as in
 *    Barnes' code). The same pass records which neighbours have the cell's
 *    elevation and whether one is higher, and lists the cells left without
 *    a direction: all the flat resolution needs.
 * 2. Flats (flats.c): Barnes' gradients away from higher and towards lower
 *    terrain as distributed fixpoints; undrained flats keep no direction.
 * The fixpoints are unique, so the directions do not depend on the number of
 * ranks or the block size. Verified against Barnes' published test DEMs
 * (tests/regression, when the reference data are given) and N-rank = 1-rank.
 * Memory per cell of the block: z (4 B for float32 DEMs, else 8), dir 1,
 * equality masks 2, and while flats are resolved 9 more (flats.c); per
 * thread, three rows of float64 (float32 DEMs are widened row by row).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dem/dem_block.h"
#include "dem/flowdir_internal.h"
#include "dem/hydro_internal.h"
#include "sanxiang/sx_dem.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_mpi.h"

void sx__d8_distances(const sx_grid_t *g, int64_t gj, double dist[8])
{
    double dx, dy;
    sx__cell_metres(g, gj, &dx, &dy);
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

#include "dem/flowdir_d8.h"

typedef uint32_t fd_v8u __attribute__((vector_size(32))); /* eight lanes (GCC / Clang vector extension) */

SX__VECTORISE static void widen_row(const float *restrict src, double *restrict dst, int64_t n)
{
    for (int64_t i = 0; i < n; i++) dst[i] = src[i];
}

/* Rows j-1, j, j+1 of a float32 frame widened to float64 (exact), in a ring
 * of three rows of w cells; *have: the row the ring's middle holds (rows
 * come in increasing order within a thread, so each is widened once). */
static void widen_rows(const sx__pad_t *p, const float *z, int64_t j, double *ring[3], int64_t *have)
{
    const int64_t w = p->w;
    if (*have == j - 1) { /* the next row: rotate, widen only the row below */
        double *t = ring[0];
        ring[0] = ring[1];
        ring[1] = ring[2];
        ring[2] = t;
        widen_row(z + sx__pad_at(p, 0, j + 1) - p->width, ring[2], w);
    } else {
        for (int r = 0; r < 3; r++) widen_row(z + sx__pad_at(p, 0, j - 1 + r) - p->width, ring[r], w);
    }
    *have = j;
}

/* The kernel's 64-bit lanes to the frame's bytes and 16-bit masks. */
SX__VECTORISE static void narrow_row(const int64_t *restrict bd, const int64_t *restrict be, int64_t nx,
                                     uint8_t *restrict dir, uint16_t *restrict eq)
{
    for (int64_t i = 0; i < nx; i++) {
        eq[i] = (uint16_t)be[i];
        dir[i] = (uint8_t)bd[i];
    }
}

/* Appends the cells of a row (dir, nx cells, the first at frame index c0)
 * left without a direction to list[n..] (8 cells of slack), returns the new
 * n: eight cells at a time, their mask from one 8-byte load (pack: the
 * table of sx__pack_table for the offsets 0..7). */
SX__VECTORISE static int64_t list_row(const uint8_t *dir, int64_t nx, uint32_t c0, const uint32_t *pack,
                                      uint32_t *list, int64_t n)
{
    int64_t i = 0;
    for (; i + 8 <= nx; i += 8) {
        uint64_t x;
        memcpy(&x, dir + i, sizeof x);
#if !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
        x = __builtin_bswap64(x); /* byte k: cell i + k */
#endif
        unsigned m = sx__zero_bytes(x ^ 0x0808080808080808u); /* SX_D8_NONE */
        fd_v8u v;
        memcpy(&v, pack + 8 * m, sizeof v);
        v += c0 + (uint32_t)i;
        memcpy(list + n, &v, sizeof v);
        n += __builtin_popcount(m);
    }
    for (; i < nx; i++) {
        list[n] = c0 + (uint32_t)i;
        n += dir[i] == SX_D8_NONE;
    }
    return n;
}

sx_err sx__d8_frame(const sx__pad_t *p, const sx_grid_t *g, sx_dtype t, const void *z, uint8_t *dir, uint16_t *eq,
                    uint32_t **none, int64_t *nnone)
{
    const sx_window_t own = p->own;
    *none = NULL;
    *nnone = 0;
    /* the frame beyond the own block is nodata (the own cells are all set below) */
    size_t pad = (size_t)p->width, rows = (size_t)(p->width * p->w);
    memset(dir, SX_D8_NODATA, rows);
    memset(dir + (size_t)p->n - rows, SX_D8_NODATA, rows);
    for (int64_t j = 0; j < own.ny; j++) {
        uint8_t *row = dir + sx__pad_at(p, 0, j);
        memset(row - pad, SX_D8_NODATA, pad);
        memset(row + own.nx, SX_D8_NODATA, pad);
    }
    int geographic = sx_grid_is_geographic(g);
    double dist0[8];
    sx__d8_distances(g, own.y0, dist0);
    int failed = 0;
#pragma omp parallel
    {
        int64_t *bd = malloc((size_t)(own.nx ? own.nx : 1) * sizeof *bd), *be = malloc((size_t)(own.nx ? own.nx : 1) * sizeof *be);
        double *zr = t == SX_DT_FLOAT32 ? malloc((size_t)p->w * 3 * sizeof *zr) : NULL;
        double *ring[3] = {NULL, NULL, NULL};
        if (zr)
            for (int r = 0; r < 3; r++) ring[r] = zr + r * p->w;
        int64_t have = -2;
        if (!bd || !be || (t == SX_DT_FLOAT32 && !zr)) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int64_t j = 0; j < own.ny; j++) {
            if (!bd || !be || (t == SX_DT_FLOAT32 && !zr)) continue;
            int64_t gj = own.y0 + j, c0 = sx__pad_at(p, 0, j);
            double dist[8];
            if (geographic) sx__d8_distances(g, gj, dist);
            else memcpy(dist, dist0, sizeof dist);
            if (t == SX_DT_FLOAT32) {
                widen_rows(p, (const float *)z, j, ring, &have);
                d8_row(ring[0] + p->width, ring[1] + p->width, ring[2] + p->width, own.nx, dist, bd, be);
            } else {
                const double *mid = (const double *)z + c0;
                d8_row(mid - p->w, mid, mid + p->w, own.nx, dist, bd, be);
            }
            narrow_row(bd, be, own.nx, dir + c0, eq + c0);
            /* grid-edge cells with data point off the grid */
            int edge_row = gj == 0 || gj == p->gny - 1;
            for (int64_t i = 0; i < own.nx; i += edge_row || i != 0 ? 1 : (own.nx > 1 ? own.nx - 1 : 1)) {
                int64_t gi = own.x0 + i;
                if (!(edge_row || gi == 0 || gi == p->gnx - 1) || dir[c0 + i] == SX_D8_NODATA) continue;
                dir[c0 + i] = edge_dir(gi, gj, p->gnx, p->gny);
                eq[c0 + i] &= (uint16_t)~SX__EQ_FLAT;
            }
        }
        free(bd);
        free(be);
        free(zr);
    }
    SX_FAIL_IF(failed, SX_ERR_NOMEM, "cannot allocate the D8 row buffers (%lld cells)", (long long)own.nx);
    /* the list, branch-free (flats and slopes interleave unpredictably):
     * eight cells at a time, their mask of flats from one 8-byte load */
    const int64_t seq[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    uint32_t pack[256][8];
    sx__pack_table(seq, pack);
    int64_t cap = 0, n = 0;
    for (int64_t j = 0; j < own.ny; j++) {
        int64_t c0 = sx__pad_at(p, 0, j);
        if (n + own.nx + 8 > cap) {
            cap = 2 * cap > n + own.nx + 8 ? 2 * cap : n + own.nx + 4096;
            uint32_t *x = realloc(*none, (size_t)cap * sizeof *x);
            SX_FAIL_IF(!x, SX_ERR_NOMEM, "cannot list %lld cells without a direction", (long long)cap);
            *none = x;
        }
        n = list_row(dir + c0, own.nx, (uint32_t)c0, &pack[0][0], *none, n);
    }
    *nnone = n;
    return SX_OK;
}

sx_err sx__flowdir_flats(const sx_decomp_t *d, const sx__pad_t *p, uint8_t *dir, const uint16_t *eq,
                         const uint32_t *none, int64_t nnone)
{
    sx_halo_t *hd = NULL;
    sx_err err = sx_err_agree(d->comm, sx_halo_create_padded(d, (int)p->width, 1, &hd));
    if (err == SX_OK) err = sx_halo_exchange(hd, dir);
    if (err == SX_OK) err = sx__flats_resolve(d, p, dir, eq, none, nnone);
    sx_halo_destroy(&hd);
    return err;
}

sx_err sx__flowdir_frame(const sx_decomp_t *d, const sx__pad_t *p, const sx_grid_t *g, sx_dtype t, const void *z,
                         uint8_t *dir, uint16_t *eq)
{
    uint32_t *none = NULL;
    int64_t nnone = 0;
    sx_err err = sx_err_agree(d->comm, sx__d8_frame(p, g, t, z, dir, eq, &none, &nnone));
    if (err == SX_OK) err = sx__flowdir_flats(d, p, dir, eq, none, nnone);
    free(none);
    return err;
}

sx_err sx__flowdir_own(const sx_decomp_t *d, const sx_grid_t *g, const double *zown, sx__pad_t *p, double **z,
                       uint8_t **dir, uint16_t **eq)
{
    *dir = NULL;
    *eq = NULL;
    sx_err err = sx__pad_frame_f64(d, zown, 1, p, z);
    if (err == SX_OK) {
        *dir = malloc((size_t)(p->n ? p->n : 1));
        *eq = malloc((size_t)(p->n ? p->n : 1) * sizeof **eq);
        err = sx_err_agree(d->comm, *dir && *eq ? SX_OK
                                                : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__,
                                                             "cannot allocate the flow-direction block (%lld cells)",
                                                             (long long)p->n));
    }
    if (err == SX_OK) err = sx__flowdir_frame(d, p, g, SX_DT_FLOAT64, *z, *dir, *eq);
    return err;
}

sx_err sx_dem_flowdir_dist(const sx_decomp_t *d, const sx_grid_t *g, const double *zown, uint8_t *dirown)
{
    sx__pad_t p;
    double *z = NULL;
    uint8_t *dir = NULL;
    uint16_t *eq = NULL;
    sx_err err = sx__flowdir_own(d, g, zown, &p, &z, &dir, &eq);
    if (err == SX_OK) sx__pad_to_own(&p, dir, dirown, 1);
    free(z);
    free(dir);
    free(eq);
    return err;
}
