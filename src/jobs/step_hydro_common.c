/*
 * step_hydro_common.c — NAME: value maps shared by the hydro job steps, and
 * the observed/simulated discharge pair of evaluate and correct.
 */
#include "jobs/step_hydro_common.h"

#include <math.h>
#include <string.h>

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

sx_err sx__step_read_obs_sim(sx_job_t *job, const sx_cfg_node_t *node, int obs_gaps, sx_hydro_series_t *so,
                             sx_hydro_series_t *ss)
{
    memset(so, 0, sizeof *so);
    memset(ss, 0, sizeof *ss);
    const char *obsf, *simf;
    SX_CHECK(sx_job_input(job, node, "obs", &obsf));
    SX_CHECK(sx_job_input(job, node, "sim", &simf));
    static const char *const req[] = {"Q"};
    SX_CHECK(obs_gaps ? sx_hydro_series_read_missing(obsf, req, 1, so)
                      : sx_hydro_series_read(obsf, req, 1, NULL, 0, so));
    sx_err e = sx_hydro_series_read(simf, req, 1, NULL, 0, ss);
    if (e) sx_hydro_series_fini(so);
    return e;
}

int64_t sx__step_series_row(const sx_hydro_series_t *s, double t)
{
    double k = (t - s->t[0]) / s->dt;
    if (k < 0 || k > (double)(s->n - 1) || k != floor(k)) return -1;
    return (int64_t)k;
}
