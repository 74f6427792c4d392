/*
 * step_serve.c — the command `sanxiang serve PACKAGE_DIR`: a one-map package
 * served to a browser on this machine (loopback only). A command, not a job
 * step: a job ends, a server runs until it is stopped.
 */
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_publish.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "serve"},
    {"package", SX_CFG_T_PATH, 1, NULL, 1, 0, NULL, "package directory made by sanxiang publish", "1", "PACKAGE_DIR"},
    {"port", SX_CFG_T_INT, 0, "8000", 0, 65535, NULL, "TCP port on 127.0.0.1 (0: any free port, printed)"},
    {"max_requests", SX_CFG_T_INT, 0, "0", 0, 1e12, NULL, "stop after this many requests (0: run until stopped)"},
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    (void)comm;
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *dir;
    int64_t port, max;
    SX_CHECK(sx_cfg_get_string(cfg, node, "package", NULL, &dir));
    SX_CHECK(sx_cfg_get_int(cfg, node, "port", 8000, &port));
    SX_CHECK(sx_cfg_get_int(cfg, node, "max_requests", 0, &max));
    if (sx_mpi_rank() != 0) return SX_OK;
    return sx_publish_serve(dir, (int)port, (long)max);
}

const sx_job_step_t sx_step_serve = {
    "serve", "serve a package to a browser on localhost", fields, sizeof fields / sizeof *fields, run, "serve", NULL,
    "Serves the package's files on http://127.0.0.1:PORT/ until interrupted; open that address for the map viewer.\n"
    "Local use only: it listens on the loopback interface and serves GET/HEAD of files under PACKAGE_DIR.",
    1};
