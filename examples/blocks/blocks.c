/*
 * blocks.c — a small program that links libsanxiang: it splits an NX x NY grid
 * over the MPI ranks the way every sanxiang kernel does (sx_decomp.h), checks
 * that the blocks cover each cell exactly once, and prints the split with a
 * SHA-256 fingerprint of it (sx_sha256.h), the same at any rank count for the
 * same split. Built against an installed sanxiang with CMake
 * (find_package(sanxiang), CMakeLists.txt here) or pkg-config:
 *
 *   cc blocks.c $(pkg-config --cflags --libs sanxiang) -o blocks
 *   mpirun -np 4 ./blocks 8000 6000
 *
 * Exit status 0 when the blocks tile the grid, 1 when not, 2 on bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanxiang/sx_decomp.h>
#include <sanxiang/sx_mpi.h>
#include <sanxiang/sx_sha256.h>
#include <sanxiang/sx_version_gen.h>

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 1;
    long long nx = argc > 1 ? atoll(argv[1]) : 1000, ny = argc > 2 ? atoll(argv[2]) : 700;
    if (nx <= 0 || ny <= 0) {
        if (sx_mpi_rank() == 0) fprintf(stderr, "usage: blocks [NX NY]   (positive grid size)\n");
        sx_mpi_finalize();
        return 2;
    }
    sx_decomp_t d;
    sx_err err = sx_decomp_init(&d, MPI_COMM_WORLD, nx, ny, 256, 256);
    if (sx_err_agree(MPI_COMM_WORLD, err) != SX_OK) {
        char msg[512];
        sx_err_format(msg, sizeof msg);
        if (sx_mpi_rank() == 0) fprintf(stderr, "blocks: error: %s\n", msg);
        sx_mpi_finalize();
        return 1;
    }
    /* Every cell in exactly one block: the blocks' cells add up to the grid and no two blocks meet. */
    long long cells = 0, overlap = 0;
    char text[64 * 1024] = "";
    size_t used = 0;
    for (int r = 0; r < d.size; r++) {
        sx_window_t w = sx_decomp_window(&d, r);
        cells += sx_window_cells(w);
        for (int q = r + 1; q < d.size; q++) overlap += sx_window_cells(sx_window_intersect(w, sx_decomp_window(&d, q)));
        int n = snprintf(text + used, sizeof text - used, "%lld %lld %lld %lld\n", (long long)w.x0, (long long)w.y0,
                         (long long)w.nx, (long long)w.ny);
        if (n > 0 && (size_t)n < sizeof text - used) used += (size_t)n;
    }
    char hex[65];
    sx_sha256_hex(text, used, hex);
    int ok = cells == nx * ny && overlap == 0;
    if (sx_mpi_rank() == 0) {
        printf("sanxiang %s: %lld x %lld cells in %d x %d block(s) on %d rank(s); covered %lld, overlap %lld: %s\n",
               SX_VERSION_STRING, nx, ny, d.px, d.py, d.size, cells, overlap, ok ? "ok" : "WRONG");
        printf("split sha256 %.16s\n", hex);
    }
    sx_decomp_fini(&d);
    sx_mpi_finalize();
    return ok ? 0 : 1;
}
