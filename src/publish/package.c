/*
 * package.c — sx_publish_package: a run directory into a one-map package.
 *
 * Rank 0 scans the run directory (sorted, so the package does not depend on
 * directory order): every *.tif is a raster layer, every *.gpkg / *.geojson
 * a vector layer, every *.csv with a division-code column an indicator or
 * zonal table; the boundaries, if given, become the base layer joined to
 * those tables and to the ones the user names. Each layer gets its own folder
 * <collection>/<id>/ with data, styles, STAC item and web preview; then the
 * collection, the root catalog, viewer.json and the viewer are written.
 * Everything is built in "<parent>/.<name>.part" and swapped in only when
 * it is complete, and only over a new directory or a package publish made
 * (target.c); the other ranks write each raster layer's COG with rank 0
 * (raster_cog.c) and wait for the agreement. Options that would be
 * ignored are refused before anything is written (options.c).
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "publish/publish_internal.h"
#include "sanxiang/sx_config.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_raster.h"

/* The raw JSON text of the object value of "key" in text (string-aware
 * brace matching), malloc'd; NULL if absent. */
static char *json_object(const char *text, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\"", key);
    const char *k = strstr(text, pat);
    if (!k) return NULL;
    const char *s = strchr(k + strlen(pat), '{');
    if (!s) return NULL;
    int depth = 0, in_str = 0;
    for (const char *c = s; *c; c++) {
        if (in_str) {
            if (*c == '\\' && c[1]) c++;
            else if (*c == '"') in_str = 0;
        } else if (*c == '"') in_str = 1;
        else if (*c == '{') depth++;
        else if (*c == '}' && --depth == 0) return strndup(s, (size_t)(c - s + 1));
    }
    return NULL;
}

static sx_err read_file(const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    SX_FAIL_IF(!f, SX_ERR_INPUT, "cannot read '%s' (%s): is this a sanxiang run directory whose job finished? "
               "RUN_DIR must hold run.json", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *t = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!t || fread(t, 1, (size_t)n, f) != (size_t)n) {
        free(t);
        fclose(f);
        SX_FAIL(SX_ERR_IO, "cannot read '%s'", path);
    }
    t[n] = '\0';
    fclose(f);
    *out = t;
    return SX_OK;
}

/* Provenance, run time and job name: from the given JSON or run.json. */
static sx_err load_run(sx__pub_t *p)
{
    const sx_publish_opts_t *o = p->o;
    char path[SX_PATH_MAX], *text = NULL;
    const char *job = NULL, *when = NULL;
    sx_cfg_t *cfg = NULL;
    if (o->provenance) {
        p->provenance = strdup(o->provenance);
        SX_FAIL_IF(!p->provenance, SX_ERR_NOMEM, "out of memory");
        SX_CHECK(sx_cfg_parse_text(p->provenance, strlen(p->provenance), "provenance", &cfg));
        when = sx_cfg_node_text(sx_cfg_map_get(sx_cfg_root(cfg), "utc_time"));
    } else {
        SX_FAIL_IF(snprintf(path, sizeof path, "%s/run.json", o->run_dir) >= (int)sizeof path, SX_ERR_USAGE, "run path too long");
        SX_CHECK(read_file(path, &text));
        sx_err err = sx_cfg_parse_text(text, strlen(text), path, &cfg);
        if (err == SX_OK) p->provenance = json_object(text, "provenance");
        free(text);
        SX_CHECK(err);
        const sx_cfg_node_t *root = sx_cfg_root(cfg);
        when = sx_cfg_node_text(sx_cfg_map_get(sx_cfg_map_get(root, "provenance"), "utc_time"));
        job = sx_cfg_node_text(sx_cfg_map_get(sx_cfg_map_get(root, "configuration"), "job"));
        if (!p->provenance || !when) {
            sx_cfg_destroy(&cfg);
            SX_FAIL(SX_ERR_INPUT, "'%s' has no provenance record with utc_time; was it written by sanxiang run?", path);
        }
    }
    snprintf(p->datetime, sizeof p->datetime, "%s", when ? when : "1970-01-01T00:00:00Z");
    const char *base = strrchr(o->run_dir, '/');
    base = base && base[1] ? base + 1 : o->run_dir;
    snprintf(p->collection, sizeof p->collection, "%s", o->collection ? o->collection : job ? job : base);
    sx__pub_sanitize_id(p->collection);
    snprintf(p->title, sizeof p->title, "%s", o->title ? o->title : p->collection);
    sx_cfg_destroy(&cfg);
    return SX_OK;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static const char *ext_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot ? dot + 1 : "";
}

static int is_raster_name(const char *n) { return !strcasecmp(ext_of(n), "tif") || !strcasecmp(ext_of(n), "tiff"); }
static int is_vector_name(const char *n) { return !strcasecmp(ext_of(n), "gpkg") || !strcasecmp(ext_of(n), "geojson"); }
static int is_table_name(const char *n) { return !strcasecmp(ext_of(n), "csv"); }

static sx_err scan_and_publish(sx__pub_t *p)
{
    const char *run = p->o->run_dir;
    DIR *d = opendir(run);
    SX_FAIL_IF(!d, SX_ERR_INPUT, "cannot open run directory '%s': %s", run, strerror(errno));
    char *names[SX__PUB_MAX_LAYERS];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < SX__PUB_MAX_LAYERS)
        if (e->d_name[0] != '.' && (is_raster_name(e->d_name) || is_vector_name(e->d_name) || is_table_name(e->d_name)))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    sx_err err = SX_OK;
    for (size_t i = 0; i < n && err == SX_OK; i++) {
        if (is_table_name(names[i])) { /* indicator/zonal tables: joined to the boundaries by code */
            char src[SX_PATH_MAX];
            snprintf(src, sizeof src, "%s/%s", run, names[i]);
            if (p->nrun_tables < sizeof p->run_tables / sizeof *p->run_tables && (p->run_tables[p->nrun_tables] = strdup(src)))
                p->nrun_tables++;
            continue;
        }
        char src[SX_PATH_MAX], id[128];
        snprintf(src, sizeof src, "%s/%s", run, names[i]);
        int stem = (int)(strlen(names[i]) - strlen(ext_of(names[i])) - 1);
        snprintf(id, sizeof id, "%.*s", stem, names[i]);
        /* A run often holds a raster and its vector form under one name
         * (basins.tif + basins.gpkg): the vector becomes "<name>_vector". */
        for (size_t k = 0; k < n && is_vector_name(names[i]); k++)
            if (k != i && is_raster_name(names[k]) && !strncmp(names[k], names[i], (size_t)stem + 1))
                snprintf(id, sizeof id, "%.*s_vector", stem, names[i]);
        sx__pub_layer_t *l = NULL;
        err = sx__pub_add_layer(p, id, &l);
        if (err == SX_OK) err = is_raster_name(names[i]) ? sx__pub_raster(p, src, l) : sx__pub_vector(p, src, l->id, 0, l);
        if (err == SX_OK) err = sx__pub_styles(p, l);
        if (err == SX_OK) err = sx__pub_stac_item(p, l);
        if (err == SX_OK) sx_log_info("publish: %s -> %s/%s (%s)", names[i], l->rel_dir, l->data_file,
                                      l->is_raster ? l->style->kind : l->geom_type);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    return err;
}

static sx_err build(sx__pub_t *p)
{
    const sx_publish_opts_t *o = p->o;
    SX_FAIL_IF(!o->run_dir || !o->package_dir, SX_ERR_USAGE, "publish needs a run directory and a package directory (-o)");
    SX_CHECK(sx_publish_opts_check(o, NULL));
    SX_CHECK(sx__pub_target_init(o->package_dir, &p->target));
    SX_CHECK(sx__pub_target_check_source(&p->target, o->run_dir, "run directory"));
    SX_CHECK(sx__pub_target_crs(o->crs, p->crs, sizeof p->crs, &p->epsg, &p->srs));
    SX_CHECK(sx__pub_target_begin(&p->target, o->run_dir));
    snprintf(p->root, sizeof p->root, "%s", p->target.part);
    SX_CHECK(load_run(p));
    SX_CHECK(scan_and_publish(p));
    SX_CHECK(sx__pub_stations(p));
    if (!o->boundaries && p->nrun_tables)
        sx_log_warn("publish: the run's table%s %s%s are joined to boundaries only and are left out; give --boundaries "
                    "to include them", p->nrun_tables > 1 ? "s" : "", p->run_tables[0], p->nrun_tables > 1 ? ", ..." : "");
    SX_FAIL_IF(p->nlayers == 0 && !o->boundaries, SX_ERR_INPUT, "run directory '%s' holds no layer to publish (*.tif, "
               "*.gpkg, *.geojson; forecast hydrographs need --stations)", o->run_dir);
    if (o->boundaries) {
        sx__pub_layer_t *l = NULL;
        SX_CHECK(sx__pub_add_layer(p, "boundaries", &l));
        SX_CHECK(sx__pub_vector(p, o->boundaries, "boundaries", 1, l));
        SX_CHECK(sx__pub_styles(p, l));
        SX_CHECK(sx__pub_stac_item(p, l));
        p->has_base = 1;
        snprintf(p->base_id, sizeof p->base_id, "%s", l->id);
        sx_log_info("publish: base boundaries %s -> %s (%lld features)", o->boundaries, l->rel_dir, l->nfeatures);
    }
    SX_CHECK(sx__pub_check_datums_used(p));
    SX_CHECK(sx__pub_stac_collection(p));
    SX_CHECK(sx__pub_viewer(p));
    return SX_OK;
}

sx_err sx_publish_package(MPI_Comm comm, const sx_publish_opts_t *o)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    sx_err err = SX_OK;
    sx_output_private_begin(); /* the package is built in its own hidden directory, swapped in below */
    if (rank != 0) err = sx__pub_cog_serve(comm);
    sx_output_private_end();
    if (rank == 0) {
        sx__pub_t p = {0};
        p.o = o;
        p.comm = comm;
        p.layers = calloc(SX__PUB_MAX_LAYERS, sizeof *p.layers);
        sx_output_private_begin();
        err = p.layers ? build(&p) : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the layer table");
        sx__pub_cog_release(comm);
        sx_output_private_end();
        if (err == SX_OK) err = sx__pub_target_commit(&p.target, 1);
        sx__pub_target_abort(&p.target); /* after a failure: the unfinished package goes, the old one stays */
        if (err == SX_OK) sx_log_info("publish: package %s %s: %zu layer(s) in %s, catalog %s/catalog.json",
                                      p.target.final, p.target.replace ? "replaced" : "ready", p.nlayers, p.crs,
                                      p.target.final);
        free(p.provenance);
        free(p.layers);
        for (size_t i = 0; i < p.nrun_tables; i++) free(p.run_tables[i]);
        if (p.srs) OSRDestroySpatialReference(p.srs);
    }
    return sx_err_agree(comm, err);
}
