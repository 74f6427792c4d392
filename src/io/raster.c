/*
 * raster.c — windowed GDAL reads and GDAL process set-up.
 *
 * GDAL's own error handler is replaced by one that keeps the last message
 * (so failures carry GDAL's reason) and prints nothing: sanxiang reports
 * errors once, through sx_err. Warnings are logged at DEBUG level.
 */
#include "sanxiang/sx_raster.h"

#include <gdal.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_layer_mem.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_time.h"

struct sx_raster {
    GDALDatasetH ds;            /* NULL for a kept layer until a read needs its file */
    const sx_mem_layer_t *mem;  /* a layer an earlier step kept in memory (sx_layer_mem.h), or NULL */
    char *name;
    void *narrow;               /* integer cells read in their own type, before widening (read_widened) */
    size_t narrow_bytes;
};

static _Thread_local char last_error[1024];

static void CPL_STDCALL error_handler(CPLErr cls, CPLErrorNum num, const char *msg)
{
    if (cls >= CE_Failure) snprintf(last_error, sizeof last_error, "%s", msg ? msg : "");
    else if (cls == CE_Warning) sx_log_debug("GDAL warning %d: %s", (int)num, msg ? msg : "");
}

const char *sx_gdal_last_error(void) { return last_error; }

sx_err sx__gdal_fail(sx_err code, const char *file, int line, const char *fmt, ...)
{
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *why = last_error[0] ? last_error : CPLGetLastErrorMsg();
    return sx_err_set(code, file, line, "%s%s%s", what, (why && why[0]) ? ": " : "", why ? why : "");
}

sx_err sx_gdal_init(int64_t cache_mb)
{
    static int done = 0;
    if (!done) {
        GDALAllRegister();
        CPLSetErrorHandler(error_handler);
        /* No .aux.xml sidecars: outputs are exactly the files sanxiang
         * commits, and reading an input never writes next to it. */
        CPLSetConfigOption("GDAL_PAM_ENABLED", "NO");
        /* Uncompressed GeoTIFF inputs are read through a memory mapping of
         * the file where it fits in RAM (GDAL's own option, default NO):
         * one copy out of the page cache instead of a read into the block
         * cache and a copy out of it — the read phase of an 8000 x 8000
         * NDVI takes 0.10 s a rank instead of 0.18 (docs/performance.md).
         * Compressed files and other formats are read as before; a value
         * in the environment (GTIFF_VIRTUAL_MEM_IO=NO) wins. */
        if (!CPLGetConfigOption("GTIFF_VIRTUAL_MEM_IO", NULL)) CPLSetConfigOption("GTIFF_VIRTUAL_MEM_IO", "IF_ENOUGH_RAM");
        /* GeoPackages record when their tables last changed; with SOURCE_DATE_EPOCH set that is the
         * time they say (GDAL's OGR_CURRENT_DATE, unless set already), so the bytes repeat. */
        int64_t when = 0;
        int fixed = 0;
        SX_CHECK(sx_time_source_date_epoch(&when, &fixed));
        if (fixed && !CPLGetConfigOption("OGR_CURRENT_DATE", NULL)) {
            char t[SX_TIME_LEN], iso[32];
            SX_CHECK(sx_time_format(when, t, sizeof t));
            t[10] = 'T'; /* "YYYY-MM-DD HH:MM:SS" -> the GeoPackage's "YYYY-MM-DDTHH:MM:SS.000Z" */
            snprintf(iso, sizeof iso, "%s.000Z", t);
            CPLSetConfigOption("OGR_CURRENT_DATE", iso);
        }
        done = 1;
    }
    if (cache_mb <= 0) {
        const char *e = getenv("SX_GDAL_CACHE_MB");
        cache_mb = e ? atoll(e) : 0;
    }
    if (cache_mb <= 0) {
        cache_mb = 256 / (sx_mpi_local_size() > 0 ? sx_mpi_local_size() : 1);
        if (cache_mb < 32) cache_mb = 32;
    }
    GDALSetCacheMax64((GIntBig)cache_mb * 1024 * 1024);
    return SX_OK;
}

int64_t sx_gdal_cache_bytes(void) { return (int64_t)GDALGetCacheMax64(); }

int sx__gdal_type(sx_dtype t)
{
    switch (t) {
    case SX_DT_UINT8: return GDT_Byte;
    case SX_DT_INT16: return GDT_Int16;
    case SX_DT_UINT16: return GDT_UInt16;
    case SX_DT_INT32: return GDT_Int32;
    case SX_DT_UINT32: return GDT_UInt32;
    case SX_DT_INT64: return GDT_Int64;
    case SX_DT_FLOAT32: return GDT_Float32;
    case SX_DT_FLOAT64: return GDT_Float64;
    default: return GDT_Unknown;
    }
}

static sx_dtype from_gdal(GDALDataType t)
{
    switch (t) {
    case GDT_Byte: return SX_DT_UINT8;
    case GDT_Int16: return SX_DT_INT16;
    case GDT_UInt16: return SX_DT_UINT16;
    case GDT_Int32: return SX_DT_INT32;
    case GDT_UInt32: return SX_DT_UINT32;
    case GDT_Int64: return SX_DT_INT64;
    case GDT_Float32: return SX_DT_FLOAT32;
    case GDT_Float64: return SX_DT_FLOAT64;
    default: return SX_DT_UNKNOWN;
    }
}

/* The file behind a kept layer, opened when a read or a metadata item needs it. */
static sx_err open_file(sx_raster_t *r, const char *why)
{
    if (r->ds) return SX_OK;
    SX_FAIL_IF(r->mem && !sx__layer_mem_has_file(r->mem), SX_ERR_CONFIG,
               "layer '%s' is intermediate (kept in memory, not written) and this step %s; remove `intermediate: "
               "true` from the step that makes it", r->name, why);
    r->ds = GDALOpenEx(r->name, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!r->ds) SX_FAIL_GDAL("cannot open raster '%s'; check the path and that it is a raster GDAL can read", r->name);
    return SX_OK;
}

sx_err sx_raster_open(const char *name, sx_raster_t **out)
{
    last_error[0] = '\0';
    const sx_mem_layer_t *mem = sx__layer_mem_find(name);
    if (mem) { /* kept by an earlier step of this job: reads of this rank's block come from memory */
        sx_raster_t *r = calloc(1, sizeof *r);
        char *copy = strdup(name);
        if (!r || !copy) {
            free(r);
            free(copy);
            SX_FAIL(SX_ERR_NOMEM, "cannot allocate a raster handle");
        }
        r->mem = mem;
        r->name = copy;
        *out = r;
        return SX_OK;
    }
    GDALDatasetH ds = GDALOpenEx(name, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) SX_FAIL_GDAL("cannot open raster '%s'; check the path and that it is a raster GDAL can read", name);
    sx_raster_t *r = calloc(1, sizeof *r);
    char *copy = strdup(name);
    if (!r || !copy) {
        free(r);
        free(copy);
        GDALClose(ds);
        SX_FAIL(SX_ERR_NOMEM, "cannot allocate a raster handle");
    }
    r->ds = ds;
    r->name = copy;
    if (GDALGetRasterCount(ds) < 1) {
        sx_raster_close(&r);
        SX_FAIL(SX_ERR_INPUT, "'%s' has no raster bands; for HDF5/netCDF give a subdataset such as "
                              "'NETCDF:\"%s\":variable' (list them with gdalinfo)", name, name);
    }
    *out = r;
    return SX_OK;
}

void sx_raster_close(sx_raster_t **r)
{
    if (!r || !*r) return;
    if ((*r)->ds) GDALClose((*r)->ds);
    free((*r)->narrow);
    free((*r)->name);
    free(*r);
    *r = NULL;
}

int sx_raster_band_count(const sx_raster_t *r) { return r->mem ? 1 : GDALGetRasterCount(r->ds); }
const char *sx_raster_name(const sx_raster_t *r) { return r->name; }

sx_err sx_raster_grid(const sx_raster_t *r, int band, sx_grid_t *out)
{
    memset(out, 0, sizeof *out);
    if (r->mem) {
        SX_FAIL_IF(band != 1, SX_ERR_INPUT, "'%s' has 1 band; band %d does not exist", r->name, band);
        return sx_grid_copy(out, sx__layer_mem_grid(r->mem));
    }
    SX_FAIL_IF(band < 1 || band > GDALGetRasterCount(r->ds), SX_ERR_INPUT,
               "'%s' has %d band(s); band %d does not exist", r->name, GDALGetRasterCount(r->ds), band);
    GDALRasterBandH b = GDALGetRasterBand(r->ds, band);
    out->nx = GDALGetRasterXSize(r->ds);
    out->ny = GDALGetRasterYSize(r->ds);
    if (GDALGetGeoTransform(r->ds, out->gt) != CE_None) {
        /* GDAL's default (0,1,0,0,0,1) is south-up; a raster without
         * georeferencing is a user error for every sanxiang kernel. */
        SX_FAIL(SX_ERR_CRS, "'%s' has no geotransform (not georeferenced); assign one with gdal_translate -a_ullr / -a_srs",
                r->name);
    }
    SX_FAIL_IF(out->gt[2] != 0.0 || out->gt[4] != 0.0 || out->gt[5] >= 0.0, SX_ERR_INPUT,
               "'%s' is rotated or south-up (geotransform %g %g %g %g %g %g); warp it north-up with gdalwarp first",
               r->name, out->gt[0], out->gt[1], out->gt[2], out->gt[3], out->gt[4], out->gt[5]);
    const char *wkt = GDALGetProjectionRef(r->ds);
    SX_CHECK(sx_grid_set_wkt(out, (wkt && wkt[0]) ? wkt : NULL));
    int has = 0;
    double nd = GDALGetRasterNoDataValue(b, &has);
    out->has_nodata = has;
    out->nodata = has ? nd : 0.0;
    out->dtype = from_gdal(GDALGetRasterDataType(b));
    if (out->dtype == SX_DT_UNKNOWN) {
        sx_grid_fini(out);
        SX_FAIL(SX_ERR_INPUT, "'%s' band %d has data type %s, which sanxiang does not read; convert with gdal_translate -ot Float32",
                r->name, band, GDALGetDataTypeName(GDALGetRasterDataType(b)));
    }
    GDALGetBlockSize(b, &out->block_x, &out->block_y);
    if (out->block_x < 1) out->block_x = 1;
    if (out->block_y < 1) out->block_y = 1;
    return SX_OK;
}

/* Integer cells to doubles, n of them (exact: every value of these types is
 * a double). */
#define WIDEN(T, G)                                                                                     \
    __attribute__((target_clones("avx512f", "avx2", "default"))) static void widen_##G(                \
        const T *restrict src, double *restrict dst, int64_t n)                                         \
    {                                                                                                   \
        for (int64_t i = 0; i < n; i++) dst[i] = (double)src[i];                                        \
    }
WIDEN(uint8_t, Byte)
WIDEN(int16_t, Int16)
WIDEN(uint16_t, UInt16)
WIDEN(int32_t, Int32)
WIDEN(uint32_t, UInt32)
#undef WIDEN

static int widens(GDALDataType t)
{
    return t == GDT_Byte || t == GDT_Int16 || t == GDT_UInt16 || t == GDT_Int32 || t == GDT_UInt32;
}

/* A window of an integer band into doubles: GDAL reads the cells in their
 * own type (for a mapped GeoTIFF a copy, no conversion) and a vector loop
 * widens them; *ep is GDAL's outcome. GDAL's own conversion to Float64 took
 * 61 instructions a cell on UInt16 reflectances (callgrind, NDVI of 2048²,
 * GDAL 3.6), 30 % of the whole command. */
static sx_err read_widened(sx_raster_t *r, GDALRasterBandH b, GDALDataType nt, int64_t x0, int64_t y0, int64_t nx,
                           int64_t ny, double *buf, int64_t row_stride, CPLErr *ep)
{
    /* The window goes through the scratch in runs of whole rows of the file's blocks, at most
     * NARROW_MAX bytes unless one row of blocks is larger, so reading a rank's whole block adds a
     * bounded scratch to it, not a quarter (UInt16) of the block again. */
    enum { NARROW_MAX = 4 << 20 };
    const size_t nsz = (size_t)GDALGetDataTypeSizeBytes(nt), row_bytes = (size_t)nx * nsz;
    *ep = CE_None;
    int bx = 0, by = 0;
    GDALGetBlockSize(b, &bx, &by);
    const int64_t brows = by > 0 ? by : 1;
    int64_t run = (int64_t)(NARROW_MAX / row_bytes) / brows * brows;
    if (run < brows) run = brows;
    const int whole = ny <= run; /* the window fits: one read */
    if (whole) run = ny;
    const size_t need = (size_t)run * row_bytes;
    if (r->narrow_bytes < need) {
        void *p = realloc(r->narrow, need);
        SX_FAIL_IF(!p, SX_ERR_NOMEM, "cannot allocate %zu bytes to read '%s' into", need, r->name);
        r->narrow = p, r->narrow_bytes = need;
    }
    /* otherwise runs start on block rows of the file: the first one ends at a block edge past y0 */
    for (int64_t j0 = 0; j0 < ny;) {
        int64_t n = run;
        if (!whole && j0 == 0) n = run - y0 % brows; /* >= 1: run is a multiple of brows */
        if (n > ny - j0) n = ny - j0;
        CPLErr e = GDALRasterIOEx(b, GF_Read, (int)x0, (int)(y0 + j0), (int)nx, (int)n, r->narrow, (int)nx, (int)n,
                                  nt, (GSpacing)nsz, (GSpacing)row_bytes, NULL);
        *ep = e;
        if (e != CE_None) return SX_OK;
        for (int64_t j = 0; j < n; j++) {
            const unsigned char *src = (const unsigned char *)r->narrow + (size_t)j * row_bytes;
            double *dst = buf + (j0 + j) * row_stride;
            switch (nt) {
            case GDT_Byte: widen_Byte((const uint8_t *)src, dst, nx); break;
            case GDT_Int16: widen_Int16((const int16_t *)src, dst, nx); break;
            case GDT_UInt16: widen_UInt16((const uint16_t *)src, dst, nx); break;
            case GDT_Int32: widen_Int32((const int32_t *)src, dst, nx); break;
            default: widen_UInt32((const uint32_t *)src, dst, nx); break;
            }
        }
        j0 += n;
    }
    return SX_OK;
}

sx_err sx_raster_read(sx_raster_t *r, int band, int64_t x0, int64_t y0, int64_t nx, int64_t ny,
                      sx_dtype buf_type, void *buf, int64_t row_stride)
{
    if (nx <= 0 || ny <= 0) return SX_OK;
    if (r->mem) {
        int ok = 0;
        SX_CHECK(sx__layer_mem_read(r->mem, x0, y0, nx, ny, buf_type, buf, row_stride, &ok));
        if (ok) return SX_OK;
        SX_CHECK(open_file(r, "reads it outside the block each rank kept (a different decomposition)"));
    }
    int64_t rx = GDALGetRasterXSize(r->ds), ry = GDALGetRasterYSize(r->ds);
    SX_FAIL_IF(x0 < 0 || y0 < 0 || x0 + nx > rx || y0 + ny > ry, SX_ERR_INTERNAL,
               "window %lld,%lld+%lldx%lld outside '%s' (%lldx%lld)", (long long)x0, (long long)y0,
               (long long)nx, (long long)ny, r->name, (long long)rx, (long long)ry);
    GDALRasterBandH b = GDALGetRasterBand(r->ds, band);
    size_t esz = sx_dtype_size(buf_type);
    last_error[0] = '\0';
    const GDALDataType nt = GDALGetRasterDataType(b);
    CPLErr e;
    if (buf_type == SX_DT_FLOAT64 && widens(nt)) SX_CHECK(read_widened(r, b, nt, x0, y0, nx, ny, buf, row_stride, &e));
    else
        e = GDALRasterIOEx(b, GF_Read, (int)x0, (int)y0, (int)nx, (int)ny, buf, (int)nx, (int)ny,
                           (GDALDataType)sx__gdal_type(buf_type), (GSpacing)esz, (GSpacing)(esz * (size_t)row_stride),
                           NULL);
    if (e != CE_None)
        SX_FAIL_GDAL("cannot read rows %lld-%lld, columns %lld-%lld of '%s': the file is corrupt or truncated; "
                     "check it with gdalinfo -checksum and copy or download it again",
                     (long long)y0, (long long)(y0 + ny - 1), (long long)x0, (long long)(x0 + nx - 1), r->name);
    sx_perf_add_bytes_read(nx * ny * (int64_t)sx_dtype_size(from_gdal(nt)));
    return SX_OK;
}

const char *sx_raster_metadata(const sx_raster_t *r, const char *key, const char *domain)
{
    if (!r->ds && r->mem && (!sx__layer_mem_has_file(r->mem) || open_file((sx_raster_t *)r, "reads its metadata")))
        return NULL; /* a kept layer without its file has no metadata items */
    return GDALGetMetadataItem(r->ds, key, domain);
}
