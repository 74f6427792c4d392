/*
 * step_hydro_common.h — pieces the hydro job steps share (not public):
 * NAME: value maps of parameters and states, the one-rank rule of the
 * basin-series tools (run, route, evaluate, thiessen), and reading the
 * observed and simulated discharge of evaluate and correct.
 */
#ifndef SX_STEP_HYDRO_COMMON_H
#define SX_STEP_HYDRO_COMMON_H

#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_job.h"

#define SX_STEP_HYDRO_MAX_NAMED 64

/** The NAME: number pairs of map (may be NULL) into names/vals (at most
 *  SX_STEP_HYDRO_MAX_NAMED); a value that is not a number fails at its node. */
sx_err sx__step_named_values(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const char **names, double *vals, int *n);

/** The `time,Q` series named by the step's keys `obs` and `sim` into so and ss (owning: both
 *  sx_hydro_series_fini, also on failure). obs_gaps: observations may have missing values and
 *  rows (sx_hydro_series_read_missing). Not collective. */
sx_err sx__step_read_obs_sim(sx_job_t *job, const sx_cfg_node_t *node, int obs_gaps, sx_hydro_series_t *so,
                             sx_hydro_series_t *ss);

/** The row of the regular series s at time t (as sx_hydro_time_parse gives it), or -1 when t is not
 *  one of its times. Not collective. */
int64_t sx__step_series_row(const sx_hydro_series_t *s, double t);

#endif
