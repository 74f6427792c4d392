/*
 * series.h — the per-pixel stack engine shared by the time-series products of
 * src/rs (trend, drought indices; not public).
 *
 * A stack is S single-band layers on one grid. The engine reads every layer
 * of this rank's block strip by strip (nodata as NaN), hands each pixel's S
 * values to a kernel that fills nout values, and writes every output as a
 * layer <stem>_<name>. A pixel's outputs depend only on its own S values,
 * so results do not depend on the rank, thread or strip count.
 */
#ifndef SX_RS_SERIES_INTERNAL_H
#define SX_RS_SERIES_INTERNAL_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include "sanxiang/sx_grid.h"
#include "sanxiang/sx_rs.h"

typedef struct {
    const char *name;      /* file suffix and variable name: <stem>_<name> */
    const char *long_name;
    const char *units;
    sx_dtype dtype;        /* SX_DT_FLOAT64, SX_DT_FLOAT32 (NaN nodata) or SX_DT_UINT8 (255 nodata) */
} sx__rs_series_out_t;

/* Kernel: v[0..S) one pixel's values (NaN = nodata), out[0..nout) its
 * results, work work_doubles doubles of scratch private to the thread. */
typedef void (*sx__rs_series_fn)(const void *ctx, const double *v, double *out, double *work);

typedef struct {
    const sx_rs_band_t *bands; /* the stack, S layers */
    int nbands;
    const sx__rs_series_out_t *outs;
    int nout;
    sx__rs_series_fn pixel;
    const void *ctx;
    size_t work_doubles;
    int strip_rows;            /* 0: about 64 MB of input rows per strip */
    const char *what;          /* "rs trend", for logs and timers */
    const char *method;        /* the method and its parameters, recorded in the provenance */
    const char *out_stem;
    int formats;               /* SX_LAYER_COG | SX_LAYER_NC */
    const char *provenance;
} sx__rs_series_t;

/** Run the kernel over the stack and write the outputs. Collective over comm. */
sx_err sx__rs_series_run(MPI_Comm comm, const sx__rs_series_t *o);

/** Band records for plain layers (no scaling): names "date1", "date2", ...
 *  stored in *names (caller frees both arrays). Not collective. */
sx_err sx__rs_series_bands(const char *const *inputs, int n, int band, int has_nodata, double nodata,
                           sx_rs_band_t **bands, char **names);

/** The exact k[t]-th smallest (0-based) of the non-NaN values v[0..n) of all
 *  ranks together, for t < nk, into out[t] (every rank gets them); each k[t]
 *  must be below the global count of non-NaN values. Collective over comm. */
sx_err sx__rs_select(MPI_Comm comm, const double *v, int64_t n, const int64_t *k, int nk, double *out);

#endif
