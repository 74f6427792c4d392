/*
 * step_rs_change.c — job step `rs_change`: gain / loss / no-change classes
 * of an index between two dates (3 gain, 1 loss, 2 no change, 255 nodata).
 */
#include "jobs/step_rs_common.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_change"},
    {"before", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "index layer of the first date", NULL, "A.tif"},
    {"after", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "index layer of the second date", NULL, "B.tif"},
    {"gain", SX_CFG_T_FLOAT, 1, NULL, 0, 1e300, NULL, "gain where after - before > gain"},
    {"loss", SX_CFG_T_FLOAT, 1, NULL, 0, 1e300, NULL, "loss where after - before < -loss"},
    SX_STEP_RS_F_OUTPUT("change", "output layer name"),
    SX_STEP_F_OUTPUTS,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *before, *after, *output;
    double gain, loss;
    SX_CHECK(sx__step_rs_layer(job, node, "before", &before));
    SX_CHECK(sx__step_rs_layer(job, node, "after", &after));
    SX_CHECK(sx_cfg_get_double(cfg, node, "gain", 0, &gain));
    SX_CHECK(sx_cfg_get_double(cfg, node, "loss", 0, &loss));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "change", &output));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    SX_CHECK(sx_rs_change_run(comm, before, after, gain, loss, out.nc, out.tif, sx_job_provenance(job)));
    return sx_job_add_raster_layer(job, output, &out, "change");
}

const sx_job_step_t sx_step_rs_change = {
    "rs_change", "gain / loss / no-change classes of an index between two dates", fields,
    sizeof fields / sizeof *fields, run, "rs change", SX_STEP_RS_RASTER_EXT,
    "Classes of B - A: 3 gain (> G), 1 loss (< -L), 2 no change, 255 nodata."};
