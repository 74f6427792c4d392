/*
 * step_rs_spi.c — job step `rs_spi` (command `sanxiang rs spi`): the
 * Standardized Precipitation Index (McKee et al. 1993) of monthly gridded
 * precipitation at 1-, 3-, 6-month (or other) scales. Registers
 * <output>_spi<k>_<t> for every scale k and month t.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_rs_common.h"
#include "jobs/step_rs_stack.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_rs_series.h"

#define MAX_MONTHS 4096

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_spi"},
    {"inputs", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "monthly precipitation layers in time order, one per month", "*",
     "P"},
    {"list", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL, "text file with one layer per line, in time order; # comments",
     "--list", "FILE"},
    {"start_month", SX_CFG_T_INT, 0, "1", 1, 12, NULL, "calendar month of the first layer (1 = January)"},
    {"scales", SX_CFG_T_LIST, 0, "1,3,6", 1, 0, NULL, "time scales in months, comma-separated or repeated", "--scales",
     "K1,K2,..."},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of every layer"},
    {"nodata", SX_CFG_T_FLOAT, 0, NULL, 1, 0, NULL, "nodata of the layers when the files do not declare it"},
    {"strip_rows", SX_CFG_T_INT, 0, "0", 0, 1000000, NULL, "rows of every layer held at a time (0: about 64 MB)"},
    SX_STEP_RS_F_OUTPUT("spi", "output stem: layers <output>_spi<k>_<t> (scale k, month t = 1, 2, ...)"),
    SX_STEP_F_OUTPUTS,
};

static sx_err scales_read(const sx_cfg_t *cfg, const sx_cfg_node_t *node, sx_rs_spi_opts_t *o)
{
    const sx_cfg_node_t *sn = sx_cfg_map_get(node, "scales");
    if (!sn) {
        o->nscales = 3;
        o->scales[0] = 1;
        o->scales[1] = 3;
        o->scales[2] = 6;
        return SX_OK;
    }
    for (size_t i = 0; i < sx_cfg_node_len(sn); i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(sn, i);
        char buf[256], *save = NULL;
        snprintf(buf, sizeof buf, "%s", sx_cfg_node_text(v) ? sx_cfg_node_text(v) : "");
        for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
            int64_t k;
            if (!sx_parse_int64(tok, &k) || k < 1 || k > 48) return sx_cfg_fail_at(cfg, v, "'%s' is not a scale of 1 .. 48 months", tok);
            if (o->nscales == 8) return sx_cfg_fail_at(cfg, v, "at most 8 time scales");
            o->scales[o->nscales++] = (int)k;
        }
    }
    if (!o->nscales) return sx_cfg_fail_at(cfg, sn, "give at least one time scale");
    return SX_OK;
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx__step_rs_stack_t *s = calloc(1, sizeof *s);
    SX_FAIL_IF(!s, SX_ERR_NOMEM, "out of memory");
    sx_rs_spi_opts_t o = {0};
    const char *output = "spi";
    int64_t start = 1, band = 1, strip = 0;
    char stem[SX_PATH_MAX];
    sx_err err = sx__step_rs_stack_read(job, node, "inputs", "list", MAX_MONTHS, s);
    if (!err && s->n < 24)
        err = sx_cfg_fail_at(cfg, node, "SPI needs at least 24 months of precipitation (McKee et al. recommend 30 years), "
                             "got %d%s%s; give one layer per month in time order", s->n, s->n ? ": first " : "",
                             s->n ? s->path[0] : "");
    if (!err) err = scales_read(cfg, node, &o);
    if (!err) err = sx_cfg_get_int(cfg, node, "start_month", 1, &start);
    if (!err) err = sx_cfg_get_int(cfg, node, "band", 1, &band);
    if (!err) err = sx_cfg_get_int(cfg, node, "strip_rows", 0, &strip);
    o.has_nodata = sx_cfg_map_get(node, "nodata") != NULL;
    if (!err) err = sx_cfg_get_double(cfg, node, "nodata", 0, &o.nodata);
    if (!err) err = sx_cfg_get_string(cfg, node, "output", "spi", &output);
    if (!err) err = sx_job_raster_formats(job, node, &o.formats);
    if (!err) err = sx_job_out_path(job, output, stem, sizeof stem);
    if (!err) {
        o.inputs = s->path;
        o.nsteps = s->n;
        o.start_month = (int)start;
        o.band = (int)band;
        o.strip_rows = (int)strip;
        o.out_stem = stem;
        o.provenance = sx_job_provenance(job);
        err = sx_rs_spi_run(comm, &o);
    }
    for (int k = 0; k < o.nscales && !err; k++)
        for (int t = 1; t <= s->n && !err; t++) {
            char name[64];
            snprintf(name, sizeof name, "spi%d_%d", o.scales[k], t);
            err = sx__step_rs_register(job, output, stem, name, o.formats);
        }
    sx__step_rs_stack_free(s);
    free(s);
    return err;
}

const sx_job_step_t sx_step_rs_spi = {
    "rs_spi", "Standardized Precipitation Index (McKee et al. 1993) of monthly gridded precipitation", fields,
    sizeof fields / sizeof *fields, run, "rs spi", SX_STEP_RS_RASTER_EXT,
    "One precipitation layer per month in time order (arguments, then --list lines); --start-month says which\n"
    "calendar month the first is. For each scale k (--scales, default 1,3,6) the k-month sums of each calendar month\n"
    "are fitted by a gamma distribution (Thom 1958) with a probability of zero and mapped to the standard normal.\n"
    "Writes OUT_spi<k>_<t>.tif (Float64) for every month t; the first k - 1 months and windows with a missing month\n"
    "are nodata."};
