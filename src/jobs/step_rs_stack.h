/*
 * step_rs_stack.h — the layers of a stack for the rs time-series steps (not
 * public): a list key (positional arguments on the command line) followed by
 * the lines "LAYER [TIME]" of a list file, each resolved through the job.
 */
#ifndef SX_STEP_RS_STACK_H
#define SX_STEP_RS_STACK_H

#include "sanxiang/sx_job.h"

#define SX_STEP_RS_STACK_MAX 4096

typedef struct {
    int n;
    const char *path[SX_STEP_RS_STACK_MAX]; /* resolved (owned copies: a list line's buffer is reused) */
    char *time[SX_STEP_RS_STACK_MAX];       /* the list line's TIME (owned), or NULL */
} sx__step_rs_stack_t;

/** Append the layers of list key `key` then the lines of the file named by
 *  key `file_key` to s (zeroed by the caller), at most max in all; errors name
 *  the node or the file and line. Not collective. */
sx_err sx__step_rs_stack_read(sx_job_t *job, const sx_cfg_node_t *node, const char *key, const char *file_key, int max,
                              sx__step_rs_stack_t *s);
/** Register layer <output>_<name> of a product written as <stem>_<name>.tif
 *  (COG in formats) or variable <name> of <stem>_<name>.nc, for later steps. */
sx_err sx__step_rs_register(sx_job_t *job, const char *output, const char *stem, const char *name, int formats);
/** Free what s owns. */
void sx__step_rs_stack_free(sx__step_rs_stack_t *s);

#endif
