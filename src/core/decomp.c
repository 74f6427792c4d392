/*
 * decomp.c — choose the process grid and the block boundaries.
 *
 * Block edges fall on multiples of the input's internal tile size and, when
 * that keeps the blocks balanced, of the delivery COG tile size too, so the
 * COG writer finds every tile's cells in one block (nothing moves).
 *
 * Invariants: xcuts/ycuts are non-decreasing from 0 to nx/ny, so the blocks
 * tile the grid exactly once; with more ranks than rows or columns some
 * blocks are empty, which every caller must accept. The result is a pure
 * function of (nx, ny, block size, ranks).
 */
#include "sanxiang/sx_decomp.h"

#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_mpi.h"

/* Boundaries for splitting n cells into p parts on multiples of unit. */
static void unit_cuts(int64_t n, int p, int64_t unit, int64_t *cuts)
{
    int64_t nunits = (n + unit - 1) / unit;
    for (int k = 0; k <= p; k++) {
        int64_t c = (nunits * k) / p * unit;
        cuts[k] = c > n ? n : c;
    }
    cuts[p] = n;
}

static int64_t gcd64(int64_t a, int64_t b) { return b ? gcd64(b, a % b) : a; }

static int64_t max_extent(const int64_t *cuts, int p)
{
    int64_t m = 0;
    for (int k = 0; k < p; k++)
        if (cuts[k + 1] - cuts[k] > m) m = cuts[k + 1] - cuts[k];
    return m;
}

/* Boundaries for splitting n cells into p parts on multiples of both block
 * and the output tile (SX_DECOMP_OUTPUT_TILE), when that costs at most a
 * quarter more cells in the largest part than an even split (so each output
 * tile has its cells in one block); returns 0 when it would not. */
static int aligned_cuts(int64_t n, int p, int block, int64_t *cuts)
{
    int64_t b = block > 1 ? block : 1;
    int64_t both = b / gcd64(b, SX_DECOMP_OUTPUT_TILE) * SX_DECOMP_OUTPUT_TILE;
    if ((n + both - 1) / both < p) return 0;
    unit_cuts(n, p, both, cuts);
    return 4 * max_extent(cuts, p) * p <= 5 * n + 4 * (int64_t)p;
}

/* Boundaries for splitting n cells into p parts: aligned_cuts when it can;
 * else on multiples of block when there are at least p blocks; else on
 * single cells. */
static void make_cuts(int64_t n, int p, int block, int64_t *cuts)
{
    if (aligned_cuts(n, p, block, cuts)) return;
    if (block > 1 && (n + block - 1) / block >= p) unit_cuts(n, p, block, cuts);
    else unit_cuts(n, p, 1, cuts);
}

/* The cuts of a chosen process grid. */
static sx_err finish_init(sx_decomp_t *d, int px, int block_x, int block_y)
{
    d->px = px;
    d->py = d->size / px;
    SX_ALLOC(d->xcuts, (size_t)d->px + 1, "decomposition cuts");
    SX_ALLOC(d->ycuts, (size_t)d->py + 1, "decomposition cuts");
    make_cuts(d->gnx, d->px, block_x, d->xcuts);
    make_cuts(d->gny, d->py, block_y, d->ycuts);
    d->pi = d->rank % d->px;
    d->pj = d->rank / d->px;
    d->own = sx_decomp_window(d, d->rank);
    return SX_OK;
}

static sx_err start_init(sx_decomp_t *d, MPI_Comm comm, int64_t nx, int64_t ny)
{
    memset(d, 0, sizeof *d);
    SX_FAIL_IF(nx <= 0 || ny <= 0, SX_ERR_INPUT, "cannot decompose an empty grid (%lld x %lld)",
               (long long)nx, (long long)ny);
    d->comm = comm;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &d->rank));
    SX_CHECK_MPI(MPI_Comm_size(comm, &d->size));
    d->gnx = nx;
    d->gny = ny;
    return SX_OK;
}

sx_err sx_decomp_init_per_cell(sx_decomp_t *d, MPI_Comm comm, int64_t nx, int64_t ny, int block_x, int block_y)
{
    SX_CHECK(start_init(d, comm, nx, ny));
    /* As many columns of blocks as the ranks allow with column edges on
     * input blocks and output tiles; rows of blocks for the rest. */
    int best_px = 1;
    int64_t *xc;
    SX_ALLOC(xc, (size_t)d->size + 1, "decomposition cuts");
    for (int px = 2; px <= d->size; px++)
        if (d->size % px == 0 && aligned_cuts(nx, px, block_x, xc)) best_px = px;
    free(xc);
    return finish_init(d, best_px, block_x, block_y);
}

sx_err sx_decomp_init(sx_decomp_t *d, MPI_Comm comm, int64_t nx, int64_t ny, int block_x, int block_y)
{
    SX_CHECK(start_init(d, comm, nx, ny));
    /* Try every factorisation px * py = size; keep the smallest largest
     * block perimeter, preferring more rows of blocks on ties (row bands
     * read contiguous strips). */
    int best_px = 1;
    int64_t best_cost = -1;
    int64_t *xc, *yc;
    SX_ALLOC(xc, (size_t)d->size + 1, "decomposition cuts");
    yc = calloc((size_t)d->size + 1, sizeof *yc);
    if (!yc) {
        free(xc);
        SX_FAIL(SX_ERR_NOMEM, "cannot allocate decomposition cuts");
    }
    for (int px = 1; px <= d->size; px++) {
        if (d->size % px) continue;
        int py = d->size / px;
        make_cuts(nx, px, block_x, xc);
        make_cuts(ny, py, block_y, yc);
        int64_t cost = max_extent(xc, px) + max_extent(yc, py);
        if (best_cost < 0 || cost < best_cost) {
            best_cost = cost;
            best_px = px;
        }
    }
    free(xc);
    free(yc);
    return finish_init(d, best_px, block_x, block_y);
}

void sx_decomp_fini(sx_decomp_t *d)
{
    if (!d) return;
    free(d->xcuts);
    free(d->ycuts);
    memset(d, 0, sizeof *d);
}

sx_window_t sx_decomp_window(const sx_decomp_t *d, int rank)
{
    int pi = rank % d->px, pj = rank / d->px;
    sx_window_t w = {d->xcuts[pi], d->ycuts[pj], d->xcuts[pi + 1] - d->xcuts[pi],
                     d->ycuts[pj + 1] - d->ycuts[pj]};
    return w;
}

sx_window_t sx_window_intersect(sx_window_t a, sx_window_t b)
{
    int64_t x0 = a.x0 > b.x0 ? a.x0 : b.x0, y0 = a.y0 > b.y0 ? a.y0 : b.y0;
    int64_t x1 = (a.x0 + a.nx) < (b.x0 + b.nx) ? a.x0 + a.nx : b.x0 + b.nx;
    int64_t y1 = (a.y0 + a.ny) < (b.y0 + b.ny) ? a.y0 + a.ny : b.y0 + b.ny;
    sx_window_t w = {x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0};
    if (w.nx == 0 || w.ny == 0) w.nx = w.ny = 0;
    return w;
}

sx_window_t sx_decomp_extended(const sx_decomp_t *d, int rank, int width)
{
    sx_window_t w = sx_decomp_window(d, rank);
    if (w.nx == 0 || w.ny == 0) return w;
    sx_window_t grown = {w.x0 - width, w.y0 - width, w.nx + 2 * (int64_t)width, w.ny + 2 * (int64_t)width};
    sx_window_t grid = {0, 0, d->gnx, d->gny};
    return sx_window_intersect(grown, grid);
}

int64_t sx_tiles_count(int64_t nx, int64_t ny, int64_t tx, int64_t ty)
{
    return ((nx + tx - 1) / tx) * ((ny + ty - 1) / ty);
}

sx_window_t sx_tiles_window(int64_t nx, int64_t ny, int64_t tx, int64_t ty, int64_t tile)
{
    int64_t ntx = (nx + tx - 1) / tx;
    int64_t ti = tile % ntx, tj = tile / ntx;
    sx_window_t w = {ti * tx, tj * ty, tx, ty};
    if (w.x0 + w.nx > nx) w.nx = nx - w.x0;
    if (w.y0 + w.ny > ny) w.ny = ny - w.y0;
    return w;
}
