/*
 * step_hydro_reservoir.h — what the `hydro_reservoir` step shares between
 * its files and with the forecast network's reservoir nodes (not public):
 * reading RULES.yaml and the `structures` key.
 */
#ifndef SX_STEP_HYDRO_RESERVOIR_H
#define SX_STEP_HYDRO_RESERVOIR_H

#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_config.h"
#include "sanxiang/sx_hydro_reservoir.h"

/** Read a reservoir's operating rules (RULES.yaml, step_hydro_reservoir_rules.c) for curves c and the
 *  inflow in: *release gets in->n specified releases (NaN where none; malloc'd) or NULL when the file
 *  orders none. Errors name the file, line and key. Not collective. */
sx_err sx__step_reservoir_rules_read(const char *path, const sx_reservoir_curves_t *c, const sx_hydro_series_t *in,
                                     sx_reservoir_rules_t *r, double **release);

/** A specified release series (CSV time,release; units from the header) at the times of in: rel[in->n]
 *  (NaN where none). A time not in `in` is refused naming the file and time. Not collective. */
sx_err sx__step_reservoir_release_read(const char *path, const sx_hydro_series_t *in, double *rel);

/** The `structures` key st of cfg (a job file's list of {type: weir|gate|outlet, ...} maps, or command-line
 *  values each holding one such map as YAML flow text) set on c as its outflow capacity
 *  (sx_reservoir_curves_set_structures; what names the reservoir). Errors name the file, line and key or
 *  the option and its text (step_hydro_reservoir_structures.c). Not collective. */
sx_err sx__step_reservoir_structures(const sx_cfg_t *cfg, const sx_cfg_node_t *st, sx_reservoir_curves_t *c,
                                     const char *what);

/** Log the stretches of steps each rule governed ("WHO: T0 .. T1: rule R (level ..., release ...)"), SI values. */
void sx__step_reservoir_log_rules(const char *who, int64_t n, const char *const *time, const sx_reservoir_rule_t *rule,
                                  const double *lev, const double *out);

#endif
