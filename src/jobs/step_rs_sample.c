/*
 * step_rs_sample.c — job step `rs_sample` (command `sanxiang rs sample`): a
 * stratified random sample of a class map for accuracy assessment, as the
 * point layer OUT.gpkg and the strata table OUT_strata.csv. Registers
 * <output> (the GeoPackage) so that a later rs_accuracy names it as its
 * samples.
 */

#include "jobs/step_rs_common.h"
#include "sanxiang/sx_rs_series.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_sample"},
    {"map", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "class map whose classes are the strata (0-254; 255 or nodata: not "
     "mapped)", NULL, "MAP.tif"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the map"},
    {"per_class", SX_CFG_T_INT, 0, NULL, 2, 100000000, NULL, "equal allocation: N sample units in every map class",
     NULL, "N"},
    {"total", SX_CFG_T_INT, 0, NULL, 2, 1000000000, NULL, "total sample size, allocated as Olofsson et al. (2014) "
     "recommend: --min-per-class in rare classes, the rest proportional to area", NULL, "N"},
    {"min_per_class", SX_CFG_T_INT, 0, "50", 2, 100000000, NULL, "with --total: the least a class gets (the paper: "
     "50-100)", NULL, "N"},
    {"seed", SX_CFG_T_INT, 0, "1", 0, 9007199254740991.0, NULL, "seed of the cell keys: the same seed draws the same "
     "sample"},
    {"exclude", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "points or polygons whose cells are not drawn (the training "
     "samples, so the sample is independent of them)", NULL, "POINTS.gpkg"},
    {"exclude_layer", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "layer of the exclude file (default: the first)"},
    {"reference", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "reference class raster on the map's grid: its value is the "
     "points' reference field; cells where it is nodata or 255 are not drawn", NULL, "REF.tif"},
    {"layer", SX_CFG_T_STRING, 0, "sample", 1, 0, NULL, "layer name in the GeoPackage"},
    {"output", SX_CFG_T_STRING, 0, "sample", 1, 0, NULL, "output name: OUT.gpkg and OUT_strata.csv", "-o", "OUT"},
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx_rs_sample_opts_t o = {0};
    int64_t band, seed;
    const char *output;
    const int has_per = sx_cfg_map_get(node, "per_class") != NULL, has_total = sx_cfg_map_get(node, "total") != NULL;
    char a[64], b[64];
    sx_cfg_key_label(cfg, fields, sizeof fields / sizeof *fields, "per_class", a, sizeof a);
    sx_cfg_key_label(cfg, fields, sizeof fields / sizeof *fields, "total", b, sizeof b);
    if (has_per == has_total)
        return sx_cfg_fail_at(cfg, node, has_per ? "give %s or %s, not both" : "give the sample size: %s N (the same in "
                              "every class) or %s N (Olofsson et al. 2014's allocation)", a, b);
    SX_CHECK(sx__step_rs_layer(job, node, "map", &o.map));
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    SX_CHECK(sx_cfg_get_int(cfg, node, "per_class", 0, &o.per_class));
    SX_CHECK(sx_cfg_get_int(cfg, node, "total", 0, &o.total));
    SX_CHECK(sx_cfg_get_int(cfg, node, "min_per_class", 50, &o.min_per_class));
    SX_CHECK(sx_cfg_get_int(cfg, node, "seed", 1, &seed));
    SX_CHECK(sx_job_input(job, node, "exclude", &o.exclude));
    SX_CHECK(sx_cfg_get_string(cfg, node, "exclude_layer", NULL, &o.exclude_layer));
    SX_CHECK(sx_job_input(job, node, "reference", &o.reference));
    SX_CHECK(sx_cfg_get_string(cfg, node, "layer", "sample", &o.layer));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "sample", &output));
    o.band = (int)band;
    o.seed = (uint64_t)seed;
    char gpkg[SX_PATH_MAX], csv[SX_PATH_MAX];
    SX_CHECK(sx_job_out_file(job, output, ".gpkg", gpkg, sizeof gpkg));
    SX_CHECK(sx__step_rs_side_file(job, output, "_strata", ".csv", csv, sizeof csv));
    o.out_gpkg = gpkg;
    o.out_csv = csv;
    o.provenance = sx_job_provenance(job);
    SX_CHECK(sx_rs_sample_run(comm, &o));
    return sx_job_add_layer(job, output, gpkg);
}

const sx_job_step_t sx_step_rs_sample = {
    "rs_sample", "stratified random sample of a class map for accuracy assessment (Olofsson et al. 2014)", fields,
    sizeof fields / sizeof *fields, run, "rs sample", ".gpkg",
    "Strata are the map classes. --per-class N draws N cells in each; --total N allocates as Olofsson et al.\n"
    "(2014, sections 5.1-5.2) recommend: --min-per-class (default 50) in classes whose share by area would be smaller,\n"
    "the rest in proportion to mapped area. Within a class the cells with the smallest keys splitmix64(seed, cell)\n"
    "are drawn (a simple random sample): the same sample at any rank count. --exclude cells (training samples) and,\n"
    "with --reference, cells without a reference class are not drawn. OUT.gpkg: points at cell centres (the map's\n"
    "CRS) with sample_id, map_class, reference, stratum_pixels, stratum_eligible, stratum_sample, col, row, ready\n"
    "for `rs accuracy --samples OUT.gpkg`; OUT_strata.csv: per class the mapped, excluded, unlabelled and eligible\n"
    "cells, the sample size and the inclusion probability."};
