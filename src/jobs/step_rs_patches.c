/*
 * step_rs_patches.c — job step `rs_patches` (command `sanxiang rs patches`):
 * change patches (变化图斑) between two class maps: the change code raster
 * OUT.tif, the patches as layer <layer> of OUT.gpkg and the from -> to
 * transition table OUT_transitions.csv.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_rs_common.h"
#include "sanxiang/sx_rs_series.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_patches"},
    {"before", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "class map of the first date (0-254; 255 or nodata: not mapped)",
     NULL, "A.tif"},
    {"after", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "class map of the second date, on the same grid", NULL, "B.tif"},
    {"connectivity", SX_CFG_T_INT, 0, "4", 4, 8, NULL, "4: cells joined by an edge (survey patches), 8: corners too"},
    {"mmu", SX_CFG_T_STRING, 0, "0", 1, 0, NULL,
     "minimum mapping unit: m^2 (400), ha (0.04ha) or cells (5cells); smaller patches are dropped", NULL, "AREA"},
    {"classes", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "CSV with columns class,name for the class names", NULL,
     "CLASSES.csv"},
    {"layer", SX_CFG_T_STRING, 0, "patches", 1, 0, NULL, "layer name in the GeoPackage"},
    {"output", SX_CFG_T_STRING, 0, "patches", 1, 0, NULL, "output name: OUT.gpkg, OUT.tif, OUT_transitions.csv", "-o",
     "OUT"},
};

/* "400", "400m2", "0.04ha", "5cells" -> value and unit. */
static sx_err parse_mmu(const char *txt, double *mmu, int *cells)
{
    char *end;
    const double v = strtod(txt, &end);
    *cells = 0;
    double f = 1;
    if (!strcmp(end, "cells") || !strcmp(end, "cell")) *cells = 1;
    else if (!strcmp(end, "ha")) f = 1e4;
    else if (*end && strcmp(end, "m2"))
        end = (char *)txt; /* unknown unit */
    SX_FAIL_IF(end == txt || !(v >= 0) || !isfinite(v), SX_ERR_USAGE,
               "--mmu '%s' is not an area: give m^2 (400 or 400m2), hectares (0.04ha) or cells (5cells)", txt);
    *mmu = v * f;
    return SX_OK;
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx_rs_patches_opts_t o = {0};
    const char *mmu, *output;
    int64_t conn;
    SX_CHECK(sx__step_rs_layer(job, node, "before", &o.before));
    SX_CHECK(sx__step_rs_layer(job, node, "after", &o.after));
    SX_CHECK(sx_cfg_get_int(cfg, node, "connectivity", 4, &conn));
    SX_FAIL_IF(conn != 4 && conn != 8, SX_ERR_USAGE, "--connectivity is 4 or 8, got %lld", (long long)conn);
    o.connect8 = conn == 8;
    SX_CHECK(sx_cfg_get_string(cfg, node, "mmu", "0", &mmu));
    SX_CHECK(parse_mmu(mmu, &o.mmu, &o.mmu_cells));
    const char *classes = NULL;
    SX_CHECK(sx_cfg_get_string(cfg, node, "classes", NULL, &classes));
    if (classes) SX_CHECK(sx_job_input(job, node, "classes", &o.classes));
    SX_CHECK(sx_cfg_get_string(cfg, node, "layer", "patches", &o.layer));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "patches", &output));
    char gpkg[SX_PATH_MAX], tif[SX_PATH_MAX], csv[SX_PATH_MAX];
    SX_CHECK(sx_job_out_file(job, output, ".gpkg", gpkg, sizeof gpkg));
    SX_CHECK(sx_job_out_file(job, output, ".tif", tif, sizeof tif));
    SX_CHECK(sx__step_rs_side_file(job, output, "_transitions", ".csv", csv, sizeof csv));
    o.out_gpkg = gpkg;
    o.out_tif = tif;
    o.out_csv = csv;
    o.provenance = sx_job_provenance(job);
    return sx_rs_patches_run(comm, &o);
}

const sx_job_step_t sx_step_rs_patches = {
    "rs_patches", "change patches (变化图斑) between two class maps, with areas and the transition table", fields,
    sizeof fields / sizeof *fields, run, "rs patches", ".gpkg",
    "A patch is a connected region (4-connected by default, --connectivity 8 for corners) whose class changed\n"
    "from one class to one other. OUT.gpkg: per patch patch_id (raster-scan order of its first cell), from_class,\n"
    "to_class (and names with --classes), cells, area_m2, area_ha on the ground (ellipsoidal cell areas in a\n"
    "geographic CRS) and centroid_x/y; patches under --mmu are dropped. OUT.tif: the code from*1000+to (0: no\n"
    "change). OUT_transitions.csv: cells and area of every from -> to pair (the change matrix, unchanged pairs\n"
    "and dropped patches included) and the patches kept per pair. Identical at any rank count."};
