/*
 * mpi_config_load.c — rank 0 parses the job file and broadcasts it.
 *
 * Every rank must hold the same effective configuration (compared as JSON)
 * with the --set overrides applied, the same job-file hash, and for a
 * malformed file the same error code and the same message naming file,
 * line and key on every rank.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_config.h"
#include "sanxiang/sx_mpi.h"

static int same_everywhere(const char *s)
{
    int len = (int)strlen(s) + 1, maxlen = 0, minlen = 0;
    MPI_Allreduce(&len, &maxlen, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Allreduce(&len, &minlen, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (maxlen != minlen) return 0;
    char *root = malloc((size_t)len);
    memcpy(root, s, (size_t)len);
    MPI_Bcast(root, len, MPI_CHAR, 0, MPI_COMM_WORLD);
    int ok = !strcmp(root, s), all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    free(root);
    return all;
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    int rank = sx_mpi_rank(), fail = 0;

    char *sets[] = {"steps.0.slope.z_factor=3", "output_dir=out/mpi"};
    sx_cfg_t *cfg = NULL;
    sx_err e = sx_cfg_load(MPI_COMM_WORLD, SX_DATA_DIR "/../jobs/demo.yaml", sets, 2, &cfg);
    if (e != SX_OK) {
        fprintf(stderr, "[rank %d] load failed: %s\n", rank, sx_err_message());
        fail = 1;
    } else {
        char *json = NULL;
        sx_cfg_to_json(cfg, &json);
        if (!same_everywhere(json) || !same_everywhere(sx_cfg_file_sha256(cfg))) {
            fprintf(stderr, "[rank %d] configuration differs between ranks\n", rank);
            fail = 1;
        }
        if (!strstr(json, "\"z_factor\":\"3\"") && !strstr(json, "\"z_factor\": \"3\"")) {
            fprintf(stderr, "[rank %d] override not applied: %s\n", rank, json);
            fail = 1;
        }
        free(json);
    }
    sx_cfg_destroy(&cfg);

    e = sx_cfg_load(MPI_COMM_WORLD, SX_TEST_DATA_DIR "/jobs/bad_yaml.yaml", NULL, 0, &cfg);
    char msg[1200];
    sx_err_format(msg, sizeof msg);
    if (e != SX_ERR_CONFIG || cfg || !strstr(msg, "bad_yaml.yaml:") || !same_everywhere(msg)) {
        fprintf(stderr, "[rank %d] malformed file: got %s '%s'\n", rank, sx_err_name(e), msg);
        fail = 1;
    }

    /* Found by fuzzing: overrides YAML does not read back verbatim (U+2028,
     * NEL) or that are not UTF-8 used to load at 1 rank and fail on the
     * other ranks with a message blaming line 1 of the job file. */
    char *odd[] = {"title=a\xe2\x80\xa8" "b\xc2\x85" "c"};
    e = sx_cfg_load(MPI_COMM_WORLD, SX_DATA_DIR "/../jobs/demo.yaml", odd, 1, &cfg);
    const char *title = e == SX_OK ? sx_cfg_node_text(sx_cfg_map_get(sx_cfg_root(cfg), "title")) : NULL;
    if (e != SX_OK || !title || strcmp(title, "a\xe2\x80\xa8" "b\xc2\x85" "c")) {
        fprintf(stderr, "[rank %d] --set with U+2028: got %s '%s'\n", rank, sx_err_name(e), sx_err_message());
        fail = 1;
    }
    sx_cfg_destroy(&cfg);
    char *latin1[] = {"title=caf\xe9"};
    e = sx_cfg_load(MPI_COMM_WORLD, SX_DATA_DIR "/../jobs/demo.yaml", latin1, 1, &cfg);
    sx_err_format(msg, sizeof msg);
    if (e != SX_ERR_USAGE || cfg || !strstr(msg, "--set title=caf") || !same_everywhere(msg)) {
        fprintf(stderr, "[rank %d] --set not UTF-8: got %s '%s'\n", rank, sx_err_name(e), msg);
        fail = 1;
    }

    int anyfail = 0;
    MPI_Allreduce(&fail, &anyfail, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0) printf("mpi_config_load: %d ranks %s\n", sx_mpi_size(), anyfail ? "FAILED" : "passed");
    sx_mpi_finalize();
    return anyfail;
}
