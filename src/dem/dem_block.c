/*
 * dem_block.c — read a rank's block of a DEM into a padded frame in its
 * exact type (dem_block.h), with the input checks every DEM verb shares:
 * north-up square cells, no NaN where the band declares no nodata.
 *
 * float32 holds every value of an 8/16-bit integer or float32 band exactly,
 * so those DEMs take 4 B per cell instead of 8 and every comparison and
 * copy the kernels make gives the same result as in float64.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dem/dem_block.h"
#include "sanxiang/sx_dem.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"

sx_dtype sx__dem_type(sx_dtype t)
{
    return t == SX_DT_UINT8 || t == SX_DT_INT16 || t == SX_DT_UINT16 || t == SX_DT_FLOAT32 ? SX_DT_FLOAT32
                                                                                            : SX_DT_FLOAT64;
}

void sx__cell_metres(const sx_grid_t *g, int64_t gj, double *dx, double *dy)
{
    *dx = fabs(g->gt[1]);
    *dy = fabs(g->gt[5]);
    if (sx_grid_is_geographic(g)) {
        const double deg = M_PI / 180.0;
        *dx = *dx * deg * SX_EARTH_RADIUS_M * cos(sx_grid_y_center(g, gj) * deg);
        *dy = *dy * deg * SX_EARTH_RADIUS_M;
    }
}

sx_err sx__dem_check_frame(const sx_grid_t *g, const char *name)
{
    SX_FAIL_IF(g->gt[2] != 0 || g->gt[4] != 0, SX_ERR_INPUT,
               "'%s' is a rotated grid (geotransform terms %g, %g); warp it north-up with gdalwarp first", name,
               g->gt[2], g->gt[4]);
    double ax = fabs(g->gt[1]), ay = fabs(g->gt[5]);
    SX_FAIL_IF(!(ax > 0) || fabs(ax - ay) > 1e-9 * ax, SX_ERR_INPUT,
               "'%s' has non-square cells (%g x %g); resample to square cells (gdalwarp -tr) first", name, ax, ay);
    return SX_OK;
}

/* nodata -> NaN over the own cells of the frame, comparing as
 * sx_grid_is_nodata does; refuses infinite values, and with need, the first
 * NaN when the band has no nodata value. */
#define NODATA_PASS(T)                                                                                        \
    static sx_err nodata_##T(sx__dem_t *b, int need, const char *name, int band)                              \
    {                                                                                                         \
        T *z = b->z;                                                                                          \
        const sx__pad_t *p = &b->pad;                                                                         \
        const sx_grid_t *g = &b->grid;                                                                        \
        const int f32 = g->dtype == SX_DT_FLOAT32, has = g->has_nodata;                                       \
        const float ndf = (float)g->nodata;                                                                   \
        const double nd = g->nodata;                                                                          \
        for (int64_t j = 0; j < p->own.ny; j++) {                                                             \
            T *row = z + sx__pad_at(p, 0, j);                                                                 \
            int inf = 0, nan = 0; /* branch-free loops, one per case, so they vectorise */                  \
            if (has && f32)                                                                                   \
                for (int64_t i = 0; i < p->own.nx; i++) row[i] = (float)row[i] == ndf ? (T)NAN : row[i];     \
            else if (has)                                                                                     \
                for (int64_t i = 0; i < p->own.nx; i++) row[i] = (double)row[i] == nd ? (T)NAN : row[i];     \
            for (int64_t i = 0; i < p->own.nx; i++) {                                                         \
                inf |= (row[i] == (T)INFINITY) | (row[i] == -(T)INFINITY);                                   \
                nan |= row[i] != row[i];                                                                      \
            }                                                                                                 \
            for (int64_t i = 0; inf && i < p->own.nx; i++)                                                    \
                if (isinf(row[i]))                                                                            \
                    return sx_layer_infinite_cell(name, band, g, p->own.x0 + i, p->own.y0 + j, row[i]);       \
            for (int64_t i = 0; nan && need && !has && i < p->own.nx; i++)                                    \
                if (isnan(row[i]))                                                                            \
                    SX_FAIL(SX_ERR_INPUT,                                                                     \
                            "'%s' has no nodata value but cell (col %lld, row %lld) is NaN; declare nodata "  \
                            "(gdal_edit.py -a_nodata) or fill the gap",                                       \
                            name, (long long)(p->own.x0 + i), (long long)(p->own.y0 + j));                    \
        }                                                                                                     \
        return SX_OK;                                                                                         \
    }
NODATA_PASS(float)
NODATA_PASS(double)

/* The own block into the frame (from the file, or from the memory an earlier
 * step of the job kept it in); the padding stays NaN for the exchange. */
static sx_err read_own(sx__dem_t *b, int band, int need, const char *name)
{
    const sx__pad_t *p = &b->pad;
    size_t elem = sx__dem_elem(b);
    b->z = malloc((size_t)(p->n ? p->n : 1) * elem);
    SX_FAIL_IF(!b->z, SX_ERR_NOMEM, "cannot allocate %lld cells of '%s'", (long long)p->n, name);
    if (b->t == SX_DT_FLOAT32)
        for (int64_t c = 0; c < p->n; c++) ((float *)b->z)[c] = NAN;
    else
        for (int64_t c = 0; c < p->n; c++) ((double *)b->z)[c] = NAN;
    if (p->own.nx == 0 || p->own.ny == 0) return SX_OK;
    void *dst = (char *)b->z + (size_t)sx__pad_at(p, 0, 0) * elem;
    SX_CHECK(sx_raster_read(b->r, band, p->own.x0, p->own.y0, p->own.nx, p->own.ny, b->t, dst, p->w));
    if (b->t == SX_DT_FLOAT32) return nodata_float(b, need, name, band);
    return nodata_double(b, need, name, band);
}

sx_err sx__dem_read(MPI_Comm comm, const char *name, int band, int width, int need_nodata, int want_f64,
                    const sx__dem_t *like, sx__dem_t *b)
{
    memset(b, 0, sizeof *b);
    SX_CHECK(sx_layer_open(comm, name, band, &b->r, &b->grid));
    SX_CHECK(sx_err_agree(comm, sx__dem_check_frame(&b->grid, name)));
    if (like)
        SX_CHECK(sx_err_agree(comm, sx_grid_same_frame(&like->grid, &b->grid)
                                        ? SX_OK
                                        : sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                                     "'%s' is not on the grid of '%s' (size, geotransform or CRS "
                                                     "differ); warp it onto that grid first",
                                                     name, sx_raster_name(like->r))));
    const sx_grid_t *lg = like ? &like->grid : &b->grid;
    SX_CHECK(sx_decomp_init(&b->d, comm, b->grid.nx, b->grid.ny, lg->block_x, lg->block_y));
    b->t = want_f64 ? SX_DT_FLOAT64 : sx__dem_type(b->grid.dtype);
    sx_err err = sx__pad_init(&b->pad, b->d.own, width, b->grid.nx, b->grid.ny);
    if (err == SX_OK) err = read_own(b, band, need_nodata, name);
    SX_CHECK(sx_err_agree(comm, err));
    /* the padding from the neighbouring ranks: perimeter traffic, and a layer
     * an earlier step kept in memory (own blocks only) reads like a file */
    sx_halo_t *h = NULL;
    err = sx_halo_create_padded(&b->d, width, sx__dem_elem(b), &h);
    if (err == SX_OK) err = sx_halo_exchange(h, b->z);
    sx_halo_destroy(&h);
    return sx_err_agree(comm, err);
}

void sx__dem_fini(sx__dem_t *b)
{
    sx_raster_close(&b->r);
    sx_grid_fini(&b->grid);
    sx_decomp_fini(&b->d);
    free(b->z);
    b->z = NULL;
}

/* Peak resident set of this process (VmHWM), bytes; 0 where /proc is not there. */
static int64_t peak_rss(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lld kB", &kb) == 1) break;
    if (f) fclose(f);
    return (int64_t)kb * 1024;
}

void sx__dem_log_peak(MPI_Comm comm, const char *label, int64_t block_cells)
{
    double mine = block_cells > 0 ? (double)peak_rss() / (double)block_cells : 0, most = 0;
    int64_t rss = peak_rss(), top = 0;
    MPI_Allreduce(&mine, &most, 1, MPI_DOUBLE, MPI_MAX, comm);
    MPI_Allreduce(&rss, &top, 1, MPI_INT64_T, MPI_MAX, comm);
    sx_log_info("%s: peak memory before writing %.0f MB, %.1f B per cell of the block (largest rank)", label,
                (double)top / 1048576.0, most);
}
