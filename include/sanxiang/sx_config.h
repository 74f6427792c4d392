/*
 * sx_config.h — YAML job files: parsing, validation, overrides, broadcast.
 *
 * A job file is parsed (libyaml) into a tree of nodes that remember their
 * line and column. Steps validate their part of the tree against a
 * declarative field table (sx_cfg_field_t): unknown keys, wrong types, values
 * out of bounds and missing required keys are errors naming the file, line
 * and key path ("jobs/demo.yaml:12:7: steps[0].slope.z_factor: expected a
 * number, got 'abc'"). `--set a.b.0.c=value` overrides any key (the value is
 * parsed as a YAML scalar; its "file" is the --set option).
 *
 * Mappings and lists may nest 64 deep; deeper text is refused.
 *
 * Collective use: sx_cfg_load() reads and parses on rank 0 only, applies the
 * overrides there, and broadcasts the effective configuration (as JSON,
 * which is YAML) so every rank holds the same tree; a parse error on rank 0
 * becomes the same error on every rank.
 */
#ifndef SX_CONFIG_H
#define SX_CONFIG_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include "sx_err.h"

typedef struct sx_cfg sx_cfg_t;
typedef struct sx_cfg_node sx_cfg_node_t;

typedef enum { SX_CFG_NULL = 0, SX_CFG_SCALAR, SX_CFG_MAP, SX_CFG_SEQ } sx_cfg_kind;

/** Parse YAML text; source names it in messages. Not collective. */
sx_err sx_cfg_parse_text(const char *text, size_t len, const char *source, sx_cfg_t **out);
/** Read and parse a YAML file. Not collective. */
sx_err sx_cfg_parse_file(const char *path, sx_cfg_t **out);
/** Rank 0 reads path, applies sets[0..nsets) ("key.path=value"), and
 *  broadcasts; every rank returns the same tree or the same error.
 *  Collective over comm. */
sx_err sx_cfg_load(MPI_Comm comm, const char *path, char *const *sets, int nsets, sx_cfg_t **out);
/** Apply one "a.b.0.c=value" override (creates missing map keys). */
sx_err sx_cfg_set(sx_cfg_t *cfg, const char *assignment);
/** Free the tree; accepts NULL and sets *cfg = NULL. */
void sx_cfg_destroy(sx_cfg_t **cfg);

sx_cfg_node_t *sx_cfg_root(const sx_cfg_t *cfg);
/** File name the tree came from (as given). */
const char *sx_cfg_source(const sx_cfg_t *cfg);
/** SHA-256 (hex) of the job file's bytes as read, before overrides. */
const char *sx_cfg_file_sha256(const sx_cfg_t *cfg);
/** The overrides applied, joined by spaces ("" if none). */
const char *sx_cfg_overrides(const sx_cfg_t *cfg);

sx_cfg_kind sx_cfg_node_kind(const sx_cfg_node_t *n);
int sx_cfg_node_line(const sx_cfg_node_t *n);
int sx_cfg_node_col(const sx_cfg_node_t *n);
/** Key path from the root, e.g. "steps[0].slope.z_factor". */
const char *sx_cfg_node_path(const sx_cfg_node_t *n);
/** Scalar text (NULL for non-scalars). */
const char *sx_cfg_node_text(const sx_cfg_node_t *n);
/** Number of entries of a map or sequence (0 otherwise). */
size_t sx_cfg_node_len(const sx_cfg_node_t *n);
/** i-th entry of a sequence, or value of the i-th pair of a map. */
sx_cfg_node_t *sx_cfg_node_at(const sx_cfg_node_t *n, size_t i);
/** i-th key of a map (NULL otherwise). */
const char *sx_cfg_node_key_at(const sx_cfg_node_t *n, size_t i);
/** Value of key in a map, NULL if absent or n is not a map. */
sx_cfg_node_t *sx_cfg_map_get(const sx_cfg_node_t *map, const char *key);

typedef enum {
    SX_CFG_T_STRING = 0, /* any scalar */
    SX_CFG_T_PATH,       /* scalar, non-empty */
    SX_CFG_T_INT,        /* integer within [min, max] if min <= max */
    SX_CFG_T_FLOAT,      /* finite number within [min, max] if min <= max */
    SX_CFG_T_BOOL,       /* true/false/yes/no/on/off */
    SX_CFG_T_ENUM,       /* one of choices "a|b|c" */
    SX_CFG_T_MAP,        /* a mapping (checked further by the caller) */
    SX_CFG_T_LIST,       /* a sequence (checked further by the caller); with nmax > 0 and nmin <= 1 a single
                            value is taken as a one-entry list */
    SX_CFG_T_MAP_OR_VALUE /* one value for every name, or a mapping NAME: value (e.g. nodata per band) */
} sx_cfg_type;

/*
 * One key of a job step — and, through `cli`, one argument or option of the
 * same verb on the command line (`sanxiang dem slope`): one table serves both
 * doors, so they accept the same values and give the same messages.
 *
 * Command-line forms by type: a scalar option takes one value (`--z-factor 2`
 * or `--z-factor=2`); SX_CFG_T_BOOL is a flag (`--epsilon`, or
 * `--epsilon=false`, and `--no-epsilon`); SX_CFG_T_MAP repeats NAME=VALUE (`-b nir=B5.TIF -b
 * red=B4.TIF` is `bands: {nir: B5.TIF, red: B4.TIF}`); SX_CFG_T_MAP_OR_VALUE takes
 * either one VALUE or repeated NAME=VALUE; SX_CFG_T_LIST repeats
 * one value each (`--table a.csv --table b.csv`), or with nmax > 1 takes
 * nmin..nmax values at once (`--te XMIN YMIN XMAX YMAX`).
 */
typedef struct {
    const char *key;
    sx_cfg_type type;
    int required;
    const char *def;     /* default as text, NULL if none (documentation) */
    double min, max;     /* bounds for numbers; ignored when min > max */
    const char *choices; /* for SX_CFG_T_ENUM: "a|b|c" */
    const char *help;    /* one line for `--help` */
    /* The command line. cli: NULL = "--<key>" with '-' for '_'; "-" = job files only; "1", "2", ... =
     * positional argument N; "*" = the remaining positional arguments (a list); else the spelling(s),
     * alternatives separated by '|' ("-r|--resampling"). */
    const char *cli;
    const char *meta;    /* placeholder in the usage, e.g. "ROLE=PATH"; NULL: from the type */
    int nmin, nmax;      /* SX_CFG_T_LIST: number of entries; 0, 0 = any number */
} sx_cfg_field_t;

/**
 * Check that map (a node of cfg) is a mapping whose keys are all in fields,
 * whose values have the declared types and bounds, and which holds every
 * required key. Fails with SX_ERR_CONFIG naming file:line:col and key path,
 * and for an unknown key lists the allowed keys. Not collective.
 */
sx_err sx_cfg_check(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const sx_cfg_field_t *fields,
                    size_t nfields);

/** Typed getters. A missing key gives def (the getters do not fail on a
 *  missing key; sx_cfg_check handles required keys). A present key of the
 *  wrong type fails with SX_ERR_CONFIG naming file:line:col and key path. */
sx_err sx_cfg_get_string(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const char *key,
                         const char *def, const char **out);
sx_err sx_cfg_get_int(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const char *key, int64_t def,
                      int64_t *out);
sx_err sx_cfg_get_double(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const char *key, double def,
                         double *out);
sx_err sx_cfg_get_bool(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const char *key, int def,
                       int *out);

/** Fail with SX_ERR_CONFIG at node n: "file:line:col: path: <message>". */
sx_err sx_cfg_fail_at(const sx_cfg_t *cfg, const sx_cfg_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Build a configuration from a command line, as a one-step job: a map with
 * `step: <step>` (when step is not NULL) and one key per argument, following
 * the table's `cli` spellings. argv[0..argc) are the arguments after the
 * verb; command ("sanxiang dem slope") names them in messages. Unknown
 * options and malformed values fail with SX_ERR_USAGE naming the option;
 * types, bounds and required keys are then checked by sx_cfg_check (with the
 * same rules as a job file; messages name the option). Not collective.
 */
sx_err sx_cfg_from_argv(const char *command, const char *step, const sx_cfg_field_t *fields, size_t nfields,
                        int argc, char **argv, sx_cfg_t **out);
/** How key is named to the user of cfg, for messages about several keys at
 *  once: its option ("--k") when cfg came from a command line, else the key
 *  itself. Returns buf. Not collective. */
const char *sx_cfg_key_label(const sx_cfg_t *cfg, const sx_cfg_field_t *fields, size_t nfields, const char *key,
                             char *buf, size_t len);
/** 1 if cfg was built by sx_cfg_from_argv. */
int sx_cfg_from_command_line(const sx_cfg_t *cfg);
/** Replace the text of scalar node n (e.g. a path rewritten by the caller). */
sx_err sx_cfg_replace_text(sx_cfg_t *cfg, sx_cfg_node_t *n, const char *text);
/** Print the command-line usage of a table to stdout: the usage line for
 *  command and, if options, every argument and option with its type, bounds
 *  and default. */
void sx_cfg_print_usage(const char *command, const sx_cfg_field_t *fields, size_t nfields, int options);

/** The effective configuration as JSON (malloc'd, caller frees). */
sx_err sx_cfg_to_json(const sx_cfg_t *cfg, char **out);
/** One node (and what it holds) as JSON (malloc'd, caller frees). */
sx_err sx_cfg_node_to_json(const sx_cfg_node_t *n, char **out);

/** Print a field table as help text to stdout, indented by indent spaces. */
void sx_cfg_print_fields(const sx_cfg_field_t *fields, size_t nfields, int indent);

#endif
