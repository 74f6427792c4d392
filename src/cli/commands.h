/*
 * commands.h — the sanxiang executable: dispatch.c holds the table of command
 * groups and runs verbs through their field tables (src/jobs); the few
 * commands that are not verbs (version, flood2d's job-file door) have a file
 * each.
 */
#ifndef SX_CLI_COMMANDS_H
#define SX_CLI_COMMANDS_H

#include <stddef.h>

#include "sanxiang/sx_err.h"

sx_err sx_cli_dispatch(int argc, char **argv);

/* A command group of `sanxiang`: run with argv[0] the group name, collective over MPI_COMM_WORLD; run NULL:
 * a group of verbs (src/jobs). help NULL: the verbs' list. */
typedef struct {
    const char *name;
    const char *summary;
    sx_err (*run)(int argc, char **argv);
    void (*help)(void);
    int without_mpi; /* only prints (version, help): runs without starting MPI */
} sx_cli_group_t;

/** 1 if the command line needs MPI; 0 for the commands that only print (no command, --help, --version,
 *  and the groups marked without_mpi), which then run even where MPI cannot start. */
int sx_cli_needs_mpi(int argc, char **argv);

/** `sanxiang help --man`: the manual page (roff) on stdout (rank 0), from the table of command groups it
 *  is given (ngroups of them; group_help prints one group's help) and the verbs' tables (src/jobs). */
sx_err sx_cli_man(const sx_cli_group_t *groups, size_t ngroups, void (*group_help)(const sx_cli_group_t *g));

/* Full command line, for provenance. */
extern int sx_cli_argc;
extern char **sx_cli_argv;

sx_err sx_cli_version(int argc, char **argv);
void sx_cli_version_help(void);
sx_err sx_cli_flood2d(int argc, char **argv);
void sx_cli_flood2d_help(void);

/** Run the job file named by argv[1] with the options of `sanxiang run` (--set, --out); if step is
 *  not NULL the file must hold a step of that type. command names it in messages. Collective. */
sx_err sx_cli_job_file(const char *command, const char *step, int argc, char **argv);

/** 1 if argv[1..argc) asks for help (--help or -h). */
int sx_cli_wants_help(int argc, char **argv);

#endif
