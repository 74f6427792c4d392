/*
 * progress.c — step-level resume of a job: what a requeued Slurm job needs.
 *
 * After each step succeeds, rank 0 records in <run dir>/.sanxiang-progress
 * the SHA-256 of the effective configuration, the number of steps done and
 * the layers they registered. A run of the same configuration into the same
 * directory reads it and skips the steps already done; a different
 * configuration starts over. A finished job removes the record, so running a
 * job again on purpose recomputes everything. Steps that checkpoint inside
 * themselves (flood2d) resume from their own checkpoints on top of this.
 *
 * Format (text, one item per line):
 *   sanxiang-progress 1
 *   config <sha256 hex>
 *   done <n>
 *   layer <name>\t<dataset>
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jobs/job_internal.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_strbuf.h"

#define PROGRESS_FILE ".sanxiang-progress"

static sx_err progress_path(const char *dir, char *buf, size_t len)
{
    SX_FAIL_IF(snprintf(buf, len, "%s/%s", dir, PROGRESS_FILE) >= (int)len, SX_ERR_CONFIG,
               "output directory path too long: '%s'", dir);
    return SX_OK;
}

static sx_err read_all(const char *path, char **out)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f) {
        SX_FAIL_IF(errno != ENOENT, SX_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
        return SX_OK; /* no record: a fresh run */
    }
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) sx_strbuf_printf(&sb, "%.*s", (int)n, chunk);
    fclose(f);
    SX_FAIL_IF(sb.failed, SX_ERR_NOMEM, "out of memory reading '%s'", path);
    *out = sb.data;
    return SX_OK;
}

sx_err sx_job_progress_load(MPI_Comm comm, const char *dir, const char *config_sha, int *steps_done,
                            sx_job_layer_fn add_layer, void *ctx)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    char path[SX_PATH_MAX], *text = NULL;
    sx_err err = progress_path(dir, path, sizeof path);
    if (err == SX_OK && rank == 0) err = read_all(path, &text);
    SX_CHECK(sx_err_agree(comm, err));
    err = sx_mpi_bcast_string(comm, 0, &text);
    if (err != SX_OK) {
        free(text);
        return err;
    }
    *steps_done = 0;
    char sha[80] = "";
    int done = 0, version = 0;
    if (text && text[0] && sscanf(text, "sanxiang-progress %d\nconfig %64s\ndone %d", &version, sha, &done) == 3 &&
        version == 1 && !strcmp(sha, config_sha)) {
        for (char *line = strtok(text, "\n"); line && err == SX_OK; line = strtok(NULL, "\n")) {
            if (strncmp(line, "layer ", 6)) continue;
            char *tab = strchr(line + 6, '\t');
            if (!tab) continue;
            *tab = '\0';
            err = add_layer(ctx, line + 6, tab + 1);
        }
        *steps_done = done;
    }
    free(text);
    return err;
}

sx_err sx_job_progress_save(MPI_Comm comm, const char *dir, const char *config_sha, int steps_done, int nlayers,
                            char *const *names, char *const *datasets)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    sx_err err = SX_OK;
    if (rank == 0) {
        char path[SX_PATH_MAX];
        err = progress_path(dir, path, sizeof path);
        sx_strbuf_t sb;
        sx_strbuf_init(&sb);
        sx_strbuf_printf(&sb, "sanxiang-progress 1\nconfig %s\ndone %d\n", config_sha, steps_done);
        for (int i = 0; i < nlayers; i++) sx_strbuf_printf(&sb, "layer %s\t%s\n", names[i], datasets[i]);
        if (err == SX_OK && sb.failed) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        if (err == SX_OK) err = sx_write_text_file(path, sb.data);
        sx_strbuf_fini(&sb);
    }
    return sx_err_agree(comm, err);
}

sx_err sx_job_progress_clear(MPI_Comm comm, const char *dir)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    sx_err err = SX_OK;
    if (rank == 0) {
        char path[SX_PATH_MAX];
        err = progress_path(dir, path, sizeof path);
        if (err == SX_OK && unlink(path) != 0 && errno != ENOENT)
            err = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot remove '%s': %s", path, strerror(errno));
    }
    return sx_err_agree(comm, err);
}
