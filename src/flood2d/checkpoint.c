/*
 * checkpoint.c — write and restore the complete model state in CF-HDF5.
 *
 * A checkpoint is a directory of three files written collectively with
 * sx_h5cf (each rank its own block): cells.nc (depth and the running
 * statistics on the cell grid), qx.nc and qy.nc (discharges on the staggered
 * face grids, one column / row larger than the cells, coordinates at the
 * face centres). Scalars (time, step count, cumulative volumes) are stored
 * exactly as hexadecimal floats in the global attribute f2d_state, with the
 * caller's line in f2d_extra.
 *
 * Commit: files go to <dir>.new; when all ranks agree, rank 0 renames <dir>
 * to <dir>.old, <dir>.new to <dir> and removes <dir>.old. A run killed at any
 * point leaves <dir> or <dir>.old complete; the reader takes <dir> and falls
 * back to <dir>.old. Restoring is independent of the rank count (state is
 * per cell and per face), so a job may resume on a different number of ranks.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "f2d_internal.h"
#include "sanxiang/sx_h5cf.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"

/* Variables of the cell grid: h (double, over ce), the statistics (float,
 * own block; stored as float64 like every checkpoint variable, so files of
 * earlier versions, which held doubles, read back as well) and vout. */
static const char *cell_vars[] = {"h", "hmax", "vmax", "hazmax", "tarr", "vout"};
#define NCELLVARS 6

typedef struct {
    double *d; /* or */
    float *f;
} var_src;

static var_src cell_src(sx_f2d_t *m, int k)
{
    switch (k) {
    case 0: return (var_src){m->h, NULL};
    case 1: return (var_src){NULL, m->hmax};
    case 2: return (var_src){NULL, m->vmax};
    case 3: return (var_src){NULL, m->hazmax};
    case 4: return (var_src){NULL, m->tarr};
    default: return (var_src){m->vout, NULL};
    }
}

static int rm_rf(const char *path)
{
    char cmd[SX_PATH_MAX + 32];
    struct stat st;
    if (stat(path, &st) != 0) return 0;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    return system(cmd);
}

/* Write variables over window win of arrays laid out over ext (float ones
 * are widened through a buffer of one window). Collective. */
static sx_err write_file(sx_f2d_t *m, const char *path, const sx_grid_t *g, int nvars, const char **names,
                         const var_src *src, sx_window_t win, sx_window_t ext, const char *state, const char *extra)
{
    sx_h5cf_t *f = NULL;
    double *tmp = NULL;
    int any_float = 0;
    for (int k = 0; k < nvars; k++) any_float |= src[k].f != NULL;
    if (any_float) tmp = malloc((size_t)(sx_window_cells(win) > 0 ? sx_window_cells(win) : 1) * sizeof *tmp);
    SX_CHECK(sx_err_agree(m->comm, !any_float || tmp ? SX_OK
                                                   : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__,
                                                                "cannot allocate a checkpoint buffer")));
    sx_err err = sx_h5cf_create(m->comm, path, g, 0, NULL, NULL, &f);
    for (int k = 0; k < nvars && err == SX_OK; k++) {
        sx_h5cf_var_t v = {names[k], names[k], "1", NULL, SX_DT_FLOAT64, NAN, 0};
        err = sx_h5cf_define(f, &v);
    }
    const int64_t off = (win.y0 - ext.y0) * ext.nx + (win.x0 - ext.x0);
    for (int k = 0; k < nvars && err == SX_OK; k++) {
        if (src[k].f) {
            for (int64_t j = 0; j < win.ny; j++)
                for (int64_t i = 0; i < win.nx; i++) tmp[j * win.nx + i] = src[k].f[off + j * ext.nx + i];
            err = sx_h5cf_write(f, names[k], 0, win.x0, win.y0, win.nx, win.ny, tmp, win.nx);
        } else {
            err = sx_h5cf_write(f, names[k], 0, win.x0, win.y0, win.nx, win.ny, src[k].d + off, ext.nx);
        }
    }
    if (err == SX_OK && state) err = sx_h5cf_set_global(f, "f2d_state", state);
    if (err == SX_OK && extra) err = sx_h5cf_set_global(f, "f2d_extra", extra);
    sx_err e2 = f ? sx_h5cf_close(&f) : SX_OK;
    free(tmp);
    return err != SX_OK ? err : e2;
}

static void face_grid(const sx_f2d_t *m, int axis, sx_grid_t *g)
{
    sx_grid_copy(g, &m->grid);
    if (axis == 0) {
        g->nx += 1;
        g->gt[0] -= 0.5 * m->grid.gt[1];
    } else {
        g->ny += 1;
        g->gt[3] -= 0.5 * m->grid.gt[5];
    }
}

sx_err sx_f2d_checkpoint_write(sx_f2d_t *m, const char *dir, const char *extra)
{
    sx_perf_start("flood2d: checkpoint", SX_PERF_WRITE);
    char tmp[SX_PATH_MAX], old[SX_PATH_MAX], path[SX_PATH_MAX + 16];
    snprintf(tmp, sizeof tmp, "%s.new", dir);
    snprintf(old, sizeof old, "%s.old", dir);
    sx_err err = SX_OK;
    if (m->dc.rank == 0) {
        rm_rf(tmp);
        err = sx_mkdir_p(tmp);
    }
    SX_CHECK(sx_err_agree(m->comm, err));
    char state[512];
    snprintf(state, sizeof state, "nx=%lld ny=%lld t=%a nsteps=%lld vin=%a vrain=%a storage0=%a",
             (long long)m->grid.nx, (long long)m->grid.ny, m->t, (long long)m->nsteps, m->vin, m->vrain, m->storage0);
    var_src cdata[NCELLVARS];
    for (int k = 0; k < NCELLVARS; k++) cdata[k] = cell_src(m, k);
    /* h lives on ce, the statistics on own: write h alone first. */
    sx_grid_t gx = {0}, gy = {0};
    face_grid(m, 0, &gx);
    face_grid(m, 1, &gy);
    snprintf(path, sizeof path, "%s/cells.nc", tmp);
    err = write_file(m, path, &m->grid, 1, cell_vars, cdata, m->own, m->ce, state, extra);
    if (err == SX_OK) {
        snprintf(path, sizeof path, "%s/stats.nc", tmp);
        err = write_file(m, path, &m->grid, NCELLVARS - 1, cell_vars + 1, cdata + 1, m->own, m->own, NULL, NULL);
    }
    const char *qxn[] = {"qx"}, *qyn[] = {"qy"};
    if (err == SX_OK) {
        snprintf(path, sizeof path, "%s/qx.nc", tmp);
        err = write_file(m, path, &gx, 1, qxn, &(var_src){m->qx, NULL}, m->fxo, m->xe, NULL, NULL);
    }
    if (err == SX_OK) {
        snprintf(path, sizeof path, "%s/qy.nc", tmp);
        err = write_file(m, path, &gy, 1, qyn, &(var_src){m->qy, NULL}, m->fyo, m->ye, NULL, NULL);
    }
    sx_grid_fini(&gx);
    sx_grid_fini(&gy);
    err = sx_err_agree(m->comm, err);
    if (err == SX_OK && m->dc.rank == 0) {
        struct stat st;
        rm_rf(old);
        if (stat(dir, &st) == 0 && rename(dir, old) != 0)
            err = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot rename checkpoint '%s': %s", dir, strerror(errno));
        else if (rename(tmp, dir) != 0)
            err = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot rename checkpoint '%s': %s", tmp, strerror(errno));
        else
            rm_rf(old);
    }
    sx_perf_stop("flood2d: checkpoint");
    return sx_err_agree(m->comm, err);
}

/* Read variable var of file into buf over win (laid out over ext). */
static sx_err read_var(sx_f2d_t *m, const char *file, const char *var, int64_t nx, int64_t ny, sx_window_t win,
                       sx_window_t ext, double *buf, char *state, size_t slen, const char *key)
{
    char name[SX_PATH_MAX + 64];
    snprintf(name, sizeof name, "NETCDF:\"%s\":%s", file, var);
    sx_raster_t *r = NULL;
    sx_grid_t g = {0};
    SX_CHECK(sx_layer_open(m->comm, name, 1, &r, &g));
    sx_err err = SX_OK;
    if (g.nx != nx || g.ny != ny)
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                         "checkpoint '%s' is for a %lld x %lld grid, the run has %lld x %lld; it belongs to another run: "
                         "remove it or use another output directory",
                         file, (long long)g.nx, (long long)g.ny, (long long)nx, (long long)ny);
    if (err == SX_OK) err = sx_layer_read_f64(r, 1, &g, win, ext, buf);
    if (err == SX_OK && state) {
        const char *s = sx_raster_metadata(r, key, NULL);
        snprintf(state, slen, "%s", s ? s : "");
    }
    sx_raster_close(&r);
    sx_grid_fini(&g);
    return sx_err_agree(m->comm, err);
}

sx_err sx_f2d_checkpoint_read(sx_f2d_t *m, const char *dir_in, char *extra, size_t len)
{
    char dir[SX_PATH_MAX], path[SX_PATH_MAX + 16], state[512] = "";
    struct stat st;
    snprintf(path, sizeof path, "%s/cells.nc", dir_in);
    if (stat(path, &st) == 0) snprintf(dir, sizeof dir, "%s", dir_in);
    else snprintf(dir, sizeof dir, "%s.old", dir_in);
    sx_perf_start("flood2d: restart", SX_PERF_READ);
    snprintf(path, sizeof path, "%s/cells.nc", dir);
    SX_CHECK(read_var(m, path, "h", m->grid.nx, m->grid.ny, m->own, m->ce, m->h, state, sizeof state, "NC_GLOBAL#f2d_state"));
    if (extra) {
        char tmp[SX_PATH_MAX + 64];
        snprintf(tmp, sizeof tmp, "NETCDF:\"%s\":h", path);
        sx_raster_t *r = NULL;
        sx_grid_t g = {0};
        SX_CHECK(sx_layer_open(m->comm, tmp, 1, &r, &g));
        const char *s = sx_raster_metadata(r, "NC_GLOBAL#f2d_extra", NULL);
        snprintf(extra, len, "%s", s ? s : "");
        sx_raster_close(&r);
        sx_grid_fini(&g);
    }
    snprintf(path, sizeof path, "%s/stats.nc", dir);
    SX_CHECK(read_var(m, path, "vout", m->grid.nx, m->grid.ny, m->own, m->own, m->vout, NULL, 0, NULL));
    /* the float statistics (doubles in files of earlier versions: rounded as the sweep would have) */
    const int64_t no = sx_window_cells(m->own);
    double *tmp = malloc((size_t)(no > 0 ? no : 1) * sizeof *tmp);
    SX_CHECK(sx_err_agree(m->comm, tmp ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate a restart buffer")));
    sx_err err = SX_OK;
    for (int k = 1; k < NCELLVARS - 1 && err == SX_OK; k++) {
        err = read_var(m, path, cell_vars[k], m->grid.nx, m->grid.ny, m->own, m->own, tmp, NULL, 0, NULL);
        float *f = cell_src(m, k).f;
        for (int64_t c = 0; err == SX_OK && c < no; c++) f[c] = (float)tmp[c];
    }
    free(tmp);
    SX_CHECK(err);
    snprintf(path, sizeof path, "%s/qx.nc", dir);
    SX_CHECK(read_var(m, path, "qx", m->grid.nx + 1, m->grid.ny, m->fxo, m->xe, m->qx, NULL, 0, NULL));
    snprintf(path, sizeof path, "%s/qy.nc", dir);
    SX_CHECK(read_var(m, path, "qy", m->grid.nx, m->grid.ny + 1, m->fyo, m->ye, m->qy, NULL, 0, NULL));
    /* h of nodata cells: stored 0, never NaN; NaN read back means fill. */
    long long nx = 0, ny = 0, nsteps = 0;
    double t, vin, vrain, s0;
    int got = sscanf(state, "nx=%lld ny=%lld t=%la nsteps=%lld vin=%la vrain=%la storage0=%la", &nx, &ny, &t, &nsteps,
                     &vin, &vrain, &s0);
    SX_FAIL_IF(got != 7 || nx != m->grid.nx || ny != m->grid.ny, SX_ERR_INPUT,
               "checkpoint '%s' has no valid state line ('%.80s'); remove it to start afresh", dir, state);
    m->t = t;
    m->nsteps = nsteps;
    m->vin = vin;
    m->vrain = vrain;
    m->storage0 = s0;
    SX_CHECK(sx_halo_exchange(m->hc, m->h));
    SX_CHECK(sx_halo_exchange(m->hfx, m->qx));
    SX_CHECK(sx_halo_exchange(m->hfy, m->qy));
    sx__f2d_local_hmax(m);
    sx_perf_stop("flood2d: restart");
    sx_log_info("flood2d: resumed from %s at t = %.3f s (step %lld)", dir, t, nsteps);
    return SX_OK;
}
