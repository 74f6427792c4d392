/*
 * viewer.c — the web side of a package: viewer.json (what the viewer shows:
 * layers, previews, legends, extents) and a copy of the built viewer
 * (viewer/dist: index.html + assets, bundled from npm packages, so nothing
 * is fetched from a CDN when the package is opened).
 *
 * The viewer is looked up in: the option/job key, $SANXIANG_VIEWER_DIR,
 * then viewer/dist of sanxiang's data directory (the source tree for a
 * build-tree command, PREFIX/share/sanxiang when installed; sx_install.h). A package without a built viewer is still complete for the
 * platform (COG, GeoPackage, STAC, styles); a warning says how to build it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_conv.h>

#include "publish/publish_internal.h"
#include "sanxiang/sx_install.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_strbuf.h"

static void legend(sx_strbuf_t *sb, const sx__pub_layer_t *l, int b)
{
    double v;
    unsigned char c[4];
    char label[128];
    size_t n = sx__pub_legend(l, b, 0, &v, c, label, sizeof label);
    sx_strbuf_puts(sb, "[");
    for (size_t i = 0; i < n; i++) {
        sx__pub_legend(l, b, i, &v, c, label, sizeof label);
        sx_strbuf_printf(sb, "%s{\"colour\": \"#%02x%02x%02x\", \"opacity\": %.3g, \"value\": ", i ? ", " : "", c[0], c[1],
                         c[2], c[3] / 255.0);
        sx__pub_json_number(sb, v);
        sx_strbuf_puts(sb, ", \"label\": ");
        sx_strbuf_json_string(sb, label);
        sx_strbuf_puts(sb, "}");
    }
    sx_strbuf_puts(sb, "]");
}

static void href(sx_strbuf_t *sb, const char *key, const sx__pub_layer_t *l, const char *file)
{
    char h[800];
    snprintf(h, sizeof h, "%s/%s", l->rel_dir, file);
    sx_strbuf_printf(sb, ", \"%s\": ", key);
    sx_strbuf_json_string(sb, h);
}

static void nodata(sx_strbuf_t *sb, const sx__pub_band_t *d)
{
    sx_strbuf_puts(sb, ", \"nodata\": ");
    if (d->has_nodata) sx__pub_json_number(sb, d->nodata);
    else sx_strbuf_puts(sb, "null");
}

/* The bands of a multi-band layer: previews, ranges, statistics, legends. */
static void bands(sx_strbuf_t *sb, const sx__pub_layer_t *l)
{
    char file[64];
    sx_strbuf_puts(sb, ", \"bands\": [");
    for (int i = 0; i < l->nbands; i++) {
        const sx__pub_band_t *d = &l->band[i];
        sx_strbuf_puts(sb, i ? ",\n      {\"name\": " : "\n      {\"name\": ");
        sx_strbuf_json_string(sb, d->name);
        sx_strbuf_puts(sb, ", \"description\": ");
        sx_strbuf_json_string(sb, d->description);
        sx_strbuf_puts(sb, ", \"common_name\": ");
        sx_strbuf_json_string(sb, d->common_name[0] ? d->common_name : NULL);
        sx__pub_band_file(i + 1, "image", file, sizeof file);
        href(sb, "image", l, file);
        sx__pub_band_file(i + 1, "values", file, sizeof file);
        href(sb, "values", l, file);
        nodata(sb, d);
        sx_strbuf_puts(sb, ", \"range\": [");
        sx__pub_json_number(sb, d->lo);
        sx_strbuf_puts(sb, ", ");
        sx__pub_json_number(sb, d->hi);
        sx_strbuf_puts(sb, "], \"stats\": ");
        if (d->has_stats) sx_strbuf_printf(sb, "{\"min\": %.17g, \"max\": %.17g, \"mean\": %.17g, \"std\": %.17g}", d->smin,
                                           d->smax, d->smean, d->sstd);
        else sx_strbuf_puts(sb, "null");
        sx_strbuf_puts(sb, ", \"legend\": ");
        legend(sb, l, i);
        sx_strbuf_puts(sb, "}");
    }
    sx_strbuf_puts(sb, "]");
    if (l->rgb[0]) sx_strbuf_printf(sb, ", \"rgb\": [%d, %d, %d]", l->rgb[0], l->rgb[1], l->rgb[2]);
}

static sx_err manifest(const sx__pub_t *p)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "{\n  \"title\": ");
    sx_strbuf_json_string(&sb, p->title);
    sx_strbuf_printf(&sb, ",\n  \"collection\": \"%s\",\n  \"crs\": \"%s\",\n  \"catalog\": \"catalog.json\",\n  \"base\": ",
                     p->collection, p->crs);
    sx_strbuf_json_string(&sb, p->has_base ? p->base_id : NULL);
    /* The viewer maps a clicked lon/lat into the COG's pixel grid with proj4js. */
    char *proj4 = NULL;
    if (OSRExportToProj4(p->srs, &proj4) != OGRERR_NONE) {
        CPLFree(proj4);
        proj4 = NULL;
    }
    sx_strbuf_puts(&sb, ",\n  \"proj4\": ");
    sx_strbuf_json_string(&sb, proj4);
    CPLFree(proj4);
    sx_strbuf_puts(&sb, ",\n  \"layers\": [\n");
    for (size_t i = 0; i < p->nlayers; i++) {
        const sx__pub_layer_t *l = &p->layers[i];
        char file[200];
        sx_strbuf_puts(&sb, i ? ",\n    {\"id\": " : "    {\"id\": ");
        sx_strbuf_json_string(&sb, l->id);
        sx_strbuf_puts(&sb, ", \"title\": ");
        sx_strbuf_json_string(&sb, l->title);
        sx_strbuf_printf(&sb, ", \"type\": \"%s\"", l->is_raster ? "raster" : "vector");
        snprintf(file, sizeof file, "%s.json", l->id);
        href(&sb, "stac", l, file);
        href(&sb, "data", l, l->data_file);
        sx_strbuf_puts(&sb, ", \"bbox\": ");
        sx_strbuf_printf(&sb, "[%.10g, %.10g, %.10g, %.10g]", l->bbox[0], l->bbox[1], l->bbox[2], l->bbox[3]);
        if (l->is_raster) {
            sx_strbuf_printf(&sb, ", \"kind\": \"%s\", \"classes\": %s, \"units\": ", l->style->kind,
                             l->style->classes ? "true" : "false");
            sx_strbuf_json_string(&sb, l->units);
            sx_strbuf_puts(&sb, ", \"legend_title\": ");
            sx_strbuf_json_string(&sb, l->style->title);
            href(&sb, "image", l, "preview.png");
            href(&sb, "values", l, "values.f32");
            sx_strbuf_printf(&sb, ", \"width\": %d, \"height\": %d, \"extent\": [%.17g, %.17g, %.17g, %.17g], \"legend\": ",
                             l->preview_w, l->preview_h, l->preview_extent[0], l->preview_extent[1], l->preview_extent[2],
                             l->preview_extent[3]);
            legend(&sb, l, 0);
            sx_strbuf_printf(&sb, ", \"size\": [%d, %d], \"transform\": [%.17g, %.17g, %.17g, %.17g, %.17g, %.17g]",
                             l->width, l->height, l->gt[0], l->gt[1], l->gt[2], l->gt[3], l->gt[4], l->gt[5]);
            nodata(&sb, &l->band[0]);
            if (l->nbands > 1) bands(&sb, l);
        } else {
            href(&sb, "geojson", l, "web.geojson");
            sx_strbuf_printf(&sb, ", \"geometry\": \"%s\", \"features\": %lld, \"base\": %s", l->geom_type, l->nfeatures,
                             p->has_base && !strcmp(l->id, p->base_id) ? "true" : "false");
        }
        sx_strbuf_puts(&sb, "}");
    }
    sx_strbuf_puts(&sb, "\n  ]\n}\n");
    char path[SX_PATH_MAX];
    sx_err err = snprintf(path, sizeof path, "%s/viewer.json", p->root) >= (int)sizeof path
                     ? sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "package path too long")
                     : sb.failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for viewer.json")
                                 : sx_write_text_file(path, sb.data);
    sx_strbuf_fini(&sb);
    return err;
}

static int is_dir(const char *d)
{
    struct stat st;
    return stat(d, &st) == 0 && S_ISDIR(st.st_mode);
}

sx_err sx__pub_copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    SX_FAIL_IF(!in, SX_ERR_IO, "cannot read '%s': %s", from, strerror(errno));
    FILE *out = fopen(to, "wb");
    if (!out) {
        fclose(in);
        SX_FAIL(SX_ERR_IO, "cannot write '%s': %s", to, strerror(errno));
    }
    char buf[65536];
    size_t n;
    int bad = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) bad = 1;
    bad |= ferror(in);
    fclose(in);
    bad |= fclose(out) != 0;
    SX_FAIL_IF(bad, SX_ERR_IO, "cannot copy '%s' to '%s'", from, to);
    return SX_OK;
}

static sx_err copy_tree(const char *from, const char *to, int depth)
{
    SX_FAIL_IF(depth > 8, SX_ERR_IO, "viewer directory '%s' is nested too deeply", from);
    SX_CHECK(sx_mkdir_p(to));
    DIR *d = opendir(from);
    SX_FAIL_IF(!d, SX_ERR_IO, "cannot list '%s': %s", from, strerror(errno));
    struct dirent *e;
    sx_err err = SX_OK;
    while (err == SX_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char a[SX_PATH_MAX], b[SX_PATH_MAX];
        if (snprintf(a, sizeof a, "%s/%s", from, e->d_name) >= (int)sizeof a ||
            snprintf(b, sizeof b, "%s/%s", to, e->d_name) >= (int)sizeof b) {
            err = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "path too long under '%s'", from);
            break;
        }
        err = is_dir(a) ? copy_tree(a, b, depth + 1) : sx__pub_copy_file(a, b);
    }
    closedir(d);
    return err;
}

static int find_viewer(const char *given, char *out, size_t len)
{
    const char *env = getenv("SANXIANG_VIEWER_DIR");
    char data[SX_PATH_MAX], cand[SX_PATH_MAX + 32];
    if (given) {
        snprintf(out, len, "%s", given);
        return 1;
    }
    if (env && env[0]) {
        snprintf(out, len, "%s", env);
        return 1;
    }
    /* the build tree's viewer/dist, or PREFIX/share/sanxiang/viewer/dist of an install (sx_install.h) */
    if (!sx_install_data_dir(data, sizeof data)) return 0;
    snprintf(cand, sizeof cand, "%s/viewer/dist/index.html", data);
    if (access(cand, R_OK) != 0) return 0;
    int n = snprintf(out, len, "%s/viewer/dist", data);
    return n > 0 && (size_t)n < len;
}

sx_err sx__pub_viewer(const sx__pub_t *p)
{
    SX_CHECK(manifest(p));
    char dir[SX_PATH_MAX], index[SX_PATH_MAX + 16];
    if (!find_viewer(p->o->viewer_dir, dir, sizeof dir)) {
        sx_log_warn("the web viewer is not built (run scripts/viewer-build.sh); the package has no index.html "
                    "but is otherwise complete");
        return SX_OK;
    }
    snprintf(index, sizeof index, "%s/index.html", dir);
    SX_FAIL_IF(access(index, R_OK) != 0, SX_ERR_IO, "viewer directory '%s' has no index.html; run scripts/viewer-build.sh "
               "or point --viewer at viewer/dist", dir);
    return copy_tree(dir, p->root, 0);
}
