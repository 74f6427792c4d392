/*
 * sx_cog.h — Cloud-Optimized GeoTIFF delivery layers.
 *
 * Two writers, one per kind of source:
 *
 *  - sx_cog_write_blocks(): the layers kernels compute. Every rank hands over
 *    its own block; the ranks compress the tiles they own (full resolution
 *    and overviews) in parallel and write them into one file with MPI-IO,
 *    rank 0 writes the TIFF header and IFDs. The file's bytes do not depend
 *    on the number of ranks or threads. GDAL is not involved except to
 *    encode the georeferencing and metadata tags.
 *  - sx_cog_write(): any GDAL-readable source (a warped VRT in src/publish),
 *    converted by GDAL's COG driver on one rank, which streams blocks through
 *    GDAL's bounded block cache.
 *
 * Both store overviews (AVERAGE for continuous values, NEAREST or MODE for
 * classes and masks), nodata, band statistics and the provenance JSON as
 * metadata item SANXIANG_PROVENANCE, and write under a temporary name renamed
 * when all ranks agree (sx_output.h).
 */
#ifndef SX_COG_H
#define SX_COG_H

#include <mpi.h>
#include <stdint.h>
#include "sx_decomp.h"
#include "sx_err.h"
#include "sx_grid.h"

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

/* Ground control points of an image in its own (line, pixel) geometry, written
 * instead of a geotransform (GeoTIFF tie points, no pixel scale) so that
 * GDAL's GCP transformers can geocode it (e.g. `rs warp`). pixel/line are in
 * GDAL's pixel-corner coordinates of the file; x, y, z in the CRS wkt. */
typedef struct {
    int n;
    const double *pixel, *line, *x, *y, *z;
    const char *wkt;
} sx_cog_gcps_t;

/* Tile compression of the parallel writer (TIFF Compression tag 8, 50000, 1). */
typedef enum { SX_COG_DEFAULT = 0, SX_COG_DEFLATE, SX_COG_ZSTD, SX_COG_NONE } sx_cog_codec;

/* One layer for sx_cog_write_blocks. Strings may be NULL (left out). */
typedef struct {
    sx_dtype dtype;          /* cell type of data and of the file */
    double fill;             /* nodata value (NaN allowed for floating types) */
    const char *resampling;  /* overviews: "AVERAGE" (mean of the valid cells), "NEAREST" (top-left cell of
                                each 2x2), "MODE" (most frequent valid value, ties to the smallest); NULL = AVERAGE */
    sx_cog_codec codec;      /* SX_COG_DEFAULT: SX_COG_COMPRESS (DEFLATE, ZSTD, NONE) in the environment,
                                else ZSTD, the cheapest for the same size (docs/performance.md) */
    int level;               /* 0: SX_COG_LEVEL, else 1 (ZSTD 1..22, DEFLATE 1..12) */
    int tile;                /* tile edge in cells, a multiple of 16 up to 4096; 0: 512 */
    const char *name;        /* variable name (metadata item NETCDF_VARNAME, what src/publish reads) */
    const char *long_name;   /* band item long_name */
    const char *units;       /* band unit type and item units */
    const char *standard_name;
    const char *provenance;  /* JSON, identical on all ranks: item SANXIANG_PROVENANCE */
    const sx_band_stats_t *stats; /* exact band statistics (sx_layer_stats), or NULL */
    int bigtiff;             /* 1: BigTIFF always; 0: only when the file would pass 4 GiB */
    const char *description; /* band description (what GDAL and QGIS show as the band name), or NULL */
    const sx_cog_gcps_t *gcps; /* GCPs written instead of the grid's geotransform and CRS, or NULL */
} sx_cog_layer_t;

/**
 * Write one band as a COG at final_path from the ranks' blocks: this rank's
 * block `own` of the grid (size, geotransform, CRS) is own.ny rows of
 * row_stride cells of l->dtype at data. The blocks must tile the grid
 * (each cell in exactly one rank's block; empty blocks are allowed).
 *
 * Each COG tile belongs to the rank whose block holds its top-left cell; the
 * cells of a tile that lie in other blocks are sent to it (nothing moves when
 * block edges fall on multiples of the tile size, as sx_decomp_init arranges
 * for large grids). Overview levels, until one tile holds the level, are
 * computed 2x2 -> 1 from the level above by the owners of its tiles. Tiles
 * are compressed with OpenMP threads in each rank, placed by their global
 * order (IFDs first, then the smallest overview to full resolution, tiles
 * row by row, each with GDAL's 4-byte size leader and repeated last 4 bytes)
 * and written with MPI-IO; BigTIFF when the file would pass 4 GiB.
 *
 * Memory per rank: its block, the tiles it owns that reach outside it, its
 * overview tiles (a third of its share) and its compressed tiles. Collective
 * over comm; data is not modified.
 */
sx_err sx_cog_write_blocks(MPI_Comm comm, const char *final_path, const sx_grid_t *grid, sx_window_t own,
                           const void *data, int64_t row_stride, const sx_cog_layer_t *l);

#endif
