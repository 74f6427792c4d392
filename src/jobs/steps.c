/*
 * steps.c — the table of step types a job file may use. Each domain's steps
 * live in their own step_<name>.c file; this list is the one place that
 * names them (one line per step: its extern and its entry).
 */
#include <string.h>

#include "sanxiang/sx_job.h"

extern const sx_job_step_t sx_step_slope;
extern const sx_job_step_t sx_step_terrain;
extern const sx_job_step_t sx_step_fill;
extern const sx_job_step_t sx_step_flowdir;
extern const sx_job_step_t sx_step_accum;
extern const sx_job_step_t sx_step_streams;
extern const sx_job_step_t sx_step_hand;
extern const sx_job_step_t sx_step_watershed;
extern const sx_job_step_t sx_step_econ_index;
extern const sx_job_step_t sx_step_econ_targets;
extern const sx_job_step_t sx_step_econ_uncertainty;
extern const sx_job_step_t sx_step_hydro_forecast;
extern const sx_job_step_t sx_step_hydro_calibrate;
extern const sx_job_step_t sx_step_hydro_run;
extern const sx_job_step_t sx_step_hydro_params;
extern const sx_job_step_t sx_step_hydro_route;
extern const sx_job_step_t sx_step_hydro_reservoir;
extern const sx_job_step_t sx_step_hydro_evaluate;
extern const sx_job_step_t sx_step_hydro_correct;
extern const sx_job_step_t sx_step_hydro_thiessen;
extern const sx_job_step_t sx_step_hydro_frequency;
extern const sx_job_step_t sx_step_flood2d;
extern const sx_job_step_t sx_step_publish;
extern const sx_job_step_t sx_step_serve;
extern const sx_job_step_t sx_step_econ_ahp;
extern const sx_job_step_t sx_step_rs_index;
extern const sx_job_step_t sx_step_rs_water;
extern const sx_job_step_t sx_step_rs_zonal;
extern const sx_job_step_t sx_step_rs_calc;
extern const sx_job_step_t sx_step_rs_mask;
extern const sx_job_step_t sx_step_rs_composite;
extern const sx_job_step_t sx_step_rs_flood;
extern const sx_job_step_t sx_step_rs_change;
extern const sx_job_step_t sx_step_rs_warp;
extern const sx_job_step_t sx_step_rs_sarcal;
extern const sx_job_step_t sx_step_rs_speckle;
extern const sx_job_step_t sx_step_rs_sarwater;
extern const sx_job_step_t sx_step_rs_trend;
extern const sx_job_step_t sx_step_rs_fvc;
extern const sx_job_step_t sx_step_rs_vhi;
extern const sx_job_step_t sx_step_rs_spi;
extern const sx_job_step_t sx_step_rs_rsei;
extern const sx_job_step_t sx_step_rs_sample;
extern const sx_job_step_t sx_step_rs_accuracy;
extern const sx_job_step_t sx_step_rs_patches;
extern const sx_job_step_t sx_step_rs_classify;

static const sx_job_step_t *const registered[] = {
    &sx_step_slope,
    &sx_step_terrain,
    &sx_step_fill,
    &sx_step_flowdir,
    &sx_step_accum,
    &sx_step_streams,
    &sx_step_hand,
    &sx_step_watershed,
    &sx_step_econ_index,
    &sx_step_econ_targets,
    &sx_step_econ_uncertainty,
    &sx_step_hydro_forecast,
    &sx_step_hydro_calibrate,
    &sx_step_hydro_run,
    &sx_step_hydro_params,
    &sx_step_hydro_route,
    &sx_step_hydro_reservoir,
    &sx_step_hydro_evaluate,
    &sx_step_hydro_correct,
    &sx_step_hydro_thiessen,
    &sx_step_hydro_frequency,
    &sx_step_flood2d,
    &sx_step_publish,
    &sx_step_serve,
    &sx_step_econ_ahp,
    &sx_step_rs_index,
    &sx_step_rs_water,
    &sx_step_rs_zonal,
    &sx_step_rs_calc,
    &sx_step_rs_mask,
    &sx_step_rs_composite,
    &sx_step_rs_flood,
    &sx_step_rs_change,
    &sx_step_rs_warp,
    &sx_step_rs_sarcal,
    &sx_step_rs_speckle,
    &sx_step_rs_sarwater,
    &sx_step_rs_trend,
    &sx_step_rs_fvc,
    &sx_step_rs_vhi,
    &sx_step_rs_spi,
    &sx_step_rs_rsei,
    &sx_step_rs_sample,
    &sx_step_rs_accuracy,
    &sx_step_rs_patches,
    &sx_step_rs_classify,
};
#define NSTEPS (sizeof registered / sizeof *registered)

const sx_job_step_t *sx_job_steps(void)
{
    static sx_job_step_t table[NSTEPS + 1]; /* ends with a zeroed entry */
    if (!table[0].name)
        for (size_t i = 0; i < NSTEPS; i++) table[i] = *registered[i];
    return table;
}

const sx_job_step_t *sx_job_find_command(const char *group, const char *verb)
{
    size_t g = strlen(group);
    for (const sx_job_step_t *s = sx_job_steps(); s->name; s++) {
        if (!s->command || strncmp(s->command, group, g)) continue;
        if (!verb ? s->command[g] == '\0' : s->command[g] == ' ' && !strcmp(s->command + g + 1, verb)) return s;
    }
    return NULL;
}
