/*
 * reservoir_route.c — level-pool routing through one reservoir by the
 * storage-indication (modified Puls) method (Chow, Maidment & Mays 1988,
 * Applied Hydrology, §8.2 "Level pool routing"), with or without operating
 * rules (the rules themselves are checked in reservoir_rules.c).
 *
 * Continuity over a step, with the inflow and outflow varying linearly
 * within it, is (S2 - S1)/dt = (I1 + I2)/2 - (O1 + O2)/2; the unknowns S2 and
 * O2 go left: 2 S2/dt + O2 = I1 + I2 + 2 S1/dt - O1. When the outlets run
 * free (no rules, or by capacity) O2 = O(S2) and the storage-indication
 * function SI(S) = 2S/dt + O(S) is piecewise linear between the table's rows
 * and strictly increasing (storage increases, outflow never decreases), so it
 * has exactly one inverse: the row pair that brackets the right-hand side,
 * then linear interpolation. When a rule sets the release R, S2 follows from
 * the same equation with O2 = R. There is no iteration and no extrapolation:
 * a state above the top row (the reservoir would overtop the table) or below
 * the bottom row (the step drains more than the pool holds) is an error
 * naming the time.
 *
 * A continued run (sx_reservoir_operate_hot) prepends the previous run's
 * last row — its storage, level, release and inflow — so its first row is the
 * same step an uninterrupted run takes.
 *
 * Correctness: the linear reservoir S = K O is reproduced exactly (SI is
 * linear, so interpolation is exact), which the tests compare with V. M.
 * Ponce's published onlinerouting02 sample table; every step satisfies the
 * continuity equation, so the water balance holds to round-off, which is
 * checked on every test case; each rule has a hand-checked test.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_hydro_reservoir.h"

static const char *const rule_names[SX_RESERVOIR_RULE_COUNT] = {
    "capacity", "inflow", "return_to_flood_limit", "safe_discharge", "stage", "ramp_rate", "above_high_level",
    "specified", "pre_release", "compensation"};

const char *sx_reservoir_rule_name(sx_reservoir_rule_t r)
{
    return r >= 0 && r < SX_RESERVOIR_RULE_COUNT ? rule_names[r] : "?";
}

static const char *when(const char *const *times, int64_t j, char *buf, size_t len)
{
    if (times && times[j])
        snprintf(buf, len, "time %s", times[j]);
    else
        snprintf(buf, len, "step %lld", (long long)j);
    return buf;
}

typedef struct {
    const sx_reservoir_curves_t *c;
    const double *si; /* 2 s[k]/dt + q[k] */
    double dt;
    const char *const *times;
} ctx_t;

static sx_err above_top(const ctx_t *x, int64_t j, double rhs)
{
    const sx_reservoir_curves_t *c = x->c;
    const int m = c->n;
    char at[96];
    return sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                      "%s: the reservoir would rise above the top of the curve %s (level %g %s, line %d): 2S/dt + O "
                      "= %.6g m3/s exceeds %.6g there; the curve is not extrapolated: extend it to higher levels",
                      when(x->times, j, at, sizeof at), c->source, c->z[m - 1] / c->unit[0].to_si, c->unit[0].unit,
                      c->line[m - 1], rhs, x->si[m - 1]);
}

static sx_err below_bottom(const ctx_t *x, int64_t j, double rhs)
{
    const sx_reservoir_curves_t *c = x->c;
    char at[96];
    return sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                      "%s: the reservoir would fall below the bottom of the curve %s (level %g %s, line %d): 2S/dt + O "
                      "= %.6g m3/s is below %.6g; shorten the time step, lower the release or extend the curve down",
                      when(x->times, j, at, sizeof at), c->source, c->z[0] / c->unit[0].to_si, c->unit[0].unit,
                      c->line[0], rhs, x->si[0]);
}

/* Free outlets: SI(S2) = rhs on the curve. */
static sx_err by_capacity(const ctx_t *x, int64_t j, double rhs, double *s, double *q, double *z)
{
    const sx_reservoir_curves_t *c = x->c;
    const int m = c->n;
    if (!(rhs <= x->si[m - 1])) return above_top(x, j, rhs);
    if (!(rhs >= x->si[0])) return below_bottom(x, j, rhs);
    int lo = 0, hi = m - 1; /* bracket rhs: si[lo] <= rhs <= si[lo + 1] */
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if (x->si[mid] <= rhs)
            lo = mid;
        else
            hi = mid;
    }
    const double f = (rhs - x->si[lo]) / (x->si[lo + 1] - x->si[lo]);
    *s = c->s[lo] + f * (c->s[lo + 1] - c->s[lo]);
    *q = c->q[lo] + f * (c->q[lo + 1] - c->q[lo]);
    *z = c->z[lo] + f * (c->z[lo + 1] - c->z[lo]);
    return SX_OK;
}

/* The largest release the rules allow at level z, and the rule that sets it. */
static double allowed(const sx_reservoir_rules_t *r, double z, sx_reservoir_rule_t *why)
{
    double a = r->q_safe;
    *why = SX_RESERVOIR_RULE_SAFE;
    for (int k = r->nstage - 1; k >= 0; k--)
        if (r->stage_z[k] <= z) {
            if (r->stage_q[k] < a) a = r->stage_q[k], *why = SX_RESERVOIR_RULE_STAGE;
            break;
        }
    return a;
}

/* Pre-release (预泄) at step j: the largest inflow of the next pre_horizon seconds reaches the trigger. */
static int pre_active(const sx_reservoir_rules_t *r, double dt, int64_t n, const double *inflow, int64_t j)
{
    if (!(r->pre_trigger > 0)) return 0;
    const int64_t h = (int64_t)ceil(r->pre_horizon / dt - 1e-9);
    for (int64_t k = j + 1; k <= j + h && k < n; k++)
        if (inflow[k] >= r->pre_trigger) return 1;
    return 0;
}

/* The ruled release of step j -> j+1 (the level at the start decides): the largest release allowed, the
 * inflow at or below the flood-limit level, raised to the pre-release ahead of a forecast peak (the floor
 * then pre_lowest), held to the compensation cap, not below the floor, within the ramp. */
static double ruled(const sx_reservoir_rules_t *r, const ctx_t *x, double s_limit, double s_pre, int pre, double cap,
                    double zj, double rj, double rhs, double inflow_next, sx_reservoir_rule_t *why)
{
    double a = allowed(r, zj, why), rel = a, s_floor = s_limit;
    if (zj <= r->z_limit && inflow_next <= a) rel = inflow_next, *why = SX_RESERVOIR_RULE_INFLOW;
    if (pre && zj > r->pre_lowest) {
        s_floor = s_pre;
        const double p = fmin(r->pre_release, a);
        if (p > rel) rel = p, *why = SX_RESERVOIR_RULE_PRE_RELEASE;
    }
    if (!isnan(cap) && rel > fmax(cap, 0)) rel = fmax(cap, 0), *why = SX_RESERVOIR_RULE_COMPENSATION;
    const double back = rhs - 2 * s_floor / x->dt; /* the release that ends the step on the floor */
    if (rel - back > 1e-9 * fmax(1, fabs(rhs))) /* not round-off: holding the level at the limit is the inflow rule */
        rel = fmax(back, 0), *why = s_floor == s_limit ? SX_RESERVOIR_RULE_RETURN : SX_RESERVOIR_RULE_PRE_RELEASE;
    const double dr = r->ramp * x->dt;
    if (rel > rj + dr) rel = rj + dr, *why = SX_RESERVOIR_RULE_RAMP;
    if (rel < rj - dr) rel = fmax(rj - dr, 0), *why = SX_RESERVOIR_RULE_RAMP;
    return rel;
}

sx_err sx_reservoir_operate(const sx_reservoir_curves_t *c, const sx_reservoir_rules_t *rules, double dt, int64_t n,
                            const double *inflow, const double *release, double s0, const char *const *times,
                            double *outflow, double *storage, double *level, sx_reservoir_rule_t *rule)
{
    return sx_reservoir_operate_capped(c, rules, dt, n, inflow, release, NULL, s0, times, outflow, storage, level, rule);
}

/* The routing; prev (may be NULL) is row 0's state as a previous run left it (storage, level, release). */
static sx_err operate(const sx_reservoir_curves_t *c, const sx_reservoir_rules_t *rules, double dt, int64_t n,
                      const double *inflow, const double *release, const double *cap, double s0,
                      const sx_reservoir_hot_t *prev, const char *const *times, double *outflow, double *storage,
                      double *level, sx_reservoir_rule_t *rule)
{
    SX_FAIL_IF(!(dt > 0) || !isfinite(dt), SX_ERR_INPUT, "reservoir routing: step %g s must be > 0", dt);
    SX_FAIL_IF(n < 1, SX_ERR_INPUT, "reservoir routing: the inflow series is empty");
    SX_CHECK(sx_reservoir_storage_check(c, s0, "initial storage"));
    if (rules) SX_CHECK(sx_reservoir_rules_check(rules, c, "rules"));
    char at[96];
    for (int64_t j = 0; j < n; j++) {
        SX_FAIL_IF(!(inflow[j] >= 0) || !isfinite(inflow[j]), SX_ERR_INPUT,
                   "%s: inflow %g must be a finite number >= 0", when(times, j, at, sizeof at), inflow[j]);
        SX_FAIL_IF(release && !isnan(release[j]) && !(release[j] >= 0 && isfinite(release[j])), SX_ERR_INPUT,
                   "%s: specified release %g must be a finite number >= 0", when(times, j, at, sizeof at),
                   release[j]);
    }
    const int m = c->n;
    double *si;
    SX_ALLOC(si, m, "storage-indication table");
    for (int k = 0; k < m; k++) si[k] = 2 * c->s[k] / dt + c->q[k];
    const ctx_t x = {c, si, dt, times};
    double s_limit = 0, s_pre = 0;
    if (rules) (void)sx_reservoir_storage_at(c, rules->z_limit, "flood_limit_level", &s_limit); /* checked above */
    if (rules && rules->pre_trigger > 0) (void)sx_reservoir_storage_at(c, rules->pre_lowest, "pre_release", &s_pre);
    storage[0] = s0;
    level[0] = sx_reservoir_level(c, s0);
    const double cap0 = sx_reservoir_outflow(c, s0);
    sx_reservoir_rule_t why = SX_RESERVOIR_RULE_CAPACITY;
    outflow[0] = cap0;
    if (release && !isnan(release[0]))
        outflow[0] = fmin(release[0], cap0), why = release[0] <= cap0 ? SX_RESERVOIR_RULE_SPECIFIED : why;
    else if (rules && level[0] < rules->z_high) {
        sx_reservoir_rule_t w;
        double a = allowed(rules, level[0], &w);
        if (inflow[0] < a) a = inflow[0], w = SX_RESERVOIR_RULE_INFLOW;
        if (a < cap0) outflow[0] = a, why = w;
    } else if (rules)
        why = SX_RESERVOIR_RULE_HIGH;
    if (prev) { /* as the previous run ended: its level and release, not recomputed */
        level[0] = prev->level;
        outflow[0] = prev->outflow;
    }
    if (rule) rule[0] = why;
    sx_err e = SX_OK;
    for (int64_t j = 0; j + 1 < n && !e; j++) {
        const double rhs = inflow[j] + inflow[j + 1] + 2 * storage[j] / dt - outflow[j];
        double rel = NAN;
        why = SX_RESERVOIR_RULE_CAPACITY;
        if (release && !isnan(release[j + 1]))
            rel = release[j + 1], why = SX_RESERVOIR_RULE_SPECIFIED;
        else if (rules && level[j] >= rules->z_high)
            why = SX_RESERVOIR_RULE_HIGH;
        else if (rules)
            rel = ruled(rules, &x, s_limit, s_pre, pre_active(rules, dt, n, inflow, j), cap ? cap[j + 1] : NAN,
                        level[j], outflow[j], rhs, inflow[j + 1], &why);
        if (!isnan(rel)) {
            const double s2 = (rhs - rel) * dt / 2;
            if (s2 > c->s[m - 1] || rel > sx_reservoir_outflow(c, s2)) {
                rel = NAN; /* the outlets cannot pass it (or the pool would overtop): they run free */
                if (why != SX_RESERVOIR_RULE_HIGH) why = SX_RESERVOIR_RULE_CAPACITY;
            } else if (s2 < c->s[0]) {
                e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                               "%s: the %s release %g m3/s would drain the reservoir below the bottom of the curve %s "
                               "(level %g %s, line %d); lower the release or extend the curve down",
                               when(times, j + 1, at, sizeof at), sx_reservoir_rule_name(why), rel, c->source,
                               c->z[0] / c->unit[0].to_si, c->unit[0].unit, c->line[0]);
                break;
            } else {
                storage[j + 1] = s2;
                outflow[j + 1] = rel;
                level[j + 1] = sx_reservoir_level(c, s2);
            }
        }
        if (isnan(rel)) e = by_capacity(&x, j + 1, rhs, &storage[j + 1], &outflow[j + 1], &level[j + 1]);
        if (rule) rule[j + 1] = why;
    }
    free(si);
    return e;
}

sx_err sx_reservoir_operate_capped(const sx_reservoir_curves_t *c, const sx_reservoir_rules_t *rules, double dt,
                                   int64_t n, const double *inflow, const double *release, const double *cap, double s0,
                                   const char *const *times, double *outflow, double *storage, double *level,
                                   sx_reservoir_rule_t *rule)
{
    return operate(c, rules, dt, n, inflow, release, cap, s0, NULL, times, outflow, storage, level, rule);
}

sx_err sx_reservoir_operate_hot(const sx_reservoir_curves_t *c, const sx_reservoir_rules_t *rules, double dt, int64_t n,
                                const double *inflow, const double *release, const double *cap,
                                const sx_reservoir_hot_t *prev, const char *const *times, double *outflow,
                                double *storage, double *level, sx_reservoir_rule_t *rule)
{
    SX_FAIL_IF(n < 1, SX_ERR_INPUT, "reservoir routing: the inflow series is empty");
    /* rows -1 .. n-1: the previous run's last row, then this run's */
    const int64_t m = n + 1;
    double *w;
    SX_ALLOC(w, 6 * m, "reservoir routing");
    sx_reservoir_rule_t *r = malloc((size_t)m * sizeof *r);
    const char **tm = times ? malloc((size_t)m * sizeof *tm) : NULL;
    if (!r || (times && !tm)) {
        free(w);
        free(r);
        SX_FAIL(SX_ERR_NOMEM, "out of memory routing a reservoir");
    }
    double *in = w, *rel = w + m, *cp = w + 2 * m, *out = w + 3 * m, *sto = w + 4 * m, *lev = w + 5 * m;
    in[0] = prev->inflow;
    rel[0] = cp[0] = NAN;
    if (tm) tm[0] = "(the hot-start state)";
    for (int64_t j = 0; j < n; j++) {
        in[j + 1] = inflow[j];
        rel[j + 1] = release ? release[j] : NAN;
        cp[j + 1] = cap ? cap[j] : NAN;
        if (tm) tm[j + 1] = times[j];
    }
    sx_err e = operate(c, rules, dt, m, in, release ? rel : NULL, cap ? cp : NULL, prev->storage, prev, tm, out, sto,
                       lev, r);
    if (!e) {
        memcpy(outflow, out + 1, (size_t)n * sizeof *out);
        memcpy(storage, sto + 1, (size_t)n * sizeof *sto);
        memcpy(level, lev + 1, (size_t)n * sizeof *lev);
        if (rule) memcpy(rule, r + 1, (size_t)n * sizeof *r);
    }
    free(w);
    free(r);
    free(tm);
    return e;
}

sx_err sx_reservoir_route(const sx_reservoir_curves_t *c, double dt, int64_t n, const double *inflow, double s0,
                          const char *const *times, double *outflow, double *storage, double *level)
{
    return sx_reservoir_operate(c, NULL, dt, n, inflow, NULL, s0, times, outflow, storage, level, NULL);
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
