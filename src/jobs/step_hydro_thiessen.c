/*
 * step_hydro_thiessen.c — step `hydro_thiessen` (`sanxiang hydro thiessen`):
 * the weights of rain gauges over each sub-basin polygon, by Thiessen (1911)
 * polygons or inverse-distance weighting averaged over the sub-basin, as a CSV
 * (subbasin, one column per gauge) that a forecast job's `weights` can use.
 * Rank 0 does the work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_strbuf.h"

#define MAX_GAUGES 64

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "hydro_thiessen"},
    {"polygons", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "sub-basin polygons (GeoPackage, GeoJSON, Shapefile)", NULL,
     "SUBBASINS.gpkg"},
    {"id_field", SX_CFG_T_STRING, 0, "id", 1, 0, NULL, "attribute naming each sub-basin", NULL, "FIELD"},
    {"gauges", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "CSV id,x,y of the gauges, in the polygons' CRS", NULL, "G.csv"},
    {"method", SX_CFG_T_ENUM, 0, "thiessen", 1, 0, "thiessen|idw", "Thiessen (1911) polygons or inverse distance"},
    {"power", SX_CFG_T_FLOAT, 0, "2", 1e-9, 10, NULL, "IDW exponent p (weights d^-p)"},
    {"grid", SX_CFG_T_INT, 0, "400", 2, 20000, NULL, "cell centres per side of each sub-basin's envelope"},
    {"output", SX_CFG_T_STRING, 0, "weights", 1, 0, NULL, "CSV subbasin,<gauge>,...", "-o", "W.csv"},
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    (void)comm;
    if (sx_mpi_rank() != 0) return SX_OK;
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *poly, *field, *gauges, *method, *output;
    double power;
    int64_t grid;
    SX_CHECK(sx_job_input(job, node, "polygons", &poly));
    SX_CHECK(sx_job_input(job, node, "gauges", &gauges));
    SX_CHECK(sx_cfg_get_string(cfg, node, "id_field", "id", &field));
    SX_CHECK(sx_cfg_get_string(cfg, node, "method", "thiessen", &method));
    SX_CHECK(sx_cfg_get_double(cfg, node, "power", 2, &power));
    SX_CHECK(sx_cfg_get_int(cfg, node, "grid", 400, &grid));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "weights", &output));
    char path[SX_PATH_MAX], names[MAX_GAUGES][32];
    double x[MAX_GAUGES], y[MAX_GAUGES];
    int ng = 0, np = 0;
    SX_CHECK(sx_job_out_file(job, output, ".csv", path, sizeof path));
    SX_CHECK(sx_hydro_gauges_read(gauges, MAX_GAUGES, &ng, names, x, y));
    sx_hydro_weights_opts_t wo = {strcmp(method, "idw") ? SX_HYDRO_WEIGHTS_THIESSEN : SX_HYDRO_WEIGHTS_IDW, power,
                                  (int)grid};
    char **ids = NULL;
    double *w = NULL;
    SX_CHECK(sx_hydro_weights_layer(poly, field, &wo, ng, x, y, &np, &ids, &w));
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "subbasin");
    for (int g = 0; g < ng; g++) sx_strbuf_printf(&sb, ",%s", names[g]);
    sx_strbuf_puts(&sb, "\n");
    for (int p = 0; p < np; p++) {
        sx_strbuf_puts(&sb, ids[p]);
        for (int g = 0; g < ng; g++) sx_strbuf_printf(&sb, ",%.6f", w[(int64_t)p * ng + g]);
        sx_strbuf_puts(&sb, "\n");
    }
    sx_err e = sb.failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory") : sx_write_text_file(path, sb.data);
    if (!e) sx_log_info("hydro thiessen: %d sub-basin(s) x %d gauge(s) (%s) -> %s", np, ng, method, path);
    sx_strbuf_fini(&sb);
    for (int p = 0; p < np; p++) free(ids[p]);
    free(ids);
    free(w);
    return e;
}

const sx_job_step_t sx_step_hydro_thiessen = {
    "hydro_thiessen", "gauge weights over sub-basins: Thiessen (1911) polygons or inverse distance", fields,
    sizeof fields / sizeof *fields, run, "hydro thiessen", ".csv",
    "Thiessen (1911) or inverse-distance (IDW, d^-power averaged over the sub-basin's grid of cell centres) weights\n"
    "of gauges (id,x,y in the polygons' CRS) over each sub-basin; each row sums to 1."};
