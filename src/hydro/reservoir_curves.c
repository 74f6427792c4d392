/*
 * reservoir_curves.c — a reservoir's level–storage–outflow table: reading
 * it (the hydrological table reader, units from the header), checking it
 * (monotonic, finite, non-negative; a bad row is refused by its line) and
 * looking values up by linear interpolation between rows. Lookups never
 * extrapolate: a level or storage outside the table is an error naming the
 * table's range. Routing is in reservoir_route.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hydro/hydro_internal.h"
#include "sanxiang/sx_hydro_reservoir.h"

#define ACRE_FOOT 1233.48183754752 /* m3: 43560 ft3 x 0.3048^3 */
#define CUBIC_FOOT 0.028316846592  /* m3 */

static const sx_reservoir_unit_t level_units[] = {
    {"level", 1, "m"}, {"level_m", 1, "m"}, {"level_ft", 0.3048, "ft"}, {NULL, 0, NULL}};
static const sx_reservoir_unit_t storage_units[] = {{"storage", 1, "m3"},
                                                    {"storage_m3", 1, "m3"},
                                                    {"storage_1e4m3", 1e4, "1e4 m3"},
                                                    {"storage_1e8m3", 1e8, "1e8 m3"},
                                                    {"storage_acft", ACRE_FOOT, "acre-ft"},
                                                    {NULL, 0, NULL}};
static const sx_reservoir_unit_t outflow_units[] = {
    {"outflow", 1, "m3/s"}, {"outflow_m3s", 1, "m3/s"}, {"outflow_cfs", CUBIC_FOOT, "cfs"}, {NULL, 0, NULL}};
static const sx_reservoir_unit_t inflow_units[] = {
    {"inflow", 1, "m3/s"}, {"inflow_m3s", 1, "m3/s"}, {"inflow_cfs", CUBIC_FOOT, "cfs"}, {NULL, 0, NULL}};

static const sx_reservoir_unit_t release_units[] = {
    {"release", 1, "m3/s"}, {"release_m3s", 1, "m3/s"}, {"release_cfs", CUBIC_FOOT, "cfs"}, {NULL, 0, NULL}};

const sx_reservoir_unit_t *sx_reservoir_units(const char *quantity)
{
    if (!strcmp(quantity, "level")) return level_units;
    if (!strcmp(quantity, "storage")) return storage_units;
    if (!strcmp(quantity, "outflow")) return outflow_units;
    if (!strcmp(quantity, "inflow")) return inflow_units;
    if (!strcmp(quantity, "release")) return release_units;
    return NULL;
}

void sx_reservoir_curves_fini(sx_reservoir_curves_t *c)
{
    if (!c) return;
    free(c->z);
    free(c->s);
    free(c->q);
    free(c->line);
    memset(c, 0, sizeof *c);
}

/* "path:line" of row i for messages. */
static const char *where(const sx_reservoir_curves_t *c, const int *line, int i, char *buf, size_t len)
{
    if (line && line[i] > 0)
        snprintf(buf, len, "%s:%d", c->source, line[i]);
    else
        snprintf(buf, len, "%s row %d", c->source, i + 1);
    return buf;
}

/* Check and copy n SI rows; messages give the values in the units of the file's header (u). */
static sx_err build(sx_reservoir_curves_t *c, int n, const double *z, const double *s, const double *q, const int *line,
                    const char *source, const sx_reservoir_unit_t *u)
{
    memset(c, 0, sizeof *c);
    snprintf(c->source, sizeof c->source, "%s", source && *source ? source : "curves");
    for (int k = 0; k < 3; k++) c->unit[k] = u[k];
    SX_FAIL_IF(n < 2, SX_ERR_INPUT, "%s has %d row(s); a reservoir curve needs at least two levels", c->source, n);
    const double *col[3] = {z, s, q};
    char at[300], prev[300];
    for (int i = 0; i < n; i++) {
        double v[3], p[3]; /* this row and the previous one in the file's units */
        for (int k = 0; k < 3; k++) {
            v[k] = col[k][i] / u[k].to_si;
            p[k] = i ? col[k][i - 1] / u[k].to_si : 0;
            SX_FAIL_IF(!isfinite(v[k]), SX_ERR_INPUT, "%s: %s is not a finite number", where(c, line, i, at, sizeof at),
                       u[k].name);
        }
        SX_FAIL_IF(s[i] < 0, SX_ERR_INPUT, "%s: %s %g is negative", where(c, line, i, at, sizeof at), u[1].name, v[1]);
        SX_FAIL_IF(q[i] < 0, SX_ERR_INPUT, "%s: %s %g is negative", where(c, line, i, at, sizeof at), u[2].name, v[2]);
        if (i == 0) continue;
        where(c, line, i - 1, prev, sizeof prev);
        SX_FAIL_IF(z[i] <= z[i - 1], SX_ERR_INPUT,
                   "%s: %s %g does not rise above %g (%s); the curve is not monotonic: levels must increase row by "
                   "row", where(c, line, i, at, sizeof at), u[0].name, v[0], p[0], prev);
        SX_FAIL_IF(s[i] <= s[i - 1], SX_ERR_INPUT,
                   "%s: %s %g does not rise above %g (%s); the curve is not monotonic: storage must increase with "
                   "level", where(c, line, i, at, sizeof at), u[1].name, v[1], p[1], prev);
        SX_FAIL_IF(q[i] < q[i - 1], SX_ERR_INPUT,
                   "%s: %s %g is below %g (%s); the curve is not monotonic: outflow capacity must not fall as the "
                   "level rises", where(c, line, i, at, sizeof at), u[2].name, v[2], p[2], prev);
    }
    SX_ALLOC(c->z, n, "reservoir levels");
    SX_ALLOC(c->s, n, "reservoir storages");
    SX_ALLOC(c->q, n, "reservoir outflows");
    SX_ALLOC(c->line, n, "reservoir curve lines");
    memcpy(c->z, z, (size_t)n * sizeof *z);
    memcpy(c->s, s, (size_t)n * sizeof *s);
    memcpy(c->q, q, (size_t)n * sizeof *q);
    for (int i = 0; i < n; i++) c->line[i] = line ? line[i] : 0;
    c->n = n;
    return SX_OK;
}

sx_err sx_reservoir_curves_init(sx_reservoir_curves_t *c, int n, const double *z, const double *s, const double *q,
                                const int *line, const char *source)
{
    const sx_reservoir_unit_t si[3] = {level_units[0], storage_units[0], outflow_units[0]};
    return build(c, n, z, s, q, line, source, si);
}

/* The column of quantity in t and its unit; fails listing the accepted names. */
static sx_err find_column(const sx_table_t *t, const char *path, const sx_reservoir_unit_t *units, int *col,
                          sx_reservoir_unit_t *unit)
{
    *col = -1;
    char names[160] = "";
    for (const sx_reservoir_unit_t *u = units; u->name; u++) {
        size_t o = strlen(names);
        snprintf(names + o, sizeof names - o, "%s%s", o ? ", " : "", u->name);
        for (int c = 0; c < t->ncol; c++) {
            if (strcmp(t->head[c], u->name)) continue;
            SX_FAIL_IF(*col >= 0, SX_ERR_INPUT, "%s:%d: columns '%s' and '%s' both give the %s; keep one", path,
                       sx_table_line(t, -1), unit->name, u->name, units[0].name);
            *col = c;
            *unit = *u;
        }
    }
    SX_FAIL_IF(*col < 0, SX_ERR_INPUT, "%s:%d: header has no %s column; name one of %s (needs level, storage, outflow)",
               path, sx_table_line(t, -1), units[0].name, names);
    return SX_OK;
}

static sx_err read_table(const sx_table_t *t, const char *path, int nq, sx_reservoir_curves_t *out, double *v, int *line)
{
    const sx_reservoir_unit_t *units[3] = {level_units, storage_units, outflow_units};
    sx_reservoir_unit_t unit[3] = {level_units[0], storage_units[0], outflow_units[0]};
    int col[3];
    for (int k = 0; k < 2 + nq; k++) SX_CHECK(find_column(t, path, units[k], &col[k], &unit[k]));
    const int n = t->nrow;
    for (int r = 0; r < n; r++) {
        line[r] = sx_table_line(t, r);
        v[2 * (int64_t)n + r] = 0; /* no outflow column: the structures give it */
        for (int k = 0; k < 2 + nq; k++) {
            const char *cell = sx_table_at(t, r, col[k]);
            SX_FAIL_IF(!*cell, SX_ERR_INPUT, "%s:%d: %s is empty; every row needs a level, a storage and an outflow",
                       path, line[r], unit[k].name);
            char *end;
            double x = strtod(cell, &end);
            SX_FAIL_IF(end == cell || *end || !isfinite(x), SX_ERR_INPUT, "%s:%d: %s = '%s' is not a finite number",
                       path, line[r], unit[k].name, cell);
            v[(int64_t)k * n + r] = x * unit[k].to_si;
        }
    }
    return build(out, n, v, v + n, v + 2 * (int64_t)n, line, path, unit);
}

static sx_err read_curves(const char *path, int nq, sx_reservoir_curves_t *out)
{
    memset(out, 0, sizeof *out);
    sx_table_t *t = NULL;
    SX_CHECK(sx__hydro_table_read(path, &t));
    double *v = malloc(3 * (size_t)(t->nrow ? t->nrow : 1) * sizeof *v);
    int *line = malloc((size_t)(t->nrow ? t->nrow : 1) * sizeof *line);
    sx_err e = v && line ? read_table(t, path, nq, out, v, line)
                         : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory reading '%s'", path);
    free(v);
    free(line);
    sx_table_destroy(&t);
    if (e) {
        sx_reservoir_curves_fini(out);
        sx_err_trace(SX__FILE, __LINE__);
    }
    return e;
}

sx_err sx_reservoir_curves_read(const char *path, sx_reservoir_curves_t *out)
{
    return read_curves(path, 1, out);
}

sx_err sx_reservoir_curves_read_zv(const char *path, sx_reservoir_curves_t *out)
{
    return read_curves(path, 0, out);
}

/* Segment k (0 <= k < n-1) with x[k] <= v <= x[k+1], v inside [x[0], x[n-1]]. */
static int segment(const double *x, int n, double v)
{
    int lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if (x[mid] <= v)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static double interp(const double *x, const double *y, int n, double v)
{
    if (v <= x[0]) return y[0];
    if (v >= x[n - 1]) return y[n - 1];
    int k = segment(x, n, v);
    return y[k] + (v - x[k]) / (x[k + 1] - x[k]) * (y[k + 1] - y[k]);
}

double sx_reservoir_level(const sx_reservoir_curves_t *c, double s)
{
    return interp(c->s, c->z, c->n, s);
}

double sx_reservoir_outflow(const sx_reservoir_curves_t *c, double s)
{
    return interp(c->s, c->q, c->n, s);
}

sx_err sx_reservoir_storage_at(const sx_reservoir_curves_t *c, double z, const char *what, double *s)
{
    const int n = c->n;
    const sx_reservoir_unit_t *u = &c->unit[0];
    SX_FAIL_IF(!(z >= c->z[0] && z <= c->z[n - 1]), SX_ERR_INPUT,
               "%s: level %g %s is outside the curve %s (%g .. %g %s); the curve is not extrapolated: extend it or "
               "give a level inside it", what, z / u->to_si, u->unit, c->source, c->z[0] / u->to_si,
               c->z[n - 1] / u->to_si, u->unit);
    *s = interp(c->z, c->s, n, z);
    return SX_OK;
}

sx_err sx_reservoir_storage_check(const sx_reservoir_curves_t *c, double s, const char *what)
{
    const int n = c->n;
    const sx_reservoir_unit_t *u = &c->unit[1];
    SX_FAIL_IF(!(s >= c->s[0] && s <= c->s[n - 1]), SX_ERR_INPUT,
               "%s: storage %g %s is outside the curve %s (%g .. %g %s); the curve is not extrapolated: extend it or "
               "give a storage inside it", what, s / u->to_si, u->unit, c->source, c->s[0] / u->to_si,
               c->s[n - 1] / u->to_si, u->unit);
    return SX_OK;
}

sx_err sx_reservoir_storage_steady(const sx_reservoir_curves_t *c, double q, double *s)
{
    const int n = c->n;
    const sx_reservoir_unit_t *u = &c->unit[2];
    SX_FAIL_IF(!(q >= c->q[0] && q <= c->q[n - 1]), SX_ERR_INPUT,
               "outflow = inflow: the first inflow %g %s is outside the outflow range of the curve %s (%g .. %g %s); "
               "give an initial level or storage, or extend the curve", q / u->to_si, u->unit, c->source,
               c->q[0] / u->to_si, c->q[n - 1] / u->to_si, u->unit);
    int k = 0;
    while (k < n - 1 && c->q[k + 1] < q) k++; /* the lowest row at which the capacity reaches q */
    if (c->q[k] >= q || c->q[k + 1] == c->q[k])
        *s = c->s[k];
    else
        *s = c->s[k] + (q - c->q[k]) / (c->q[k + 1] - c->q[k]) * (c->s[k + 1] - c->s[k]);
    return SX_OK;
}
