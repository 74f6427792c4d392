/*
 * man.c — `sanxiang help --man`: the manual page sanxiang(1), in roff, made
 * from the same tables as `--help` (the command groups of dispatch.c, every
 * verb's field table in src/jobs), so the page cannot drift from the command.
 * The build runs it once to install share/man/man1/sanxiang.1.
 *
 * Each command's section is its `--help` text, captured (the help printers
 * write to stdout, which glibc lets us point at a memory stream for the
 * duration) and set as a no-fill block with roff's special characters
 * escaped. Only rank 0 writes. The page carries no date, so two builds of one
 * commit give the same file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_version_gen.h"

/* The code point of the UTF-8 sequence at *p (advancing *p past it); U+FFFD for a malformed one. */
static unsigned utf8_next(const unsigned char **p)
{
    const unsigned char *c = *p;
    int n = c[0] >= 0xF0 ? 3 : c[0] >= 0xE0 ? 2 : c[0] >= 0xC0 ? 1 : 0;
    unsigned cp = n == 3 ? c[0] & 0x07u : n == 2 ? c[0] & 0x0Fu : c[0] & 0x1Fu;
    for (int i = 1; i <= n; i++) {
        if ((c[i] & 0xC0) != 0x80) {
            *p = c + i;
            return 0xFFFD;
        }
        cp = cp << 6 | (c[i] & 0x3Fu);
    }
    *p = c + n + 1;
    return n ? cp : 0xFFFD;
}

/* text for roff: backslashes as \e, '-' as \- (a minus, not a hyphen: options are copied from the page),
 * non-ASCII characters as \[uXXXX] (so no input encoding need be guessed), a '.' or '\'' that starts a line
 * guarded by \&; ends with a newline. */
static void roff_text(const char *text)
{
    int bol = 1;
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        if (bol && (*p == '.' || *p == '\'')) fputs("\\&", stdout);
        bol = *p == '\n';
        if (*p >= 0x80) {
            printf("\\[u%04X]", utf8_next(&p));
            continue;
        }
        if (*p == '\\') fputs("\\e", stdout);
        else if (*p == '-') fputs("\\-", stdout);
        else putchar(*p);
        p++;
    }
    if (!bol) putchar('\n');
}

/* A help text as it prints: a no-fill block. */
static void roff_block(const char *text)
{
    printf(".PP\n.nf\n");
    roff_text(text);
    printf(".fi\n");
}

typedef void (*print_fn)(const void *arg);

/* What print(arg) writes to stdout, as a malloc'd string (NULL when out of memory). */
static char *capture(print_fn print, const void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) return NULL;
    fflush(stdout);
    FILE *saved = stdout;
    stdout = mem;
    print(arg);
    stdout = saved;
    if (fclose(mem) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

typedef struct {
    void (*help)(const sx_cli_group_t *g);
    const sx_cli_group_t *g;
} group_arg_t;

static void print_group(const void *a)
{
    const group_arg_t *ga = a;
    ga->help(ga->g);
}
static void print_verb(const void *s) { sx_job_print_command_help(s); }

/* The captured help of one command as a subsection titled title. */
static int section(const char *title, print_fn print, const void *arg)
{
    char *text = capture(print, arg);
    if (!text) return 0;
    printf(".SS \"%s\"\n", title);
    roff_block(text);
    free(text);
    return 1;
}

static const char *const environment[][2] = {
    {"SX_THREADS", "OpenMP threads per rank; wins over OMP_NUM_THREADS (default: the CPUs of each rank)."},
    {"OMP_NUM_THREADS", "threads per rank when SX_THREADS is not set."},
    {"SX_LOG_LEVEL", "debug, info (default), warn or error."},
    {"SX_PROGRESS_SECONDS", "least interval between progress lines of long steps (default 5)."},
    {"SX_GDAL_CACHE_MB", "GDAL block cache per rank in MiB (a job's gdal_cache_mb wins)."},
    {"SX_KEEP_MB", "memory per rank for layers kept between the steps of a job (default half the node's memory "
                   "shared by its ranks)."},
    {"SX_COG_COMPRESS", "tile codec of every Cloud-Optimized GeoTIFF: ZSTD (default), DEFLATE or NONE."},
    {"SX_COG_LEVEL", "compression level of that codec, for every tile (ZSTD unset: level 1, or -4 for tiles of noise, chosen per tile)."},
    {"SX_NC_DEFLATE", "DEFLATE level 0..9 of CF netCDF outputs (default 1; 0 = uncompressed)."},
    {"SOURCE_DATE_EPOCH", "seconds since 1970-01-01 UTC written as the time of GeoPackages and XLSX workbooks "
                          "(default: the time of the run), so that a re-run writes the same bytes."},
    {"SANXIANG_DATA_DIR", "directory of the bundled jobs, data and viewer (default: share/sanxiang beside the "
                          "command's bin/, or the source tree of a build-tree command)."},
    {"SANXIANG_VIEWER_DIR", "built web viewer copied into one-map packages (default: viewer/dist of the data "
                            "directory)."},
};

sx_err sx_cli_man(const sx_cli_group_t *groups, size_t ngroups, void (*group_help)(const sx_cli_group_t *g))
{
    if (sx_mpi_rank() != 0) return SX_OK;
    int ok = 1;
    printf(".\\\" sanxiang(1), generated by `sanxiang help --man` from the command tables; do not edit.\n"
           ".TH SANXIANG 1 \"\" \"sanxiang %s\" \"User Commands\"\n"
           ".nh\n.ad l\n" /* no hyphenation, ragged right: paths and options stay whole */
           ".SH NAME\nsanxiang \\- HPC batch analytics: remote sensing, flood forecasting, digital\\-economy "
           "indicators\n"
           ".SH SYNOPSIS\n.B sanxiang\n.I command\n[\\fIarguments\\fR]\n.br\n.B mpirun \\-np\n.I N\n"
           ".B sanxiang\n.I command\n[\\fIarguments\\fR]\n"
           ".SH DESCRIPTION\n"
           "sanxiang runs MPI\\-parallel kernels for remote\\-sensing tiles, DEM hydrology and flood forecasting, "
           "and indicator tables, alone or as the steps of a YAML job file (\\fBsanxiang run\\fR). Every "
           "command gives the same output at any number of ranks. Every verb takes the same keys on the "
           "command line as in a job file (\\fB\\-\\-z\\-factor 2\\fR is \\fBz_factor: 2\\fR).\n"
           ".PP\nRelative file names in a job file are read from the working directory; a name not found "
           "there is read from the data directory (see \\fBFILES\\fR), so the bundled jobs run from anywhere: "
           "\\fBsanxiang run jobs/demo.yaml \\-\\-out demo\\fR.\n"
           ".SH COMMANDS\n",
           SX_VERSION_STRING);
    for (size_t i = 0; i < ngroups; i++) {
        printf(".TP\n.B %s\n", groups[i].name);
        roff_text(groups[i].summary);
    }
    printf(".SH \"COMMAND REFERENCE\"\n");
    for (size_t i = 0; i < ngroups && ok; i++) {
        char title[160];
        if (groups[i].run) {
            snprintf(title, sizeof title, "sanxiang %s", groups[i].name);
            ok = section(title, print_group, &(group_arg_t){group_help, &groups[i]});
            continue;
        }
        size_t g = strlen(groups[i].name);
        for (const sx_job_step_t *s = sx_job_steps(); s->name && ok; s++) {
            if (!s->command || strncmp(s->command, groups[i].name, g) || (s->command[g] != ' ' && s->command[g]))
                continue;
            snprintf(title, sizeof title, "sanxiang %s", s->command);
            ok = section(title, print_verb, s);
        }
    }
    printf(".SH ENVIRONMENT\n");
    for (size_t i = 0; i < sizeof environment / sizeof *environment; i++) {
        printf(".TP\n.B %s\n", environment[i][0]);
        roff_text(environment[i][1]);
    }
    printf(".SH FILES\n.TP\n.I PREFIX/share/sanxiang\n"
           "the data directory of an installed command (PREFIX/bin/sanxiang): bundled job files (jobs/), their "
           "data (data/), the built web viewer (viewer/dist/), the Slurm scripts (slurm/).\n"
           ".TP\n.I PREFIX/share/doc/sanxiang\nthe guides (design, slurm, install, one per domain).\n"
           ".TP\n.I RUN_DIR/run.json, RUN_DIR/perf.json\n"
           "provenance and effective configuration of a job run; its performance table.\n"
           ".SH \"EXIT STATUS\"\n0 success, 2 bad command line, 3 bad job file or input data, 4 I/O error, "
           "5 out of memory, 6 MPI error, 8 interrupted (a signal; the same command resumes).\n"
           ".SH \"SEE ALSO\"\n.BR mpirun (1),\n.BR srun (1),\n.BR gdalinfo (1)\n");
    fflush(stdout);
    SX_FAIL_IF(!ok, SX_ERR_NOMEM, "out of memory while writing the manual page");
    return SX_OK;
}
