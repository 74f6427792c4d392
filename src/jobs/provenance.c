/*
 * provenance.c — the records of what produced an output.
 *
 * Two records, one builder:
 *  - the file record, stamped into every .tif and .nc: what identifies the
 *    result — software, version, commit, command line, job file with its
 *    SHA-256, overrides and inputs, library versions (they identify the
 *    build). Nothing about how or when it ran, so the same command on the
 *    same inputs gives the same bytes at any rank or thread count, and an
 *    auditor can compare file hashes;
 *  - the run record, in run.json: the file record plus ranks, threads per
 *    rank, UTC time and host.
 */
#include <gdal.h>
#include <mpi.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sanxiang/sx_h5cf.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_strbuf.h"
#include "sanxiang/sx_version_gen.h"

static void libraries(sx_strbuf_t *sb)
{
    char mpi_ver[MPI_MAX_LIBRARY_VERSION_STRING] = "";
    int len = 0;
    MPI_Get_library_version(mpi_ver, &len);
    char *nl = strchr(mpi_ver, ',');
    if (nl) *nl = '\0';
    sx_strbuf_puts(sb, ", \"libraries\": {\"mpi\": ");
    sx_strbuf_json_string(sb, mpi_ver);
    sx_strbuf_puts(sb, ", \"hdf5\": ");
    sx_strbuf_json_string(sb, sx_h5cf_library_version());
    sx_strbuf_puts(sb, ", \"gdal\": ");
    sx_strbuf_json_string(sb, GDALVersionInfo("RELEASE_NAME"));
    sx_strbuf_puts(sb, "}");
}

/* How and when: ranks, threads, time, host (run record only). */
static void run_facts(sx_strbuf_t *sb)
{
    char stamp[32], host[256] = "";
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    gethostname(host, sizeof host - 1);
    sx_strbuf_printf(sb, ", \"ranks\": %d, \"threads_per_rank\": %d, \"utc_time\": \"%s\", \"host\": ", sx_mpi_size(),
                     omp_get_max_threads(), stamp);
    sx_strbuf_json_string(sb, host);
}

static sx_err build(const sx_cfg_t *cfg, int argc, char **argv, int run, char **out)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_printf(&sb, "{\"software\": \"sanxiang\", \"version\": \"%s\", \"commit\": \"%s\", ", SX_VERSION_STRING,
                     SX_GIT_COMMIT);
    sx_strbuf_puts(&sb, "\"command_line\": ");
    sx_strbuf_t cl;
    sx_strbuf_init(&cl);
    for (int i = 0; i < argc; i++) {
        if (i) sx_strbuf_puts(&cl, " ");
        sx_strbuf_puts(&cl, argv[i]);
    }
    sx_strbuf_json_string(&sb, cl.data ? cl.data : "");
    sx_strbuf_fini(&cl);
    sx_err err = SX_OK;
    if (cfg) {
        sx_strbuf_puts(&sb, ", \"job_file\": ");
        sx_strbuf_json_string(&sb, sx_cfg_source(cfg));
        sx_strbuf_puts(&sb, ", \"job_sha256\": ");
        sx_strbuf_json_string(&sb, sx_cfg_file_sha256(cfg));
        sx_strbuf_puts(&sb, ", \"overrides\": ");
        sx_strbuf_json_string(&sb, sx_cfg_overrides(cfg));
        const sx_cfg_node_t *inputs = sx_cfg_map_get(sx_cfg_root(cfg), "inputs");
        if (inputs) {
            char *json = NULL;
            err = sx_cfg_node_to_json(inputs, &json);
            sx_strbuf_puts(&sb, ", \"inputs\": ");
            sx_strbuf_puts(&sb, json ? json : "null");
            free(json);
        }
    }
    if (run) run_facts(&sb);
    libraries(&sb);
    sx_strbuf_puts(&sb, "}");
    if (err != SX_OK || sb.failed) {
        sx_strbuf_fini(&sb);
        SX_FAIL(SX_ERR_NOMEM, "cannot build the provenance record");
    }
    *out = sb.data;
    return SX_OK;
}

static sx_err record(MPI_Comm comm, const sx_cfg_t *cfg, int argc, char **argv, int run, char **out)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    char *text = NULL;
    sx_err err = rank == 0 ? build(cfg, argc, argv, run, &text) : SX_OK;
    SX_CHECK(sx_err_agree(comm, err));
    SX_CHECK(sx_mpi_bcast_string(comm, 0, &text));
    *out = text;
    return SX_OK;
}

sx_err sx_provenance_json(MPI_Comm comm, const sx_cfg_t *cfg, int argc, char **argv, char **out)
{
    return record(comm, cfg, argc, argv, 0, out);
}

sx_err sx_provenance_run_json(MPI_Comm comm, const sx_cfg_t *cfg, int argc, char **argv, char **out)
{
    return record(comm, cfg, argc, argv, 1, out);
}
