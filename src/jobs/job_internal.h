/*
 * job_internal.h — pieces of the job runner shared between src/jobs files.
 */
#ifndef SX_JOB_INTERNAL_H
#define SX_JOB_INTERNAL_H

#include <mpi.h>
#include "sanxiang/sx_err.h"

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
