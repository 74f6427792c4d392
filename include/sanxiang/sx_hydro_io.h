/*
 * sx_hydro_io.h — time-series tables for the hydrological models: forcing
 * (`time,P,E[,Q]`), inflow hydrographs (`time,Q`) and the CSV outputs.
 *
 * A table has a `time` column and named numeric columns. Times are either
 * integer step numbers or ISO dates ("2024-06-01", "2024-06-01 08:00",
 * "2024-06-01T08:00:00", UTC). The step must be regular: a gap, a repeated
 * or a backwards time is an error naming both rows and times. Every value
 * must be a finite number >= 0: an empty cell, NaN or a negative value is an
 * error naming the file, row, time and column — never a silent zero.
 * Not collective (read on one rank, broadcast with sx_hydro_series_bcast).
 */
#ifndef SX_HYDRO_IO_H
#define SX_HYDRO_IO_H

#include <mpi.h>
#include <stdint.h>
#include "sx_err.h"

#define SX_HYDRO_MAX_COLS 16

typedef struct {
    int64_t n;                 /* rows */
    char **time;               /* n time strings as written */
    double *t;                 /* n times: seconds since 1970 (dates) or step numbers */
    int time_is_date;
    double dt;                 /* regular step: seconds (dates) or 1 */
    int ncol;
    char name[SX_HYDRO_MAX_COLS][32];
    double *col[SX_HYDRO_MAX_COLS]; /* NULL if an optional column is absent */
    char source[256];          /* the file it was read from, for messages ("" if built in memory) */
} sx_hydro_series_t;

/**
 * Read path. required[0..nreq) must be present; optional[0..nopt) are read
 * if present. Other columns are ignored. Owning: sx_hydro_series_fini.
 */
sx_err sx_hydro_series_read(const char *path, const char *const *required, int nreq, const char *const *optional,
                            int nopt, sx_hydro_series_t *out);
/** sx_hydro_series_read for observations with gaps: a value written empty,
 *  NA, NaN, null or - is read as NaN (missing) instead of refused, and rows
 *  may be left out (times must still increase strictly; dt is the smallest
 *  step seen). Not collective. Owning: sx_hydro_series_fini. */
sx_err sx_hydro_series_read_missing(const char *path, const char *const *required, int nreq, sx_hydro_series_t *out);
void sx_hydro_series_fini(sx_hydro_series_t *s);
/** Parse a time as the tables write it (integer step or ISO date, UTC) into
 *  *t (seconds since 1970 or the step number); 0 if it is neither. */
int sx_hydro_time_parse(const char *s, double *t, int *is_date);
/** Column by name (NULL if absent). */
double *sx_hydro_series_col(const sx_hydro_series_t *s, const char *name);
/** Length of one step in hours: from dated rows (dt_hours, when > 0, must
 *  agree with them or the call fails naming both and the file), else
 *  dt_hours, or 24 when dt_hours is 0. Not collective. */
sx_err sx_hydro_series_step_hours(const sx_hydro_series_t *s, double dt_hours, double *out);

/** Broadcast a series read on root to every rank of comm. Collective. */
sx_err sx_hydro_series_bcast(MPI_Comm comm, int root, sx_hydro_series_t *s);

/**
 * Write a CSV with the time column of like and ncol named columns of n values,
 * through a temporary name and rename (one rank). Values with %.10g.
 */
sx_err sx_hydro_series_write(const char *path, const sx_hydro_series_t *like, int ncol, const char *const *names,
                             const double *const *cols);


/* ---- areal rain: gauge weights (Thiessen or IDW) ---------------------- */

typedef enum { SX_HYDRO_WEIGHTS_THIESSEN = 0, SX_HYDRO_WEIGHTS_IDW = 1 } sx_hydro_weights_method_t;

typedef struct {
    sx_hydro_weights_method_t method;
    double power; /* IDW exponent p, (0, 10]; 2 by convention */
    int grid;     /* cell centres per side of the polygon's envelope, 2..20000 */
} sx_hydro_weights_opts_t;

/**
 * Weights of nst stations (x, y in the polygon's CRS) over one sub-basin
 * polygon given as WKT, measured at the centres of a grid x grid lattice over
 * the polygon's envelope that fall inside it (point-in-polygon by OGR/GEOS):
 *  - Thiessen (1911): w_s = share of the centres whose nearest station is s
 *    (ties to the lower index);
 *  - IDW (Shepard 1968): w_s = mean over the centres c of
 *    d(c,s)^-p / sum_k d(c,k)^-p (a centre on a station takes that station).
 * w[nst] sums to 1; the error is O(1/grid). Fails on invalid WKT, bad
 * options or a polygon no centre falls in. Not collective.
 */
sx_err sx_hydro_weights_wkt(const char *wkt, const sx_hydro_weights_opts_t *o, int nst, const double *x,
                            const double *y, double *w);
/** Thiessen weights (sx_hydro_weights_wkt with SX_HYDRO_WEIGHTS_THIESSEN). */
sx_err sx_hydro_thiessen_wkt(const char *wkt, int nst, const double *x, const double *y, int grid, double *w);

/**
 * Weights of every polygon of a vector layer (GDAL/OGR dataset, first
 * layer): out_ids[i] (malloc'd strings from field id_field) and
 * out_w[i * nst + s]. *npoly gets the count. Caller frees with free() each
 * id, the id array and the weights. Not collective.
 */
sx_err sx_hydro_weights_layer(const char *path, const char *id_field, const sx_hydro_weights_opts_t *o, int nst,
                              const double *x, const double *y, int *npoly, char ***out_ids, double **out_w);
sx_err sx_hydro_thiessen_layer(const char *path, const char *id_field, int nst, const double *x, const double *y,
                               int grid, int *npoly, char ***out_ids, double **out_w);

/** Gauge locations from a CSV with the columns id, x, y found by name in its
 *  header (any order, other columns ignored; x, y in the polygons' CRS; a
 *  UTF-8 BOM and '#' comment lines allowed): at most max rows into names/x/y,
 *  count in *n. A header without id, x and y, an empty or repeated id, or a
 *  missing coordinate fails naming the file and line. Not collective. */
sx_err sx_hydro_gauges_read(const char *path, int max, int *n, char (*names)[32], double *x, double *y);
/* ---- parameter sets (the final SCE-UA population of a calibration) ------- */

#define SX_HYDRO_MAX_SET_PARAMS 32

typedef struct {
    char model[16];
    int np;                                  /* parameters per set */
    char name[SX_HYDRO_MAX_SET_PARAMS][16];  /* in the model's parameter order */
    int64_t n;                               /* sets (rows) */
    double *v;                               /* [n][np] */
} sx_hydro_param_sets_t;

/**
 * Write `model` parameter sets as CSV (header model,<parameter names>,objective,loss; one row per
 * set: the model, the values with %.17g, the objective name and the loss it minimised) through a
 * temporary name. rows: nrows x (1 + np) doubles, the loss then the parameters, best first. One rank.
 */
sx_err sx_hydro_param_sets_write(const char *path, const char *model, const char *objective, const double *rows,
                                 int64_t nrows);

/**
 * Read sets for `model` written by sx_hydro_param_sets_write (or by hand: a `model` column is
 * optional, `objective` and `loss` are ignored, every other column must name a parameter of the
 * model). Keeps the first `best` rows (0: all; the file is best first). Refuses, naming file, line
 * and column: an unknown column, a row of another model, a value that is not a number or lies
 * outside the parameter's valid range, best > rows. Not collective. Owning: _fini.
 */
sx_err sx_hydro_param_sets_read(const char *path, const char *model, int64_t best, sx_hydro_param_sets_t *out);
void sx_hydro_param_sets_fini(sx_hydro_param_sets_t *s);

#endif
