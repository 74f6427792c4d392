/*
 * reservoir_route.c — level-pool routing through one reservoir by the
 * storage-indication (modified Puls) method (Chow, Maidment & Mays 1988,
 * Applied Hydrology, §8.2 "Level pool routing").
 *
 * Continuity over a step, with the inflow and outflow varying linearly
 * within it, is (S2 - S1)/dt = (I1 + I2)/2 - (O1 + O2)/2; the unknowns S2 and
 * O2 go left: 2 S2/dt + O2 = I1 + I2 + 2 S1/dt - O1. The storage-indication
 * function SI(S) = 2S/dt + O(S) is piecewise linear between the table's rows
 * and strictly increasing (storage increases, outflow never decreases), so it
 * has exactly one inverse: the row pair that brackets the right-hand side,
 * then linear interpolation. There is no iteration and no extrapolation: a
 * right-hand side above the top row (the reservoir would overtop the table)
 * or below the bottom row (the step drains more than the pool holds: dt is
 * too long for the outlet) is an error naming the time.
 *
 * Correctness: the linear reservoir S = K O is reproduced exactly (SI is
 * linear, so interpolation is exact), which the tests compare with V. M.
 * Ponce's published onlinerouting02 sample table; the balance above holds to round-off by
 * construction and is checked on every test case.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sanxiang/sx_hydro_reservoir.h"

static const char *when(const char *const *times, int64_t j, char *buf, size_t len)
{
    if (times && times[j])
        snprintf(buf, len, "time %s", times[j]);
    else
        snprintf(buf, len, "step %lld", (long long)j);
    return buf;
}

sx_err sx_reservoir_route(const sx_reservoir_curves_t *c, double dt, int64_t n, const double *inflow, double s0,
                          const char *const *times, double *outflow, double *storage, double *level)
{
    SX_FAIL_IF(!(dt > 0) || !isfinite(dt), SX_ERR_INPUT, "reservoir routing: step %g s must be > 0", dt);
    SX_FAIL_IF(n < 1, SX_ERR_INPUT, "reservoir routing: the inflow series is empty");
    SX_CHECK(sx_reservoir_storage_check(c, s0, "initial storage"));
    char at[96];
    for (int64_t j = 0; j < n; j++)
        SX_FAIL_IF(!(inflow[j] >= 0) || !isfinite(inflow[j]), SX_ERR_INPUT,
                   "%s: inflow %g must be a finite number >= 0", when(times, j, at, sizeof at), inflow[j]);
    const int m = c->n;
    double *si;
    SX_ALLOC(si, m, "storage-indication table");
    for (int k = 0; k < m; k++) si[k] = 2 * c->s[k] / dt + c->q[k];
    storage[0] = s0;
    outflow[0] = sx_reservoir_outflow(c, s0);
    level[0] = sx_reservoir_level(c, s0);
    sx_err e = SX_OK;
    for (int64_t j = 0; j + 1 < n; j++) {
        const double rhs = inflow[j] + inflow[j + 1] + 2 * storage[j] / dt - outflow[j];
        if (!(rhs <= si[m - 1])) {
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                           "%s: the reservoir would rise above the top of the curve %s (level %g %s, line %d): "
                           "2S/dt + O = %.6g m3/s exceeds %.6g there; the curve is not extrapolated: extend it to "
                           "higher levels", when(times, j + 1, at, sizeof at), c->source, c->z[m - 1] / c->unit[0].to_si, c->unit[0].unit,
                           c->line[m - 1],
                           rhs, si[m - 1]);
            break;
        }
        if (!(rhs >= si[0])) {
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                           "%s: the reservoir would fall below the bottom of the curve %s (level %g %s, line %d): "
                           "2S/dt + O = %.6g m3/s is below %.6g; shorten the time step or extend the curve down",
                           when(times, j + 1, at, sizeof at), c->source, c->z[0] / c->unit[0].to_si, c->unit[0].unit,
                           c->line[0], rhs, si[0]);
            break;
        }
        int lo = 0, hi = m - 1; /* bracket rhs: si[lo] <= rhs <= si[lo + 1] */
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            if (si[mid] <= rhs)
                lo = mid;
            else
                hi = mid;
        }
        const double f = (rhs - si[lo]) / (si[lo + 1] - si[lo]);
        storage[j + 1] = c->s[lo] + f * (c->s[lo + 1] - c->s[lo]);
        outflow[j + 1] = c->q[lo] + f * (c->q[lo + 1] - c->q[lo]);
        level[j + 1] = c->z[lo] + f * (c->z[lo + 1] - c->z[lo]);
    }
    free(si);
    return e;
}

void sx_reservoir_balance(double dt, int64_t n, const double *inflow, const double *outflow, const double *storage,
                          double *vin, double *vout, double *ds)
{
    double a = 0, b = 0;
    for (int64_t j = 0; j + 1 < n; j++) {
        a += 0.5 * dt * (inflow[j] + inflow[j + 1]);
        b += 0.5 * dt * (outflow[j] + outflow[j + 1]);
    }
    *vin = a;
    *vout = b;
    *ds = n > 0 ? storage[n - 1] - storage[0] : 0;
}
