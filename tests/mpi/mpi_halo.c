/*
 * mpi_halo.c — decomposition and halo exchange at any rank count.
 *
 * For grids that do not divide evenly, block sizes that do and do not fit,
 * and halo widths from 1 to wider than a block: every cell is owned by
 * exactly one rank, and after the exchange every cell of each rank's local
 * buffer (block + halo) holds the value of that global cell. Large grids are
 * cut on COG tile edges. The same for the per-cell decomposition, which puts
 * the ranks side by side where column edges can fall on input blocks and
 * COG tiles, and stacks them for inputs in strips.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mpi/mpi_expect.h"
#include "sanxiang/sx_decomp.h"
#include "sanxiang/sx_mpi.h"

static double value_of(int64_t i, int64_t j) { return (double)j * 100000.0 + (double)i; }

typedef sx_err (*init_fn)(sx_decomp_t *, MPI_Comm, int64_t, int64_t, int, int);

static void check_case(init_fn init, int64_t nx, int64_t ny, int bx, int by, int width)
{
    sx_decomp_t d;
    if (init(&d, MPI_COMM_WORLD, nx, ny, bx, by) != SX_OK) {
        EXPECT(0, "sx_decomp_init failed: %s", sx_err_message());
        return;
    }
    /* Coverage: sum of cells over ranks equals the grid, blocks disjoint. */
    long long cells = sx_window_cells(d.own), total = 0;
    MPI_Allreduce(&cells, &total, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    EXPECT(total == nx * ny, "grid %lldx%lld: blocks cover %lld cells", (long long)nx, (long long)ny, total);
    for (int r = 0; r < d.size; r++) {
        if (r == d.rank) continue;
        sx_window_t x = sx_window_intersect(d.own, sx_decomp_window(&d, r));
        EXPECT(sx_window_cells(x) == 0, "blocks of ranks %d and %d overlap", d.rank, r);
    }
    /* Alignment: interior cuts fall on block multiples when there are enough blocks. */
    if (bx > 1 && (nx + bx - 1) / bx >= d.px)
        for (int k = 1; k < d.px; k++) EXPECT(d.xcuts[k] % bx == 0, "x cut %lld not aligned to %d", (long long)d.xcuts[k], bx);

    sx_halo_t *h = NULL;
    if (sx_halo_create(&d, width, sizeof(double), &h) != SX_OK) {
        EXPECT(0, "sx_halo_create failed: %s", sx_err_message());
        sx_decomp_fini(&d);
        return;
    }
    sx_window_t ext = sx_halo_extended(h), own = d.own;
    int64_t n = sx_window_cells(ext);
    double *buf = malloc((size_t)(n > 0 ? n : 1) * sizeof *buf);
    for (int64_t k = 0; k < n; k++) buf[k] = -1.0;
    for (int64_t j = 0; j < own.ny; j++)
        for (int64_t i = 0; i < own.nx; i++)
            buf[(own.y0 - ext.y0 + j) * ext.nx + (own.x0 - ext.x0 + i)] = value_of(own.x0 + i, own.y0 + j);
    EXPECT(sx_halo_exchange(h, buf) == SX_OK, "exchange failed: %s", sx_err_message());
    int64_t wrong = 0;
    for (int64_t j = 0; j < ext.ny; j++)
        for (int64_t i = 0; i < ext.nx; i++)
            if (buf[j * ext.nx + i] != value_of(ext.x0 + i, ext.y0 + j)) wrong++;
    EXPECT(wrong == 0, "grid %lldx%lld block %dx%d width %d: %lld wrong halo cells", (long long)nx, (long long)ny, bx,
           by, width, (long long)wrong);
    free(buf);
    sx_halo_destroy(&h);
    sx_decomp_fini(&d);
}

/* Large grids: block edges fall on multiples of the COG tile (and of the
 * input's 256-cell tiles), so the COG writer moves nothing. */
static void check_output_alignment(int64_t nx, int64_t ny, int bx, int by)
{
    sx_decomp_t d;
    if (sx_decomp_init(&d, MPI_COMM_WORLD, nx, ny, bx, by) != SX_OK) {
        EXPECT(0, "sx_decomp_init failed: %s", sx_err_message());
        return;
    }
    for (int k = 1; k < d.px; k++)
        EXPECT(d.xcuts[k] % SX_DECOMP_OUTPUT_TILE == 0, "%lldx%lld: x cut %lld not on a COG tile edge", (long long)nx,
               (long long)ny, (long long)d.xcuts[k]);
    for (int k = 1; k < d.py; k++)
        EXPECT(d.ycuts[k] % SX_DECOMP_OUTPUT_TILE == 0, "%lldx%lld: y cut %lld not on a COG tile edge", (long long)nx,
               (long long)ny, (long long)d.ycuts[k]);
    sx_decomp_fini(&d);
}

/* Per cell: as many columns of blocks as ranks while the column edges can
 * fall on 512-cell COG tiles (an 8000-cell-wide grid has 16), rows for an
 * input in strips. */
static void check_per_cell_shape(int64_t nx, int64_t ny, int bx, int by, int want_px)
{
    sx_decomp_t d;
    if (sx_decomp_init_per_cell(&d, MPI_COMM_WORLD, nx, ny, bx, by) != SX_OK) {
        EXPECT(0, "sx_decomp_init_per_cell failed: %s", sx_err_message());
        return;
    }
    EXPECT(d.px == want_px && d.px * d.py == d.size, "%lldx%lld, blocks %dx%d, %d ranks: %d x %d blocks, want %d columns",
           (long long)nx, (long long)ny, bx, by, d.size, d.px, d.py, want_px);
    for (int k = 1; k < d.px; k++)
        EXPECT(d.xcuts[k] % SX_DECOMP_OUTPUT_TILE == 0 && d.xcuts[k] % bx == 0, "x cut %lld not on a tile edge",
               (long long)d.xcuts[k]);
    sx_decomp_fini(&d);
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    const int64_t sizes[][2] = {{1, 1}, {2, 3}, {7, 5}, {64, 64}, {101, 37}, {1201, 1201}, {300, 7}, {5, 300}};
    const int blocks[][2] = {{1, 1}, {16, 16}, {256, 256}, {7, 3}};
    const int widths[] = {0, 1, 2, 3, 9};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++)
            for (size_t w = 0; w < sizeof widths / sizeof *widths; w++)
                for (int per_cell = 0; per_cell < 2; per_cell++)
                    check_case(per_cell ? sx_decomp_init_per_cell : sx_decomp_init, sizes[s][0], sizes[s][1],
                               blocks[b][0], blocks[b][1], widths[w]);
    check_output_alignment(8000, 8000, 256, 256);
    check_output_alignment(10809, 10809, 256, 256);
    check_output_alignment(7001, 5003, 1, 1);
    const int size = sx_mpi_size();
    check_per_cell_shape(8000, 8000, 256, 256, size <= 16 && 16 % size == 0 ? size : size == 3 ? 3 : 1);
    check_per_cell_shape(8000, 8000, 8000, 1, 1); /* strips */
    check_per_cell_shape(700, 9000, 256, 256, 1); /* two tile columns, 512 + 188 cells: too unequal, rows */
    int all = 0;
    MPI_Allreduce(&mpi_failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (sx_mpi_rank() == 0) printf("mpi_halo: %d ranks, %s\n", sx_mpi_size(), all ? "FAILED" : "all cases passed");
    sx_mpi_finalize();
    return all ? 1 : 0;
}
