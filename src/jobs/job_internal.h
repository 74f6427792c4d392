/*
 * job_internal.h — pieces of the job runner shared between src/jobs files.
 */
#ifndef SX_JOB_INTERNAL_H
#define SX_JOB_INTERNAL_H

#include <mpi.h>
#include "sanxiang/sx_err.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

#define JOB_MAX_LAYERS 256

struct sx_job {
    sx_cfg_t *cfg;
    int command;          /* a command line run as a one-step job */
    char what[160];       /* the step being run, for messages: "steps[2] (slope)" or "-o" */
    const sx_cfg_node_t *node; /* the step being run */
    char out_dir[SX_PATH_MAX];
    char out_ext[16];     /* the extension -o carried (".nc", ".tif"), "" if none */
    char *provenance;     /* stamped into output files */
    char *run_provenance; /* run.json: provenance + ranks, threads, time, host */
    int nlayers;
    char *layer_name[JOB_MAX_LAYERS];
    char *layer_path[JOB_MAX_LAYERS];
    int nbundled;         /* relative names found in sanxiang's data directory (sx_install.h) */
    char *bundled_name[JOB_MAX_LAYERS];
    char *bundled_path[JOB_MAX_LAYERS];
};

/** Free what a job holds (not the struct itself). */
void sx__job_free(sx_job_t *job);
/** Run one step with its products committed together (all or none). Collective. */
sx_err sx__job_run_step(sx_job_t *job, const sx_job_step_t *s, const sx_cfg_node_t *node, MPI_Comm comm);

typedef sx_err (*sx_job_layer_fn)(void *ctx, const char *name, const char *dataset);

/** Read the resume record of dir: if it belongs to config_sha, set
 *  *steps_done and call add_layer for each recorded layer; otherwise
 *  *steps_done = 0. Collective over comm. */
sx_err sx_job_progress_load(MPI_Comm comm, const char *dir, const char *config_sha, int *steps_done,
                            sx_job_layer_fn add_layer, void *ctx);
/** Record that steps_done steps of config_sha are done, with the layers
 *  registered so far. Collective. */
sx_err sx_job_progress_save(MPI_Comm comm, const char *dir, const char *config_sha, int steps_done, int nlayers,
                            char *const *names, char *const *datasets);
/** Remove the record (the job finished). Collective. */
sx_err sx_job_progress_clear(MPI_Comm comm, const char *dir);

#endif
