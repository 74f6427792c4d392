/*
 * sx_dem.h — DEM terrain and hydrology kernels.
 *
 * Slope: Horn (1981) third-order finite difference over the 3 x 3
 * neighbourhood, the method of gdaldem, ArcGIS and GRASS r.slope.aspect.
 * Horn, B.K.P. (1981) Hill shading and the reflectance map. Proc. IEEE
 * 69(1):14-47, doi:10.1109/PROC.1981.11918.
 */
#ifndef SX_DEM_H
#define SX_DEM_H

#include <mpi.h>
#include "sx_decomp.h"
#include "sx_err.h"
#include "sx_grid.h"

typedef enum { SX_SLOPE_DEGREE = 0, SX_SLOPE_PERCENT } sx_slope_units;

#define SX_SLOPE_NODATA (-9999.0f)

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

/** Read, decompose, exchange halos, compute, write. Collective over comm. */
sx_err sx_dem_slope_run(MPI_Comm comm, const sx_slope_opts_t *opts);

#endif
