/*
 * dispatch.c — `sanxiang <group> [<verb>] ...`: the table of command groups,
 * the top-level help, and the one way a verb is run from the command line.
 *
 * A verb is a job step with a `command` (src/jobs): its field table reads the
 * arguments and prints its help, and it runs as a one-step job
 * (sx_job_run_command). `sanxiang <group> <verb> JOB.yaml` runs a job file
 * instead (which must hold that step), with the options of `sanxiang run`.
 * No option is parsed by hand here: the job-file options too come from a
 * table (run_fields).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_config.h"
#include "sanxiang/sx_install.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"

int sx_cli_argc;
char **sx_cli_argv;

static void help(void);
static void group_help(const sx_cli_group_t *g);
static sx_err help_cmd(int argc, char **argv);
static sx_err run_cmd(int argc, char **argv);
static void run_help(void);

typedef sx_cli_group_t group_t;

static const group_t groups[] = {
    {"run", "run a job file: sanxiang run JOB.yaml [--set key=value ...] [--out DIR]", run_cmd, run_help},
    {"dem", "DEM terrain and hydrology: slope, terrain, fill, flowdir, accum, streams, watershed", NULL, NULL},
    {"econ", "indicators: composite index, plan target tracking, uncertainty, AHP weights", NULL, NULL},
    {"hydro", "flood forecasting models: run, params, route, evaluate, thiessen, calibrate", NULL, NULL},
    {"flood2d", "2-D flood inundation from a job file: sanxiang flood2d JOB.yaml [--set k=v] [--out DIR]", sx_cli_flood2d, sx_cli_flood2d_help},
    {"publish", "one-map package of a run: COG, GeoPackage, STAC, styles, viewer", NULL, NULL},
    {"serve", "serve a package to a browser on localhost: sanxiang serve PACKAGE_DIR [--port N]", NULL, NULL},
    {"rs", "remote sensing: index, calc, mask, composite, water, flood, change, warp, zonal", NULL, NULL},
    {"version", "print sanxiang's version and commit and the library versions", sx_cli_version, sx_cli_version_help, 1},
    {"help", "describe every command (sanxiang help GROUP for one group; --man: the manual page, roff)", help_cmd, help, 1},
};
#define NGROUPS (sizeof groups / sizeof *groups)

/* The group named name, or NULL. */
static const group_t *find_group(const char *name)
{
    for (size_t i = 0; i < NGROUPS; i++)
        if (!strcmp(groups[i].name, name)) return &groups[i];
    return NULL;
}

static int is_help_flag(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }

/* ---- job files: `sanxiang run` and `sanxiang <group> <verb> JOB.yaml` ---- */

static const sx_cfg_field_t run_fields[] = {
    {"job", SX_CFG_T_PATH, 1, NULL, 1, 0, NULL, "the job file (YAML)", "1", "JOB.yaml"},
    {"set", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "override a key of the job file, e.g. --set steps.0.units=percent",
     "--set", "KEY.PATH=VALUE"},
    {"out", SX_CFG_T_PATH, 0, "output_dir of the job", 1, 0, NULL, "run directory (replaces output_dir)", "--out|-o",
     "DIR"},
};
#define NRUN (sizeof run_fields / sizeof *run_fields)

/* Run the job file of argv[1..]; if step is not NULL the file must hold a step of that type. */
sx_err sx_cli_job_file(const char *command, const char *step, int argc, char **argv)
{
    sx_cfg_t *args = NULL;
    SX_CHECK(sx_cfg_from_argv(command, NULL, run_fields, NRUN, argc - 1, argv + 1, &args));
    sx_err err = sx_cfg_check(args, sx_cfg_root(args), run_fields, NRUN);
    const sx_cfg_node_t *root = sx_cfg_root(args), *sets = sx_cfg_map_get(root, "set");
    const char *job = NULL, *out = NULL;
    if (err == SX_OK) err = sx_cfg_get_string(args, root, "job", NULL, &job);
    if (err == SX_OK) err = sx_cfg_get_string(args, root, "out", NULL, &out);
    size_t nsets = sx_cfg_node_len(sets);
    char **set = calloc(nsets + 1, sizeof *set);
    if (err == SX_OK && !set) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    for (size_t i = 0; err == SX_OK && i < nsets; i++) set[i] = (char *)sx_cfg_node_text(sx_cfg_node_at(sets, i));
    /* jobs/demo.yaml from any directory: the bundled job beside an installed command (sx_install.h) */
    char bundled[SX_PATH_MAX];
    if (err == SX_OK) {
        sx_install_resolve(job, bundled, sizeof bundled);
        job = bundled;
    }
    if (err == SX_OK && step) err = sx_job_file_has_step(MPI_COMM_WORLD, job, step, command);
    if (err == SX_OK)
        err = sx_job_run_file(MPI_COMM_WORLD, job, set, (int)nsets, out, sx_cli_argc, sx_cli_argv);
    free(set);
    sx_cfg_destroy(&args);
    return err;
}

static void run_help(void)
{
    if (sx_mpi_rank() != 0) return;
    sx_cfg_print_usage("sanxiang run", run_fields, NRUN, 1);
    printf("\nRuns the steps of a job file. The run directory receives the outputs, run.json (provenance and the\n"
           "effective configuration) and perf.json (the performance table). Outputs named by a job stay inside\n"
           "its run directory.\n\n");
    sx_job_print_file_help();
}

static sx_err run_cmd(int argc, char **argv) { return sx_cli_job_file("sanxiang run", NULL, argc, argv); }

static int is_yaml(const char *s)
{
    size_t n = strlen(s);
    return (n > 5 && !strcmp(s + n - 5, ".yaml")) || (n > 4 && !strcmp(s + n - 4, ".yml"));
}

/* ---- groups of verbs ---- */

static void verbs_help(const char *group)
{
    if (sx_mpi_rank() != 0) return;
    printf("usage: sanxiang %s <verb> ...\n\n", group);
    size_t g = strlen(group);
    for (const sx_job_step_t *s = sx_job_steps(); s->name; s++) {
        if (!s->command || strncmp(s->command, group, g) || (s->command[g] != ' ' && s->command[g])) continue;
        char command[128];
        snprintf(command, sizeof command, "sanxiang %s", s->command);
        printf("  %-10s %s\n  %-10s ", s->command[g] ? s->command + g + 1 : "", s->summary, "");
        sx_cfg_print_usage(command, s->fields, s->nfields, 0);
    }
    printf("\n`sanxiang %s <verb> --help` lists a verb's options; a verb that is also a job step runs a job file\n"
           "with `sanxiang %s <verb> JOB.yaml [--set k=v] [--out DIR]`.\n", group, group);
}

static sx_err verbs(const char *group, int argc, char **argv)
{
    const sx_job_step_t *s = sx_job_find_command(group, NULL);
    int first = 1; /* argv index of the verb's first argument */
    if (!s && argc >= 2 && is_help_flag(argv[1])) {
        verbs_help(group);
        return SX_OK;
    }
    if (!s) {
        SX_FAIL_IF(argc < 2, SX_ERR_USAGE, "%s needs a verb; see `sanxiang %s --help`", group, group);
        s = sx_job_find_command(group, argv[1]);
        SX_FAIL_IF(!s, SX_ERR_USAGE, "unknown verb '%s %s'; see `sanxiang %s --help`", group, argv[1], group);
        first = 2;
    }
    if (sx_cli_wants_help(argc - first + 1, argv + first - 1)) {
        sx_job_print_command_help(s);
        return SX_OK;
    }
    char command[128];
    snprintf(command, sizeof command, "sanxiang %s", s->command);
    if (!s->command_only && argc > first && is_yaml(argv[first]))
        return sx_cli_job_file(command, s->name, argc - first + 1, argv + first - 1);
    return sx_job_run_command(MPI_COMM_WORLD, s, argc - first, argv + first, sx_cli_argc, sx_cli_argv);
}

/* ---- the top level ---- */

static void help(void)
{
    if (sx_mpi_rank() != 0) return;
    printf("sanxiang — HPC batch analytics: remote sensing, flood forecasting, indicators\n\n"
           "usage: sanxiang <command> [arguments]         (one rank)\n"
           "       mpirun -np N sanxiang <command> ...    (N ranks; same results at any N)\n\n"
           "commands:\n");
    for (size_t i = 0; i < NGROUPS; i++) printf("  %-9s %s\n", groups[i].name, groups[i].summary);
    printf("\n`sanxiang <command> --help` describes a command. Exit status: 0 success, 2 bad command line,\n"
           "3 bad job file or input data, 4 I/O error, 5 out of memory, 6 MPI error, 8 interrupted.\n");
}

/* `sanxiang help GROUP` (rank 0) */
static void group_help(const sx_cli_group_t *g)
{
    if (g->help) g->help();
    else verbs_help(g->name);
}

static sx_err help_cmd(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--man")) return sx_cli_man(groups, NGROUPS, group_help);
    if (argc > 1) {
        const group_t *g = find_group(argv[1]);
        SX_FAIL_IF(!g, SX_ERR_USAGE, "no command '%s'; see `sanxiang help`", argv[1]);
        if (sx_mpi_rank() == 0) group_help(g);
        return SX_OK;
    }
    help();
    return SX_OK;
}

sx_err sx_cli_dispatch(int argc, char **argv)
{
    sx_cli_argc = argc;
    sx_cli_argv = argv;
    if (argc < 2 || is_help_flag(argv[1])) {
        help();
        if (argc < 2) SX_FAIL(SX_ERR_USAGE, "no command given; see the list above");
        return SX_OK;
    }
    if (!strcmp(argv[1], "--version")) return sx_cli_version(1, argv + 1);
    const group_t *g = find_group(argv[1]);
    SX_FAIL_IF(!g, SX_ERR_USAGE, "unknown command '%s'; run `sanxiang help` for the list", argv[1]);
    if (!g->run) return verbs(g->name, argc - 1, argv + 1);
    if (sx_cli_wants_help(argc - 1, argv + 1) && g->help != help) {
        group_help(g);
        return SX_OK;
    }
    return g->run(argc - 1, argv + 1);
}

int sx_cli_needs_mpi(int argc, char **argv)
{
    if (argc < 2 || is_help_flag(argv[1]) || !strcmp(argv[1], "--version")) return 0;
    const group_t *g = find_group(argv[1]);
    return !g || !g->without_mpi;
}

int sx_cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (is_help_flag(argv[i])) return 1;
    return 0;
}
