/*
 * sx_hydro_reservoir.h — one reservoir as a level pool: its curves (level,
 * storage and outflow capacity, one row per level) and the routing of an
 * inflow series through it by the storage-indication (modified Puls) method
 * (Chow, Maidment & Mays 1988, Applied Hydrology, §8.2).
 *
 * Units: SI inside (m, m³, m³/s, s). A file's header names the unit of each
 * column (`storage_1e4m3` = 万m³, `storage_1e8m3` = 亿m³, `level_ft`,
 * `storage_acft`, `outflow_cfs`); sx_reservoir_units lists the accepted names.
 *
 * The curves are never extrapolated: a level, a storage or a routed state
 * outside the table is an error, not a guess. Nothing here is collective and
 * nothing keeps global state; a curves object may be shared read-only by
 * threads.
 */
#ifndef SX_HYDRO_RESERVOIR_H
#define SX_HYDRO_RESERVOIR_H

#include <stdint.h>
#include "sx_err.h"

/** An accepted column header of a quantity and its factor to SI. */
typedef struct {
    const char *name;  /* "storage_1e4m3" */
    double to_si;      /* 1e4 */
    const char *unit;  /* "1e4 m3" (for messages) */
} sx_reservoir_unit_t;

/** The headers accepted for quantity ("level", "storage", "outflow",
 *  "inflow" or "release"), ending with an entry whose name is NULL; NULL for another
 *  quantity. Static storage. */
const sx_reservoir_unit_t *sx_reservoir_units(const char *quantity);

/** Level–storage–outflow curves, SI, rows in increasing level. Owning
 *  (sx_reservoir_curves_fini). */
typedef struct {
    int n;                 /* rows, >= 2 */
    double *z, *s, *q;     /* level (m), storage (m3), outflow capacity (m3/s) */
    int *line;             /* line of the file each row is on (0 when built in memory) */
    sx_reservoir_unit_t unit[3]; /* the headers read: level, storage, outflow */
    char source[256];      /* the file, for messages ("curves" when built in memory) */
} sx_reservoir_curves_t;

/**
 * Read CURVES.csv (columns level, storage, outflow in any order, each with
 * an optional unit suffix; other columns ignored; '#' comment lines, a BOM
 * and CRLF allowed) through the hydrological table reader, convert to SI and
 * check as sx_reservoir_curves_init does. Errors name the file, line and
 * column. Not collective.
 */
sx_err sx_reservoir_curves_read(const char *path, sx_reservoir_curves_t *out);

/** As sx_reservoir_curves_read for a level–storage (Z–V) curve alone: the
 *  outflow column is not read and q is 0 until
 *  sx_reservoir_curves_set_structures fills it. Not collective. */
sx_err sx_reservoir_curves_read_zv(const char *path, sx_reservoir_curves_t *out);

/**
 * Build curves from n SI rows (copied). Checks: n >= 2; every value finite;
 * storage and outflow >= 0; level and storage strictly increasing; outflow
 * never decreasing. A failing row is named by its line (line[i], or the row
 * number when line is NULL) and column. source may be NULL. Not collective.
 */
sx_err sx_reservoir_curves_init(sx_reservoir_curves_t *c, int n, const double *z, const double *s, const double *q,
                                const int *line, const char *source);
void sx_reservoir_curves_fini(sx_reservoir_curves_t *c);

/** Storage (m3) at level z (m); a level outside the curve fails naming what
 *  ("--initial-level"), the value and the curve's range. */
sx_err sx_reservoir_storage_at(const sx_reservoir_curves_t *c, double z, const char *what, double *s);
/** Check that a storage s (m3) lies on the curve; fails as above. */
sx_err sx_reservoir_storage_check(const sx_reservoir_curves_t *c, double s, const char *what);
/** Steady state: the lowest storage at which the outflow capacity equals q
 *  (m3/s). Fails when q is outside the curve's outflow range. */
sx_err sx_reservoir_storage_steady(const sx_reservoir_curves_t *c, double q, double *s);
/** Level (m) and outflow capacity (m3/s) at a storage on the curve (clamped
 *  to it). */
double sx_reservoir_level(const sx_reservoir_curves_t *c, double s);
double sx_reservoir_outflow(const sx_reservoir_curves_t *c, double s);

/**
 * Level-pool routing by storage indication: with SI(S) = 2S/dt + O(S)
 * (strictly increasing, piecewise linear between the rows),
 *     SI(S[j+1]) = I[j] + I[j+1] + 2 S[j]/dt - O[j],
 * solved for S[j+1] on the curve, O[j+1] = O(S[j+1]), Z[j+1] = Z(S[j+1]).
 * Starts at storage s0 (on the curve). dt in seconds; inflow[n] in m3/s
 * (finite, >= 0); outflow, storage, level [n] written (index 0 = the initial
 * state). A step whose storage indication leaves the curve fails naming the
 * time (times[j], or the step number when times is NULL), the value and the
 * curve's row it passed. The water balance
 *     S[n-1] - S[0] = dt * sum_j ((I[j] + I[j+1]) - (O[j] + O[j+1])) / 2
 * holds to round-off. Not collective. (sx_reservoir_operate without rules.)
 */
sx_err sx_reservoir_route(const sx_reservoir_curves_t *c, double dt, int64_t n, const double *inflow, double s0,
                          const char *const *times, double *outflow, double *storage, double *level);

/* ---- operating rules (调度规程) ------------------------------------------ */

/** The rule that set a step's release. */
typedef enum {
    SX_RESERVOIR_RULE_CAPACITY = 0, /* outflow = the outlets' capacity at the level (no rules, or a release the
                                       outlets cannot pass) */
    SX_RESERVOIR_RULE_INFLOW,       /* at the flood-limit level: release = inflow, the level held */
    SX_RESERVOIR_RULE_RETURN,       /* the release that brings the level back to the flood-limit level */
    SX_RESERVOIR_RULE_SAFE,         /* release = the downstream safe discharge */
    SX_RESERVOIR_RULE_STAGE,        /* release = the maximum of the stage the level is in */
    SX_RESERVOIR_RULE_RAMP,         /* release held to the ramp-rate limit */
    SX_RESERVOIR_RULE_HIGH,         /* at or above the flood-control high level: release by capacity */
    SX_RESERVOIR_RULE_SPECIFIED,    /* the dispatcher's specified release */
    SX_RESERVOIR_RULE_PRE_RELEASE,  /* 预泄: a forecast inflow peak ahead crosses the trigger: release pre_release,
                                       drawing the level down to pre_lowest_level at most */
    SX_RESERVOIR_RULE_COMPENSATION, /* 错峰/补偿: release held so that the downstream control point stays at its safe
                                       discharge (the cap sx_reservoir_operate_capped is given) */
    SX_RESERVOIR_RULE_COUNT
} sx_reservoir_rule_t;

/** Short name of a rule as written in outputs ("safe_discharge", ...). */
const char *sx_reservoir_rule_name(sx_reservoir_rule_t r);

#define SX_RESERVOIR_MAX_STAGES 32

/** Operating rules, SI. Caller-owned, no pointers. */
typedef struct {
    double z_limit;  /* 汛限水位, flood-limit level (m) */
    double z_high;   /* 防洪高水位, flood-control high level (m), > z_limit */
    double q_safe;   /* 下游安全泄量, downstream safe discharge (m3/s) */
    int nstage;      /* staged maxima: from level stage_z[k] (increasing) release at most stage_q[k] */
    double stage_z[SX_RESERVOIR_MAX_STAGES], stage_q[SX_RESERVOIR_MAX_STAGES];
    double ramp;     /* largest change of a ruled release per second (m3/s per s); INFINITY: none */
    /* 预泄 pre-release (pre_trigger 0: none): when the largest inflow of the next pre_horizon seconds (the
     * series routed is the forecast) reaches pre_trigger, release at least pre_release (<= q_safe) while the
     * level is above pre_lowest_level (< z_limit), which takes the place of z_limit as the floor. */
    double pre_trigger, pre_horizon, pre_release, pre_lowest;
} sx_reservoir_rules_t;

/**
 * Check rules against curves: z_limit < z_high, both on the curve; q_safe
 * >= 0; stages at increasing levels on the curve with maxima >= 0 and (below
 * z_high) <= q_safe; ramp > 0. Messages name the rule by its key in the
 * rules file (flood_limit_level, flood_control_high_level, safe_discharge,
 * stages[k], ramp_rate) prefixed by what. Not collective.
 */
sx_err sx_reservoir_rules_check(const sx_reservoir_rules_t *r, const sx_reservoir_curves_t *c, const char *what);

/**
 * Route with operating rules. Each step's release R[j+1] is decided from the
 * level Z[j] at its start, in this order:
 *  1. a specified release (release[j+1] not NaN) is taken as ordered;
 *  2. at or above z_high: release by capacity (SI routing as above);
 *  3. otherwise the release is at most A = min(q_safe, the maximum of the
 *     highest stage whose level <= Z[j]): at or below z_limit it is the
 *     inflow I[j+1] (capped at A), above z_limit it is A; if that would take
 *     the level below z_limit, it is the release that lands on z_limit
 *     (>= 0); the change from R[j] is then limited to ramp * dt.
 * A controlled release R gives S[j+1] = S[j] + dt (I[j] + I[j+1] - R[j] - R)/2;
 * if R exceeds the outlets' capacity at S[j+1] the step is routed by
 * capacity instead. The first release is release[0], or with rules the
 * smaller of I[0], A and the capacity, or without rules the capacity.
 * rules NULL (and release NULL): sx_reservoir_route. release may be NULL.
 * rule[n] (may be NULL) receives the rule of each step. Errors as
 * sx_reservoir_route (a specified release that drains the pool below the
 * curve names the time). The water balance holds to round-off. Not
 * collective.
 */
sx_err sx_reservoir_operate(const sx_reservoir_curves_t *c, const sx_reservoir_rules_t *rules, double dt, int64_t n,
                            const double *inflow, const double *release, double s0, const char *const *times,
                            double *outflow, double *storage, double *level, sx_reservoir_rule_t *rule);

/**
 * sx_reservoir_operate with a compensation (错峰) cap: below z_high a ruled
 * (not specified) release R[j+1] is at most max(cap[j+1], 0) when cap[j+1] is
 * not NaN, applied after the inflow/stage/safe/pre-release choice and before
 * the return-to-limit and ramp limits; the step's rule is then
 * "compensation". cap may be NULL (= sx_reservoir_operate). Not collective.
 */
sx_err sx_reservoir_operate_capped(const sx_reservoir_curves_t *c, const sx_reservoir_rules_t *rules, double dt,
                                   int64_t n, const double *inflow, const double *release, const double *cap, double s0,
                                   const char *const *times, double *outflow, double *storage, double *level,
                                   sx_reservoir_rule_t *rule);

/** A reservoir's state at the end of a row, all that the next step needs (the
 *  hot-start file keeps it): storage (m3), level (m), release (m3/s) and
 *  inflow (m3/s) at that row. */
typedef struct {
    double storage, level, outflow, inflow;
} sx_reservoir_hot_t;

/**
 * sx_reservoir_operate_capped continuing a run: row 0 is not a start state
 * but the step from prev (the previous run's last row) to row 0, exactly as
 * the uninterrupted run computes it (the release decided from prev's level,
 * ramp-limited from prev's release), so two runs joined by prev give the
 * same numbers as one run, bit for bit. prev->storage must lie on the curve.
 * Not collective.
 */
sx_err sx_reservoir_operate_hot(const sx_reservoir_curves_t *c, const sx_reservoir_rules_t *rules, double dt, int64_t n,
                                const double *inflow, const double *release, const double *cap,
                                const sx_reservoir_hot_t *prev, const char *const *times, double *outflow,
                                double *storage, double *level, sx_reservoir_rule_t *rule);

/* ---- outflow capacity from the structures ------------------------------ */

typedef enum {
    SX_RESERVOIR_WEIR = 0,  /* free overflow weir (溢洪道): q = m B sqrt(2g) H^1.5, H = Z - crest */
    SX_RESERVOIR_GATE,      /* gated spillway (闸孔): opening e; e/H <= 0.65: q = mu B e sqrt(2g H), else weir flow */
    SX_RESERVOIR_OUTLET     /* bottom outlet (底孔, pressure flow): q = mu A sqrt(2g (Z - centre)) */
} sx_reservoir_structure_kind_t;

/** One group of identical openings, SI. */
typedef struct {
    sx_reservoir_structure_kind_t kind;
    int count;       /* openings (>= 1) */
    double crest;    /* weir crest / gate sill / outlet centre elevation (m) */
    double width;    /* width of one opening (m) (weir, gate) */
    double area;     /* area of one outlet (m2) (outlet) */
    double opening;  /* gate opening e (m) (gate; INFINITY: fully open = weir flow) */
    double m;        /* weir discharge coefficient (weir, gate above e/H 0.65) */
    double mu;       /* orifice discharge coefficient (gate, outlet) */
} sx_reservoir_structure_t;

/** Capacity (m3/s) of n structure groups at level z (m): the sum of each
 *  group's formula above (0 below its crest / centre). Not collective. */
double sx_reservoir_structures_q(const sx_reservoir_structure_t *st, int n, double z);

/** Fill c->q[k] with sx_reservoir_structures_q(st, n, c->z[k]) for every row
 *  and re-check the curves (outflow never decreasing; a decrease names the
 *  row and what to fix). Not collective. */
sx_err sx_reservoir_curves_set_structures(sx_reservoir_curves_t *c, const sx_reservoir_structure_t *st, int n,
                                          const char *what);

/** Trapezoidal volumes (m3) of a routed series: vin, vout, and the storage
 *  change ds = storage[n-1] - storage[0]. */
void sx_reservoir_balance(double dt, int64_t n, const double *inflow, const double *outflow, const double *storage,
                          double *vin, double *vout, double *ds);

#endif
