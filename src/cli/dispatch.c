/*
 * dispatch.c — `sanxiang <group> ...`: the table of command groups, the
 * top-level help, and small argument helpers shared by the groups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_parse.h"

int sx_cli_argc;
char **sx_cli_argv;

static void help(void);
static sx_err help_cmd(int argc, char **argv);

static const sx_cli_group_t groups[] = {
    {"run", "run a job file: sanxiang run JOB.yaml [--set key=value ...] [--out DIR]", sx_cli_run, sx_cli_run_help},
    {"dem", "DEM terrain and hydrology: slope, fill, flowdir, accum, streams, watershed", sx_cli_dem, sx_cli_dem_help},
    {"econ", "indicators: composite index, plan target tracking, uncertainty", sx_cli_econ, sx_cli_econ_help},
    {"hydro", "flood forecasting models: run, route, evaluate, calibrate", sx_cli_hydro, sx_cli_hydro_help},
    {"flood2d", "2-D flood inundation from a job file: sanxiang flood2d JOB.yaml [--set k=v] [--out DIR]", sx_cli_flood2d, sx_cli_flood2d_help},
    {"publish", "one-map package of a run: COG, GeoPackage, STAC, styles, viewer", sx_cli_publish, sx_cli_publish_help},
    {"serve", "serve a package to a browser on localhost: sanxiang serve PACKAGE_DIR [--port N]", sx_cli_serve, sx_cli_serve_help},
    {"rs", "remote sensing: index, calc (band math)", sx_cli_rs, sx_cli_rs_help},
    {"version", "print sanxiang's version and commit and the library versions", sx_cli_version, sx_cli_version_help},
    {"help", "describe every command (sanxiang help GROUP for one group)", help_cmd, help},
};
#define NGROUPS (sizeof groups / sizeof *groups)

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

static sx_err help_cmd(int argc, char **argv)
{
    if (argc > 1) {
        for (size_t i = 0; i < NGROUPS; i++)
            if (!strcmp(groups[i].name, argv[1])) {
                if (sx_mpi_rank() == 0) groups[i].help();
                return SX_OK;
            }
        SX_FAIL(SX_ERR_USAGE, "no command '%s'; see `sanxiang help`", argv[1]);
    }
    help();
    return SX_OK;
}

sx_err sx_cli_dispatch(int argc, char **argv)
{
    sx_cli_argc = argc;
    sx_cli_argv = argv;
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        help();
        if (argc < 2) SX_FAIL(SX_ERR_USAGE, "no command given; see the list above");
        return SX_OK;
    }
    if (!strcmp(argv[1], "--version")) return sx_cli_version(1, argv + 1);
    for (size_t i = 0; i < NGROUPS; i++)
        if (!strcmp(groups[i].name, argv[1])) {
            if (sx_cli_wants_help(argc - 1, argv + 1) && groups[i].help != help) {
                if (sx_mpi_rank() == 0) groups[i].help();
                return SX_OK;
            }
            return groups[i].run(argc - 1, argv + 1);
        }
    SX_FAIL(SX_ERR_USAGE, "unknown command '%s'; run `sanxiang help` for the list", argv[1]);
}

int sx_cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return 1;
    return 0;
}

sx_err sx_cli_option_value(int argc, char **argv, int *i, const char **out)
{
    SX_FAIL_IF(*i + 1 >= argc, SX_ERR_USAGE, "option %s needs a value", argv[*i]);
    *out = argv[++*i];
    return SX_OK;
}

sx_err sx_cli_parse_double(const char *opt, const char *text, double *out)
{
    SX_FAIL_IF(!sx_parse_double(text, out), SX_ERR_USAGE, "%s expects a number, got '%s'", opt, text);
    return SX_OK;
}

sx_err sx_cli_parse_int(const char *opt, const char *text, long long *out)
{
    int64_t v = 0;
    SX_FAIL_IF(!sx_parse_int64(text, &v), SX_ERR_USAGE, "%s expects an integer, got '%s'", opt, text);
    *out = (long long)v;
    return SX_OK;
}
