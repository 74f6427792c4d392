/*
 * slope.c — Horn (1981) slope, parallel over blocks with a one-cell halo.
 *
 * Correctness is established by tests/regression/slope_gdaldem: on a
 * projected DEM the result equals `gdaldem slope` (same method, same edge
 * rule) to float32 rounding, and by the MPI tests: the output at 1-4 ranks is
 * bit-for-bit the 1-rank output, since each cell depends only on its 3 x 3
 * neighbourhood, which the halo supplies exactly.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_dem.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_raster.h"

/* Rows per strip between progress reports; large enough to keep threads busy. */
#define SLOPE_STRIP_ROWS 256

sx_err sx_dem_slope_block(const sx_grid_t *grid, sx_window_t ext, sx_window_t own, const double *z,
                          float *out, sx_slope_units units, double z_factor)
{
    const int geographic = sx_grid_is_geographic(grid);
    const double deg = M_PI / 180.0;
#pragma omp parallel for schedule(static)
    for (int64_t j = 0; j < own.ny; j++) {
        int64_t gj = own.y0 + j;
        float *orow = out + j * own.nx;
        double dx = fabs(grid->gt[1]), dy = fabs(grid->gt[5]);
        if (geographic) {
            double lat = sx_grid_y_center(grid, gj) * deg;
            dx = dx * deg * SX_EARTH_RADIUS_M * cos(lat);
            dy = dy * deg * SX_EARTH_RADIUS_M;
        }
        if (gj == 0 || gj == grid->ny - 1 || dx <= 0) {
            for (int64_t i = 0; i < own.nx; i++) orow[i] = SX_SLOPE_NODATA;
            continue;
        }
        const double *up = z + (gj - 1 - ext.y0) * ext.nx;
        const double *mid = up + ext.nx;
        const double *dn = mid + ext.nx;
        for (int64_t i = 0; i < own.nx; i++) {
            int64_t gi = own.x0 + i;
            if (gi == 0 || gi == grid->nx - 1) {
                orow[i] = SX_SLOPE_NODATA;
                continue;
            }
            int64_t c = gi - ext.x0;
            double a = up[c - 1], b = up[c], cc = up[c + 1];
            double d = mid[c - 1], e = mid[c], f = mid[c + 1];
            double g = dn[c - 1], h = dn[c], k = dn[c + 1];
            if (isnan(a) || isnan(b) || isnan(cc) || isnan(d) || isnan(e) || isnan(f) || isnan(g) ||
                isnan(h) || isnan(k)) {
                orow[i] = SX_SLOPE_NODATA;
                continue;
            }
            double dzdx = ((cc + 2 * f + k) - (a + 2 * d + g)) / (8 * dx);
            double dzdy = ((g + 2 * h + k) - (a + 2 * b + cc)) / (8 * dy);
            double s = z_factor * sqrt(dzdx * dzdx + dzdy * dzdy);
            orow[i] = (float)(units == SX_SLOPE_PERCENT ? 100 * s : atan(s) / deg);
        }
    }
    return SX_OK;
}

sx_err sx_dem_slope_run(MPI_Comm comm, const sx_slope_opts_t *o)
{
    sx_err err = SX_OK;
    sx_raster_t *r = NULL;
    sx_grid_t grid = {0};
    sx_decomp_t d = {0};
    sx_halo_t *halo = NULL;
    double *z = NULL;
    float *slope = NULL;

    sx_perf_start("slope: read", SX_PERF_READ);
    SX_CHECK_GOTO(sx_layer_open(comm, o->input, o->band, &r, &grid), err, done);

    SX_CHECK_GOTO(sx_decomp_init(&d, comm, grid.nx, grid.ny, grid.block_x, grid.block_y), err, done);
    SX_CHECK_GOTO(sx_halo_create(&d, 1, sizeof(double), &halo), err, done);
    sx_window_t ext = sx_halo_extended(halo), own = d.own;
    sx_log_info("slope: %s, %lld x %lld cells, %d x %d blocks of ~%lld x %lld", o->input, (long long)grid.nx,
                (long long)grid.ny, d.px, d.py, (long long)(grid.nx / d.px), (long long)(grid.ny / d.py));
    z = malloc((size_t)(sx_window_cells(ext) > 0 ? sx_window_cells(ext) : 1) * sizeof *z);
    slope = malloc((size_t)(sx_window_cells(own) > 0 ? sx_window_cells(own) : 1) * sizeof *slope);
    if (!z || !slope) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %lld cells for the slope block",
                                       (long long)sx_window_cells(ext));
    if (err == SX_OK) err = sx_layer_read_f64(r, o->band, &grid, own, ext, z);
    sx_perf_stop("slope: read");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    sx_perf_start("slope: halo exchange", SX_PERF_COMM);
    err = sx_halo_exchange(halo, z);
    sx_perf_stop("slope: halo exchange");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    sx_perf_start("slope: compute", SX_PERF_COMPUTE);
    sx_progress_t prog;
    sx_progress_init(&prog, "slope", own.ny);
    for (int64_t j0 = 0; j0 < own.ny && err == SX_OK; j0 += SLOPE_STRIP_ROWS) {
        sx_window_t strip = {own.x0, own.y0 + j0, own.nx, own.ny - j0 < SLOPE_STRIP_ROWS ? own.ny - j0 : SLOPE_STRIP_ROWS};
        err = sx_dem_slope_block(&grid, ext, strip, z, slope + j0 * own.nx, o->units, o->z_factor);
        sx_progress_add(&prog, strip.ny);
    }
    sx_progress_fini(&prog);
    sx_perf_stop("slope: compute");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    free(z);
    z = NULL;

    if (o->out_nc || o->out_cog) {
        sx_layer_out_t lo = {o->out_nc, o->out_cog, "slope", "terrain slope (Horn 1981)",
                             o->units == SX_SLOPE_PERCENT ? "percent" : "degree", NULL, SX_DT_FLOAT32,
                             SX_SLOPE_NODATA, "AVERAGE", o->provenance};
        err = sx_layer_write(comm, &grid, own, slope, own.nx, &lo);
    }
done:
    free(z);
    free(slope);
    sx_halo_destroy(&halo);
    sx_decomp_fini(&d);
    sx_grid_fini(&grid);
    sx_raster_close(&r);
    return err;
}
