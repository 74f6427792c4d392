/*
 * step_hydro_common.c — NAME: value maps shared by the hydro job steps.
 */
#include "jobs/step_hydro_common.h"

#include "sanxiang/sx_parse.h"

sx_err sx__step_named_values(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const char **names, double *vals, int *n)
{
    *n = 0;
    for (size_t i = 0; map && i < sx_cfg_node_len(map); i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(map, i);
        if (*n == SX_STEP_HYDRO_MAX_NAMED) return sx_cfg_fail_at(cfg, v, "at most %d names", SX_STEP_HYDRO_MAX_NAMED);
        if (!sx_parse_double(sx_cfg_node_text(v), &vals[*n]))
            return sx_cfg_fail_at(cfg, v, "expected a number for '%s'", sx_cfg_node_key_at(map, i));
        names[(*n)++] = sx_cfg_node_key_at(map, i);
    }
    return SX_OK;
}
