/*
 * hydrograph.c — inflow hydrographs: read a CSV of (time_s, discharge_m3s)
 * and interpolate linearly in time.
 *
 * The CSV is what the hydro domain's forecasts write: a header line, then
 * one row per time; extra columns are ignored, '#' starts a comment line.
 * Times must increase; checks of values happen in model.c so a hydrograph
 * given through the API is checked the same way.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "f2d_internal.h"

double sx__f2d_inflow_q(const sx_f2d_inflow_t *in, double t)
{
    const int64_t n = in->n;
    if (n < 1 || t < in->t[0] || t > in->t[n - 1]) return 0.0;
    int64_t lo = 0, hi = n - 1;
    while (hi - lo > 1) { /* bisection: last knot <= t */
        int64_t mid = (lo + hi) / 2;
        if (in->t[mid] <= t) lo = mid;
        else hi = mid;
    }
    if (lo == hi) return in->q[lo];
    double w = (t - in->t[lo]) / (in->t[hi] - in->t[lo]);
    return in->q[lo] + w * (in->q[hi] - in->q[lo]);
}

sx_err sx_f2d_hydrograph_read(const char *path, int64_t *n, double **t, double **q)
{
    *n = 0;
    *t = *q = NULL;
    FILE *f = fopen(path, "r");
    SX_FAIL_IF(!f, SX_ERR_IO, "cannot open the hydrograph '%s': %s", path, strerror(errno));
    char line[1024];
    int64_t cap = 0, len = 0, lineno = 0;
    int header = 1;
    sx_err err = SX_OK;
    double *tt = NULL, *qq = NULL;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0'; /* quoted in messages, which are one line */
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#' || !*p) continue;
        if (header) { /* first non-comment line names the columns */
            header = 0;
            continue;
        }
        char *end;
        errno = 0;
        double a = strtod(p, &end);
        int ok = end != p && !errno;
        while (ok && (*end == ' ' || *end == '\t')) end++;
        ok = ok && (*end == ',' || *end == ';');
        double b = 0;
        if (ok) {
            p = end + 1;
            b = strtod(p, &end);
            ok = end != p && !errno;
        }
        if (!ok || !isfinite(a) || !isfinite(b)) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "%s:%lld: expected 'time_s,discharge_m3s' numbers, got '%.60s'", path, (long long)lineno,
                             line);
            break;
        }
        if (len == cap) {
            cap = cap ? 2 * cap : 64;
            double *nt = realloc(tt, (size_t)cap * sizeof *nt), *nq = nt ? realloc(qq, (size_t)cap * sizeof *nq) : NULL;
            if (nt) tt = nt;
            if (nq) qq = nq;
            if (!nt || !nq) {
                err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory reading '%s'", path);
                break;
            }
        }
        tt[len] = a;
        qq[len] = b;
        len++;
    }
    fclose(f);
    if (err == SX_OK && len == 0)
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "hydrograph '%s' has no data rows", path);
    for (int64_t i = 1; err == SX_OK && i < len; i++)
        if (!(tt[i] > tt[i - 1]))
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "hydrograph '%s': time %g s on data row %lld does not increase (previous %g s)", path,
                             tt[i], (long long)i + 1, tt[i - 1]);
    if (err != SX_OK) {
        free(tt);
        free(qq);
        return err;
    }
    *n = len;
    *t = tt;
    *q = qq;
    return SX_OK;
}
