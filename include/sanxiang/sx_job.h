/*
 * sx_job.h — running YAML job files (the pipelines layer).
 *
 * A job file names its inputs, an output directory and a list of steps.
 * Each step type (slope, ...) declares its fields in a table, which both
 * validates the job file and prints `sanxiang run --help`. Steps refer to
 * inputs and to earlier steps' outputs by name; every output is written under
 * the run directory with the job's provenance.
 */
#ifndef SX_JOB_H
#define SX_JOB_H

#include <mpi.h>
#include "sx_config.h"
#include "sx_err.h"
#include "sx_output.h"

typedef struct sx_job sx_job_t;

/*
 * A verb: one table of fields serves a step type in job files (`step: slope`)
 * and a command (`sanxiang dem slope`), which runs as a one-step job.
 */
typedef struct {
    const char *name;    /* step type in job files */
    const char *summary;
    const sx_cfg_field_t *fields;
    size_t nfields;
    /** Run the step described by node. Collective over comm. */
    sx_err (*run)(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm);
    /* The command line. */
    const char *command;    /* "dem slope" (NULL: job files only) */
    const char *output_ext; /* extensions -o may carry, first = default, e.g. ".tif|.tiff|.nc", ".csv";
                               "/" = -o names a directory; NULL = no output */
    const char *details;    /* more help for `sanxiang <command> --help` (NULL: none) */
    int command_only;       /* 1: not a job step (e.g. serve) */
    int output_optional;    /* 1: -o may be left out on the command line (the step then prints its result) */
} sx_job_step_t;

/** The registered step types, terminated by a zeroed entry. */
const sx_job_step_t *sx_job_steps(void);
/** The verb for command "group verb" (verb NULL: a command that is the group itself, like "publish"), or
 *  NULL. */
const sx_job_step_t *sx_job_find_command(const char *group, const char *verb);

/**
 * Run verb s from the command line as a one-step job: argv[0..argc) are the
 * arguments after the verb, read by the verb's table (sx_cfg_from_argv); -o
 * names the output (its directory is the run directory, its stem the output
 * name); nothing is written but the outputs (no run.json); the products
 * commit together. full_argc/full_argv are recorded in the provenance.
 * Collective over comm.
 */
sx_err sx_job_run_command(MPI_Comm comm, const sx_job_step_t *s, int argc, char **argv, int full_argc,
                          char **full_argv);
/** Fail with SX_ERR_CONFIG, naming command, unless job file path holds a step of type step. Collective. */
sx_err sx_job_file_has_step(MPI_Comm comm, const char *path, const char *step, const char *command);
/** Print the keys of job files: the top level and every step type (rank 0). */
void sx_job_print_file_help(void);
/** Print `sanxiang <command> --help` of verb s (rank 0). */
void sx_job_print_command_help(const sx_job_step_t *s);
/** 1 when the job runs one command rather than a job file. */
int sx_job_is_command(const sx_job_t *job);
/** The extension the command's -o carried (".tif", ".nc", ...), "" if none or in a job file. */
const char *sx_job_out_ext(const sx_job_t *job);

/** Load, validate and run a job file. out_dir overrides output_dir when not
 *  NULL. argc/argv are recorded in the provenance. Collective over comm. */
sx_err sx_job_run_file(MPI_Comm comm, const char *path, char *const *sets, int nsets, const char *out_dir,
                       int argc, char **argv);

/** Check a parsed job file before anything runs: the top-level keys, the
 *  inputs, and every step's keys against its step type's field table. Fails
 *  with SX_ERR_CONFIG naming file:line:col and key path. Not collective
 *  (sx_job_run_file calls it on every rank and agrees on the result). */
sx_err sx_job_validate(const sx_cfg_t *cfg);

/* For step implementations. */
const sx_cfg_t *sx_job_cfg(const sx_job_t *job);
const char *sx_job_out_dir(const sx_job_t *job);
/** Provenance JSON to store in every output file (sx_provenance_json). */
const char *sx_job_provenance(const sx_job_t *job);
/** The run record (sx_provenance_run_json), as in run.json. */
const char *sx_job_run_provenance(const sx_job_t *job);
/** Resolve a layer reference (an input name, an earlier step's output name, or
 *  a path) to a GDAL dataset name; fails naming the node. */
sx_err sx_job_resolve(sx_job_t *job, const sx_cfg_node_t *node, const char *ref, const char **out);
/** Register an output layer name -> GDAL dataset name for later steps. */
sx_err sx_job_add_layer(sx_job_t *job, const char *name, const char *dataset);
/** Path of a file in the run directory (static buffer per call site is
 *  not used: writes into buf). */
sx_err sx_job_out_path(const sx_job_t *job, const char *file, char *buf, size_t len);
/** Path <out_dir>/<name><ext> (ext like ".nc"), as sx_job_out_path. */
sx_err sx_job_out_file(const sx_job_t *job, const char *name, const char *ext, char *buf, size_t len);
/** Read the step option `key` (an input name, earlier output or path) and
 *  resolve it. An absent or empty optional option gives *path = NULL. */
sx_err sx_job_input(sx_job_t *job, const sx_cfg_node_t *node, const char *key, const char **path);

/** A step's raster output <name>: <name>.tif (COG) and/or <name>.nc (CF),
 *  as its `outputs` key says (on the command line --format, or the extension
 *  of -o), else the job's `outputs`, else COG only. nc or tif is NULL when
 *  that file is not wanted; at least one is set. */
typedef struct {
    char nc_buf[SX_PATH_MAX], tif_buf[SX_PATH_MAX];
    const char *nc, *tif;
} sx_job_raster_out_t;
sx_err sx_job_raster_out(const sx_job_t *job, const sx_cfg_node_t *node, const char *name, sx_job_raster_out_t *out);
/** The same choice as bits SX_LAYER_COG | SX_LAYER_NC (sx_layer.h), for steps that name their files themselves. */
sx_err sx_job_raster_formats(const sx_job_t *job, const sx_cfg_node_t *node, int *formats);
/** Register output layer `name` of out for later steps: the COG when one is
 *  written, else variable var of the netCDF. */
sx_err sx_job_add_raster_layer(sx_job_t *job, const char *name, const sx_job_raster_out_t *out, const char *var);
/** Register output layer `name` as variable `var` of netCDF file nc (var
 *  NULL: the file itself) for later steps. */
sx_err sx_job_add_nc_layer(sx_job_t *job, const char *name, const char *nc, const char *var);

/** The provenance stored in output files (.tif, .nc): what identifies the
 *  result — software, version, commit, command line, job file, its SHA-256,
 *  overrides and inputs, library versions — and nothing about how or when it
 *  ran, so a file's bytes do not depend on ranks, threads, time or host.
 *  cfg may be NULL for ad-hoc commands. Built on rank 0 and broadcast, so
 *  every rank holds the same text (parallel HDF5 needs identical attributes
 *  on all ranks). Collective over comm. Caller frees. */
sx_err sx_provenance_json(MPI_Comm comm, const sx_cfg_t *cfg, int argc, char **argv, char **out);
/** The run record (run.json): the file provenance plus ranks, threads per
 *  rank, UTC time and host. Collective over comm. Caller frees. */
sx_err sx_provenance_run_json(MPI_Comm comm, const sx_cfg_t *cfg, int argc, char **argv, char **out);

#endif
