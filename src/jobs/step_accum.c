/*
 * step_accum.c — job step `accum`: flow accumulation (cell counts, or sums of
 * a weight raster) by D8 or D-infinity directions, or MFD over a filled DEM.
 */

#include <stdio.h>
#include "sanxiang/sx_hydrology.h"
#include "jobs/step_fields.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "accum"},
    {"input", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL,
     "d8: flow-direction codes; dinf: angles; mfd: the filled DEM (an input name, earlier output or path)", "1", "IN"},
    {"weight", SX_CFG_T_STRING, 0, NULL, 0, 0, NULL, "weight raster on the same grid (none: count cells)"},
    {"output", SX_CFG_T_STRING, 0, "accum", 1, 0, NULL, "name of the output layer", "-o", "OUT"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the input"},
    {"encoding", SX_CFG_T_ENUM, 0, "esri", 1, 0, "esri|taudem", "direction codes of the input"},
    {"method", SX_CFG_T_ENUM, 0, "d8", 1, 0, "d8|dinf|mfd", "routing: D8, D-infinity (Tarboton 1997) or MFD"},
    {"mfd", SX_CFG_T_ENUM, 0, "freeman", 1, 0, "freeman|quinn",
     "MFD partition: Freeman (1991) tan(b)^1.1 or Quinn et al. (1991) tan(b) x contour length"},
    {"edge", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL,
     "also write <output>_edge (in the step's formats): 1 where the upstream area touches the grid edge or nodata"},
    SX_STEP_F_OUTPUTS,
    SX_STEP_F_INTERMEDIATE,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *output, *input, *encoding, *weight, *method, *mfd;
    int edge;
    int64_t band;
    sx_d8_encoding enc;
    sx_flow_method m;
    sx_mfd_rule rule;
    SX_CHECK(sx_job_input(job, node, "input", &input));
    SX_CHECK(sx_job_input(job, node, "weight", &weight));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "accum", &output));
    SX_CHECK(sx_cfg_get_string(cfg, node, "encoding", "esri", &encoding));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "edge", 0, &edge));
    SX_CHECK(sx_cfg_get_string(cfg, node, "method", "d8", &method));
    SX_CHECK(sx_cfg_get_string(cfg, node, "mfd", "freeman", &mfd));
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    SX_CHECK(sx_d8_encoding_parse(encoding, &enc));
    SX_CHECK(sx_flow_method_parse(method, &m));
    SX_CHECK(sx_mfd_rule_parse(mfd, &rule));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    char edge_name[SX_PATH_MAX];
    sx_job_raster_out_t eout; /* <output>_edge in the same formats as the accumulation */
    SX_FAIL_IF(snprintf(edge_name, sizeof edge_name, "%s_edge", output) >= (int)sizeof edge_name, SX_ERR_INPUT,
               "output name '%s' too long", output);
    SX_CHECK(sx_job_raster_out(job, node, edge_name, &eout));
    sx_accum_opts_t o = {input, weight, out.nc, out.tif, edge ? eout.nc : NULL, edge ? eout.tif : NULL, enc,
                         sx_job_provenance(job), m, rule, (int)band};
    SX_CHECK(sx_dem_accum_run(comm, &o));
    SX_CHECK(sx_job_add_raster_layer(job, output, &out, "accumulation"));
    return SX_OK;
}

const sx_job_step_t sx_step_accum = {
    "accum", "flow accumulation in O(n) by D8, D-infinity or MFD (cell itself counted)", fields,
    sizeof fields / sizeof *fields, run,
    "dem accum", ".tif|.tiff|.nc",
    "Flow accumulation in O(n), the cell itself included. d8 (IN: direction codes): Int32 counts (Int64 for\n"
    "grids of 2^31 cells or more), or float64 sums of --weight W. dinf (IN: angles from flowdir --method dinf)\n"
    "and mfd (IN: the filled DEM; Freeman 1991 or Quinn et al. 1991 partition): float64 contributing area in\n"
    "cells.\n"
    "--edge writes OUT_edge.tif (and/or .nc, as --format says), 1 where the upstream area touches the grid edge\n"
    "or nodata."};
