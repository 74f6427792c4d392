/*
 * sx_dem.h — DEM terrain products: slope, aspect, hillshade, curvature, TPI,
 * TRI, roughness and the topographic wetness index, computed in one stencil
 * pass over the block however many are asked for.
 *
 * Slope: Horn (1981) third-order finite difference over the 3 x 3
 * neighbourhood, the method of gdaldem, ArcGIS and GRASS r.slope.aspect.
 * Horn, B.K.P. (1981) Hill shading and the reflectance map. Proc. IEEE
 * 69(1):14-47, doi:10.1109/PROC.1981.11918.
 * Aspect, hillshade, TPI, TRI (Riley, DeGloria & Elliot 1999, Intermountain
 * Journal of Sciences 5:23-27), roughness: gdaldem's formulas (GDAL
 * apps/gdaldem_lib.cpp). Curvature: Zevenbergen & Thorne (1987), Earth
 * Surface Processes and Landforms 12:47-56, doi:10.1002/esp.3290120107, with
 * ArcGIS's signs and scale (x 100). TWI: ln(a / tan b) (Beven & Kirkby 1979,
 * Hydrological Sciences Bulletin 24(1):43-69, doi:10.1080/02626667909491834).
 */
#ifndef SX_DEM_H
#define SX_DEM_H

#include <mpi.h>
#include "sx_decomp.h"
#include "sx_err.h"
#include "sx_grid.h"

typedef enum { SX_SLOPE_DEGREE = 0, SX_SLOPE_PERCENT } sx_slope_units;

#define SX_SLOPE_NODATA (-9999.0f)
/** nodata of every float32 terrain product (hillshade: 0) */
#define SX_TERRAIN_NODATA (-9999.0f)

/** Mean Earth radius (IUGG) used for cell sizes on geographic grids. */
#define SX_EARTH_RADIUS_M 6371008.8

/**
 * Horn slope of the cells of own from elevations z laid out over ext
 * (own grown by one cell where the grid allows; NaN = nodata). A cell whose
 * 3 x 3 neighbourhood leaves the grid or touches nodata gets SX_SLOPE_NODATA
 * (as gdaldem without -compute_edges). On geographic grids cell sizes are
 * metres along the parallel of each row's centre and along the meridian on a
 * sphere of radius SX_EARTH_RADIUS_M. Not collective; OpenMP over rows.
 * Pre: ext contains own grown by 1 clipped to the grid. Post: out has
 * own.ny rows of own.nx values.
 */
sx_err sx_dem_slope_block(const sx_grid_t *grid, sx_window_t ext, sx_window_t own, const double *z,
                          float *out, sx_slope_units units, double z_factor);

typedef struct {
    const char *input;      /* GDAL raster name */
    int band;               /* 1-based */
    const char *out_nc;     /* CF-HDF5 output path or NULL */
    const char *out_cog;    /* COG output path or NULL */
    sx_slope_units units;
    double z_factor;
    const char *provenance; /* JSON stored with the outputs, or NULL */
} sx_slope_opts_t;

/** Read, decompose, exchange halos, compute, write. Collective over comm.
 *  The same as sx_dem_terrain_run with the one product SX_TERRAIN_SLOPE. */
sx_err sx_dem_slope_run(MPI_Comm comm, const sx_slope_opts_t *opts);

/** Terrain products. Every one is nodata where the 3 x 3 neighbourhood
 *  leaves the grid or holds nodata (gdaldem without -compute_edges). Cell
 *  sizes are metres (per row on geographic grids), elevations times z_factor. */
typedef enum {
    SX_TERRAIN_SLOPE = 0,        /* Horn slope, degree or percent (slope_units); float32 */
    SX_TERRAIN_ASPECT,           /* gdaldem aspect: degrees clockwise from north, -9999 on flat cells; float32 */
    SX_TERRAIN_HILLSHADE,        /* gdaldem hillshade: 1..255 (uint8, 0 nodata), light from azimuth/altitude */
    SX_TERRAIN_CURVATURE,        /* ArcGIS curvature -2 (D + E) x 100 (Zevenbergen & Thorne), 1/100 per m; float32 */
    SX_TERRAIN_PROFILE_CURVATURE,/* ArcGIS profile curvature along the slope, negative convex; float32 */
    SX_TERRAIN_PLAN_CURVATURE,   /* ArcGIS plan curvature across the slope, positive convex; float32 */
    SX_TERRAIN_TPI,              /* z - mean of the 8 neighbours (gdaldem); float32 */
    SX_TERRAIN_TRI,              /* sqrt of the sum of squared differences to the 8 neighbours (Riley; gdaldem); float32 */
    SX_TERRAIN_ROUGHNESS,        /* max - min of the 3 x 3 window (gdaldem); float32 */
    SX_TERRAIN_TWI,              /* ln(a / tan b), a = accumulation x cell width; nodata where flat; float32 */
    SX_TERRAIN_NPRODUCTS
} sx_terrain_product;

/** Name of a product ("slope", "profile_curvature", ...), its option name. */
const char *sx_terrain_name(sx_terrain_product p);
/** Product of a name; fails (SX_ERR_USAGE) listing the names. */
sx_err sx_terrain_parse(const char *name, sx_terrain_product *p);

typedef struct {
    sx_terrain_product product;
    const char *out_nc;          /* CF netCDF output */
    const char *out_cog;         /* COG made from it, or NULL */
} sx_terrain_output_t;

typedef struct {
    const char *input;           /* DEM (GDAL name) */
    int band;                    /* 1-based */
    const sx_terrain_output_t *outputs;
    int n_outputs;
    sx_slope_units slope_units;
    double z_factor;             /* elevations are multiplied by this (1 for none) */
    double azimuth, altitude;    /* hillshade light, degrees (0, 0 = gdaldem's 315, 45) */
    const char *accum;           /* TWI: flow accumulation in cells on the DEM's grid (dem accum) */
    const char *provenance;      /* JSON stored with the outputs, or NULL */
} sx_terrain_opts_t;

/**
 * The products of own from elevations z laid out over ext (own grown by one
 * cell where the grid allows; NaN = nodata), with the units, z_factor and
 * light of opts (its outputs are ignored): out[p] receives own.ny rows of
 * own.nx float32 values for each product p whose pointer is not NULL
 * (out[SX_TERRAIN_HILLSHADE] is unused), hs the hillshade (uint8) if not
 * NULL, and acc (own layout, cells) is the accumulation TWI needs. Not
 * collective; OpenMP over rows.
 */
sx_err sx_dem_terrain_block(const sx_grid_t *grid, sx_window_t ext, sx_window_t own, const double *z,
                            const sx_terrain_opts_t *opts, float *const out[SX_TERRAIN_NPRODUCTS], uint8_t *hs,
                            const double *acc);

/**
 * Read the DEM once (own block plus a one-cell halo, in its exact type),
 * compute every requested product in one pass over the block (OpenMP over
 * rows), write each as CF netCDF (+ COG). Bit-identical at any rank and
 * thread count. Collective over comm.
 */
sx_err sx_dem_terrain_run(MPI_Comm comm, const sx_terrain_opts_t *opts);

#endif
