/*
 * freq_design_in.c — the design discharges of the 5-, 20- and 50-year floods
 * (frequencies 20 %, 5 %, 2 %) read back from the CSV `hydro frequency`
 * writes (frequency_out.c: rows `design,,VALUE,,FREQ_PCT,RETURN_YEARS,METHOD`),
 * so a station's warning signal can be graded by return period. The curve
 * fit (适线, method `curve`) is taken when the file has one, else the
 * moments. Errors name the file and what is missing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hydro_internal.h"
#include "sanxiang/sx_hydro_stations.h"

static sx_err scan(const sx_table_t *t, const char *path, double q[3])
{
    const int ci = sx_table_col(t, "item"), cv = sx_table_col(t, "value"), cr = sx_table_col(t, "return_period_years"),
              cm = sx_table_col(t, "method");
    SX_FAIL_IF(ci < 0 || cv < 0 || cr < 0 || cm < 0, SX_ERR_INPUT,
               "%s:%d: not a `hydro frequency` table (needs item, value, return_period_years, method)", path,
               sx_table_line(t, -1));
    static const double years[3] = {5, 20, 50};
    double mom[3] = {NAN, NAN, NAN}, fit[3] = {NAN, NAN, NAN};
    for (int r = 0; r < t->nrow; r++) {
        if (strcmp(sx_table_at(t, r, ci), "design")) continue;
        const double y = strtod(sx_table_at(t, r, cr), NULL), v = strtod(sx_table_at(t, r, cv), NULL);
        for (int k = 0; k < 3; k++)
            if (fabs(y - years[k]) < 1e-9) (strcmp(sx_table_at(t, r, cm), "curve") ? mom : fit)[k] = v;
    }
    const double *use = isnan(fit[0]) ? mom : fit;
    for (int k = 0; k < 3; k++) {
        SX_FAIL_IF(!(use[k] > 0), SX_ERR_INPUT, "%s: no design value of the %g-year flood (a `design` row with "
                   "return_period_years %g); write it with `sanxiang hydro frequency`", path, years[k], years[k]);
        q[k] = use[k];
    }
    return SX_OK;
}

sx_err sx_freq_read_design(const char *path, double q[3])
{
    sx_table_t *t = NULL;
    SX_CHECK(sx__hydro_table_read(path, &t));
    sx_err e = scan(t, path, q);
    sx_table_destroy(&t);
    return e;
}
