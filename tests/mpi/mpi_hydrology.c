/*
 * mpi_hydrology.c — the parallel fill, flowdir and accumulation at N ranks
 * equal the serial kernels on the whole grid (fill: Priority-Flood Alg. 2;
 * flowdir/accum: the same kernels on one rank holding the whole grid) bit for
 * bit, for several grid shapes and block sizes, on random terrain full of
 * pits and flats (small integer elevations, nodata holes) and on the real
 * N47E009 SRTM tile; plus the invariants of a filled DEM: fill >= input, every
 * data cell has a direction, the accumulation leaving the data equals the
 * number of data cells. The epsilon fill (least strictly draining surface)
 * equals its serial reference, lies on or above the plain fill, and leaves
 * every reachable non-outlet cell a strictly lower neighbour.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_grid.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_raster.h"

static int failures;
#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (!(cond)) {                                    \
            failures++;                                   \
            fprintf(stderr, "[rank %d] FAIL %s:%d: ", sx_mpi_rank(), __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                 \
            fprintf(stderr, "\n");                        \
        }                                                 \
    } while (0)

static int same_doubles(const double *a, const double *b, int64_t n, int64_t *where)
{
    for (int64_t i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], sizeof *a)) {
            *where = i;
            return 0;
        }
    return 1;
}

/* The epsilon fill fe (gathered from N ranks) equals the serial reference,
 * is >= the plain fill rz, and every data cell that is not an outlet and was
 * raised or reached has a strictly lower data neighbour. */
static void check_epsilon(const char *name, int bx, int by, int walls, int64_t nx, int64_t ny, const double *z0,
                          const double *rz, const double *fe)
{
    int64_t n = nx * ny, at = -1;
    double *se = malloc(sizeof *se * (size_t)n);
    memcpy(se, z0, sizeof *se * (size_t)n);
    CHECK(sx_dem_fill_serial(nx, ny, se, walls, 1) == SX_OK, "serial epsilon fill");
    CHECK(same_doubles(fe, se, n, &at), "%s %dx%d blocks walls=%d: epsilon fill differs at cell %lld: %.17g vs %.17g",
          name, bx, by, walls, (long long)at, at >= 0 ? fe[at] : 0, at >= 0 ? se[at] : 0);
    /* cells that reach an outlet: 8-connected data regions touching one */
    uint8_t *reach = calloc((size_t)n, 1);
    int64_t *stack = malloc(sizeof *stack * (size_t)n), top = 0;
    for (int64_t c = 0; c < n; c++) {
        int64_t i = c % nx, j = c / nx;
        int out = !isnan(z0[c]) && (i == 0 || j == 0 || i == nx - 1 || j == ny - 1);
        for (int k = 0; k < 8 && !out && !walls && !isnan(z0[c]); k++) out = isnan(z0[(j + sx_d8_dy[k]) * nx + i + sx_d8_dx[k]]);
        if (out) reach[c] = 1, stack[top++] = c;
    }
    while (top > 0) {
        int64_t c = stack[--top], i = c % nx, j = c / nx;
        for (int k = 0; k < 8; k++) {
            int64_t x = i + sx_d8_dx[k], y = j + sx_d8_dy[k];
            if (x < 0 || y < 0 || x >= nx || y >= ny || reach[y * nx + x] || isnan(z0[y * nx + x])) continue;
            reach[y * nx + x] = 1;
            stack[top++] = y * nx + x;
        }
    }
    int64_t bad = 0, raised = 0;
    for (int64_t c = 0; c < n; c++) {
        if (isnan(z0[c])) continue;
        CHECK(se[c] >= rz[c], "%s: epsilon fill below the plain fill at %lld", name, (long long)c);
        raised += se[c] != z0[c];
        int64_t i = c % nx, j = c / nx;
        int out = i == 0 || j == 0 || i == nx - 1 || j == ny - 1, lower = 0;
        for (int k = 0; k < 8 && !out; k++) {
            double m = z0[(j + sx_d8_dy[k]) * nx + i + sx_d8_dx[k]];
            if (isnan(m)) out = !walls;
            else lower |= se[(j + sx_d8_dy[k]) * nx + i + sx_d8_dx[k]] < se[c];
        }
        if (!out && !lower && reach[c]) bad++;
        if (!reach[c]) CHECK(se[c] == z0[c], "%s: walled-in cell %lld changed", name, (long long)c);
    }
    free(reach);
    free(stack);
    CHECK(bad == 0, "%s %dx%d blocks walls=%d: %lld cells without a strictly lower neighbour", name, bx, by, walls,
          (long long)bad);
    CHECK(raised > 0 || n < 9, "%s: epsilon fill raised nothing (test grid has no pits?)", name);
    free(se);
}

static void check_grid(const char *name, const sx_grid_t *g, const double *z0, int bx, int by, int walls)
{
    int64_t nx = g->nx, ny = g->ny, n = nx * ny;
    int rank = sx_mpi_rank();
    sx_decomp_t d;
    CHECK(sx_decomp_init(&d, MPI_COMM_WORLD, nx, ny, bx, by) == SX_OK, "decomp");
    int64_t no = sx_window_cells(d.own);
    double *z = malloc(sizeof *z * (size_t)(no ? no : 1)), *acc = malloc(sizeof *acc * (size_t)(no ? no : 1));
    uint8_t *dir = malloc((size_t)(no ? no : 1)), *edge = malloc((size_t)(no ? no : 1));
    double *ze = malloc(sizeof *ze * (size_t)(no ? no : 1)), *fe = NULL;
    take(&d, z0, sizeof *ze, ze);
    CHECK(sx_dem_fill_eps_dist(&d, ze, walls) == SX_OK, "epsilon fill: %s", sx_err_message());
    if (rank == 0) fe = calloc((size_t)n, sizeof *fe);
    gather(&d, ze, sizeof *ze, fe);
    free(ze);
    take(&d, z0, sizeof *z, z);
    CHECK(sx_dem_fill_dist(&d, z, walls) == SX_OK, "fill: %s", sx_err_message());
    CHECK(sx_dem_flowdir_dist(&d, g, z, dir) == SX_OK, "flowdir: %s", sx_err_message());
    CHECK(sx_dem_accum_dist(&d, dir, NULL, acc, edge) == SX_OK, "accum: %s", sx_err_message());
    /* weights that make float sums order-sensitive */
    double *w = malloc(sizeof *w * (size_t)(no ? no : 1)), *wacc = malloc(sizeof *w * (size_t)(no ? no : 1));
    for (int64_t j = 0; j < d.own.ny; j++)
        for (int64_t i = 0; i < d.own.nx; i++) w[j * d.own.nx + i] = 1.0 / (double)(3 + (d.own.x0 + i) * 7 + (d.own.y0 + j) % 11);
    CHECK(sx_dem_accum_dist(&d, dir, w, wacc, NULL) == SX_OK, "weighted accum: %s", sx_err_message());

    double *fz = NULL, *fa = NULL, *fw = NULL;
    uint8_t *fd = NULL;
    if (rank == 0) {
        fz = calloc((size_t)n, sizeof *fz);
        fa = calloc((size_t)n, sizeof *fa);
        fw = calloc((size_t)n, sizeof *fw);
        fd = calloc((size_t)n, 1);
    }
    gather(&d, z, sizeof *z, fz);
    gather(&d, dir, 1, fd);
    gather(&d, acc, sizeof *acc, fa);
    gather(&d, wacc, sizeof *wacc, fw);
    if (rank == 0) {
        double *rz = malloc(sizeof *rz * (size_t)n), *ra = malloc(sizeof *ra * (size_t)n), *rw = malloc(sizeof *rw * (size_t)n);
        double *ww = malloc(sizeof *ww * (size_t)n);
        uint8_t *rd = malloc((size_t)n);
        memcpy(rz, z0, sizeof *rz * (size_t)n);
        CHECK(sx_dem_fill_serial(nx, ny, rz, walls, 0) == SX_OK, "serial fill");
        sx_decomp_t s;
        sx_decomp_init(&s, MPI_COMM_SELF, nx, ny, 1, 1);
        CHECK(sx_dem_flowdir_dist(&s, g, rz, rd) == SX_OK, "serial flowdir");
        CHECK(sx_dem_accum_dist(&s, rd, NULL, ra, NULL) == SX_OK, "serial accum");
        for (int64_t i = 0; i < n; i++) ww[i] = 1.0 / (double)(3 + (i % nx) * 7 + (i / nx) % 11);
        CHECK(sx_dem_accum_dist(&s, rd, ww, rw, NULL) == SX_OK, "serial weighted accum");
        sx_decomp_fini(&s);
        int64_t at = -1;
        CHECK(same_doubles(fz, rz, n, &at), "%s %dx%d blocks: fill differs at cell %lld: %.17g vs %.17g", name, bx, by,
              (long long)at, at >= 0 ? fz[at] : 0, at >= 0 ? rz[at] : 0);
        check_epsilon(name, bx, by, walls, nx, ny, z0, rz, fe);
        CHECK(!memcmp(fd, rd, (size_t)n), "%s %dx%d blocks: flowdir differs", name, bx, by);
        CHECK(same_doubles(fa, ra, n, &at), "%s %dx%d blocks: accum differs at %lld", name, bx, by, (long long)at);
        CHECK(same_doubles(fw, rw, n, &at), "%s %dx%d blocks: weighted accum differs at %lld", name, bx, by, (long long)at);
        /* invariants */
        int64_t data = 0, nodir = 0;
        double out = 0;
        for (int64_t i = 0; i < n; i++) {
            if (isnan(z0[i])) continue;
            data++;
            CHECK(rz[i] >= z0[i], "fill lowered cell %lld", (long long)i);
            if (rd[i] >= 8) {
                nodir++;
                continue;
            }
            int64_t x = i % nx + sx_d8_dx[rd[i]], y = i / nx + sx_d8_dy[rd[i]];
            if (x < 0 || y < 0 || x >= nx || y >= ny || isnan(z0[y * nx + x])) out += ra[i];
        }
        if (!walls) {
            CHECK(nodir == 0, "%s: %lld data cells without a direction after filling", name, (long long)nodir);
            CHECK(out == (double)data, "%s: %g cells leave the data, %lld data cells", name, out, (long long)data);
        }
        free(rz);
        free(ra);
        free(rw);
        free(ww);
        free(rd);
    }
    free(fz);
    free(fe);
    free(fa);
    free(fw);
    free(fd);
    free(z);
    free(acc);
    free(dir);
    free(edge);
    free(w);
    free(wacc);
    sx_decomp_fini(&d);
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    const int64_t sizes[][2] = {{1, 1}, {3, 2}, {17, 13}, {64, 48}, {101, 7}};
    const int blocks[][2] = {{1, 1}, {4, 4}, {16, 8}, {5, 3}};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        int64_t nx = sizes[s][0], ny = sizes[s][1];
        double *z = malloc(sizeof *z * (size_t)(nx * ny));
        for (int64_t i = 0; i < nx * ny; i++) {
            double u = urand();
            z[i] = floor(urand() * 4) + floor((double)(i / nx) / 4); /* integer terraces: pits and flats */
            if (u < 0.03) z[i] = NAN;                                  /* nodata holes */
        }
        sx_grid_t g = {.nx = nx, .ny = ny, .gt = {0, 30, 0, 0, 0, -30}};
        for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++)
            for (int walls = 0; walls < 2; walls++) check_grid("random", &g, z, blocks[b][0], blocks[b][1], walls);
        free(z);
    }
    /* the real SRTM tile (geographic grid, a lake flat) */
    sx_grid_t g = {0};
    double *z = NULL;
    if (read_whole(SX_DATA_DIR "/dem/N47E009.SRTM3.tif", &g, &z) == SX_OK)
        check_grid("N47E009", &g, z, 100, 37, 0);
    else
        CHECK(0, "cannot read N47E009: %s", sx_err_message());
    free(z);
    sx_grid_fini(&g);
    int all = 0;
    MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (sx_mpi_rank() == 0) printf("mpi_hydrology: %d ranks, %s\n", sx_mpi_size(), all ? "FAILED" : "all cases passed");
    sx_mpi_finalize();
    return all ? 1 : 0;
}
