/*
 * h5small.c — small reads from an HDF5 product's metadata: split a GDAL
 * subdataset name into file and dataset, read an attribute or a small whole
 * dataset as doubles. Used for calibration attributes and tables of FengYun
 * L1 products (fycal.c); raster data always go through GDAL (bandset.c).
 *
 * The file is opened read-only with the default (serial) access property
 * list on each rank that asks; HDF5's own error stack printing is silenced
 * while probing, and failures come back as "absent" (0) or as an sx_err
 * naming the file and object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "rs/rs_internal.h"

int sx__rs_h5_split(const char *name, char *file, size_t flen, char *dset, size_t dlen)
{
    const char *p;
    int nc = 0;
    if (!strncmp(name, "HDF5:", 5)) p = name + 5;
    else if (!strncmp(name, "NETCDF:", 7)) p = name + 7, nc = 1;
    else return 0;
    const char *f0, *f1, *rest;
    if (*p == '"') {
        f0 = p + 1;
        f1 = strchr(f0, '"');
        if (!f1 || f1[1] != ':') return 0;
        rest = f1 + 2;
    } else {
        f0 = p;
        f1 = nc ? strrchr(p, ':') : strstr(p, "://");
        if (!f1) return 0;
        rest = f1 + 1;
    }
    while (*rest == '/') rest++;
    if (!*rest || (size_t)(f1 - f0) >= flen || strlen(rest) + 2 > dlen) return 0;
    snprintf(file, flen, "%.*s", (int)(f1 - f0), f0);
    snprintf(dset, dlen, "/%s", rest);
    return 1;
}

/* Open quietly; the caller restores the error printing. */
static hid_t open_quiet(const char *file, H5E_auto2_t *fn, void **data)
{
    H5Eget_auto2(H5E_DEFAULT, fn, data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
}

int sx__rs_h5_exists(const char *file, const char *path)
{
    H5E_auto2_t fn;
    void *data;
    hid_t f = open_quiet(file, &fn, &data);
    int ok = 0;
    if (f >= 0) {
        ok = H5Lexists(f, path, H5P_DEFAULT) > 0;
        H5Fclose(f);
    }
    H5Eset_auto2(H5E_DEFAULT, fn, data);
    return ok;
}

sx_err sx__rs_h5_attr(const char *file, const char *dset, const char *attr, double *vals, int max, int *n)
{
    H5E_auto2_t fn;
    void *data;
    *n = 0;
    hid_t f = open_quiet(file, &fn, &data), d = -1, a = -1, sp = -1;
    sx_err err = SX_OK;
    if (f < 0) {
        err = sx_err_set(SX_ERR_HDF5, SX__FILE, __LINE__, "cannot open '%s' as HDF5; check the file (is it complete?)", file);
        goto done;
    }
    if (H5Lexists(f, dset, H5P_DEFAULT) <= 0 || H5Aexists_by_name(f, dset, attr, H5P_DEFAULT) <= 0) goto done;
    d = H5Oopen(f, dset, H5P_DEFAULT);
    a = d >= 0 ? H5Aopen(d, attr, H5P_DEFAULT) : -1;
    sp = a >= 0 ? H5Aget_space(a) : -1;
    hssize_t cnt = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    if (cnt < 1 || cnt > max) {
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s': attribute %s of %s has %lld values (expected 1 to %d)",
                         file, attr, dset, (long long)cnt, max);
        goto done;
    }
    if (H5Aread(a, H5T_NATIVE_DOUBLE, vals) < 0) {
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s': attribute %s of %s is not numeric", file, attr, dset);
        goto done;
    }
    *n = (int)cnt;
done:
    if (sp >= 0) H5Sclose(sp);
    if (a >= 0) H5Aclose(a);
    if (d >= 0) H5Oclose(d);
    if (f >= 0) H5Fclose(f);
    H5Eset_auto2(H5E_DEFAULT, fn, data);
    return err;
}

sx_err sx__rs_h5_read(const char *file, const char *dset, int64_t max, double **vals, int64_t *n, int *ncols)
{
    H5E_auto2_t fn;
    void *data;
    *vals = NULL;
    *n = 0;
    *ncols = 0;
    hid_t f = open_quiet(file, &fn, &data), d = -1, sp = -1;
    sx_err err = SX_OK;
    if (f < 0) {
        err = sx_err_set(SX_ERR_HDF5, SX__FILE, __LINE__, "cannot open '%s' as HDF5; check the file (is it complete?)", file);
        goto done;
    }
    d = H5Dopen2(f, dset, H5P_DEFAULT);
    sp = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t dims[2] = {0, 1};
    int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    if (rank < 1 || rank > 2) {
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' has no 1-D or 2-D dataset %s; check the product", file, dset);
        goto done;
    }
    H5Sget_simple_extent_dims(sp, dims, NULL);
    const int64_t cnt = (int64_t)dims[0] * (int64_t)(rank == 2 ? dims[1] : 1);
    if (cnt < 1 || cnt > max) {
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s': dataset %s has %lld values (expected 1 to %lld)", file,
                         dset, (long long)cnt, (long long)max);
        goto done;
    }
    *vals = malloc((size_t)cnt * sizeof **vals);
    if (!*vals) {
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %lld values of %s", (long long)cnt, dset);
        goto done;
    }
    if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *vals) < 0) {
        free(*vals);
        *vals = NULL;
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s': cannot read dataset %s as numbers", file, dset);
        goto done;
    }
    *n = cnt;
    *ncols = rank == 2 ? (int)dims[1] : 1;
done:
    if (sp >= 0) H5Sclose(sp);
    if (d >= 0) H5Dclose(d);
    if (f >= 0) H5Fclose(f);
    H5Eset_auto2(H5E_DEFAULT, fn, data);
    return err;
}
