/*
 * f2d_outputs.h — output writers of the flood run driver (outputs.c); all
 * collective over the model's communicator.
 */
#ifndef SX_F2D_OUTPUTS_H
#define SX_F2D_OUTPUTS_H

#include "f2d_internal.h"

/** max_depth, arrival_time, max_velocity, max_hazard as <dir>/<name>.nc (+ .tif). */
sx_err sx__f2d_write_max_layers(sx_f2d_t *m, const char *dir, int formats, const char *prov);
/** Current depth as a 2-D CF file (float32). */
sx_err sx__f2d_write_snapshot(sx_f2d_t *m, const char *path);
/** Copy snapshots snap_fmt % t (t = 0..nsnap-1) into one CF time series. */
sx_err sx__f2d_assemble_series(sx_f2d_t *m, const char *snap_fmt, int64_t nsnap, const double *times, const char *path,
                               const char *prov);
/** Flood-extent polygons (4-connected regions of max depth >= threshold) with
 *  area_m2, traced in parallel; max_depth is the layer's GDAL name on rank 0
 *  (where it is staged when written in this step). */
sx_err sx__f2d_write_extent(MPI_Comm comm, const char *max_depth, double threshold, const char *gpkg);

#endif
