/*
 * step_publish.c — job step `publish`: the run's outputs so far as a
 * one-map package (normally the last step of a job). The run directory is
 * the job's output directory; the provenance is the job's own.
 */
#include <stdio.h>
#include <string.h>

#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_publish.h"

#define MAX_LIST 16

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "publish"},
    {"run_dir", SX_CFG_T_STRING, 0, "this job's run directory", 1, 0, NULL, "run directory to publish", "1", "RUN_DIR"},
    {"output", SX_CFG_T_STRING, 0, "package", 1, 0, NULL, "package directory, relative to the run directory", "-o",
     "PACKAGE_DIR"},
    {"crs", SX_CFG_T_STRING, 0, "EPSG:4490", 1, 0, NULL, "target CRS (CGCS2000 EPSG:4490 or a Gauss-Kruger zone EPSG:4491-4554)"},
    {"boundaries", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "administrative boundaries for the base layer (input name or path)"},
    {"code_field", SX_CFG_T_STRING, 0, "auto", 1, 0, NULL, "field with the 6-digit division code in the boundaries"},
    {"tables", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "indicator tables (CSV) joined to the boundaries by code", "--table",
     "CSV"},
    {"rank_field", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "numeric field to rank units on (1 = largest) into <field>_rank"},
    {"datums", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "stated datum per input file name: {file.geojson: EPSG:4326}",
     "--datum", "FILE=EPSG:N"},
    {"collection", SX_CFG_T_STRING, 0, "<job>", 1, 0, NULL, "STAC collection id"},
    {"title", SX_CFG_T_STRING, 0, "<job title>", 1, 0, NULL, "collection title"},
    {"stations", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "forecast station locations, CSV id,lon,lat[,name] (input name or path)"},
    {"viewer", SX_CFG_T_PATH, 0, "viewer/dist", 1, 0, NULL, "built web viewer to copy into the package"},
};

/* The error just recorded (a library check's), reported at key of the step
 * (the step itself when the key is absent), so it names file, line and key. */
static sx_err fail_at_key(const sx_cfg_t *cfg, const sx_cfg_node_t *node, const char *key)
{
    char why[1024];
    snprintf(why, sizeof why, "%s", sx_err_message());
    const sx_cfg_node_t *at = key ? sx_cfg_map_get(node, key) : NULL;
    return sx_cfg_fail_at(cfg, at ? at : node, "%s", why);
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const sx_cfg_node_t *root = sx_cfg_root(cfg);
    sx_publish_opts_t o = {0};
    const char *output, *boundaries = NULL, *stations = NULL, *job_name = NULL, *job_title = NULL;
    const char *tables[MAX_LIST];
    sx_publish_datum_t datums[MAX_LIST];
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "package", &output));
    SX_CHECK(sx_cfg_get_string(cfg, node, "crs", "EPSG:4490", &o.crs));
    SX_CHECK(sx_cfg_get_string(cfg, node, "boundaries", NULL, &boundaries));
    SX_CHECK(sx_cfg_get_string(cfg, node, "stations", NULL, &stations));
    SX_CHECK(sx_cfg_get_string(cfg, node, "code_field", NULL, &o.code_field));
    SX_CHECK(sx_cfg_get_string(cfg, node, "rank_field", NULL, &o.rank_field));
    /* A job names the collection; a command leaves it to the run's own record (run.json). */
    SX_CHECK(sx_cfg_get_string(cfg, root, "job", NULL, &job_name));
    SX_CHECK(sx_cfg_get_string(cfg, root, "title", NULL, &job_title));
    SX_CHECK(sx_cfg_get_string(cfg, node, "collection", job_name, &o.collection));
    SX_CHECK(sx_cfg_get_string(cfg, node, "title", job_title, &o.title));
    SX_CHECK(sx_cfg_get_string(cfg, node, "viewer", NULL, &o.viewer_dir));
    if (sx_publish_crs_check(o.crs) != SX_OK) return fail_at_key(cfg, node, "crs");
    if (boundaries) SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "boundaries"), boundaries, &o.boundaries));
    if (stations) SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "stations"), stations, &o.stations));
    const sx_cfg_node_t *tl = sx_cfg_map_get(node, "tables");
    for (size_t i = 0; tl && i < sx_cfg_node_len(tl); i++) {
        const sx_cfg_node_t *t = sx_cfg_node_at(tl, i);
        if (!sx_cfg_node_text(t)) return sx_cfg_fail_at(cfg, t, "a table must be an input name or a CSV path");
        if (o.ntables == MAX_LIST) return sx_cfg_fail_at(cfg, t, "at most %d tables", MAX_LIST);
        SX_CHECK(sx_job_resolve(job, t, sx_cfg_node_text(t), &tables[o.ntables]));
        o.ntables++;
    }
    const sx_cfg_node_t *dm = sx_cfg_map_get(node, "datums");
    for (size_t i = 0; dm && i < sx_cfg_node_len(dm); i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(dm, i);
        if (!sx_cfg_node_text(v)) return sx_cfg_fail_at(cfg, v, "a datum must be a CRS such as EPSG:4326");
        if (o.ndatums == MAX_LIST) return sx_cfg_fail_at(cfg, v, "at most %d datums", MAX_LIST);
        datums[o.ndatums++] = (sx_publish_datum_t){sx_cfg_node_key_at(dm, i), sx_cfg_node_text(v)};
    }
    char pkg[SX_PATH_MAX];
    SX_CHECK(sx_job_out_path(job, output, pkg, sizeof pkg));
    SX_CHECK(sx_job_input(job, node, "run_dir", &o.run_dir));
    if (!o.run_dir && sx_job_is_command(job))
        return sx_cfg_fail_at(cfg, node, "give the run directory to publish: sanxiang publish RUN_DIR -o PACKAGE_DIR");
    /* The package carries the provenance of the run it publishes: this job's, or the other run's run.json. */
    /* The package records the run it publishes (its STAC datetime is the run's time): this job's run record,
     * or the other run's run.json. */
    o.provenance = o.run_dir ? NULL : sx_job_run_provenance(job);
    if (!o.run_dir) o.run_dir = sx_job_out_dir(job);
    o.package_dir = pkg;
    o.tables = tables;
    o.datums = datums;
    const char *key = NULL;
    if (sx_publish_opts_check(&o, &key) != SX_OK) return fail_at_key(cfg, node, key);
    /* publish replaces only a package it made; anything else at `output` is refused here, naming the key */
    if (sx_publish_target_check(comm, pkg) != SX_OK) return fail_at_key(cfg, node, "output");
    return sx_publish_package(comm, &o);
}

const sx_job_step_t sx_step_publish = {
    "publish", "one-map package of a run: COG, GeoPackage, STAC, styles, viewer", fields, sizeof fields / sizeof *fields,
    run, "publish", "/",
    "Every *.tif of the run becomes a validated COG in the target CRS (overviews AVERAGE for continuous layers, MODE\n"
    "for classes; statistics), every *.gpkg/*.geojson a GeoPackage, each with QGIS (.qml) and SLD styles from the\n"
    "layer's kind, a STAC 1.1 catalog (catalog.json -> <job>/collection.json -> <job>/<layer>/<layer>.json) and the\n"
    "web viewer (index.html; open it with `sanxiang serve PACKAGE_DIR`). Layer kinds come from the SANXIANG_KIND\n"
    "metadata, else the name (hazard_class, arrival_time, depth, water_mask, ndvi, slope, index_score, elevation,\n"
    "generic). See docs/one-map.md."};
