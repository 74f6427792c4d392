/*
 * grid_h5.h — internal: gridded rain (or evaporation) read directly from
 * HDF5 files laid out as GPM IMERG (V06 /Grid/precipitationCal, V07
 * /Grid/precipitation): a (time, lon, lat) or (time, lat, lon) variable with
 * 1-D lon, lat and time coordinates, time in CF "<unit> since <date>", a
 * rate (mm/hr, mm/h) or an amount (mm) per record. See grid_h5.c.
 */
#ifndef SX_HYDRO_GRID_H5_H
#define SX_HYDRO_GRID_H5_H

#include <stdint.h>
#include "sanxiang/sx_err.h"
#include "sanxiang/sx_grid.h"

typedef struct {
    int nfiles;
    char **path;        /* owned copies */
    char var[256];
    int lon_first;      /* 1: (time, lon, lat) as IMERG; 0: (time, lat, lon) */
    int lat_up;         /* 1: latitudes ascend (south first), rows are flipped */
    int64_t nrec;       /* records over all files */
    double *t;          /* [nrec] record start, seconds since 1970 */
    int *file;          /* [nrec] file of the record */
    int64_t *index;     /* [nrec] time index inside its file */
    double rec_s;       /* length of one record, seconds */
    double to_mm;       /* value x to_mm = mm per record (rate x hours, or 1 for mm) */
    sx_grid_t g;        /* north-up lon/lat frame, EPSG:4326, nodata = the fill value */
} sx__h5grid_t;

/**
 * Index files[0..nfiles): the variable `var` (e.g. "/Grid/precipitation"),
 * its dimension order (dimension-scale names, else the "DimensionNames"
 * attribute, else `dims` = "time,lon,lat" | "time,lat,lon"; a `dims` given
 * must agree with what is detected), coordinates (all files on one grid), times, units
 * and fill value. record_s: record length in seconds (IMERG: 1800). Not
 * collective. Owning: sx__h5grid_fini.
 */
sx_err sx__h5grid_open(int nfiles, const char *const *files, const char *var, const char *dims, double record_s,
                       sx__h5grid_t *h);

/**
 * Window [x0, x0+nx) x [y0, y0+ny) of the north-up frame, in mm over the
 * step [t0, t0 + dt_s): the sum of the records covering it (a record longer
 * than the step, or a step not fully covered, is an error naming the time
 * `label` and the missing record). Cells holding the fill value in any
 * record come back NaN. tmp: 2*nx*ny doubles of scratch. Not collective.
 */
sx_err sx__h5grid_step(const sx__h5grid_t *h, double t0, double dt_s, const char *label, int64_t x0, int64_t y0,
                       int64_t nx, int64_t ny, double *win, double *tmp);

void sx__h5grid_fini(sx__h5grid_t *h);

/** Seconds per CF time unit and origin (seconds since 1970) of "<unit> since <date>". */
sx_err sx__hydro_cf_units(const char *path, const char *units, double *scale, double *origin);

#endif
