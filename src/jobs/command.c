/*
 * command.c — a verb run from the command line as a one-step job.
 *
 * `sanxiang dem slope IN -o OUT.tif --z-factor 2` is the job step
 * `{step: slope, input: IN, output: OUT, z_factor: 2}` run in the directory of
 * OUT: the verb's one field table reads the arguments (sx_cfg_from_argv) and
 * checks them (sx_cfg_check) exactly as it checks a job file, the step's own
 * run function does the work, and its products commit together. What differs
 * from a job: references are plain paths (no `inputs:` names), -o may point
 * anywhere the user asks (outside any run directory), and nothing is written
 * but the outputs (no run.json, perf.json or resume record; the performance
 * table goes to the log).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jobs/job_internal.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_raster.h"
#include "sanxiang/sx_threads.h"

/* Does name end with one of the '|'-separated extensions exts? Which one (its length) in *n. */
static int has_ext(const char *name, const char *exts, size_t *n)
{
    size_t len = strlen(name);
    for (const char *p = exts; *p;) {
        size_t k = strcspn(p, "|");
        if (k > 0 && k < len && !strncasecmp(name + len - k, p, k)) {
            *n = k;
            return 1;
        }
        p += k + (p[k] == '|');
    }
    return 0;
}

/* -o PATH: the run directory is PATH's directory, the output name its stem. */
static sx_err split_output(sx_job_t *job, const sx_job_step_t *s, const char *command)
{
    sx_cfg_node_t *node = sx_cfg_map_get(sx_cfg_root(job->cfg), "output");
    if (!s->output_ext || (!node && s->output_optional)) return SX_OK;
    SX_FAIL_IF(!node || !sx_cfg_node_text(node) || !sx_cfg_node_text(node)[0], SX_ERR_USAGE,
               "%s needs -o OUTPUT (%s); see `%s --help`", command,
               !strcmp(s->output_ext, "/") ? "a directory" : s->output_ext, command);
    char path[SX_PATH_MAX];
    SX_FAIL_IF(snprintf(path, sizeof path, "%s", sx_cfg_node_text(node)) >= (int)sizeof path, SX_ERR_USAGE,
               "-o: path too long");
    int dir_out = !strcmp(s->output_ext, "/");
    size_t len = strlen(path);
    while (dir_out && len > 1 && path[len - 1] == '/') path[--len] = '\0';
    char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    SX_FAIL_IF(!base[0] || !strcmp(base, ".") || !strcmp(base, ".."), SX_ERR_USAGE,
               "-o '%s' names a directory; give a %s name", sx_cfg_node_text(node), dir_out ? "new directory" : "file");
    if (slash == path) snprintf(job->out_dir, sizeof job->out_dir, "/");
    else if (slash) snprintf(job->out_dir, sizeof job->out_dir, "%.*s", (int)(slash - path), path);
    else snprintf(job->out_dir, sizeof job->out_dir, ".");
    char stem[SX_PATH_MAX];
    snprintf(stem, sizeof stem, "%s", base);
    size_t n = 0;
    if (!dir_out && has_ext(stem, s->output_ext, &n)) {
        snprintf(job->out_ext, sizeof job->out_ext, "%s", stem + strlen(stem) - n);
        stem[strlen(stem) - n] = '\0';
    } else if (!dir_out && strchr(stem, '.')) {
        SX_FAIL(SX_ERR_USAGE, "-o '%s': %s writes %s files; end the name with %.*s (or give no extension)",
                sx_cfg_node_text(node), command, s->output_ext, (int)strcspn(s->output_ext, "|"), s->output_ext);
    }
    SX_FAIL_IF(stem[0] == '.', SX_ERR_USAGE, "-o '%s': hidden names (starting with '.') are sanxiang's own temporary "
               "files; give another name", sx_cfg_node_text(node));
    return sx_cfg_replace_text(job->cfg, node, stem);
}

/* Options every command takes besides its verb's table. */
static const sx_cfg_field_t common_fields[] = {
    {"threads", SX_CFG_T_INT, 0, "the CPUs of each rank", 1, 4096, NULL,
     "OpenMP threads per rank (overrides OMP_NUM_THREADS; docs/slurm.md)"},
};
#define NCOMMON (sizeof common_fields / sizeof *common_fields)

/* The verb's fields followed by the common ones (caller frees). */
static sx_cfg_field_t *command_fields(const sx_job_step_t *s, size_t *n)
{
    sx_cfg_field_t *f = malloc((s->nfields + NCOMMON) * sizeof *f);
    if (!f) return NULL;
    memcpy(f, s->fields, s->nfields * sizeof *f);
    memcpy(f + s->nfields, common_fields, sizeof common_fields);
    *n = s->nfields + NCOMMON;
    return f;
}

sx_err sx_job_run_command(MPI_Comm comm, const sx_job_step_t *s, int argc, char **argv, int full_argc,
                          char **full_argv)
{
    sx_job_t job = {0};
    char command[128];
    snprintf(command, sizeof command, "sanxiang %s", s->command);
    job.command = 1;
    snprintf(job.what, sizeof job.what, "-o");
    snprintf(job.out_dir, sizeof job.out_dir, ".");
    size_t nf = 0;
    sx_cfg_field_t *fields = command_fields(s, &nf);
    SX_FAIL_IF(!fields, SX_ERR_NOMEM, "out of memory");
    sx_err err = sx_cfg_from_argv(command, s->name, fields, nf, argc, argv, &job.cfg);
    if (err == SX_OK) err = sx_cfg_check(job.cfg, sx_cfg_root(job.cfg), fields, nf);
    free(fields);
    int64_t threads = 0;
    if (err == SX_OK) err = sx_cfg_get_int(job.cfg, sx_cfg_root(job.cfg), "threads", 0, &threads);
    err = sx_err_agree(comm, err);
    if (err == SX_OK && threads > 0) err = sx_threads_init((int)threads, "--threads");
    if (err == SX_OK) err = split_output(&job, s, command);
    if (err == SX_OK) err = sx_gdal_init(0);
    if (err == SX_OK) err = sx_provenance_json(comm, NULL, full_argc, full_argv, &job.provenance);
    err = sx_err_agree(comm, err);
    if (err == SX_OK) err = sx__job_run_step(&job, s, sx_cfg_root(job.cfg), comm);
    if (err == SX_OK) err = sx_perf_report(comm, NULL);
    sx__job_free(&job);
    return err;
}

const char *sx_job_out_ext(const sx_job_t *job) { return job->out_ext; }

void sx_job_print_command_help(const sx_job_step_t *s)
{
    if (sx_mpi_rank() != 0) return;
    char command[128];
    snprintf(command, sizeof command, "sanxiang %s", s->command);
    printf("%s — %s\n\n", command, s->summary);
    size_t nf = 0;
    sx_cfg_field_t *fields = command_fields(s, &nf);
    if (fields) sx_cfg_print_usage(command, fields, nf, 1);
    free(fields);
    if (s->details) printf("\n%s\n", s->details);
    if (s->output_ext && strcmp(s->output_ext, "/"))
        printf("\n-o names the output: its directory receives the files, its stem names them (%s).\n", s->output_ext);
    if (!s->command_only)
        printf("In a job file the same fields are keys of `step: %s` (sanxiang run --help); -o is `output`, a name "
               "in the run directory.\n", s->name);
    printf("Run on N ranks with mpirun -np N %s ...: the same result at any N.\n", command);
}
