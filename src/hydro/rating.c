/*
 * rating.c — stage–discharge relations (rating curves) of control stations
 * and their inversion from a forecast discharge to a water level: a
 * segmented power law Q = a (h - b)^c with breakpoints (inverted in closed
 * form, h = b + (Q/a)^(1/c)), or a table of measured (level, discharge)
 * points interpolated linearly, never extrapolated. See
 * sx_hydro_stations.h for the sources.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hydro_internal.h"
#include "sanxiang/sx_hydro_stations.h"

void sx_rating_fini(sx_rating_t *r)
{
    if (!r) return;
    free(r->th);
    free(r->tq);
    free(r->line);
    r->th = r->tq = NULL;
    r->line = NULL;
    r->ntab = 0;
}

static double seg_q(const sx_rating_t *r, int k, double h)
{
    return h > r->b[k] ? r->a[k] * pow(h - r->b[k], r->c[k]) : 0;
}

sx_err sx_rating_check(const sx_rating_t *r)
{
    SX_FAIL_IF(!r->nseg == !r->ntab, SX_ERR_INPUT, "%s: give the rating as power-law segments or as a table, one of them",
               r->source);
    for (int k = 0; k < r->nseg; k++) {
        SX_FAIL_IF(!(r->a[k] > 0) || !isfinite(r->a[k]) || !(r->c[k] > 0) || !isfinite(r->c[k]) || !isfinite(r->b[k]),
                   SX_ERR_INPUT, "%s: rating segment %d: a = %g, c = %g, b = %g; Q = a (h - b)^c needs a > 0, c > 0 "
                   "and a finite b", r->source, k + 1, r->a[k], r->c[k], r->b[k]);
        SX_FAIL_IF(!isfinite(r->from[k]) || r->from[k] < r->b[k], SX_ERR_INPUT,
                   "%s: rating segment %d starts at level %g below its zero-flow level b = %g; from >= b", r->source,
                   k + 1, r->from[k], r->b[k]);
        if (k == 0) continue;
        SX_FAIL_IF(!(r->from[k] > r->from[k - 1]), SX_ERR_INPUT,
                   "%s: rating segment %d starts at %g, not above segment %d (%g); list the breakpoints from the "
                   "lowest level up", r->source, k + 1, r->from[k], k, r->from[k - 1]);
        const double lo = seg_q(r, k - 1, r->from[k]), hi = seg_q(r, k, r->from[k]);
        SX_FAIL_IF(hi < lo * (1 - 1e-9), SX_ERR_INPUT,
                   "%s: at the breakpoint %g m segment %d gives %.6g m3/s but segment %d only %.6g; the rating "
                   "curve is not monotonic: fit the segments so they meet", r->source, r->from[k], k, lo, k + 1, hi);
    }
    for (int i = 1; i < r->ntab; i++)
        SX_FAIL_IF(!(r->th[i] > r->th[i - 1]) || !(r->tq[i] > r->tq[i - 1]), SX_ERR_INPUT,
                   "%s:%d: level %g, discharge %g do not both rise above the row before (%g, %g); the rating table "
                   "is not monotonic", r->source, r->line ? r->line[i] : i + 1, r->th[i], r->tq[i], r->th[i - 1],
                   r->tq[i - 1]);
    SX_FAIL_IF(r->ntab == 1, SX_ERR_INPUT, "%s: a rating table needs at least two rows", r->source);
    return SX_OK;
}

static sx_err read_rows(const sx_table_t *t, const char *path, sx_rating_t *r)
{
    const int ch = sx_table_col(t, "level|stage|level_m|stage_m"), cq = sx_table_col(t, "discharge|q|discharge_m3s|flow");
    SX_FAIL_IF(ch < 0 || cq < 0, SX_ERR_INPUT, "%s:%d: header needs a level and a discharge column (level,discharge)",
               path, sx_table_line(t, -1));
    SX_ALLOC(r->th, t->nrow + 1, "rating table");
    SX_ALLOC(r->tq, t->nrow + 1, "rating table");
    SX_ALLOC(r->line, t->nrow + 1, "rating table");
    for (int i = 0; i < t->nrow; i++) {
        const int cols[2] = {ch, cq};
        double v[2];
        for (int k = 0; k < 2; k++) {
            const char *cell = sx_table_at(t, i, cols[k]);
            char *end;
            v[k] = strtod(cell, &end);
            SX_FAIL_IF(end == cell || *end || !isfinite(v[k]), SX_ERR_INPUT, "%s:%d: %s = '%s' is not a finite number",
                       path, sx_table_line(t, i), t->head[cols[k]], cell);
        }
        SX_FAIL_IF(v[1] < 0, SX_ERR_INPUT, "%s:%d: discharge %g is negative", path, sx_table_line(t, i), v[1]);
        r->th[i] = v[0];
        r->tq[i] = v[1];
        r->line[i] = sx_table_line(t, i);
    }
    r->ntab = t->nrow;
    SX_FAIL_IF(r->ntab < 2, SX_ERR_INPUT, "%s: a rating table needs at least two rows", path);
    return SX_OK;
}

sx_err sx_rating_read_table(const char *path, sx_rating_t *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->source, sizeof r->source, "%s", path);
    sx_table_t *t = NULL;
    SX_CHECK(sx__hydro_table_read(path, &t));
    sx_err e = read_rows(t, path, r);
    sx_table_destroy(&t);
    if (!e) e = sx_rating_check(r);
    if (e) sx_rating_fini(r);
    return e;
}

double sx_rating_discharge(const sx_rating_t *r, double h)
{
    if (r->ntab) {
        if (h <= r->th[0]) return r->tq[0];
        for (int i = 1; i < r->ntab; i++)
            if (h <= r->th[i]) return r->tq[i - 1] + (h - r->th[i - 1]) / (r->th[i] - r->th[i - 1]) * (r->tq[i] - r->tq[i - 1]);
        return r->tq[r->ntab - 1];
    }
    int k = 0;
    while (k + 1 < r->nseg && h >= r->from[k + 1]) k++;
    return seg_q(r, k, h);
}

sx_err sx_rating_level(const sx_rating_t *r, double q, const char *what, double *h)
{
    SX_FAIL_IF(!(q >= 0) || !isfinite(q), SX_ERR_INPUT, "%s: discharge %g has no level", what, q);
    if (r->ntab) {
        const int n = r->ntab;
        SX_FAIL_IF(q < r->tq[0] || q > r->tq[n - 1], SX_ERR_INPUT,
                   "%s: discharge %.6g m3/s is outside the rating table %s (%g .. %g m3/s); the table is not "
                   "extrapolated: extend it or give the rating as power-law segments", what, q, r->source, r->tq[0],
                   r->tq[n - 1]);
        int i = 1;
        while (i < n - 1 && q > r->tq[i]) i++;
        *h = r->th[i - 1] + (q - r->tq[i - 1]) / (r->tq[i] - r->tq[i - 1]) * (r->th[i] - r->th[i - 1]);
        return SX_OK;
    }
    int k = 0; /* the highest segment whose start carries no more than q */
    while (k + 1 < r->nseg && seg_q(r, k + 1, r->from[k + 1]) <= q) k++;
    double v = r->b[k] + pow(q / r->a[k], 1 / r->c[k]);
    if (k + 1 < r->nseg && v > r->from[k + 1]) v = r->from[k + 1]; /* q in a jump at the breakpoint */
    *h = v;
    return SX_OK;
}
