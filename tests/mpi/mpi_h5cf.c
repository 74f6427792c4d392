/*
 * mpi_h5cf.c — collective CF-HDF5 writing, read back through GDAL.
 *
 * Every rank writes its block of a 2-D float32 variable and of a 3-step
 * int16 time series on a 37 x 23 grid (sizes no rank count divides) in
 * UTM 49N (EPSG:32649, Changsha). Rank 0 then opens the file with GDAL's
 * netCDF driver — in this same process, which links Debian's serial HDF5
 * through GDAL while sanxiang links the parallel HDF5 — and checks the
 * georeferencing, _FillValue/nodata and every cell value. The file's bytes
 * of data are therefore the same at any rank count. A second file is left
 * at SX_TEST_OUT/h5cf_np<N>.nc for the xarray check (h5cf_xarray test).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_decomp.h"
#include "sanxiang/sx_h5cf.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_raster.h"

#define NX 37
#define NY 23
#define NT 3

static float value2d(int64_t x, int64_t y) { return (x == 5 && y == 7) ? -9999.0f : (float)(x * 0.5 + y * 100.0); }
static int16_t value3d(int64_t t, int64_t x, int64_t y) { return (int16_t)(t * 1000 + y * 37 + x); }

static const char *UTM49N =
    "PROJCS[\"WGS 84 / UTM zone 49N\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],"
    "PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
    "PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",111],PARAMETER[\"scale_factor\",0.9996],"
    "PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1],AUTHORITY[\"EPSG\",\"32649\"]]";

static sx_err write_file(const char *path, const sx_grid_t *g, const sx_decomp_t *d)
{
    sx_h5cf_t *f = NULL;
    sx_window_t w = d->own;
    float *a = malloc(sizeof *a * (size_t)(w.nx * w.ny + 1));
    int16_t *b = malloc(sizeof *b * (size_t)(w.nx * w.ny + 1));
    sx_err e = sx_h5cf_create(MPI_COMM_WORLD, path, g, NT, "hours since 2024-06-01 00:00:00", "{\"test\":1}", &f);
    if (e) goto done;
    sx_h5cf_var_t va = {"elev", "test elevation", "m", "surface_altitude", SX_DT_FLOAT32, -9999.0, 0};
    sx_h5cf_var_t vb = {"depth", "test depth", "cm", NULL, SX_DT_INT16, -32768.0, 1};
    if ((e = sx_h5cf_define(f, &va)) || (e = sx_h5cf_define(f, &vb))) goto done;
    for (int64_t y = 0; y < w.ny; y++)
        for (int64_t x = 0; x < w.nx; x++) a[y * w.nx + x] = value2d(w.x0 + x, w.y0 + y);
    if ((e = sx_h5cf_write(f, "elev", 0, w.x0, w.y0, w.nx, w.ny, a, w.nx))) goto done;
    for (int64_t t = 0; t < NT; t++) {
        for (int64_t y = 0; y < w.ny; y++)
            for (int64_t x = 0; x < w.nx; x++) b[y * w.nx + x] = value3d(t, w.x0 + x, w.y0 + y);
        if ((e = sx_h5cf_write(f, "depth", t, w.x0, w.y0, w.nx, w.ny, b, w.nx))) goto done;
        if ((e = sx_h5cf_set_time(f, t, 6.0 * (double)t))) goto done;
    }
done:
    if (f) {
        sx_err c = sx_h5cf_close(&f);
        if (!e) e = c;
    }
    free(a);
    free(b);
    return e;
}

static int check_with_gdal(const char *path)
{
    int bad = 0;
    char name[1024];
    snprintf(name, sizeof name, "NETCDF:\"%s\":elev", path);
    sx_raster_t *r = NULL;
    sx_grid_t g = {0};
    if (sx_raster_open(name, &r) || sx_raster_grid(r, 1, &g)) {
        fprintf(stderr, "GDAL cannot open %s: %s\n", name, sx_err_message());
        return 1;
    }
    if (g.nx != NX || g.ny != NY || fabs(g.gt[0] - 600000.0) > 1e-6 || fabs(g.gt[1] - 30.0) > 1e-9 ||
        fabs(g.gt[3] - 3120000.0) > 1e-6 || fabs(g.gt[5] + 30.0) > 1e-9) {
        fprintf(stderr, "elev: frame %lldx%lld gt %g %g %g %g\n", (long long)g.nx, (long long)g.ny, g.gt[0], g.gt[1],
                g.gt[3], g.gt[5]);
        bad = 1;
    }
    if (!g.wkt || !strstr(g.wkt, "UTM zone 49N")) {
        fprintf(stderr, "elev: CRS lost: %s\n", g.wkt ? g.wkt : "(none)");
        bad = 1;
    }
    if (!g.has_nodata || g.nodata != -9999.0) {
        fprintf(stderr, "elev: nodata not -9999\n");
        bad = 1;
    }
    float row[NX];
    for (int64_t y = 0; y < NY && !bad; y++) {
        if (sx_raster_read(r, 1, 0, y, NX, 1, SX_DT_FLOAT32, row, NX)) return 1;
        for (int64_t x = 0; x < NX; x++)
            if (row[x] != value2d(x, y)) {
                fprintf(stderr, "elev(%lld,%lld) = %g, want %g\n", (long long)x, (long long)y, row[x], value2d(x, y));
                bad = 1;
                break;
            }
    }
    sx_raster_close(&r);
    sx_grid_fini(&g);

    snprintf(name, sizeof name, "NETCDF:\"%s\":depth", path);
    if (sx_raster_open(name, &r)) {
        fprintf(stderr, "GDAL cannot open %s: %s\n", name, sx_err_message());
        return 1;
    }
    if (sx_raster_band_count(r) != NT) {
        fprintf(stderr, "depth: %d bands, want %d\n", sx_raster_band_count(r), NT);
        bad = 1;
    }
    int16_t irow[NX];
    for (int t = 0; t < NT && !bad; t++)
        for (int64_t y = 0; y < NY && !bad; y++) {
            if (sx_raster_read(r, t + 1, 0, y, NX, 1, SX_DT_INT16, irow, NX)) return 1;
            for (int64_t x = 0; x < NX; x++)
                if (irow[x] != value3d(t, x, y)) {
                    fprintf(stderr, "depth[%d](%lld,%lld) wrong\n", t, (long long)x, (long long)y);
                    bad = 1;
                    break;
                }
        }
    sx_raster_close(&r);
    return bad;
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    int rank = sx_mpi_rank(), size = sx_mpi_size(), fail = 0;
    sx_gdal_init(64);

    sx_grid_t g = {.nx = NX, .ny = NY, .gt = {600000.0, 30.0, 0, 3120000.0, 0, -30.0},
                   .has_nodata = 1, .nodata = -9999.0, .dtype = SX_DT_FLOAT32, .block_x = 8, .block_y = 8};
    sx_grid_set_wkt(&g, UTM49N);
    sx_decomp_t d;
    char path[512];
    snprintf(path, sizeof path, "%s/h5cf_np%d.nc", SX_TEST_OUT, size);
    sx_err e = sx_decomp_init(&d, MPI_COMM_WORLD, NX, NY, 8, 8);
    if (!e) e = write_file(path, &g, &d);
    e = sx_err_agree(MPI_COMM_WORLD, e);
    if (e) {
        if (rank == 0) fprintf(stderr, "write failed: %s\n", sx_err_message());
        fail = 1;
    } else if (rank == 0) {
        fail = check_with_gdal(path);
    }
    /* Writing to a directory that does not exist is an error on every rank. */
    sx_h5cf_t *f = NULL;
    e = sx_h5cf_create(MPI_COMM_WORLD, SX_TEST_OUT "/no/such/dir/x.nc", &g, 0, NULL, NULL, &f);
    if (e == SX_OK || f) {
        fprintf(stderr, "[rank %d] create in a missing directory succeeded\n", rank);
        fail = 1;
        sx_h5cf_close(&f);
    }
    sx_decomp_fini(&d);
    sx_grid_fini(&g);
    int anyfail = 0;
    MPI_Allreduce(&fail, &anyfail, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0) printf("mpi_h5cf: %d ranks %s (HDF5 %s)\n", size, anyfail ? "FAILED" : "passed",
                          sx_h5cf_library_version());
    sx_mpi_finalize();
    return anyfail;
}
