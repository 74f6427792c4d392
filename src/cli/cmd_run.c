/*
 * cmd_run.c — `sanxiang run JOB.yaml [--set key=value ...] [--out DIR]`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_job.h"

void sx_cli_run_help(void)
{
    printf("usage: sanxiang run JOB.yaml [--set key.path=value ...] [--out DIR]\n\n"
           "Runs the steps of a job file. --set overrides any key of the file (e.g. --set steps.0.units=percent);\n"
           "--out replaces output_dir. The run directory receives the outputs, run.json (provenance and the\n"
           "effective configuration) and perf.json (the performance table).\n\n"
           "Top-level keys: job (required), title, description, output_dir, gdal_cache_mb, inputs, steps (required).\n"
           "Step types:\n");
    for (const sx_job_step_t *s = sx_job_steps(); s->name; s++) {
        printf("\n  step: %s — %s\n", s->name, s->summary);
        sx_cfg_print_fields(s->fields, s->nfields, 4);
    }
}

sx_err sx_cli_run(int argc, char **argv)
{
    const char *job = NULL, *out = NULL;
    char **sets = calloc((size_t)argc, sizeof *sets);
    SX_FAIL_IF(!sets, SX_ERR_NOMEM, "out of memory");
    int nsets = 0;
    sx_err err = SX_OK;
    for (int i = 1; i < argc && err == SX_OK; i++) {
        const char *v;
        if (!strcmp(argv[i], "--set")) {
            if ((err = sx_cli_option_value(argc, argv, &i, &v)) == SX_OK) sets[nsets++] = (char *)v;
        } else if (!strncmp(argv[i], "--set=", 6)) {
            sets[nsets++] = argv[i] + 6;
        } else if (!strcmp(argv[i], "--out") || !strcmp(argv[i], "-o")) {
            err = sx_cli_option_value(argc, argv, &i, &out);
        } else if (argv[i][0] == '-') {
            err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "unknown option '%s' for run; see sanxiang run --help", argv[i]);
        } else if (!job) {
            job = argv[i];
        } else {
            err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "run takes one job file; got '%s' and '%s'", job, argv[i]);
        }
    }
    if (err == SX_OK && !job) err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "no job file given: sanxiang run JOB.yaml");
    if (err == SX_OK) err = sx_job_run_file(MPI_COMM_WORLD, job, sets, nsets, out, sx_cli_argc, sx_cli_argv);
    free(sets);
    return err;
}
