/*
 * fill_serial.c — Priority-Flood depression filling of a whole grid in one
 * process (Barnes, Lehman & Mulla 2014, doi:10.1016/j.cageo.2013.04.024):
 * Alg. 2 (priority queue plus a plain queue for cells inside depressions) and
 * Alg. 3 (the epsilon variant, which leaves every filled cell a strictly
 * draining path).
 *
 * It is the reference the parallel fills (fill_dist.c, fill_eps.c) are tested
 * against. With epsilon it departs from Alg. 3 in one point: the open queue
 * goes first whenever its top is not above the pit queue's front (Alg. 3:
 * only when equal), so cells leave in value order, Priority-Flood+epsilon is
 * a Dijkstra search, and the result is the least strictly draining surface
 * defined in fill_eps.c, independent of the visiting order.
 */
#include <math.h>
#include <stdlib.h>

#include "dem/cellq.h"
#include "dem/hydro_internal.h"
#include "sanxiang/sx_hydrology.h"

sx_err sx_dem_fill_serial(int64_t nx, int64_t ny, double *z, int nodata_walls, int epsilon)
{
    sx_err err = SX_OK;
    sx__pq_t open = {0};
    sx__q32_t pit = {0};
    uint8_t *closed = NULL;
    int64_t n = nx * ny;
    if (n == 0) return SX_OK;
    SX_FAIL_IF(n >= (int64_t)UINT32_MAX, SX_ERR_NOMEM, "the serial fill takes at most 2^32 cells (got %lld)",
               (long long)n);
    SX_ALLOC(closed, n, "the Priority-Flood closed set");
    /* Seeds: the grid edge, and (nodata as outlets) data cells next to nodata. */
    for (int64_t j = 0; j < ny && err == SX_OK; j++)
        for (int64_t i = 0; i < nx && err == SX_OK; i++) {
            int64_t c = j * nx + i;
            if (isnan(z[c])) {
                closed[c] = 1;
                continue;
            }
            int seed = i == 0 || j == 0 || i == nx - 1 || j == ny - 1;
            for (int k = 0; k < 8 && !seed && !nodata_walls; k++)
                seed = isnan(z[(j + sx_d8_dy[k]) * nx + i + sx_d8_dx[k]]);
            if (seed) {
                closed[c] = 1;
                err = sx__pq_push(&open, sx__key_f64(z[c]), (uint64_t)c);
            }
        }
    while ((open.n > 0 || !sx__q32_empty(&pit)) && err == SX_OK) {
        int64_t c;
        /* value order: an open cell not above the pit's front goes first (with
         * epsilon the pit front can be one step above the open top; open
         * cells are never raised, so z holds their key) */
        if (!sx__q32_empty(&pit) &&
            !(epsilon && open.n > 0 && z[open.a[0].cell] <= z[sx__q32_front(&pit)]))
            c = sx__q32_pop(&pit);
        else
            c = (int64_t)sx__pq_pop(&open).cell;
        int64_t i = c % nx, j = c / nx;
        double zc = z[c], up = epsilon ? nextafter(zc, INFINITY) : zc;
        for (int k = 0; k < 8; k++) {
            int64_t ni = i + sx_d8_dx[k], nj = j + sx_d8_dy[k];
            if (ni < 0 || nj < 0 || ni >= nx || nj >= ny) continue;
            int64_t m = nj * nx + ni;
            if (closed[m]) continue;
            closed[m] = 1;
            if (z[m] <= up) {
                z[m] = up;
                err = sx__q32_push(&pit, (uint32_t)m);
            } else {
                err = sx__pq_push(&open, sx__key_f64(z[m]), (uint64_t)m);
            }
            if (err != SX_OK) break;
        }
    }
    sx__pq_free(&open);
    sx__q32_free(&pit);
    free(closed);
    return err;
}
