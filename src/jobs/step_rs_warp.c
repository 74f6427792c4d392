/*
 * step_rs_warp.c — job step `rs_warp`: mosaic layers (later ones win where
 * they overlap) and reproject to a target CRS, resolution and extent;
 * Float32, NaN nodata.
 */
#include <stdlib.h>

#include "jobs/step_rs_common.h"

#define MAX_INPUTS 1024

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_warp"},
    {"inputs", SX_CFG_T_LIST, 1, NULL, 1, 0, NULL, "layers to mosaic (input names, earlier outputs or paths)", "*",
     "IN"},
    {"t_srs", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "target CRS, e.g. EPSG:4490 or EPSG:4547 (default: the first input's)",
     NULL, "CRS"},
    {"s_srs", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "CRS of inputs that carry none (an input without a CRS is refused "
     "otherwise)", NULL, "CRS"},
    {"resolution", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "cell size in target units, x [and y] (default: GDAL's suggestion)",
     "--tr", "XRES [YRES]", 1, 2},
    {"extent", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "[xmin, ymin, xmax, ymax] in the target CRS", "--te",
     "XMIN YMIN XMAX YMAX", 4, 4},
    {"resampling", SX_CFG_T_ENUM, 0, "near", 1, 0, "near|bilinear|cubic|cubicspline|lanczos|average|mode", "resampling",
     "-r|--resampling"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of every input"},
    {"src_nodata", SX_CFG_T_FLOAT, 0, NULL, 1, 0, NULL, "nodata of the inputs when the files do not declare it"},
    SX_STEP_RS_F_OUTPUT("warp", "output layer name"),
    {"name", SX_CFG_T_STRING, 0, "the output name", 1, 0, NULL, "variable name of the result in the netCDF"},
    SX_STEP_F_OUTPUTS,
    SX_STEP_F_INTERMEDIATE,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const sx_cfg_node_t *list = sx_cfg_map_get(node, "inputs"), *ext = sx_cfg_map_get(node, "extent");
    const size_t n = sx_cfg_node_len(list);
    if (n < 1 || n > MAX_INPUTS) return sx_cfg_fail_at(cfg, list, "give 1 to %d input layers", MAX_INPUTS);
    const char *inputs[MAX_INPUTS], *output;
    for (size_t i = 0; i < n; i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(list, i);
        if (!sx_cfg_node_text(v)) return sx_cfg_fail_at(cfg, v, "expected a layer name or path");
        SX_CHECK(sx_job_resolve(job, v, sx_cfg_node_text(v), &inputs[i]));
    }
    sx_rs_warp_opts_t o = {.inputs = inputs, .ninputs = (int)n};
    int64_t band;
    SX_CHECK(sx_cfg_get_string(cfg, node, "t_srs", NULL, &o.t_srs));
    const sx_cfg_node_t *res = sx_cfg_map_get(node, "resolution");
    for (size_t i = 0; i < sx_cfg_node_len(res); i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(res, i);
        double r = 0;
        if (!sx_parse_double(sx_cfg_node_text(v), &r) || !(r > 0))
            return sx_cfg_fail_at(cfg, v, "expected a positive cell size");
        if (i == 0) o.xres = o.yres = r;
        else o.yres = r;
    }
    SX_CHECK(sx_cfg_get_string(cfg, node, "s_srs", NULL, &o.s_srs));
    SX_CHECK(sx_cfg_get_string(cfg, node, "resampling", "near", &o.resampling));
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    o.band = (int)band;
    o.has_src_nodata = sx_cfg_map_get(node, "src_nodata") != NULL;
    SX_CHECK(sx_cfg_get_double(cfg, node, "src_nodata", 0, &o.src_nodata));
    if (ext) {
        for (size_t i = 0; i < 4; i++) {
            const sx_cfg_node_t *v = sx_cfg_node_at(ext, i);
            if (!sx_parse_double(sx_cfg_node_text(v), &o.te[i])) return sx_cfg_fail_at(cfg, v, "expected a number");
        }
        if (!(o.te[0] < o.te[2] && o.te[1] < o.te[3])) return sx_cfg_fail_at(cfg, ext, "extent needs xmin < xmax and ymin < ymax");
        o.has_te = 1;
    }
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "warp", &output));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    o.out_nc = out.nc;
    o.out_cog = out.tif;
    SX_CHECK(sx_cfg_get_string(cfg, node, "name", output, &o.var_name));
    o.provenance = sx_job_provenance(job);
    SX_CHECK(sx_rs_warp_run(comm, &o));
    return sx_job_add_raster_layer(job, output, &out, o.var_name);
}

const sx_job_step_t sx_step_rs_warp = {
    "rs_warp", "mosaic and reproject layers onto one grid (CGCS2000 and its zones work)", fields,
    sizeof fields / sizeof *fields, run, "rs warp", SX_STEP_RS_RASTER_EXT,
    "Mosaic tiles (later ones win where they overlap) and reproject, e.g. to CGCS2000 EPSG:4490 or a Gauss-Krueger\n"
    "zone EPSG:4491-4554. Same result as gdalwarp -et 0 -ovr NONE; Float32, NaN nodata."};
