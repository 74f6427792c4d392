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

    int anyfail = 0;
    MPI_Allreduce(&fail, &anyfail, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0) printf("mpi_config_load: %d ranks %s\n", sx_mpi_size(), anyfail ? "FAILED" : "passed");
    sx_mpi_finalize();
    return anyfail;
}
