/*
 * h5cf.c — parallel HDF5 files laid out as netCDF-4 / CF-1.8.
 *
 * Layout: dimension-scale coordinate variables y, x (and time), a scalar
 * "crs" grid-mapping variable (crs_wkt, spatial_ref, GeoTransform), data
 * variables chunked, shuffled and DEFLATE-compressed with _FillValue, units,
 * grid_mapping. Strings are fixed-length (netCDF NC_CHAR). Everything that
 * touches metadata is collective with identical arguments on every rank (as
 * parallel HDF5 requires); data are written collectively, each rank its own
 * window (an empty selection for ranks with nothing to write).
 *
 * What it does not do: gather, reproject, or append to existing files.
 */
#include "sanxiang/sx_h5cf.h"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_mpi.h"

#define H5CF_MAX_VARS 32
#define H5CF_CHUNK 256
/* zlib level 1 after the shuffle filter by default: on an 8000 x 8000
 * Float32 NDVI it gives the same size as level 4 (183.95 against 183.86 MB)
 * in less time. SX_NC_DEFLATE=0..9 overrides (0: no compression, the
 * fastest write; docs/performance.md, "rs output path"). */
#define H5CF_DEFLATE_DEFAULT 1

static sx_err deflate_level(int *level)
{
    const char *e = getenv("SX_NC_DEFLATE");
    *level = H5CF_DEFLATE_DEFAULT;
    if (!e || !*e) return SX_OK;
    SX_FAIL_IF(strlen(e) != 1 || e[0] < '0' || e[0] > '9', SX_ERR_CONFIG,
               "SX_NC_DEFLATE='%s': set it to a DEFLATE level 0..9 (0 = uncompressed) or unset it", e);
    *level = e[0] - '0';
    return SX_OK;
}

typedef struct {
    char name[64];
    hid_t dset;
    sx_dtype dtype;
    int time_series;
} h5cf_var;

struct sx_h5cf {
    MPI_Comm comm;
    char path[4096];
    hid_t file, dim_x, dim_y, dim_t;
    int64_t nx, ny, ntime;
    int geographic;
    int nvars;
    h5cf_var vars[H5CF_MAX_VARS];
};

/* Innermost HDF5 error description, for messages. */
static herr_t walk_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    if (n == 0 && e->desc) snprintf((char *)data, 256, "%s", e->desc);
    return 0;
}

static sx_err h5_fail(const char *file, int line, const char *path, const char *what)
{
    char desc[256] = "";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walk_cb, desc);
    H5Eclear2(H5E_DEFAULT);
    return sx_err_set(SX_ERR_HDF5, file, line, "%s '%s'%s%s; check the path, free space and permissions", what, path,
                      desc[0] ? ": " : "", desc);
}
#define H5_FAIL_IF(cond, f, what)                                         \
    do {                                                                  \
        if (cond) return h5_fail(SX__FILE, __LINE__, (f)->path, (what));  \
    } while (0)

static hid_t h5_type(sx_dtype t)
{
    switch (t) {
    case SX_DT_UINT8: return H5T_NATIVE_UINT8;
    case SX_DT_INT16: return H5T_NATIVE_INT16;
    case SX_DT_UINT16: return H5T_NATIVE_UINT16;
    case SX_DT_INT32: return H5T_NATIVE_INT32;
    case SX_DT_UINT32: return H5T_NATIVE_UINT32;
    case SX_DT_INT64: return H5T_NATIVE_INT64;
    case SX_DT_FLOAT32: return H5T_NATIVE_FLOAT;
    case SX_DT_FLOAT64: return H5T_NATIVE_DOUBLE;
    default: return H5I_INVALID_HID;
    }
}

/* Convert a double to the bytes of dtype (for _FillValue). */
static void to_type(sx_dtype t, double v, void *out)
{
    switch (t) {
    case SX_DT_UINT8: *(uint8_t *)out = (uint8_t)v; break;
    case SX_DT_INT16: *(int16_t *)out = (int16_t)v; break;
    case SX_DT_UINT16: *(uint16_t *)out = (uint16_t)v; break;
    case SX_DT_INT32: *(int32_t *)out = (int32_t)v; break;
    case SX_DT_UINT32: *(uint32_t *)out = (uint32_t)v; break;
    case SX_DT_INT64: *(int64_t *)out = (int64_t)v; break;
    case SX_DT_FLOAT32: *(float *)out = (float)v; break;
    default: *(double *)out = v; break;
    }
}

static int set_text_attr(hid_t obj, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    size_t len = strlen(value);
    H5Tset_size(type, len > 0 ? len : 1);
    H5Tset_strpad(type, H5T_STR_NULLTERM);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    int ok = a >= 0 && H5Awrite(a, type, len > 0 ? value : "") >= 0;
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    return ok;
}

static int set_num_attr(hid_t obj, const char *name, hid_t type, const void *value)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    int ok = a >= 0 && H5Awrite(a, type, value) >= 0;
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    return ok;
}

/* A 1-D float64 coordinate variable made a dimension scale. */
static hid_t make_coord(sx_h5cf_t *f, const char *name, int64_t n, const double *values, const char *units,
                        const char *standard_name, const char *long_name, const char *axis)
{
    hsize_t dim = (hsize_t)n;
    hid_t space = H5Screate_simple(1, &dim, NULL);
    hid_t d = H5Dcreate2(f->file, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Sclose(space);
    if (d < 0) return d;
    int ok = 1;
    if (values) {
        hid_t dx = H5Pcreate(H5P_DATASET_XFER);
        H5Pset_dxpl_mpio(dx, H5FD_MPIO_COLLECTIVE);
        ok = H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, dx, values) >= 0;
        H5Pclose(dx);
    }
    ok = ok && H5DSset_scale(d, name) >= 0 && set_text_attr(d, "units", units) &&
         set_text_attr(d, "long_name", long_name) && set_text_attr(d, "axis", axis);
    if (ok && standard_name) ok = set_text_attr(d, "standard_name", standard_name);
    if (ok && !strcmp(name, "time")) ok = set_text_attr(d, "calendar", "standard");
    if (!ok) {
        H5Dclose(d);
        return H5I_INVALID_HID;
    }
    return d;
}

const char *sx_h5cf_library_version(void)
{
    static char buf[64];
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
#ifdef H5_HAVE_PARALLEL
    snprintf(buf, sizeof buf, "%u.%u.%u (parallel)", maj, min, rel);
#else
    snprintf(buf, sizeof buf, "%u.%u.%u (serial)", maj, min, rel);
#endif
    return buf;
}

static sx_err write_crs(sx_h5cf_t *f, const sx_grid_t *g)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(f->file, "crs", H5T_NATIVE_INT, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Sclose(space);
    H5_FAIL_IF(d < 0, f, "cannot create the crs variable in");
    char gt[256];
    snprintf(gt, sizeof gt, "%.17g %.17g %.17g %.17g %.17g %.17g", g->gt[0], g->gt[1], g->gt[2], g->gt[3], g->gt[4],
             g->gt[5]);
    const char *wkt = g->wkt ? g->wkt : "";
    int ok = set_text_attr(d, "crs_wkt", wkt) && set_text_attr(d, "spatial_ref", wkt) &&
             set_text_attr(d, "GeoTransform", gt) &&
             set_text_attr(d, "long_name", "coordinate reference system");
    if (ok && f->geographic) ok = set_text_attr(d, "grid_mapping_name", "latitude_longitude");
    H5Dclose(d);
    H5_FAIL_IF(!ok, f, "cannot write the CRS attributes of");
    return SX_OK;
}

static sx_err write_coords(sx_h5cf_t *f, const sx_grid_t *g, int64_t ntime)
{
    double *xs = malloc((size_t)g->nx * sizeof *xs), *ys = malloc((size_t)g->ny * sizeof *ys);
    if (!xs || !ys) {
        free(xs);
        free(ys);
        SX_FAIL(SX_ERR_NOMEM, "cannot allocate coordinates for '%s'", f->path);
    }
    for (int64_t i = 0; i < g->nx; i++) xs[i] = sx_grid_x_center(g, i);
    for (int64_t j = 0; j < g->ny; j++) ys[j] = sx_grid_y_center(g, j);
    if (f->geographic) {
        f->dim_x = make_coord(f, "x", g->nx, xs, "degrees_east", "longitude", "longitude", "X");
        f->dim_y = make_coord(f, "y", g->ny, ys, "degrees_north", "latitude", "latitude", "Y");
    } else {
        f->dim_x = make_coord(f, "x", g->nx, xs, "m", "projection_x_coordinate", "x coordinate of projection", "X");
        f->dim_y = make_coord(f, "y", g->ny, ys, "m", "projection_y_coordinate", "y coordinate of projection", "Y");
    }
    free(xs);
    free(ys);
    H5_FAIL_IF(f->dim_x < 0 || f->dim_y < 0, f, "cannot write the x/y coordinates of");
    return SX_OK;
}

sx_err sx_h5cf_create(MPI_Comm comm, const char *path, const sx_grid_t *grid, int64_t ntime, const char *time_units,
                      const char *attrs_json, sx_h5cf_t **out)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    *out = NULL;
    sx_h5cf_t *f;
    SX_ALLOC(f, 1, "netCDF file handle");
    f->comm = comm;
    f->file = f->dim_x = f->dim_y = f->dim_t = H5I_INVALID_HID;
    snprintf(f->path, sizeof f->path, "%s", path);
    f->nx = grid->nx;
    f->ny = grid->ny;
    f->ntime = ntime;
    f->geographic = sx_grid_is_geographic(grid);

    sx_err err = SX_OK;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    H5Pset_all_coll_metadata_ops(fapl, 1);
    H5Pset_coll_metadata_write(fapl, 1);
    /* netCDF-4 readers need the library version bounds of HDF5 1.8. */
    H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    f->file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
    H5Pclose(fapl);
    H5Pclose(fcpl);
    if (f->file < 0) {
        err = h5_fail(SX__FILE, __LINE__, path, "cannot create netCDF file");
        free(f);
        return err;
    }
    *out = f;
    SX_CHECK(write_coords(f, grid, ntime));
    if (ntime > 0) {
        f->dim_t = make_coord(f, "time", ntime, NULL, time_units ? time_units : "seconds since 1970-01-01 00:00:00",
                              "time", "time", "T");
        H5_FAIL_IF(f->dim_t < 0, f, "cannot write the time coordinate of");
    }
    SX_CHECK(write_crs(f, grid));
    int ok = set_text_attr(f->file, "Conventions", "CF-1.8") &&
             set_text_attr(f->file, "source", "sanxiang") &&
             set_text_attr(f->file, "title", "sanxiang output");
    if (ok && attrs_json) ok = set_text_attr(f->file, "sanxiang_provenance", attrs_json);
    H5_FAIL_IF(!ok, f, "cannot write global attributes of");
    return SX_OK;
}

static h5cf_var *find_var(sx_h5cf_t *f, const char *name)
{
    for (int i = 0; i < f->nvars; i++)
        if (!strcmp(f->vars[i].name, name)) return &f->vars[i];
    return NULL;
}

sx_err sx_h5cf_define(sx_h5cf_t *f, const sx_h5cf_var_t *var)
{
    SX_FAIL_IF(f->nvars == H5CF_MAX_VARS, SX_ERR_INTERNAL, "too many variables in '%s'", f->path);
    SX_FAIL_IF(find_var(f, var->name), SX_ERR_INTERNAL, "variable '%s' defined twice in '%s'", var->name, f->path);
    SX_FAIL_IF(var->time_series && f->ntime <= 0, SX_ERR_INTERNAL, "'%s' has no time dimension for '%s'", f->path,
               var->name);
    hid_t type = h5_type(var->dtype);
    SX_FAIL_IF(type < 0, SX_ERR_INTERNAL, "unsupported data type for '%s'", var->name);
    int level;
    SX_CHECK(deflate_level(&level));

    int rank = var->time_series ? 3 : 2;
    hsize_t dims[3], chunk[3];
    int k = 0;
    if (var->time_series) {
        dims[k] = (hsize_t)f->ntime;
        chunk[k++] = 1;
    }
    dims[k] = (hsize_t)f->ny;
    chunk[k++] = (hsize_t)(f->ny < H5CF_CHUNK ? f->ny : H5CF_CHUNK);
    dims[k] = (hsize_t)f->nx;
    chunk[k++] = (hsize_t)(f->nx < H5CF_CHUNK ? f->nx : H5CF_CHUNK);

    unsigned char fill[8];
    to_type(var->dtype, var->fill, fill);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, rank, chunk);
    if (level > 0) {
        H5Pset_shuffle(dcpl);
        H5Pset_deflate(dcpl, (unsigned)level);
    }
    H5Pset_fill_value(dcpl, type, fill);
    H5Pset_fill_time(dcpl, H5D_FILL_TIME_IFSET);
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t d = H5Dcreate2(f->file, var->name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Sclose(space);
    H5Pclose(dcpl);
    H5_FAIL_IF(d < 0, f, "cannot create a variable in");

    h5cf_var *v = &f->vars[f->nvars++];
    snprintf(v->name, sizeof v->name, "%s", var->name);
    v->dset = d;
    v->dtype = var->dtype;
    v->time_series = var->time_series;

    int ok = set_num_attr(d, "_FillValue", type, fill) && set_text_attr(d, "grid_mapping", "crs") &&
             set_text_attr(d, "units", var->units ? var->units : "1") &&
             set_text_attr(d, "long_name", var->long_name ? var->long_name : var->name);
    if (ok && var->standard_name) ok = set_text_attr(d, "standard_name", var->standard_name);
    k = 0;
    if (ok && var->time_series) ok = H5DSattach_scale(d, f->dim_t, k++) >= 0;
    if (ok) ok = H5DSattach_scale(d, f->dim_y, k++) >= 0;
    if (ok) ok = H5DSattach_scale(d, f->dim_x, k++) >= 0;
    H5_FAIL_IF(!ok, f, "cannot describe a variable in");
    return SX_OK;
}

sx_err sx_h5cf_write(sx_h5cf_t *f, const char *name, int64_t t, int64_t x0, int64_t y0, int64_t nx, int64_t ny,
                     const void *data, int64_t row_stride)
{
    h5cf_var *v = find_var(f, name);
    SX_FAIL_IF(!v, SX_ERR_INTERNAL, "no variable '%s' in '%s'", name, f->path);
    SX_FAIL_IF(nx > 0 && ny > 0 && (x0 < 0 || y0 < 0 || x0 + nx > f->nx || y0 + ny > f->ny), SX_ERR_INTERNAL,
               "window outside '%s'", f->path);
    SX_FAIL_IF(v->time_series && (t < 0 || t >= f->ntime), SX_ERR_INTERNAL, "time index %lld outside '%s'",
               (long long)t, f->path);
    int rank = v->time_series ? 3 : 2;
    hid_t fspace = H5Dget_space(v->dset);
    hid_t mspace;
    int empty = nx <= 0 || ny <= 0;
    if (empty) {
        H5Sselect_none(fspace);
        hsize_t one = 1;
        mspace = H5Screate_simple(1, &one, NULL);
        H5Sselect_none(mspace);
    } else {
        hsize_t start[3], count[3];
        int k = 0;
        if (v->time_series) {
            start[k] = (hsize_t)t;
            count[k++] = 1;
        }
        start[k] = (hsize_t)y0;
        count[k++] = (hsize_t)ny;
        start[k] = (hsize_t)x0;
        count[k++] = (hsize_t)nx;
        H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
        /* Memory: ny rows of row_stride cells; select the first nx of each. */
        hsize_t mdims[2] = {(hsize_t)ny, (hsize_t)row_stride}, mstart[2] = {0, 0}, mcount[2] = {(hsize_t)ny, (hsize_t)nx};
        mspace = H5Screate_simple(2, mdims, NULL);
        H5Sselect_hyperslab(mspace, H5S_SELECT_SET, mstart, NULL, mcount, NULL);
    }
    (void)rank;
    hid_t dx = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(dx, H5FD_MPIO_COLLECTIVE);
    herr_t rc = H5Dwrite(v->dset, h5_type(v->dtype), mspace, fspace, dx, empty ? NULL : data);
    H5Pclose(dx);
    H5Sclose(mspace);
    H5Sclose(fspace);
    H5_FAIL_IF(rc < 0, f, "cannot write data to");
    return SX_OK;
}

sx_err sx_h5cf_set_time(sx_h5cf_t *f, int64_t t, double value)
{
    SX_FAIL_IF(f->dim_t < 0 || t < 0 || t >= f->ntime, SX_ERR_INTERNAL, "time index %lld outside '%s'", (long long)t,
               f->path);
    int rank;
    MPI_Comm_rank(f->comm, &rank);
    SX_CHECK_MPI(MPI_Bcast(&value, 1, MPI_DOUBLE, 0, f->comm));
    hid_t fspace = H5Dget_space(f->dim_t);
    hsize_t start = (hsize_t)t, count = 1;
    hid_t mspace = H5Screate_simple(1, &count, NULL);
    if (rank == 0) {
        H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL);
    } else {
        H5Sselect_none(fspace);
        H5Sselect_none(mspace);
    }
    hid_t dx = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(dx, H5FD_MPIO_COLLECTIVE);
    herr_t rc = H5Dwrite(f->dim_t, H5T_NATIVE_DOUBLE, mspace, fspace, dx, &value);
    H5Pclose(dx);
    H5Sclose(mspace);
    H5Sclose(fspace);
    H5_FAIL_IF(rc < 0, f, "cannot write a time value to");
    return SX_OK;
}

sx_err sx_h5cf_set_global(sx_h5cf_t *f, const char *name, const char *value)
{
    if (H5Aexists(f->file, name) > 0) H5Adelete(f->file, name);
    H5_FAIL_IF(!set_text_attr(f->file, name, value), f, "cannot write a global attribute to");
    return SX_OK;
}

sx_err sx_h5cf_close(sx_h5cf_t **fp)
{
    if (!fp || !*fp) return SX_OK;
    sx_h5cf_t *f = *fp;
    *fp = NULL;
    for (int i = 0; i < f->nvars; i++) H5Dclose(f->vars[i].dset);
    if (f->dim_x >= 0) H5Dclose(f->dim_x);
    if (f->dim_y >= 0) H5Dclose(f->dim_y);
    if (f->dim_t >= 0) H5Dclose(f->dim_t);
    herr_t rc = f->file >= 0 ? H5Fclose(f->file) : 0;
    sx_err err = rc < 0 ? h5_fail(SX__FILE, __LINE__, f->path, "cannot close (flush) netCDF file") : SX_OK;
    free(f);
    return err;
}
