/*
 * reservoir_rules.c — the consistency of a reservoir's operating rules
 * (调度规程) with its curves: the flood-limit level (汛限水位) below the
 * flood-control high level (防洪高水位), both on the curve; a downstream safe
 * discharge (下游安全泄量); staged maxima at rising levels that do not exceed
 * the safe discharge below the high level (the approved rule would contradict
 * itself); a positive ramp rate; a pre-release (预泄) within the safe
 * discharge down to a lowest level below the flood-limit level. Applying the rules is in reservoir_route.c;
 * reading them from a file is the job step's.
 */
#include <math.h>
#include <stdio.h>

#include "sanxiang/sx_hydro_reservoir.h"

sx_err sx_reservoir_rules_check(const sx_reservoir_rules_t *r, const sx_reservoir_curves_t *c, const char *what)
{
    const sx_reservoir_unit_t *zu = &c->unit[0], *qu = &c->unit[2];
    double s;
    SX_FAIL_IF(!(r->z_limit < r->z_high), SX_ERR_INPUT,
               "%s: flood_limit_level %g %s is not below flood_control_high_level %g %s; the flood-limit level "
               "(汛限水位) must lie below the flood-control high level (防洪高水位)", what, r->z_limit / zu->to_si,
               zu->unit, r->z_high / zu->to_si, zu->unit);
    char key[64];
    snprintf(key, sizeof key, "%s: flood_limit_level", what);
    SX_CHECK(sx_reservoir_storage_at(c, r->z_limit, key, &s));
    snprintf(key, sizeof key, "%s: flood_control_high_level", what);
    SX_CHECK(sx_reservoir_storage_at(c, r->z_high, key, &s));
    SX_FAIL_IF(!(r->q_safe >= 0) || isinf(r->q_safe), SX_ERR_INPUT, "%s: safe_discharge %g must be a number >= 0", what,
               r->q_safe / qu->to_si);
    SX_FAIL_IF(!(r->ramp > 0), SX_ERR_INPUT, "%s: ramp_rate %g must be > 0", what, r->ramp);
    SX_FAIL_IF(r->nstage < 0 || r->nstage > SX_RESERVOIR_MAX_STAGES, SX_ERR_INPUT, "%s: %d stages (at most %d)", what,
               r->nstage, SX_RESERVOIR_MAX_STAGES);
    for (int k = 0; k < r->nstage; k++) {
        snprintf(key, sizeof key, "%s: stages[%d].level", what, k);
        SX_CHECK(sx_reservoir_storage_at(c, r->stage_z[k], key, &s));
        SX_FAIL_IF(k > 0 && !(r->stage_z[k] > r->stage_z[k - 1]), SX_ERR_INPUT,
                   "%s: stages[%d].level %g %s does not rise above stages[%d].level %g %s; list the stages from the "
                   "lowest level up", what, k, r->stage_z[k] / zu->to_si, zu->unit, k - 1,
                   r->stage_z[k - 1] / zu->to_si, zu->unit);
        SX_FAIL_IF(!(r->stage_q[k] >= 0) || isinf(r->stage_q[k]), SX_ERR_INPUT,
                   "%s: stages[%d].max_release %g must be a number >= 0", what, k, r->stage_q[k] / qu->to_si);
        SX_FAIL_IF(r->stage_z[k] < r->z_high && r->stage_q[k] > r->q_safe, SX_ERR_INPUT,
                   "%s: stages[%d].max_release %g %s exceeds safe_discharge %g %s at level %g %s, below "
                   "flood_control_high_level %g %s; below the high level the release may not exceed the safe "
                   "discharge", what, k, r->stage_q[k] / qu->to_si, qu->unit, r->q_safe / qu->to_si, qu->unit,
                   r->stage_z[k] / zu->to_si, zu->unit, r->z_high / zu->to_si, zu->unit);
    }
    if (!(r->pre_trigger > 0)) return SX_OK;
    SX_FAIL_IF(isinf(r->pre_trigger), SX_ERR_INPUT, "%s: pre_release.trigger must be a finite discharge", what);
    SX_FAIL_IF(!(r->pre_horizon > 0) || isinf(r->pre_horizon), SX_ERR_INPUT,
               "%s: pre_release.horizon_hours must be > 0 (how far ahead the forecast peak is looked for)", what);
    SX_FAIL_IF(!(r->pre_release > 0 && r->pre_release <= r->q_safe), SX_ERR_INPUT,
               "%s: pre_release.release %g %s must lie in (0, safe_discharge %g %s]: the pre-release may not flood "
               "the downstream reach", what, r->pre_release / qu->to_si, qu->unit, r->q_safe / qu->to_si, qu->unit);
    SX_FAIL_IF(!(r->pre_lowest < r->z_limit), SX_ERR_INPUT,
               "%s: pre_release.lowest_level %g %s is not below flood_limit_level %g %s; the pre-release draws the "
               "level down below the flood-limit level (预泄), give the lowest level it may reach", what,
               r->pre_lowest / zu->to_si, zu->unit, r->z_limit / zu->to_si, zu->unit);
    snprintf(key, sizeof key, "%s: pre_release.lowest_level", what);
    SX_CHECK(sx_reservoir_storage_at(c, r->pre_lowest, key, &s));
    return SX_OK;
}
