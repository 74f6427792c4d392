/*
 * grid_h5.c — gridded rain read directly from HDF5 files in the GPM IMERG
 * layout (Huffman et al., "GPM IMERG Technical Documentation", NASA GSFC,
 * V06 2019 / V07 2023; file spec "IMERG HDF5": /Grid/precipitationCal (V06)
 * or /Grid/precipitation (V07) dimensioned (time, lon, lat) — longitude
 * before latitude — with 1-D /Grid/lon, /Grid/lat (cell centres, latitude
 * ascending) and /Grid/time ("seconds since 1970-01-01 00:00:00 UTC"),
 * units "mm/hr", _FillValue -9999.9, half-hourly records, EPSG:4326).
 *
 * Dimension order: from the names of the dimension scales attached to the
 * variable (netCDF-4 and IMERG files carry them), else from the IMERG
 * "DimensionNames" attribute ("time,lon,lat"), else the caller's `dims`.
 * A given `dims` is used when detection fails and must agree when it works. The grid is returned north-up
 * (row 0 = northernmost latitude), transposed and flipped on read.
 *
 * Time: a record labelled τ covers [τ, τ + record_s) (IMERG labels a
 * half-hour by its start). A model step [t0, t0 + dt) is the sum of the
 * records τ = t0, t0 + record_s, ... < t0 + dt, each rate × record hours
 * (mm/hr, mm/h) or amount (mm). Every one must exist; a missing record, or
 * dt not a multiple of the record length, is an error naming the time.
 *
 * Invariants: coordinates uniform to 1e-6 of a cell plus float32 rounding
 * (IMERG stores lon/lat as float32), identical in every file; values are summed record by record in time order (deterministic).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <ogr_srs_api.h>

#include "grid_h5.h"
#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_time.h"

sx_err sx__hydro_cf_units(const char *path, const char *units, double *scale, double *origin)
{
    int64_t o;
    if (sx_time_cf_units(units, scale, &o) != SX_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", sx_err_message());
        sx_err_clear();
        SX_FAIL(SX_ERR_INPUT, "'%s': %s; CF '<seconds|minutes|hours|days> since YYYY-MM-DD[ HH:MM[:SS]]' (UTC) is read",
                path, why);
    }
    *origin = (double)o;
    return SX_OK;
}

static void fmt_time(double t, char *buf, size_t len)
{
    if (sx_time_format((int64_t)floor(t), buf, len) != SX_OK) {
        sx_err_clear();
        snprintf(buf, len, "%.0f s", t);
    }
}

/* Text attribute (fixed or variable length) of obj into buf; 0 if absent. */
static int attr_text(hid_t obj, const char *name, char *buf, size_t len)
{
    buf[0] = 0;
    if (H5Aexists(obj, name) <= 0) return 0;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT), t = a < 0 ? -1 : H5Aget_type(a);
    int ok = 0;
    if (t >= 0 && H5Tget_class(t) == H5T_STRING) {
        if (H5Tis_variable_str(t) > 0) {
            char *s = NULL;
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, H5T_VARIABLE);
            if (H5Aread(a, mt, &s) >= 0 && s) {
                snprintf(buf, len, "%s", s);
                ok = 1;
            }
            if (s) H5free_memory(s);
            H5Tclose(mt);
        } else {
            size_t n = H5Tget_size(t);
            char *s = calloc(n + 1, 1);
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, n);
            if (s && H5Aread(a, mt, s) >= 0) {
                snprintf(buf, len, "%s", s);
                ok = 1;
            }
            free(s);
            H5Tclose(mt);
        }
    }
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return ok;
}

static int attr_double(hid_t obj, const char *name, double *v)
{
    if (H5Aexists(obj, name) <= 0) return 0;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT), t = a < 0 ? -1 : H5Aget_type(a);
    int ok = t >= 0 && (H5Tget_class(t) == H5T_FLOAT || H5Tget_class(t) == H5T_INTEGER) &&
             H5Aread(a, H5T_NATIVE_DOUBLE, v) >= 0;
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return ok;
}

typedef struct {
    char name[3][64]; /* per dimension: scale name ("" when none) */
    char path[3][512];
} scales_t;

static herr_t scale_cb(hid_t did, unsigned dim, hid_t dsid, void *op)
{
    (void)did;
    scales_t *s = op;
    if (dim < 3 && !s->path[dim][0]) {
        H5Iget_name(dsid, s->path[dim], sizeof s->path[dim]);
        const char *b = strrchr(s->path[dim], '/');
        snprintf(s->name[dim], sizeof s->name[dim], "%s", b ? b + 1 : s->path[dim]);
    }
    return 1; /* first scale of the dimension is enough */
}

static int is_lon(const char *n) { return !strcasecmp(n, "lon") || !strcasecmp(n, "longitude") || !strcasecmp(n, "x"); }
static int is_lat(const char *n) { return !strcasecmp(n, "lat") || !strcasecmp(n, "latitude") || !strcasecmp(n, "y"); }

/* 1 = (time, lon, lat), 0 = (time, lat, lon), -1 unknown, from three names. */
static int order_of(const char *a, const char *b, const char *c)
{
    if (strcasecmp(a, "time") != 0) return -1;
    if (is_lon(b) && is_lat(c)) return 1;
    if (is_lat(b) && is_lon(c)) return 0;
    return -1;
}

/* Read a 1-D double dataset (by path relative to the file) into a new array. */
static sx_err read_1d(hid_t f, const char *file, const char *dpath, double **out, int64_t *n, hid_t *dset)
{
    hid_t d = H5Dopen2(f, dpath, H5P_DEFAULT);
    SX_FAIL_IF(d < 0, SX_ERR_INPUT, "'%s' has no dataset '%s' (IMERG keeps lon, lat and time next to the rain "
               "variable)", file, dpath);
    hid_t sp = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    int nd = H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    double *v = nd == 1 && dims[0] > 0 ? malloc(sizeof *v * dims[0]) : NULL;
    if (!v || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
        free(v);
        H5Dclose(d);
        SX_FAIL(SX_ERR_INPUT, "'%s': '%s' is not a readable 1-D coordinate", file, dpath);
    }
    *out = v;
    *n = (int64_t)dims[0];
    if (dset) *dset = d;
    else H5Dclose(d);
    return SX_OK;
}

/* Uniform spacing of a coordinate (cell centres): first value and step. */
static sx_err uniform(const char *file, const char *what, const double *v, int64_t n, double *step)
{
    SX_FAIL_IF(n < 2, SX_ERR_INPUT, "'%s': %s has %lld value(s); at least two are needed to place the grid", file, what,
               (long long)n);
    /* IMERG stores lon/lat as float32: allow their rounding (2 ulp of the largest value) */
    double d = (v[n - 1] - v[0]) / (double)(n - 1), tol = 1e-6 * fabs(d) + 2 * FLT_EPSILON * fmax(fabs(v[0]), fabs(v[n - 1]));
    for (int64_t i = 1; i < n; i++)
        SX_FAIL_IF(fabs(v[i] - v[0] - (double)i * d) > tol || d == 0, SX_ERR_INPUT,
                   "'%s': %s is not uniformly spaced (at index %lld); regrid to a regular lon/lat grid", file, what,
                   (long long)i);
    *step = d;
    return SX_OK;
}

typedef struct {
    hid_t f, d;
    scales_t sc;
} h5f_t;

static void h5f_close(h5f_t *x)
{
    if (x->d >= 0) H5Dclose(x->d);
    if (x->f >= 0) H5Fclose(x->f);
    x->d = x->f = -1;
}

static sx_err h5f_open(const char *file, const char *var, h5f_t *x)
{
    x->f = x->d = -1;
    memset(&x->sc, 0, sizeof x->sc);
    H5E_BEGIN_TRY { x->f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT); } H5E_END_TRY;
    SX_FAIL_IF(x->f < 0, SX_ERR_INPUT, "cannot open the HDF5 rain file '%s'; check the path", file);
    H5E_BEGIN_TRY { x->d = H5Dopen2(x->f, var, H5P_DEFAULT); } H5E_END_TRY;
    if (x->d < 0) {
        h5f_close(x);
        SX_FAIL(SX_ERR_INPUT, "'%s' has no variable '%s' (IMERG V06: /Grid/precipitationCal, V07: "
                "/Grid/precipitation)", file, var);
    }
    hid_t sp = H5Dget_space(x->d);
    int nd = H5Sget_simple_extent_ndims(sp);
    H5Sclose(sp);
    if (nd != 3) {
        h5f_close(x);
        SX_FAIL(SX_ERR_INPUT, "'%s' variable '%s' has %d dimensions; gridded rain needs 3 (time, lon, lat) or "
                "(time, lat, lon)", file, var, nd);
    }
    for (unsigned k = 0; k < 3; k++) {
        H5E_BEGIN_TRY {
            if (H5DSget_num_scales(x->d, k) > 0) H5DSiterate_scales(x->d, k, NULL, scale_cb, &x->sc);
        } H5E_END_TRY;
    }
    return SX_OK;
}

/* Dimension order of the open variable: -1 when undetectable. */
static int detect_order(const h5f_t *x)
{
    int o = order_of(x->sc.name[0], x->sc.name[1], x->sc.name[2]);
    if (o >= 0) return o;
    char dn[256], a[64] = "", b[64] = "", c[64] = "";
    if (attr_text(x->d, "DimensionNames", dn, sizeof dn) && sscanf(dn, " %63[^, ] , %63[^, ] , %63[^, ]", a, b, c) == 3)
        return order_of(a, b, c);
    return -1;
}

/* Path of coordinate k: its dimension scale, else the sibling of var named `def`. */
static void coord_path(const h5f_t *x, const char *var, int k, const char *def, char *buf, size_t len)
{
    if (x->sc.path[k][0]) {
        snprintf(buf, len, "%s", x->sc.path[k]);
        return;
    }
    const char *sl = strrchr(var, '/');
    snprintf(buf, len, "%.*s%s", sl ? (int)(sl - var + 1) : 0, var, def);
}

/* Frame, units and fill from the first file. */
static sx_err frame(sx__h5grid_t *h, const h5f_t *x, const char *file)
{
    char lp[512], tp[512], units[128];
    double *lon = NULL, *lat = NULL, dlon = 0, dlat = 0;
    int64_t nlon = 0, nlat = 0;
    coord_path(x, h->var, h->lon_first ? 1 : 2, "lon", lp, sizeof lp);
    coord_path(x, h->var, h->lon_first ? 2 : 1, "lat", tp, sizeof tp);
    sx_err e = read_1d(x->f, file, lp, &lon, &nlon, NULL);
    if (!e) e = read_1d(x->f, file, tp, &lat, &nlat, NULL);
    if (!e) e = uniform(file, "lon", lon, nlon, &dlon);
    if (!e) e = uniform(file, "lat", lat, nlat, &dlat);
    hid_t sp = H5Dget_space(x->d);
    hsize_t dims[3] = {0, 0, 0};
    H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    if (!e && ((int64_t)dims[h->lon_first ? 1 : 2] != nlon || (int64_t)dims[h->lon_first ? 2 : 1] != nlat))
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s': '%s' is %llu x %llu x %llu but lon has %lld and lat "
                       "%lld values; the dimension order is (time, %s); set `dims` if it is not", file, h->var,
                       (unsigned long long)dims[0], (unsigned long long)dims[1], (unsigned long long)dims[2],
                       (long long)nlon, (long long)nlat, h->lon_first ? "lon, lat" : "lat, lon");
    if (!e && dlon < 0)
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s': longitudes descend; only ascending lon is supported", file);
    if (!e) {
        h->lat_up = dlat > 0;
        double top = h->lat_up ? lat[nlat - 1] : lat[0], ad = fabs(dlat);
        h->g.nx = nlon, h->g.ny = nlat;
        h->g.gt[0] = lon[0] - dlon / 2, h->g.gt[1] = dlon, h->g.gt[2] = 0;
        h->g.gt[3] = top + ad / 2, h->g.gt[4] = 0, h->g.gt[5] = -ad;
        h->g.block_x = h->g.block_y = 1;
        hid_t t = H5Dget_type(x->d);
        h->g.dtype = H5Tget_class(t) == H5T_FLOAT && H5Tget_size(t) == 4 ? SX_DT_FLOAT32 : SX_DT_FLOAT64;
        H5Tclose(t);
        h->g.has_nodata = attr_double(x->d, "_FillValue", &h->g.nodata);
        OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
        char *wkt = NULL;
        if (s && OSRImportFromEPSG(s, 4326) == OGRERR_NONE && OSRExportToWkt(s, &wkt) == OGRERR_NONE)
            e = sx_grid_set_wkt(&h->g, wkt);
        else
            e = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot build the EPSG:4326 CRS (PROJ database missing?)");
        CPLFree(wkt);
        if (s) OSRDestroySpatialReference(s);
    }
    if (!e) {
        if (!attr_text(x->d, "units", units, sizeof units))
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s': '%s' has no units; need mm/hr, mm/h or mm", file,
                           h->var);
        else if (!strcmp(units, "mm/hr") || !strcmp(units, "mm/h") || !strcmp(units, "mm h-1") ||
                 !strcmp(units, "mm hr-1"))
            h->to_mm = h->rec_s / 3600.0;
        else if (!strcmp(units, "mm"))
            h->to_mm = 1;
        else
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s': '%s' has units '%s'; need a rate mm/hr (mm/h) or an "
                           "amount mm per record", file, h->var, units);
    }
    free(lon);
    free(lat);
    return e;
}

/* Append the times of one open file to the index; check its grid against h->g. */
static sx_err index_file(sx__h5grid_t *h, const h5f_t *x, int fi)
{
    const char *file = h->path[fi];
    char tp[512], units[128];
    coord_path(x, h->var, 0, "time", tp, sizeof tp);
    double *tv = NULL, sc = 1, org = 0;
    int64_t nt = 0;
    hid_t td = -1;
    SX_CHECK(read_1d(x->f, file, tp, &tv, &nt, &td));
    sx_err e = attr_text(td, "units", units, sizeof units) ? sx__hydro_cf_units(file, units, &sc, &org)
             : sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s': '%s' has no CF units", file, tp);
    H5Dclose(td);
    hsize_t dims[3] = {0, 0, 0};
    hid_t sp = H5Dget_space(x->d);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    if (!e && ((int64_t)dims[0] != nt || (int64_t)dims[h->lon_first ? 1 : 2] != h->g.nx ||
               (int64_t)dims[h->lon_first ? 2 : 1] != h->g.ny))
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' is not on the grid of '%s' (sizes differ); use files of "
                       "one product and subset", file, h->path[0]);
    if (!e && fi > 0) { /* same coordinates as the first file */
        sx__h5grid_t one;
        memset(&one, 0, sizeof one);
        snprintf(one.var, sizeof one.var, "%s", h->var);
        one.lon_first = h->lon_first, one.rec_s = h->rec_s;
        e = frame(&one, x, file);
        if (!e && !sx_grid_same_frame(&one.g, &h->g))
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' is not on the grid of '%s' (lon/lat differ)", file,
                           h->path[0]);
        sx_grid_fini(&one.g);
    }
    if (!e) {
        double *t2 = realloc(h->t, sizeof *t2 * (size_t)(h->nrec + nt));
        if (t2) h->t = t2;
        int *f2 = realloc(h->file, sizeof *f2 * (size_t)(h->nrec + nt));
        if (f2) h->file = f2;
        int64_t *i2 = realloc(h->index, sizeof *i2 * (size_t)(h->nrec + nt));
        if (i2) h->index = i2;
        if (!t2 || !f2 || !i2) e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        for (int64_t k = 0; k < nt && !e; k++, h->nrec++) {
            h->t[h->nrec] = org + sc * tv[k];
            h->file[h->nrec] = fi;
            h->index[h->nrec] = k;
        }
    }
    free(tv);
    return e;
}

sx_err sx__h5grid_open(int nfiles, const char *const *files, const char *var, const char *dims, double record_s,
                       sx__h5grid_t *h)
{
    memset(h, 0, sizeof *h);
    SX_FAIL_IF(nfiles < 1, SX_ERR_CONFIG, "HDF5 gridded rain needs at least one file");
    SX_FAIL_IF(!(record_s > 0), SX_ERR_CONFIG, "HDF5 gridded rain: record length must be > 0 s");
    snprintf(h->var, sizeof h->var, "%s", var);
    h->rec_s = record_s;
    h->path = calloc((size_t)nfiles, sizeof *h->path);
    SX_FAIL_IF(!h->path, SX_ERR_NOMEM, "out of memory");
    h->nfiles = nfiles;
    for (int i = 0; i < nfiles; i++)
        if (!(h->path[i] = strdup(files[i]))) {
            sx__h5grid_fini(h);
            SX_FAIL(SX_ERR_NOMEM, "out of memory");
        }
    int forced = -1;
    if (dims && dims[0]) {
        char a[64] = "", b[64] = "", c[64] = "";
        if (sscanf(dims, " %63[^, ] , %63[^, ] , %63[^, ]", a, b, c) == 3) forced = order_of(a, b, c);
        if (forced < 0) {
            sx__h5grid_fini(h);
            SX_FAIL(SX_ERR_CONFIG, "dims '%s' must be 'time,lon,lat' or 'time,lat,lon'", dims);
        }
    }
    sx_err e = SX_OK;
    for (int fi = 0; fi < nfiles && !e; fi++) {
        h5f_t x;
        e = h5f_open(files[fi], var, &x);
        if (e) break;
        int det = detect_order(&x), o = forced >= 0 ? forced : det;
        if (forced >= 0 && det >= 0 && det != forced)
            e = sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__, "'%s': dims '%s' contradicts the file, whose '%s' is "
                           "(time, %s); remove `dims` or correct it", files[fi], dims, var,
                           det ? "lon, lat" : "lat, lon");
        else if (o < 0)
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s': cannot tell the dimension order of '%s' (dimension "
                           "scales '%s', '%s', '%s', no DimensionNames attribute); set `dims: time,lon,lat` or "
                           "`dims: time,lat,lon`", files[fi], var, x.sc.name[0], x.sc.name[1], x.sc.name[2]);
        else if (fi == 0) {
            h->lon_first = o;
            e = frame(h, &x, files[0]);
        } else if (o != h->lon_first)
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' orders its dimensions unlike '%s'", files[fi], files[0]);
        if (!e) e = index_file(h, &x, fi);
        h5f_close(&x);
    }
    for (int64_t k = 1; k < h->nrec && !e; k++) /* records in time order, no duplicates */
        if (!(h->t[k] > h->t[k - 1])) {
            char b[SX_TIME_LEN + 8];
            fmt_time(h->t[k], b, sizeof b);
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "HDF5 rain record %s ('%s') is not after the one before; "
                           "list the files in time order, each time once", b, h->path[h->file[k]]);
        }
    if (e) sx__h5grid_fini(h);
    return e;
}

/* Record starting at t (to 0.5 s), by bisection; -1 if none. */
static int64_t find_rec(const sx__h5grid_t *h, double t)
{
    int64_t lo = 0, hi = h->nrec - 1;
    while (lo <= hi) {
        int64_t m = lo + (hi - lo) / 2;
        if (fabs(h->t[m] - t) < 0.5) return m;
        if (h->t[m] < t) lo = m + 1;
        else hi = m - 1;
    }
    return -1;
}

/* One record's window, north-up, into win (mm over the record; fill -> NaN). */
static sx_err read_rec(const sx__h5grid_t *h, int64_t r, int64_t x0, int64_t y0, int64_t nx, int64_t ny, double *win,
                       double *tmp)
{
    const char *file = h->path[h->file[r]];
    h5f_t x;
    SX_CHECK(h5f_open(file, h->var, &x));
    int64_t la0 = h->lat_up ? h->g.ny - (y0 + ny) : y0; /* first latitude index of the window */
    hsize_t start[3] = {(hsize_t)h->index[r], 0, 0}, count[3] = {1, 0, 0};
    start[h->lon_first ? 1 : 2] = (hsize_t)x0, count[h->lon_first ? 1 : 2] = (hsize_t)nx;
    start[h->lon_first ? 2 : 1] = (hsize_t)la0, count[h->lon_first ? 2 : 1] = (hsize_t)ny;
    hid_t fs = H5Dget_space(x.d), ms = H5Screate_simple(3, count, NULL);
    herr_t rc = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    if (rc >= 0) rc = H5Dread(x.d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, tmp);
    H5Sclose(ms);
    H5Sclose(fs);
    h5f_close(&x);
    SX_FAIL_IF(rc < 0, SX_ERR_HDF5, "cannot read record %lld of '%s' in '%s'", (long long)h->index[r], h->var, file);
    for (int64_t j = 0; j < ny; j++) {    /* north-up row j of the window */
        int64_t a = h->lat_up ? ny - 1 - j : j; /* its latitude index in tmp */
        for (int64_t i = 0; i < nx; i++) {
            double v = h->lon_first ? tmp[i * ny + a] : tmp[a * nx + i];
            win[j * nx + i] = sx_grid_is_nodata(&h->g, v) ? NAN : v * h->to_mm;
        }
    }
    return SX_OK;
}

sx_err sx__h5grid_step(const sx__h5grid_t *h, double t0, double dt_s, const char *label, int64_t x0, int64_t y0,
                       int64_t nx, int64_t ny, double *win, double *tmp)
{
    double q = dt_s / h->rec_s;
    SX_FAIL_IF(fabs(q - floor(q + 0.5)) > 1e-9 || q < 0.5, SX_ERR_INPUT, "the model step (%g s) is not a whole number of "
               "HDF5 rain records (%g s each); records cannot be split", dt_s, h->rec_s);
    int64_t nr = (int64_t)floor(q + 0.5), np = nx * ny;
    double *acc = tmp + np; /* tmp holds 2 * nx * ny */
    for (int64_t k = 0; k < nr; k++) {
        double tk = t0 + (double)k * h->rec_s;
        int64_t r = find_rec(h, tk);
        if (r < 0) {
            char b[SX_TIME_LEN + 8];
            fmt_time(tk, b, sizeof b);
            SX_FAIL(SX_ERR_INPUT, "HDF5 rain has no record at %s UTC (needed for the step %s); a missing record is an "
                    "error, never zero rain", b, label);
        }
        SX_CHECK(read_rec(h, r, x0, y0, nx, ny, k == 0 ? win : acc, tmp));
        if (k > 0)
            for (int64_t c = 0; c < np; c++) win[c] += acc[c];
    }
    return SX_OK;
}

void sx__h5grid_fini(sx__h5grid_t *h)
{
    for (int i = 0; h->path && i < h->nfiles; i++) free(h->path[i]);
    free(h->path);
    free(h->t);
    free(h->file);
    free(h->index);
    sx_grid_fini(&h->g);
    memset(h, 0, sizeof *h);
}
