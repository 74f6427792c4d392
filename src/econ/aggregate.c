/*
 * aggregate.c — composite scores from normalised indicators: weighted
 * arithmetic mean (COINr a_amean: weights re-normalised over the values a
 * unit has), weighted geometric mean (COINr a_gmean, with zeros giving 0),
 * TOPSIS (Hwang & Yoon 1981, "Multiple Attribute Decision Making",
 * doi:10.1007/978-3-642-48318-9) and the walk up the hierarchy.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "econ/econ_internal.h"
#include "sanxiang/sx_econ.h"

sx_err sx_econ_agg_parse(const char *s, sx_agg *out)
{
    static const char *const names[] = {"arithmetic", "geometric", "topsis"};
    int i;
    SX_CHECK(sx__econ_parse_name(s, names, 3, "aggregation", &i));
    *out = (sx_agg)i;
    return SX_OK;
}

sx_err sx_econ_aggregate(const double *x, int n_unit, int stride, const int *cols, int k, const double *w,
                         sx_agg m, double *out)
{
    if (m == SX_AGG_TOPSIS) {
        double *sub = calloc((size_t)(n_unit ? n_unit : 1) * (size_t)(k ? k : 1), sizeof *sub);
        SX_FAIL_IF(!sub, SX_ERR_NOMEM, "out of memory");
        for (int u = 0; u < n_unit; u++)
            for (int j = 0; j < k; j++) sub[(int64_t)u * k + j] = x[(int64_t)u * stride + cols[j]];
        sx_err e = sx_econ_topsis(sub, n_unit, k, w, NULL, out);
        free(sub);
        SX_CHECK(e);
        for (int u = 0; u < n_unit; u++) out[u] *= 100;
        return SX_OK;
    }
    for (int u = 0; u < n_unit; u++) {
        double s = 0, ws = 0;
        int zero = 0;
        for (int j = 0; j < k; j++) {
            double v = x[(int64_t)u * stride + cols[j]];
            if (isnan(v) || w[j] == 0) continue;
            if (m == SX_AGG_GEOM) {
                SX_FAIL_IF(v < 0, SX_ERR_INPUT, "geometric mean of a negative value (%g, unit %d); normalise to a positive scale (e.g. min-max 1-100)", v, u + 1);
                if (v == 0) zero = 1;
                else s += w[j] * log(v);
            } else s += w[j] * v;
            ws += w[j];
        }
        if (ws == 0) out[u] = NAN;
        else if (m == SX_AGG_GEOM) out[u] = zero ? 0 : exp(s / ws);
        else out[u] = s / ws;
    }
    return SX_OK;
}

sx_err sx_econ_aggregate_tree(const sx_econ_frame_t *f, const double *xn, int n_unit, const sx_agg *method,
                              const double *w_override, double *out)
{
    const int nn = f->n_node, ni = f->n_ind;
    for (int u = 0; u < n_unit; u++) {
        memcpy(out + (int64_t)u * nn, xn + (int64_t)u * ni, (size_t)ni * sizeof(double));
        for (int j = ni; j < nn; j++) out[(int64_t)u * nn + j] = NAN;
    }
    int *cols = malloc((size_t)nn * sizeof *cols);
    double *w = malloc((size_t)nn * sizeof *w), *col = malloc((size_t)(n_unit ? n_unit : 1) * sizeof *col);
    sx_err err = SX_OK;
    if (!cols || !w || !col) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory");
    for (int p = ni; p < nn; p++) {
        int k = 0;
        for (int c = 0; c < p; c++)
            if (f->parent[c] == p) {
                cols[k] = c;
                w[k] = w_override ? w_override[c] : f->weight[c];
                k++;
            }
        SX_CHECK_GOTO(sx_econ_aggregate(out, n_unit, nn, cols, k, w, method[f->level[p] - 2], col), err, done);
        for (int u = 0; u < n_unit; u++) out[(int64_t)u * nn + p] = col[u];
    }
done:
    free(cols), free(w), free(col);
    return err;
}
