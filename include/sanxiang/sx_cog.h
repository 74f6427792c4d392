/*
 * sx_cog.h — Cloud-Optimized GeoTIFF delivery layers.
 *
 * A COG is made from any GDAL-readable source (typically a variable of a
 * CF-HDF5 file this run wrote, 'NETCDF:"run/x.nc":slope') by GDAL's COG
 * driver on one rank, which streams blocks through GDAL's bounded block
 * cache: no rank ever holds the whole raster. Overviews use a resampling
 * suited to the layer (AVERAGE for continuous values, NEAREST or MODE for
 * classes and masks). The file is written under a temporary name and renamed
 * when all ranks agree.
 */
#ifndef SX_COG_H
#define SX_COG_H

#include <mpi.h>
#include "sx_err.h"

/* Band statistics a caller already knows (sx_layer_stats); valid == 0: none. */
typedef struct {
    int valid;
    double min, max, mean, stddev, valid_percent;
} sx_band_stats_t;

typedef struct {
    const char *compress;   /* "DEFLATE" (default) or "ZSTD" */
    int level;              /* 0: driver default */
    const char *resampling; /* "AVERAGE" (default), "NEAREST", "MODE" */
    int blocksize;          /* 0: 512 */
    const sx_band_stats_t *stats; /* band 1's statistics if known, else NULL: computed from src */
} sx_cog_opts_t;

/**
 * Write src (a GDAL dataset name) as a COG at final_path with the given
 * options and nodata; stores band statistics (opts->stats, or computed); stores metadata_json (if not
 * NULL) as metadata item SANXIANG_PROVENANCE. Collective over comm; rank 0
 * does the work.
 */
sx_err sx_cog_write(MPI_Comm comm, const char *src, const char *final_path, const sx_cog_opts_t *opts,
                    const char *metadata_json);

#endif
