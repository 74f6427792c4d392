/*
 * cmd_flood2d.c — `sanxiang flood2d JOB.yaml [--set key=value ...] [--out DIR]`:
 * run a job file whose steps include `flood2d`. Re-running the same command
 * with the same output directory resumes an interrupted simulation from its
 * checkpoint (what a requeued Slurm job does).
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_job.h"

void sx_cli_flood2d_help(void)
{
    printf("usage: sanxiang flood2d JOB.yaml [--set key.path=value ...] [--out DIR]\n\n"
           "2-D flood inundation with the local inertial shallow-water scheme (Bates et al. 2010, theta weighting\n"
           "of de Almeida et al. 2012) on a projected DEM, driven by inflow hydrographs (CSV time_s,discharge_m3s,\n"
           "e.g. a forecast's discharge), rainfall and edge conditions. Outputs in the run directory:\n"
           "  max_depth, arrival_time, max_velocity, max_hazard (COG .tif; outputs: cog,nc adds .nc), depth_series.nc\n"
           "  (CF time series),\n"
           "  flood_extent.gpkg (polygons with area_m2), mass_balance.csv, run.json, perf.json.\n"
           "SIGTERM or SIGUSR1 (Slurm: --signal=USR1@120) writes a checkpoint and exits with status 8; the same\n"
           "command with the same --out resumes and ends with results identical to an uninterrupted run.\n"
           "Results are bit-identical at any number of ranks. See docs/inundation.md.\n\n"
           "  step: flood2d fields:\n");
    for (const sx_job_step_t *s = sx_job_steps(); s->name; s++)
        if (!strcmp(s->name, "flood2d")) sx_cfg_print_fields(s->fields, s->nfields, 4);
}

sx_err sx_cli_flood2d(int argc, char **argv)
{
    SX_FAIL_IF(argc < 2, SX_ERR_USAGE, "flood2d needs a job file: sanxiang flood2d JOB.yaml (see --help)");
    return sx_cli_job_file("sanxiang flood2d", "flood2d", argc, argv);
}
