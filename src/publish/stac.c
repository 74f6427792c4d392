/*
 * stac.c — the package's STAC 1.1 catalog: a root catalog, one collection
 * per run and one item per layer, with relative links so the package can be
 * copied or served anywhere (a "self-contained" catalog in STAC's terms).
 *
 * Items carry the core band metadata of STAC 1.1 for every band (name,
 * description, nodata, data_type, statistics, unit; eo:common_name from the
 * eo extension v2.0 where known), the projection extension v2.0 (proj:code, proj:bbox,
 * proj:shape, proj:transform), the table extension for vector columns, and
 * the run's provenance record under sanxiang:provenance. datetime is the
 * run's time, so re-publishing the same run gives the same catalog.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "publish/publish_internal.h"
#include "sanxiang/sx_strbuf.h"

#define STAC_VERSION "1.1.0"
#define EXT_PROJ "https://stac-extensions.github.io/projection/v2.0.0/schema.json"
#define EXT_EO "https://stac-extensions.github.io/eo/v2.0.0/schema.json"
#define EXT_TABLE "https://stac-extensions.github.io/table/v1.2.0/schema.json"

void sx__pub_json_number(void *strbuf, double v)
{
    sx_strbuf_t *sb = strbuf;
    if (isfinite(v)) sx_strbuf_printf(sb, "%.17g", v);
    else sx_strbuf_puts(sb, "null");
}

static void bbox(sx_strbuf_t *sb, const double b[4])
{
    sx_strbuf_puts(sb, "[");
    for (int i = 0; i < 4; i++) {
        if (i) sx_strbuf_puts(sb, ", ");
        sx__pub_json_number(sb, b[i]);
    }
    sx_strbuf_puts(sb, "]");
}

static sx_err finish(sx_strbuf_t *sb, const char *path)
{
    sx_err err = sb->failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory writing '%s'", path)
                            : sx_write_text_file(path, sb->data);
    sx_strbuf_fini(sb);
    return err;
}

static void asset(sx_strbuf_t *sb, const char *key, const char *href, const char *type, const char *roles,
                  const char *title, int last)
{
    sx_strbuf_printf(sb, "    \"%s\": {\"href\": ", key);
    sx_strbuf_json_string(sb, href);
    sx_strbuf_printf(sb, ", \"type\": \"%s\", \"roles\": [%s], \"title\": ", type, roles);
    sx_strbuf_json_string(sb, title);
    sx_strbuf_puts(sb, last ? "}\n" : "},\n");
}

/* Band i of a raster item (STAC 1.1 common band metadata; eo:common_name
 * from the eo extension where the band has one). */
static void band(sx_strbuf_t *sb, const sx__pub_layer_t *l, int i)
{
    const sx__pub_band_t *d = &l->band[i];
    sx_strbuf_puts(sb, i ? ",\n        {\"name\": " : "\n        {\"name\": ");
    sx_strbuf_json_string(sb, l->nbands == 1 ? l->id : d->name);
    if (d->description[0]) {
        sx_strbuf_puts(sb, ", \"description\": ");
        sx_strbuf_json_string(sb, d->description);
    }
    if (d->common_name[0]) sx_strbuf_printf(sb, ", \"eo:common_name\": \"%s\"", d->common_name);
    sx_strbuf_puts(sb, ", \"nodata\": ");
    if (!d->has_nodata) sx_strbuf_puts(sb, "null");
    else if (isnan(d->nodata)) sx_strbuf_puts(sb, "\"nan\"");
    else sx_strbuf_printf(sb, "%.17g", d->nodata);
    sx_strbuf_printf(sb, ", \"data_type\": \"%s\", \"unit\": ", l->dtype);
    sx_strbuf_json_string(sb, d->units);
    if (d->has_stats) {
        sx_strbuf_puts(sb, ", \"statistics\": {\"minimum\": ");
        sx__pub_json_number(sb, d->smin);
        sx_strbuf_puts(sb, ", \"maximum\": ");
        sx__pub_json_number(sb, d->smax);
        sx_strbuf_puts(sb, ", \"mean\": ");
        sx__pub_json_number(sb, d->smean);
        sx_strbuf_puts(sb, ", \"stddev\": ");
        sx__pub_json_number(sb, d->sstd);
        sx_strbuf_puts(sb, "}");
    }
    sx_strbuf_puts(sb, "}");
}

static int has_common_names(const sx__pub_layer_t *l)
{
    for (int i = 0; l->is_raster && i < l->nbands; i++)
        if (l->band[i].common_name[0]) return 1;
    return 0;
}

sx_err sx__pub_stac_item(const sx__pub_t *p, const sx__pub_layer_t *l)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    const double *b = l->bbox;
    sx_strbuf_printf(&sb, "{\n  \"type\": \"Feature\",\n  \"stac_version\": \"" STAC_VERSION "\",\n"
                          "  \"stac_extensions\": [\"" EXT_PROJ "\"%s],\n  \"id\": ",
                     !l->is_raster ? ", \"" EXT_TABLE "\"" : has_common_names(l) ? ", \"" EXT_EO "\"" : "");
    sx_strbuf_json_string(&sb, l->id);
    sx_strbuf_puts(&sb, ",\n  \"collection\": ");
    sx_strbuf_json_string(&sb, p->collection);
    sx_strbuf_puts(&sb, ",\n  \"bbox\": ");
    bbox(&sb, b);
    sx_strbuf_printf(&sb, ",\n  \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[%.10g, %.10g], [%.10g, %.10g], "
                          "[%.10g, %.10g], [%.10g, %.10g], [%.10g, %.10g]]]},\n",
                     b[0], b[1], b[2], b[1], b[2], b[3], b[0], b[3], b[0], b[1]);
    sx_strbuf_puts(&sb, "  \"properties\": {\n    \"title\": ");
    sx_strbuf_json_string(&sb, l->title);
    sx_strbuf_printf(&sb, ",\n    \"datetime\": \"%s\",\n    \"proj:code\": \"%s\",\n    \"proj:bbox\": ", p->datetime, p->crs);
    bbox(&sb, l->proj_bbox);
    if (l->is_raster) {
        sx_strbuf_printf(&sb, ",\n    \"proj:shape\": [%d, %d],\n    \"proj:transform\": [%.17g, %.17g, %.17g, %.17g, %.17g, %.17g]",
                         l->height, l->width, l->gt[1], l->gt[2], l->gt[0], l->gt[4], l->gt[5], l->gt[3]);
        sx_strbuf_printf(&sb, ",\n    \"sanxiang:kind\": \"%s\"", l->style->kind);
    } else {
        sx_strbuf_printf(&sb, ",\n    \"table:row_count\": %lld,\n    \"table:columns\": [%s]", l->nfeatures, l->columns_json);
    }
    sx_strbuf_printf(&sb, ",\n    \"sanxiang:provenance\": %s\n  },\n", p->provenance ? p->provenance : "null");
    sx_strbuf_puts(&sb, "  \"links\": [\n"
                        "    {\"rel\": \"root\", \"href\": \"../../catalog.json\", \"type\": \"application/json\"},\n"
                        "    {\"rel\": \"parent\", \"href\": \"../collection.json\", \"type\": \"application/json\"},\n"
                        "    {\"rel\": \"collection\", \"href\": \"../collection.json\", \"type\": \"application/json\"}\n  ],\n"
                        "  \"assets\": {\n");
    char href[200], qml[200], sld[200];
    snprintf(href, sizeof href, "./%s", l->data_file);
    snprintf(qml, sizeof qml, "./%s.qml", l->id);
    snprintf(sld, sizeof sld, "./%s.sld", l->id);
    if (l->is_raster) {
        sx_strbuf_puts(&sb, "    \"data\": {\"href\": ");
        sx_strbuf_json_string(&sb, href);
        sx_strbuf_puts(&sb, ", \"type\": \"image/tiff; application=geotiff; profile=cloud-optimized\", \"roles\": [\"data\"], \"title\": ");
        sx_strbuf_json_string(&sb, l->title);
        sx_strbuf_puts(&sb, ",\n      \"bands\": [");
        for (int i = 0; i < l->nbands; i++) band(&sb, l, i);
        sx_strbuf_puts(&sb, "\n      ]");
        sx_strbuf_puts(&sb, "},\n");
        asset(&sb, "overview", "./preview.png", "image/png", "\"overview\", \"visual\"", "coloured preview (EPSG:4326)", 0);
        asset(&sb, "values", "./values.f32", "application/octet-stream", "\"metadata\"",
              "float32 little-endian value grid of the preview (NaN = nodata)", 0);
    } else {
        asset(&sb, "data", href, "application/geopackage+sqlite3", "\"data\"", l->title, 0);
        asset(&sb, "geojson", "./web.geojson", "application/geo+json", "\"visual\"", "WGS 84 copy for the web viewer", 0);
    }
    asset(&sb, "style-qgis", qml, "application/xml", "\"style\"", "QGIS layer style (.qml)", 0);
    asset(&sb, "style-sld", sld, "application/vnd.ogc.sld+xml", "\"style\"", "OGC Styled Layer Descriptor 1.0", 1);
    sx_strbuf_puts(&sb, "  }\n}\n");
    char path[SX_PATH_MAX], file[200];
    snprintf(file, sizeof file, "%s.json", l->id);
    SX_CHECK(sx__pub_path(p, l, file, path, sizeof path));
    return finish(&sb, path);
}

sx_err sx__pub_stac_collection(const sx__pub_t *p)
{
    double u[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < p->nlayers; i++) {
        const double *b = p->layers[i].bbox;
        u[0] = fmin(u[0], b[0]), u[1] = fmin(u[1], b[1]), u[2] = fmax(u[2], b[2]), u[3] = fmax(u[3], b[3]);
    }
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "{\n  \"type\": \"Collection\",\n  \"stac_version\": \"" STAC_VERSION "\",\n"
                        "  \"stac_extensions\": [],\n  \"id\": ");
    sx_strbuf_json_string(&sb, p->collection);
    sx_strbuf_puts(&sb, ",\n  \"title\": ");
    sx_strbuf_json_string(&sb, p->title);
    sx_strbuf_printf(&sb, ",\n  \"description\": \"Outputs of sanxiang run '%s' published for the natural-resources one map "
                          "(target CRS %s).\",\n  \"license\": \"other\",\n"
                          "  \"providers\": [{\"name\": \"National Supercomputing Center in Changsha (sanxiang)\", "
                          "\"roles\": [\"processor\", \"host\"]}],\n  \"extent\": {\n    \"spatial\": {\"bbox\": [",
                     p->collection, p->crs);
    bbox(&sb, u);
    sx_strbuf_printf(&sb, "]},\n    \"temporal\": {\"interval\": [[\"%s\", \"%s\"]]}\n  },\n", p->datetime, p->datetime);
    sx_strbuf_printf(&sb, "  \"summaries\": {\"proj:code\": [\"%s\"]},\n  \"sanxiang:provenance\": %s,\n  \"links\": [\n"
                          "    {\"rel\": \"root\", \"href\": \"../catalog.json\", \"type\": \"application/json\"},\n"
                          "    {\"rel\": \"parent\", \"href\": \"../catalog.json\", \"type\": \"application/json\"}",
                     p->crs, p->provenance ? p->provenance : "null");
    for (size_t i = 0; i < p->nlayers; i++) {
        sx_strbuf_puts(&sb, ",\n    {\"rel\": \"item\", \"href\": ");
        char href[300];
        snprintf(href, sizeof href, "./%s/%s.json", p->layers[i].id, p->layers[i].id);
        sx_strbuf_json_string(&sb, href);
        sx_strbuf_puts(&sb, ", \"type\": \"application/geo+json\", \"title\": ");
        sx_strbuf_json_string(&sb, p->layers[i].title);
        sx_strbuf_puts(&sb, "}");
    }
    sx_strbuf_puts(&sb, "\n  ]\n}\n");
    char path[SX_PATH_MAX];
    SX_FAIL_IF(snprintf(path, sizeof path, "%s/%s/collection.json", p->root, p->collection) >= (int)sizeof path,
               SX_ERR_IO, "package path too long");
    SX_CHECK(finish(&sb, path));

    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "{\n  \"type\": \"Catalog\",\n  \"stac_version\": \"" STAC_VERSION "\",\n  \"id\": \"sanxiang-one-map\",\n"
                        "  \"title\": \"sanxiang one-map package\",\n"
                        "  \"description\": \"Layers published by sanxiang for the provincial natural-resources one map (一张图).\",\n"
                        "  \"links\": [\n    {\"rel\": \"root\", \"href\": \"./catalog.json\", \"type\": \"application/json\"},\n"
                        "    {\"rel\": \"child\", \"href\": ");
    char child[300];
    snprintf(child, sizeof child, "./%s/collection.json", p->collection);
    sx_strbuf_json_string(&sb, child);
    sx_strbuf_puts(&sb, ", \"type\": \"application/json\"}\n  ]\n}\n");
    SX_FAIL_IF(snprintf(path, sizeof path, "%s/catalog.json", p->root) >= (int)sizeof path, SX_ERR_IO, "package path too long");
    return finish(&sb, path);
}
