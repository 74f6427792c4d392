/*
 * vhi.c — vegetation drought indices over a multi-year stack: the Vegetation
 * Condition Index, the Temperature Condition Index and the Vegetation Health
 * Index.
 *
 * Kogan, F. N. (1995) Application of vegetation index and brightness
 * temperature for drought detection. Adv. Space Res. 15(11):91-100,
 * doi:10.1016/0273-1177(95)00079-T. For the layer of year j (the same season
 * of every year: a month, a dekad, a yearly maximum) and the minimum and
 * maximum over all years of the stack at that pixel:
 *   VCI_j = 100 (NDVI_j - NDVI_min) / (NDVI_max - NDVI_min)
 *   TCI_j = 100 (BT_max - BT_j) / (BT_max - BT_min)
 *   VHI_j = a VCI_j + (1 - a) TCI_j            (a = 0.5 in Kogan's papers)
 * Missing values are left out of the minimum and maximum and give nodata for
 * their own year; a pixel whose range is zero (one valid year, or a constant)
 * is nodata. Per-pixel only, through the stack engine (series.c), so the
 * outputs are bit-identical at any rank count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/series.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_rs_series.h"

#define MAX_YEARS 1024

typedef struct {
    int nyears, has_ndvi, has_bt;
    double weight;
} vhi_ctx_t;

static void range(const double *v, int n, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < n; i++)
        if (!isnan(v[i])) {
            if (v[i] < *lo) *lo = v[i];
            if (v[i] > *hi) *hi = v[i];
        }
}

/* v: the NDVI years then the BT years (those given); out: VCI years, TCI
 * years, VHI years (those that can be formed). */
static void vhi_pixel(const void *ctx, const double *v, double *out, double *work)
{
    (void)work;
    const vhi_ctx_t *c = ctx;
    const int n = c->nyears;
    const double *ndvi = c->has_ndvi ? v : NULL, *bt = c->has_bt ? v + (c->has_ndvi ? n : 0) : NULL;
    double *vci = c->has_ndvi ? out : NULL, *tci = c->has_bt ? out + (c->has_ndvi ? n : 0) : NULL;
    if (ndvi) {
        double lo, hi;
        range(ndvi, n, &lo, &hi);
        for (int j = 0; j < n; j++) vci[j] = hi > lo ? 100 * (ndvi[j] - lo) / (hi - lo) : NAN;
    }
    if (bt) {
        double lo, hi;
        range(bt, n, &lo, &hi);
        for (int j = 0; j < n; j++) tci[j] = hi > lo ? 100 * (hi - bt[j]) / (hi - lo) : NAN;
    }
    if (ndvi && bt)
        for (int j = 0; j < n; j++) out[2 * n + j] = c->weight * vci[j] + (1 - c->weight) * tci[j];
}

sx_err sx_rs_vhi_run(MPI_Comm comm, const sx_rs_vhi_opts_t *o)
{
    const int n = o->ndvi ? o->nyears : o->bt ? o->nyears : 0;
    SX_FAIL_IF(!o->ndvi && !o->bt, SX_ERR_USAGE, "give an NDVI stack (--ndvi), a brightness temperature stack (--bt) or both");
    SX_FAIL_IF(n < 2 || n > MAX_YEARS, SX_ERR_USAGE,
               "VCI/TCI need 2 to %d years of the same season, got %d (%s); give one layer per year", MAX_YEARS, n,
               n == 1 ? (o->ndvi ? o->ndvi[0] : o->bt[0]) : "none");
    SX_FAIL_IF(!(o->weight >= 0 && o->weight <= 1), SX_ERR_USAGE, "--weight must be in [0, 1], got %g", o->weight);
    const int nstack = (o->ndvi ? n : 0) + (o->bt ? n : 0), kinds = (o->ndvi ? 1 : 0) + (o->bt ? 1 : 0) + (o->ndvi && o->bt);
    const char **paths = malloc((size_t)nstack * sizeof *paths);
    sx__rs_series_out_t *outs = calloc((size_t)kinds * n, sizeof *outs);
    char *text = calloc((size_t)kinds * n, 160);
    sx_rs_band_t *bands = NULL;
    char *names = NULL;
    sx_err err = paths && outs && text ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    int k = 0, m = 0;
    for (int j = 0; o->ndvi && j < n; j++) paths[k++] = o->ndvi[j];
    for (int j = 0; o->bt && j < n; j++) paths[k++] = o->bt[j];
    static const char *const what[] = {"vci", "tci", "vhi"};
    static const char *const lname[] = {"Vegetation Condition Index (Kogan 1995), 0-100",
                                        "Temperature Condition Index (Kogan 1995), 0-100",
                                        "Vegetation Health Index (Kogan 1995), 0-100"};
    for (int w = 0; w < 3 && !err; w++) {
        if ((w == 0 && !o->ndvi) || (w == 1 && !o->bt) || (w == 2 && !(o->ndvi && o->bt))) continue;
        for (int j = 0; j < n; j++, m++) {
            char *name = text + (size_t)m * 160;
            snprintf(name, 16, "%s_%d", what[w], j + 1);
            snprintf(name + 16, 144, "%s, year %d of %d", lname[w], j + 1, n);
            outs[m] = (sx__rs_series_out_t){name, name + 16, "1", SX_DT_FLOAT32};
        }
    }
    if (!err) err = sx__rs_series_bands(paths, nstack, o->band, o->has_nodata, o->nodata, &bands, &names);
    char method[256];
    snprintf(method, sizeof method, "vci/tci/vhi (Kogan 1995) over %d years%s; VHI = %.6g VCI + %.6g TCI", n,
             o->ndvi && o->bt ? ", NDVI layers then BT layers" : "", o->weight, 1 - o->weight);
    vhi_ctx_t ctx = {n, o->ndvi != NULL, o->bt != NULL, o->weight};
    sx__rs_series_t so = {bands, nstack, outs, m, vhi_pixel, &ctx, 1, o->strip_rows, "rs vhi", method, o->out_stem,
                          o->formats, o->provenance};
    if (!err) err = sx__rs_series_run(comm, &so);
    free(names);
    free(bands);
    free(text);
    free(outs);
    free(paths);
    return err;
}
