/*
 * step_rs_vhi.c — job step `rs_vhi` (command `sanxiang rs vhi`): VCI, TCI and
 * VHI (Kogan 1995) of every year of a stack of one season's NDVI and/or
 * brightness temperature layers. Registers <output>_vci_<j>, _tci_<j>,
 * _vhi_<j>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_rs_common.h"
#include "jobs/step_rs_stack.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_rs_series.h"

#define MAX_YEARS 1024

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_vhi"},
    {"ndvi", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "NDVI layers of one season, one per year, in year order", "--ndvi",
     "N1.tif N2.tif ...", 1, MAX_YEARS},
    {"bt", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "brightness temperature layers of the same years, in the same order",
     "--bt", "T1.tif T2.tif ...", 1, MAX_YEARS},
    {"weight", SX_CFG_T_FLOAT, 0, "0.5", 0, 1, NULL, "a in VHI = a VCI + (1 - a) TCI"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of every layer"},
    {"nodata", SX_CFG_T_FLOAT, 0, NULL, 1, 0, NULL, "nodata of the layers when the files do not declare it"},
    {"strip_rows", SX_CFG_T_INT, 0, "0", 0, 1000000, NULL, "rows of every layer held at a time (0: about 64 MB)"},
    SX_STEP_RS_F_OUTPUT("vhi", "output stem: layers <output>_vci_<year>, _tci_<year>, _vhi_<year> (year 1, 2, ...)"),
    SX_STEP_F_OUTPUTS,
};

/* The layers of list key (NULL when absent) resolved into p; *n their count. */
static sx_err layers(sx_job_t *job, const sx_cfg_node_t *node, const char *key, const char **p, int *n)
{
    const sx_cfg_node_t *list = sx_cfg_map_get(node, key);
    *n = (int)sx_cfg_node_len(list);
    for (int i = 0; i < *n; i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(list, (size_t)i);
        if (!sx_cfg_node_text(v)) return sx_cfg_fail_at(sx_job_cfg(job), v, "expected a layer name or path");
        SX_CHECK(sx_job_resolve(job, v, sx_cfg_node_text(v), &p[i]));
    }
    return SX_OK;
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *ndvi[MAX_YEARS], *bt[MAX_YEARS], *output;
    int nn = 0, nb = 0;
    int64_t band, strip;
    sx_rs_vhi_opts_t o = {0};
    SX_CHECK(layers(job, node, "ndvi", ndvi, &nn));
    SX_CHECK(layers(job, node, "bt", bt, &nb));
    char l1[64], l2[64];
    const size_t nf = sizeof fields / sizeof *fields;
    if (!nn && !nb)
        return sx_cfg_fail_at(cfg, node, "give %s (for VCI), %s (for TCI) or both (for VHI)",
                              sx_cfg_key_label(cfg, fields, nf, "ndvi", l1, sizeof l1),
                              sx_cfg_key_label(cfg, fields, nf, "bt", l2, sizeof l2));
    if (nn && nb && nn != nb)
        return sx_cfg_fail_at(cfg, node, "%d NDVI layers but %d brightness temperature layers; give one of each per year",
                              nn, nb);
    const int n = nn ? nn : nb;
    if (n < 2)
        return sx_cfg_fail_at(cfg, node, "VCI/TCI need at least 2 years of the same season, got 1 (%s); give one layer "
                              "per year", nn ? ndvi[0] : bt[0]);
    SX_CHECK(sx_cfg_get_double(cfg, node, "weight", 0.5, &o.weight));
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    SX_CHECK(sx_cfg_get_int(cfg, node, "strip_rows", 0, &strip));
    o.has_nodata = sx_cfg_map_get(node, "nodata") != NULL;
    SX_CHECK(sx_cfg_get_double(cfg, node, "nodata", 0, &o.nodata));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "vhi", &output));
    SX_CHECK(sx_job_raster_formats(job, node, &o.formats));
    char stem[SX_PATH_MAX];
    SX_CHECK(sx_job_out_path(job, output, stem, sizeof stem));
    o.ndvi = nn ? ndvi : NULL;
    o.bt = nb ? bt : NULL;
    o.nyears = n;
    o.band = (int)band;
    o.strip_rows = (int)strip;
    o.out_stem = stem;
    o.provenance = sx_job_provenance(job);
    SX_CHECK(sx_rs_vhi_run(comm, &o));
    static const char *const what[] = {"vci", "tci", "vhi"};
    for (int w = 0; w < 3; w++) {
        if ((w == 0 && !nn) || (w == 1 && !nb) || (w == 2 && !(nn && nb))) continue;
        for (int j = 1; j <= n; j++) {
            char name[64];
            snprintf(name, sizeof name, "%s_%d", what[w], j);
            SX_CHECK(sx__step_rs_register(job, output, stem, name, o.formats));
        }
    }
    return SX_OK;
}

const sx_job_step_t sx_step_rs_vhi = {
    "rs_vhi", "vegetation drought indices VCI, TCI, VHI (Kogan 1995) over a multi-year stack", fields,
    sizeof fields / sizeof *fields, run, "rs vhi", SX_STEP_RS_RASTER_EXT,
    "One layer per year of the same season (month, dekad, yearly maximum), years in the same order in --ndvi and\n"
    "--bt. VCI_j = 100 (NDVI_j - min) / (max - min), TCI_j = 100 (max - BT_j) / (max - min) over the years at each\n"
    "pixel, VHI_j = a VCI_j + (1 - a) TCI_j. Writes OUT_vci_<j>.tif, OUT_tci_<j>.tif, OUT_vhi_<j>.tif (j = 1, 2, ...)."};
