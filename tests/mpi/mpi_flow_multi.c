/*
 * mpi_flow_multi.c — D-infinity directions and accumulation, and MFD
 * accumulation (Freeman and Quinn partitions), with and without weights, at
 * N ranks equal the same kernels on one rank holding the whole grid bit for
 * bit, for several grid shapes and block sizes of random terrain with nodata
 * holes and on the filled N47E009 SRTM tile (a geographic grid with a lake
 * flat). Plus conservation: on a filled DEM every cell's area leaves the data
 * through the cells whose D8 direction leaves it, so the accumulation
 * leaving equals the number of data cells to float rounding.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_expect.h"
#include "mpi/mpi_grid.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_raster.h"

typedef struct {
    float *ang;
    double *dacc, *dw, *facc, *qacc, *qw;
} results_t;

/* All the multi-direction products of the filled DEM z (whole grid on rank
 * 0 for the reference; own blocks otherwise), for decomposition d. */
static void run(const sx_decomp_t *d, const sx_grid_t *g, const double *zown, const double *wown, results_t *r)
{
    int64_t no = d->own.nx * d->own.ny, n = no ? no : 1;
    r->ang = malloc(sizeof *r->ang * (size_t)n);
    r->dacc = malloc(sizeof(double) * (size_t)n);
    r->dw = malloc(sizeof(double) * (size_t)n);
    r->facc = malloc(sizeof(double) * (size_t)n);
    r->qacc = malloc(sizeof(double) * (size_t)n);
    r->qw = malloc(sizeof(double) * (size_t)n);
    EXPECT(sx_dem_dinf_dist(d, g, zown, r->ang) == SX_OK, "dinf: %s", sx_err_message());
    EXPECT(sx_dem_accum_dinf_dist(d, r->ang, NULL, r->dacc, NULL) == SX_OK, "dinf accum: %s", sx_err_message());
    EXPECT(sx_dem_accum_dinf_dist(d, r->ang, wown, r->dw, NULL) == SX_OK, "dinf weighted: %s", sx_err_message());
    EXPECT(sx_dem_accum_mfd_dist(d, g, zown, SX_MFD_FREEMAN, NULL, r->facc, NULL) == SX_OK, "mfd: %s", sx_err_message());
    EXPECT(sx_dem_accum_mfd_dist(d, g, zown, SX_MFD_QUINN, NULL, r->qacc, NULL) == SX_OK, "quinn: %s", sx_err_message());
    EXPECT(sx_dem_accum_mfd_dist(d, g, zown, SX_MFD_QUINN, wown, r->qw, NULL) == SX_OK, "quinn weighted: %s",
           sx_err_message());
}

static void results_free(results_t *r)
{
    free(r->ang);
    free(r->dacc);
    free(r->dw);
    free(r->facc);
    free(r->qacc);
    free(r->qw);
}

static int64_t first_diff(const void *a, const void *b, int64_t n, size_t elem)
{
    for (int64_t i = 0; i < n; i++)
        if (memcmp((const char *)a + i * elem, (const char *)b + i * elem, elem)) return i;
    return -1;
}

/* Accumulation leaving the data (through cells whose D8 direction leaves it) vs the data cells. */
static void check_conservation(const char *name, const char *what, int64_t nx, int64_t ny, const double *z,
                               const uint8_t *d8, const double *acc)
{
    double out = 0;
    int64_t data = 0;
    for (int64_t i = 0; i < nx * ny; i++) {
        if (isnan(z[i])) continue;
        data++;
        if (d8[i] >= 8) continue;
        int64_t x = i % nx + sx_d8_dx[d8[i]], y = i / nx + sx_d8_dy[d8[i]];
        if (x < 0 || y < 0 || x >= nx || y >= ny || isnan(z[y * nx + x])) out += acc[i];
    }
    EXPECT(fabs(out - (double)data) <= 1e-9 * (double)data, "%s %s: %.12g leaves the data, %lld data cells", name, what,
           out, (long long)data);
}

static void check_grid(const char *name, const sx_grid_t *g, const double *z0, int bx, int by)
{
    int64_t nx = g->nx, ny = g->ny, n = nx * ny;
    int rank = sx_mpi_rank();
    double *zf = malloc(sizeof *zf * (size_t)n), *wf = malloc(sizeof *wf * (size_t)n);
    memcpy(zf, z0, sizeof *zf * (size_t)n);
    for (int64_t i = 0; i < n; i++) wf[i] = 1.0 / (double)(3 + (i % nx) * 7 + (i / nx) % 11);
    sx_decomp_t s, d;
    sx_decomp_init(&s, MPI_COMM_SELF, nx, ny, 1, 1);
    EXPECT(sx_dem_fill_dist(&s, zf, 0) == SX_OK, "fill");
    EXPECT(sx_decomp_init(&d, MPI_COMM_WORLD, nx, ny, bx, by) == SX_OK, "decomp");
    int64_t no = d.own.nx * d.own.ny;
    double *z = malloc(sizeof *z * (size_t)(no ? no : 1)), *w = malloc(sizeof *w * (size_t)(no ? no : 1));
    take(&d, zf, sizeof *z, z);
    take(&d, wf, sizeof *w, w);
    results_t mine, ref;
    run(&d, g, z, w, &mine);
    results_t all = {0};
    if (rank == 0) {
        all.ang = calloc((size_t)n, sizeof(float));
        all.dacc = calloc((size_t)n, sizeof(double));
        all.dw = calloc((size_t)n, sizeof(double));
        all.facc = calloc((size_t)n, sizeof(double));
        all.qacc = calloc((size_t)n, sizeof(double));
        all.qw = calloc((size_t)n, sizeof(double));
    }
    gather(&d, mine.ang, sizeof(float), all.ang);
    gather(&d, mine.dacc, sizeof(double), all.dacc);
    gather(&d, mine.dw, sizeof(double), all.dw);
    gather(&d, mine.facc, sizeof(double), all.facc);
    gather(&d, mine.qacc, sizeof(double), all.qacc);
    gather(&d, mine.qw, sizeof(double), all.qw);
    if (rank == 0) {
        run(&s, g, zf, wf, &ref);
        int64_t at;
        EXPECT((at = first_diff(all.ang, ref.ang, n, sizeof(float))) < 0, "%s %dx%d: D-inf angle differs at %lld", name,
               bx, by, (long long)at);
        EXPECT((at = first_diff(all.dacc, ref.dacc, n, 8)) < 0, "%s %dx%d: D-inf accum differs at %lld", name, bx, by,
               (long long)at);
        EXPECT((at = first_diff(all.dw, ref.dw, n, 8)) < 0, "%s %dx%d: weighted D-inf accum differs at %lld", name, bx,
               by, (long long)at);
        EXPECT((at = first_diff(all.facc, ref.facc, n, 8)) < 0, "%s %dx%d: Freeman MFD differs at %lld", name, bx, by,
               (long long)at);
        EXPECT((at = first_diff(all.qacc, ref.qacc, n, 8)) < 0, "%s %dx%d: Quinn MFD differs at %lld", name, bx, by,
               (long long)at);
        EXPECT((at = first_diff(all.qw, ref.qw, n, 8)) < 0, "%s %dx%d: weighted Quinn MFD differs at %lld", name, bx, by,
               (long long)at);
        uint8_t *d8 = malloc((size_t)n);
        EXPECT(sx_dem_flowdir_dist(&s, g, zf, d8) == SX_OK, "d8");
        check_conservation(name, "D-inf", nx, ny, zf, d8, ref.dacc);
        check_conservation(name, "Freeman MFD", nx, ny, zf, d8, ref.facc);
        check_conservation(name, "Quinn MFD", nx, ny, zf, d8, ref.qacc);
        free(d8);
        results_free(&ref);
    }
    results_free(&mine);
    results_free(&all);
    free(z);
    free(w);
    free(zf);
    free(wf);
    sx_decomp_fini(&s);
    sx_decomp_fini(&d);
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    const int64_t sizes[][2] = {{3, 2}, {17, 13}, {64, 48}, {101, 7}};
    const int blocks[][2] = {{1, 1}, {4, 4}, {5, 3}};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        int64_t nx = sizes[s][0], ny = sizes[s][1];
        double *z = malloc(sizeof *z * (size_t)(nx * ny));
        for (int64_t i = 0; i < nx * ny; i++) {
            double u = urand();
            /* rough terrain with a trend: pits, flats after filling, nodata holes */
            z[i] = floor(urand() * 40) / 4 + (double)(i / nx) / 2 + (double)(i % nx) / 7;
            if (u < 0.03) z[i] = NAN;
        }
        sx_grid_t g = {.nx = nx, .ny = ny, .gt = {0, 30, 0, 0, 0, -30}};
        for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++) check_grid("random", &g, z, blocks[b][0], blocks[b][1]);
        free(z);
    }
    sx_grid_t g = {0};
    double *z = NULL;
    if (read_whole(SX_DATA_DIR "/dem/N47E009.SRTM3.tif", &g, &z) == SX_OK)
        check_grid("N47E009", &g, z, 100, 37);
    else
        EXPECT(0, "cannot read N47E009: %s", sx_err_message());
    free(z);
    sx_grid_fini(&g);
    int all = 0;
    MPI_Allreduce(&mpi_failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (sx_mpi_rank() == 0) printf("mpi_flow_multi: %d ranks, %s\n", sx_mpi_size(), all ? "FAILED" : "all cases passed");
    sx_mpi_finalize();
    return all ? 1 : 0;
}
