/*
 * sx_raster.h — reading rasters through GDAL, one window per rank.
 *
 * Each rank opens the dataset itself and reads only its window (GDAL
 * RasterIO), so no rank ever holds more than its share. Any GDAL-readable
 * name works: GeoTIFF/COG, VRT, and HDF5/netCDF subdatasets such as
 * 'NETCDF:"file.nc":var' or 'HDF5:"file.h5"://group/var'. GDAL's block cache
 * is bounded per rank by sx_gdal_init().
 */
#ifndef SX_RASTER_H
#define SX_RASTER_H

#include <stddef.h>
#include <stdint.h>
#include "sx_err.h"
#include "sx_grid.h"

/** Register GDAL drivers, route GDAL errors into sx_err records, and bound
 *  GDAL's block cache to cache_mb per rank (0: SX_GDAL_CACHE_MB env or
 *  256 MB shared by the ranks on a node, at least 32 MB). Not collective;
 *  call once per process. */
sx_err sx_gdal_init(int64_t cache_mb);
/** GDAL's cache limit in bytes now in force. */
int64_t sx_gdal_cache_bytes(void);
/** GDAL's last error text ("" if none). */
const char *sx_gdal_last_error(void);

sx_err sx__gdal_fail(sx_err code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** GDAL's data type (a GDALDataType) for a cell type; GDT_Unknown (0) if none. */
int sx__gdal_type(sx_dtype t);
/** Fail with GDAL's own message appended. */
#define SX_FAIL_GDAL(...) return sx__gdal_fail(SX_ERR_GDAL, SX__FILE, __LINE__, __VA_ARGS__)

typedef struct sx_raster sx_raster_t;

/** Open a raster for reading. Not collective (each rank opens its own
 *  handle). Fails with the path and GDAL's reason. */
sx_err sx_raster_open(const char *name, sx_raster_t **out);
void sx_raster_close(sx_raster_t **r);
/** Number of bands. */
int sx_raster_band_count(const sx_raster_t *r);
const char *sx_raster_name(const sx_raster_t *r);
/** Grid of band (1-based): size, geotransform, CRS, nodata, type, block. */
sx_err sx_raster_grid(const sx_raster_t *r, int band, sx_grid_t *out);

/**
 * Read window [x0,x0+nx) x [y0,y0+ny) of band into buf, converting to
 * buf_type; rows are row_stride elements apart. The window must lie inside
 * the raster. Not collective. Counts bytes in the perf record.
 */
sx_err sx_raster_read(sx_raster_t *r, int band, int64_t x0, int64_t y0, int64_t nx, int64_t ny,
                      sx_dtype buf_type, void *buf, int64_t row_stride);

/** Metadata item (domain NULL = default) of the dataset, or NULL. */
const char *sx_raster_metadata(const sx_raster_t *r, const char *key, const char *domain);

#endif
