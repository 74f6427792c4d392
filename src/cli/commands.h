/*
 * commands.h — command groups of the sanxiang executable. Each group lives
 * in its own cmd_<group>.c, parses its own arguments and calls the library;
 * dispatch.c holds the table of groups.
 */
#ifndef SX_CLI_COMMANDS_H
#define SX_CLI_COMMANDS_H

#include "sanxiang/sx_err.h"

typedef struct {
    const char *name;
    const char *summary;
    /* argv[0] is the group name. Collective over MPI_COMM_WORLD. */
    sx_err (*run)(int argc, char **argv);
    void (*help)(void);
} sx_cli_group_t;

sx_err sx_cli_dispatch(int argc, char **argv);

/* Full command line, for provenance. */
extern int sx_cli_argc;
extern char **sx_cli_argv;

sx_err sx_cli_version(int argc, char **argv);
void sx_cli_version_help(void);
sx_err sx_cli_econ(int argc, char **argv);
void sx_cli_econ_help(void);
sx_err sx_cli_flood2d(int argc, char **argv);
void sx_cli_flood2d_help(void);
sx_err sx_cli_publish(int argc, char **argv);
void sx_cli_publish_help(void);
sx_err sx_cli_serve(int argc, char **argv);
void sx_cli_serve_help(void);

/** Run the job file named by argv[1] with the options of `sanxiang run` (--set, --out); if step is
 *  not NULL the file must hold a step of that type. command names it in messages. Collective. */
sx_err sx_cli_job_file(const char *command, const char *step, int argc, char **argv);

/* Argument helpers shared by the groups. */
int sx_cli_wants_help(int argc, char **argv);
/** Value following option argv[*i]; fails with a usage error if missing. */
sx_err sx_cli_option_value(int argc, char **argv, int *i, const char **out);
sx_err sx_cli_parse_double(const char *opt, const char *text, double *out);
sx_err sx_cli_parse_int(const char *opt, const char *text, long long *out);

#endif
