/*
 * step_hydro_common.h — pieces the hydro job steps share (not public):
 * NAME: value maps of parameters and states, and the one-rank rule of the
 * basin-series tools (run, route, evaluate, thiessen).
 */
#ifndef SX_STEP_HYDRO_COMMON_H
#define SX_STEP_HYDRO_COMMON_H

#include "sanxiang/sx_job.h"

#define SX_STEP_HYDRO_MAX_NAMED 64

/** The NAME: number pairs of map (may be NULL) into names/vals (at most
 *  SX_STEP_HYDRO_MAX_NAMED); a value that is not a number fails at its node. */
sx_err sx__step_named_values(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const char **names, double *vals, int *n);

#endif
