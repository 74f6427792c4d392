/*
 * steps.c — the table of step types a job file may use. Each domain's steps
 * live in their own step_<name>.c file; this table is the one place that
 * lists them.
 */
#include "sanxiang/sx_job.h"

extern const sx_job_step_t sx_step_slope;
extern const sx_job_step_t sx_step_rs_index;
extern const sx_job_step_t sx_step_rs_water;
extern const sx_job_step_t sx_step_rs_zonal;

const sx_job_step_t *sx_job_steps(void)
{
    static sx_job_step_t table[5];
    if (!table[0].name) {
        table[0] = sx_step_slope;
        table[1] = sx_step_rs_index;
        table[2] = sx_step_rs_water;
        table[3] = sx_step_rs_zonal;
    }
    return table;
}
