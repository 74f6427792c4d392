/*
 * fuzz_hydro_forcing.c — libFuzzer harness for the line-based CSV readers of
 * the hydrological models (src/hydro): the time-series reader for forcing
 * (`time,P,E[,Q]`) and inflow hydrographs (`time,Q`), the rain-gauge
 * locations (`id,x,y`) and the calibrated parameter sets (`model,K,...`).
 *
 * Input: the bytes of one CSV file; every reader reads it (they take a path,
 * so it goes through a scratch file).
 *
 * Properties, besides no crash, leak or undefined behaviour:
 *  - a refusal is one line naming the file;
 *  - a series has n >= 1 rows, times that increase by one regular step dt
 *    (> 0), finite values >= 0, and time labels that parse back to its times;
 *  - writing a series (sx_hydro_series_write) and reading the file back gives
 *    the same times and the values to the 10 digits it writes;
 *  - gauges have finite coordinates; parameter sets are within the model's
 *    parameter bounds.
 */
#include <math.h>
#include <string.h>

#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_io.h"
#include "fuzz_util.h"

static char back_path[300];

static void unlink_back(void) { unlink(back_path); }

static void check_series(const char *path, const sx_hydro_series_t *s, int ncol, const char *const *names)
{
    FZ_REQUIRE(s->n >= 1, "%lld rows", (long long)s->n);
    FZ_REQUIRE(s->dt > 0 && isfinite(s->dt), "step %g", s->dt);
    for (int64_t i = 0; i < s->n; i++) {
        double t;
        int is_date;
        FZ_REQUIRE(sx_hydro_time_parse(s->time[i], &t, &is_date), "label '%s' does not parse", s->time[i]);
        FZ_REQUIRE(t == s->t[i] && is_date == s->time_is_date, "label '%s' gives %.17g, the series holds %.17g",
                   s->time[i], t, s->t[i]);
        if (i) FZ_REQUIRE(s->t[i] - s->t[i - 1] == s->dt, "row %lld: step %g, dt %g", (long long)i,
                          s->t[i] - s->t[i - 1], s->dt);
        for (int c = 0; c < s->ncol; c++)
            if (s->col[c]) FZ_REQUIRE(isfinite(s->col[c][i]) && s->col[c][i] >= 0, "%s[%lld] = %g", s->name[c],
                                      (long long)i, s->col[c][i]);
    }
    /* write and read back */
    const double *cols[SX_HYDRO_MAX_COLS];
    const char *present[SX_HYDRO_MAX_COLS];
    int np = 0;
    for (int c = 0; c < ncol; c++)
        if (s->col[c]) present[np] = names[c], cols[np++] = s->col[c];
    sx_err e = sx_hydro_series_write(back_path, s, np, present, cols);
    FZ_REQUIRE(e == SX_OK, "cannot write the series back: %s", sx_err_message());
    sx_hydro_series_t b;
    e = sx_hydro_series_read(back_path, present, np, NULL, 0, &b);
    FZ_REQUIRE(e == SX_OK, "the series written back does not read: %s", sx_err_message());
    FZ_REQUIRE(b.n == s->n && b.dt == s->dt, "%lld rows step %g became %lld rows step %g", (long long)s->n, s->dt,
               (long long)b.n, b.dt);
    for (int64_t i = 0; i < s->n; i++) {
        FZ_REQUIRE(!strcmp(b.time[i], s->time[i]), "time '%s' became '%s'", s->time[i], b.time[i]);
        for (int c = 0; c < np; c++) {
            double x = cols[c][i], y = b.col[c][i];
            FZ_REQUIRE(fabs(x - y) <= 1e-9 * fabs(x) || (x < 1e-300 && y < 1e-300), "%s[%lld]: %.17g became %.17g",
                       present[c], (long long)i, x, y);
        }
    }
    sx_hydro_series_fini(&b);
    (void)path;
}

static void read_series(const char *path, const char *const *req, int nreq, const char *const *opt, int nopt)
{
    sx_hydro_series_t s;
    sx_err e = sx_hydro_series_read(path, req, nreq, opt, nopt, &s);
    if (e != SX_OK) {
        fz_check_refusal(e, path);
        return;
    }
    const char *names[SX_HYDRO_MAX_COLS];
    for (int c = 0; c < nreq + nopt; c++) names[c] = c < nreq ? req[c] : opt[c - nreq];
    check_series(path, &s, nreq + nopt, names);
    sx_hydro_series_fini(&s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *dir = getenv("TMPDIR");
    snprintf(back_path, sizeof back_path, "%s/sx_fuzz_%ld_back.csv", dir && *dir ? dir : "/tmp", (long)getpid());
    atexit(unlink_back);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_scratch_path(".csv");
    fz_write_file(path, data, size);

    static const char *const forcing[] = {"P", "E"}, *const obs[] = {"Q"};
    read_series(path, forcing, 2, obs, 1); /* hydro run / forecast forcing */
    read_series(path, obs, 1, NULL, 0);    /* flood2d inflow hydrograph */

    char names[64][32];
    double x[64], y[64];
    int n = 0;
    sx_err e = sx_hydro_gauges_read(path, 64, &n, names, x, y);
    if (e != SX_OK) fz_check_refusal(e, path);
    else {
        FZ_REQUIRE(n >= 1 && n <= 64, "%d gauges", n);
        for (int i = 0; i < n; i++) FZ_REQUIRE(isfinite(x[i]) && isfinite(y[i]), "gauge %d at %g,%g", i, x[i], y[i]);
    }

    static const char *const models[] = {"xaj", "gr4j"};
    for (int m = 0; m < 2; m++) {
        sx_hydro_param_sets_t ps;
        e = sx_hydro_param_sets_read(path, models[m], 0, &ps);
        if (e != SX_OK) {
            fz_check_refusal(e, path);
            continue;
        }
        FZ_REQUIRE(ps.n >= 1 && ps.np >= 1, "%lld sets of %d", (long long)ps.n, ps.np);
        for (int64_t i = 0; i < ps.n * ps.np; i++) FZ_REQUIRE(isfinite(ps.v[i]), "value %lld = %g", (long long)i, ps.v[i]);
        sx_hydro_param_sets_fini(&ps);
    }
    sx_err_clear();
    return 0;
}
