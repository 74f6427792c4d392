/*
 * mpi_flood2d_util.h — helpers shared by the flood2d tests: write a synthetic
 * input layer (each rank its block, through sx_layer_write) or rain series,
 * and gather a model field onto rank 0.
 */
#ifndef MPI_FLOOD2D_UTIL_H
#define MPI_FLOOD2D_UTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <ogr_srs_api.h>

#include "sanxiang/sx_flood2d.h"
#include "sanxiang/sx_h5cf.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_mpi.h"

typedef double (*f2d_cell_fn)(int64_t i, int64_t j, void *ctx);

/* Write an nx x ny float64 layer with square cells of size d (UTM 50N,
 * origin 500000, 3000000) to path; name receives 'NETCDF:"path":var'. */
/* The test grid: nx x ny float64 cells of size d, UTM 50N, origin 500000, 3000000. */
static inline void f2d_test_grid(int64_t nx, int64_t ny, double d, sx_grid_t *g)
{
    *g = (sx_grid_t){.nx = nx, .ny = ny, .gt = {500000, d, 0, 3000000, 0, -d}, .has_nodata = 1, .nodata = -9999,
                     .dtype = SX_DT_FLOAT64, .block_x = 1, .block_y = 1};
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 32650);
    char *wkt = NULL;
    OSRExportToWkt(srs, &wkt);
    sx_grid_set_wkt(g, wkt);
    CPLFree(wkt);
    OSRDestroySpatialReference(srs);
}

static inline sx_err f2d_write_input(MPI_Comm comm, const char *path, int64_t nx, int64_t ny, double d, f2d_cell_fn fn,
                                     void *ctx, char *name, size_t len)
{
    sx_grid_t g;
    f2d_test_grid(nx, ny, d, &g);
    sx_decomp_t dc;
    SX_CHECK(sx_decomp_init(&dc, comm, nx, ny, 1, 1));
    double *buf = malloc((size_t)(sx_window_cells(dc.own) + 1) * sizeof *buf);
    for (int64_t j = 0; j < dc.own.ny; j++)
        for (int64_t i = 0; i < dc.own.nx; i++) {
            double v = fn(dc.own.x0 + i, dc.own.y0 + j, ctx);
            buf[j * dc.own.nx + i] = isnan(v) ? -9999 : v;
        }
    sx_layer_out_t o = {path, NULL, "v", "test input", "m", NULL, SX_DT_FLOAT64, -9999, NULL, NULL};
    sx_err err = sx_layer_write(comm, &g, dc.own, buf, dc.own.nx, &o);
    free(buf);
    sx_decomp_fini(&dc);
    sx_grid_fini(&g);
    snprintf(name, len, "NETCDF:\"%s\":v", path);
    return err;
}

typedef double (*f2d_rain_fn)(int64_t i, int64_t j, int64_t k);

/* Write a (time, y, x) rain series of nt records (time values tv, minutes
 * since 2024-06-01) over the nx x ny test grid of 10 m cells, rate(i, j, k)
 * in mm/h; rank 0 writes every cell, the other ranks take part in the
 * collective calls. name receives 'NETCDF:"path":rain'. */
static inline sx_err f2d_write_rain(MPI_Comm comm, const char *path, int64_t nx, int64_t ny, const double *tv, int64_t nt,
                                    f2d_rain_fn rate, char *name, size_t len)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    sx_grid_t g;
    f2d_test_grid(nx, ny, 10.0, &g);
    sx_h5cf_t *f = NULL;
    sx_err err = sx_h5cf_create(comm, path, &g, nt, "minutes since 2024-06-01 00:00:00", NULL, &f);
    sx_h5cf_var_t v = {"rain", "rainfall rate", "mm h-1", NULL, SX_DT_FLOAT64, -9999, 1};
    if (err == SX_OK) err = sx_h5cf_define(f, &v);
    double *buf = malloc((size_t)(nx * ny) * sizeof *buf);
    for (int64_t k = 0; err == SX_OK && k < nt; k++) {
        for (int64_t j = 0; j < ny; j++)
            for (int64_t i = 0; i < nx; i++) buf[j * nx + i] = rate(i, j, k);
        err = sx_h5cf_write(f, "rain", k, 0, 0, rank == 0 ? nx : 0, rank == 0 ? ny : 0, buf, nx);
        if (err == SX_OK) err = sx_h5cf_set_time(f, k, tv[k]);
    }
    free(buf);
    sx_err ec = sx_h5cf_close(&f);
    sx_grid_fini(&g);
    snprintf(name, len, "NETCDF:\"%s\":rain", path);
    return err != SX_OK ? err : ec;
}

/* Gather field f of the model onto rank 0 (nx*ny, row-major); NULL elsewhere. */
static inline double *f2d_gather(sx_f2d_t *m, MPI_Comm comm, sx_f2d_field f)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    sx_window_t own = sx_f2d_own(m);
    const sx_grid_t *g = sx_f2d_grid(m);
    double *mine = malloc((size_t)(sx_window_cells(own) + 1) * sizeof *mine);
    sx_f2d_get_field(m, f, mine);
    double *all = NULL;
    if (rank == 0) all = malloc((size_t)(g->nx * g->ny) * sizeof *all);
    for (int r = 0; r < size; r++) {
        sx_window_t w = own;
        if (r == 0 && rank != 0) continue;
        if (r != 0) {
            if (rank == r) {
                MPI_Send(&own, 4, MPI_INT64_T, 0, 1, comm);
                MPI_Send(mine, (int)sx_window_cells(own), MPI_DOUBLE, 0, 2, comm);
            }
            if (rank != 0) continue;
            MPI_Recv(&w, 4, MPI_INT64_T, r, 1, comm, MPI_STATUS_IGNORE);
        }
        double *src = mine, *tmp = NULL;
        if (r != 0) {
            tmp = malloc((size_t)(sx_window_cells(w) + 1) * sizeof *tmp);
            MPI_Recv(tmp, (int)sx_window_cells(w), MPI_DOUBLE, r, 2, comm, MPI_STATUS_IGNORE);
            src = tmp;
        }
        for (int64_t j = 0; j < w.ny; j++)
            memcpy(all + (w.y0 + j) * g->nx + w.x0, src + j * w.nx, (size_t)w.nx * sizeof *all);
        free(tmp);
    }
    free(mine);
    return all;
}

#endif
