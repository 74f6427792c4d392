/*
 * vector.c — vector layers into the package: a GeoPackage in the target CRS
 * and a GeoJSON copy in WGS 84 for the web viewer.
 *
 * The administrative-boundaries base layer is joined, by 6-digit division
 * code, to the indicator tables given (CSV): each table's columns are added
 * to the matching unit (columns holding WKT geometry are skipped; a name
 * already present keeps its first value). With a rank field, units are
 * ranked on it (1 = largest; ties broken by the smaller code, so the rank is
 * deterministic) into "<field>_rank". Only the first layer of a source is
 * published.
 */
#include <cpl_string.h>
#include <gdal_utils.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "publish/publish_internal.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_raster.h"
#include "sanxiang/sx_strbuf.h"

static const char *const code_names[] = {"code", "adcode", "city_code", "county_code", "区划码", "id", NULL};
static const char *const geometry_names[] = {"coord", "wkt", "geometry", "geom", "the_geom", NULL};
static const char *const datav_names[] = {"center", "centroid", "childrenNum", "acroutes", "subFeatureIndex", NULL};

static int find_field(OGRFeatureDefnH d, const char *const *names)
{
    for (int i = 0; names[i]; i++) {
        int k = OGR_FD_GetFieldIndex(d, names[i]);
        if (k >= 0) return k;
    }
    return -1;
}

static int looks_datav(OGRLayerH lay)
{
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(lay);
    if (OGR_FD_GetFieldIndex(d, "adcode") < 0) return 0;
    for (int i = 0; datav_names[i]; i++)
        if (OGR_FD_GetFieldIndex(d, datav_names[i]) >= 0) return 1;
    return 0;
}

typedef struct {
    GDALDatasetH ds;
    OGRLayerH lay;
    int code;
    const char *path;
} table_t;

/* Open an indicator table; a run-directory table (optional) without a code
 * column is skipped with a warning, a table the user named is an error. */
static sx_err open_table(const char *path, int optional, table_t *t)
{
    char *oo[] = {"AUTODETECT_TYPE=YES", NULL};
    t->path = path;
    t->ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, (const char *const *)oo, NULL);
    if (!t->ds && optional) {
        sx_log_warn("publish: table '%s' of the run cannot be read as CSV by GDAL; not joined", path);
        CPLErrorReset();
        return SX_OK;
    }
    if (!t->ds) SX_FAIL_GDAL("cannot open indicator table '%s'", path);
    t->lay = GDALDatasetGetLayer(t->ds, 0);
    t->code = t->lay ? find_field(OGR_L_GetLayerDefn(t->lay), code_names) : -1;
    if (t->code < 0 && optional) {
        sx_log_warn("publish: table '%s' of the run has no code column; not joined to the boundaries", path);
        GDALClose(t->ds);
        t->ds = NULL;
        return SX_OK;
    }
    SX_FAIL_IF(t->code < 0, SX_ERR_INPUT, "indicator table '%s' has no code column (code, adcode, city_code, "
               "county_code or 区划码) to join it to the boundaries", path);
    return SX_OK;
}

typedef struct {
    double v;
    const char *code;
    long idx;
} rank_item_t;

static int cmp_rank(const void *a, const void *b)
{
    const rank_item_t *x = a, *y = b;
    if (x->v != y->v) return x->v > y->v ? -1 : 1;
    return strcmp(x->code, y->code);
}

/* Boundaries + tables -> an in-memory layer; returns the MEM dataset. */
static sx_err join(const sx__pub_t *p, OGRLayerH base, OGRSpatialReferenceH srs, const char *id, GDALDatasetH *out)
{
    const sx_publish_opts_t *o = p->o;
    OGRFeatureDefnH bd = OGR_L_GetLayerDefn(base);
    int bcode = o->code_field ? OGR_FD_GetFieldIndex(bd, o->code_field) : find_field(bd, code_names);
    SX_FAIL_IF(bcode < 0, SX_ERR_INPUT, "boundaries '%s' have no code field%s%s; name it with --code-field",
               o->boundaries, o->code_field ? " " : "", o->code_field ? o->code_field : "");
    table_t tabs[32] = {{0}};
    size_t nt = 0;
    sx_err err = SX_OK;
    GDALDatasetH mem = NULL;
    long nfeat = 0;
    rank_item_t *items = NULL;
    for (size_t i = 0; i < p->nrun_tables + o->ntables && nt < 32 && err == SX_OK; i++) {
        int optional = i < p->nrun_tables;
        err = open_table(optional ? p->run_tables[i] : o->tables[i - p->nrun_tables], optional, &tabs[nt]);
        if (tabs[nt].ds) nt++;
    }
    if (err != SX_OK) goto done;
    GDALDriverH drv = GDALGetDriverByName("Memory");
    mem = drv ? GDALCreate(drv, "", 0, 0, 0, GDT_Unknown, NULL) : NULL;
    OGRLayerH lay = mem ? GDALDatasetCreateLayer(mem, id, srs, OGR_L_GetGeomType(base), NULL) : NULL;
    if (!lay) {
        err = sx__gdal_fail(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot create the joined boundaries layer");
        goto done;
    }
    for (int f = 0; f < OGR_FD_GetFieldCount(bd); f++) OGR_L_CreateField(lay, OGR_FD_GetFieldDefn(bd, f), TRUE);
    for (size_t i = 0; i < nt; i++) {
        OGRFeatureDefnH td = OGR_L_GetLayerDefn(tabs[i].lay);
        for (int f = 0; f < OGR_FD_GetFieldCount(td); f++) {
            OGRFieldDefnH fd = OGR_FD_GetFieldDefn(td, f);
            const char *name = OGR_Fld_GetNameRef(fd);
            int skip = f == tabs[i].code || OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lay), name) >= 0;
            for (int g = 0; geometry_names[g] && !skip; g++) skip = !strcasecmp(name, geometry_names[g]);
            if (!skip) OGR_L_CreateField(lay, fd, TRUE);
        }
    }
    char rank_name[128] = "";
    if (o->rank_field) {
        int rf = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lay), o->rank_field);
        if (rf < 0 || (OGR_Fld_GetType(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(lay), rf)) != OFTInteger &&
                       OGR_Fld_GetType(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(lay), rf)) != OFTInteger64 &&
                       OGR_Fld_GetType(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(lay), rf)) != OFTReal)) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "rank field '%s' is not a numeric column of the "
                             "boundaries or the indicator tables", o->rank_field);
            goto done;
        }
        snprintf(rank_name, sizeof rank_name, "%s_rank", o->rank_field);
        OGRFieldDefnH fd = OGR_Fld_Create(rank_name, OFTInteger);
        OGR_L_CreateField(lay, fd, TRUE);
        OGR_Fld_Destroy(fd);
    }
    OGRFeatureDefnH od = OGR_L_GetLayerDefn(lay);
    OGR_L_ResetReading(base);
    OGRFeatureH bf;
    while ((bf = OGR_L_GetNextFeature(base)) != NULL) {
        OGRFeatureH nf = OGR_F_Create(od);
        OGR_F_SetFrom(nf, bf, TRUE);
        const char *code = OGR_F_GetFieldAsString(bf, bcode);
        for (size_t i = 0; i < nt; i++) {
            OGR_L_ResetReading(tabs[i].lay);
            OGRFeatureH tf;
            while ((tf = OGR_L_GetNextFeature(tabs[i].lay)) != NULL) {
                if (!strcmp(OGR_F_GetFieldAsString(tf, tabs[i].code), code)) {
                    OGRFeatureDefnH td = OGR_L_GetLayerDefn(tabs[i].lay);
                    for (int f = 0; f < OGR_FD_GetFieldCount(td); f++) {
                        int k = OGR_FD_GetFieldIndex(od, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(td, f)));
                        if (k >= OGR_FD_GetFieldCount(bd) && OGR_F_IsFieldSetAndNotNull(tf, f) && !OGR_F_IsFieldSetAndNotNull(nf, k))
                            OGR_F_SetFieldString(nf, k, OGR_F_GetFieldAsString(tf, f));
                    }
                }
                OGR_F_Destroy(tf);
            }
        }
        OGRErr oe = OGR_L_CreateFeature(lay, nf);
        OGR_F_Destroy(nf);
        OGR_F_Destroy(bf);
        if (oe != OGRERR_NONE) {
            err = sx__gdal_fail(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot join boundary feature %s", code);
            goto done;
        }
        nfeat++;
    }
    if (rank_name[0] && nfeat > 0) {
        int rf = OGR_FD_GetFieldIndex(od, o->rank_field), rk = OGR_FD_GetFieldIndex(od, rank_name);
        int cf = OGR_FD_GetFieldIndex(od, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(bd, bcode)));
        items = calloc((size_t)nfeat, sizeof *items);
        char **codes = calloc((size_t)nfeat, sizeof *codes);
        long n = 0;
        if (!items || !codes) {
            free(codes);
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the ranking of %ld units", nfeat);
            goto done;
        }
        OGR_L_ResetReading(lay);
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(lay)) != NULL) {
            if (OGR_F_IsFieldSetAndNotNull(f, rf)) {
                codes[n] = strdup(OGR_F_GetFieldAsString(f, cf));
                items[n] = (rank_item_t){OGR_F_GetFieldAsDouble(f, rf), codes[n] ? codes[n] : "", OGR_F_GetFID(f)};
                n++;
            }
            OGR_F_Destroy(f);
        }
        qsort(items, (size_t)n, sizeof *items, cmp_rank);
        for (long i = 0; i < n; i++) {
            OGRFeatureH g = OGR_L_GetFeature(lay, items[i].idx);
            OGRErr oe = g ? (OGR_F_SetFieldInteger(g, rk, (int)(i + 1)), OGR_L_SetFeature(lay, g)) : OGRERR_FAILURE;
            if (g) OGR_F_Destroy(g);
            if (oe != OGRERR_NONE && err == SX_OK)
                err = sx__gdal_fail(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot store the rank of unit %s", items[i].code);
        }
        for (long i = 0; i < n; i++) free(codes[i]);
        free(codes);
    }
done:
    free(items);
    for (size_t i = 0; i < nt; i++)
        if (tabs[i].ds) GDALClose(tabs[i].ds);
    if (err != SX_OK) {
        if (mem) GDALClose(mem);
        return err;
    }
    *out = mem;
    return SX_OK;
}

/* Declared geometry type for the output: GeoJSON layers are "Unknown" and
 * mix Polygon and MultiPolygon; the GeoPackage gets the multi type of the
 * first geometry so QGIS and the styles know what to draw. */
static const char *output_geometry(GDALDatasetH src)
{
    OGRLayerH lay = GDALDatasetGetLayer(src, 0);
    OGRwkbGeometryType t = wkbFlatten(OGR_L_GetGeomType(lay));
    if (t == wkbUnknown) {
        OGR_L_ResetReading(lay);
        OGRFeatureH f = OGR_L_GetNextFeature(lay);
        OGRGeometryH g = f ? OGR_F_GetGeometryRef(f) : NULL;
        t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
        if (f) OGR_F_Destroy(f);
        OGR_L_ResetReading(lay);
    }
    switch (t) {
    case wkbPolygon: case wkbMultiPolygon: return "MULTIPOLYGON";
    case wkbLineString: case wkbMultiLineString: return "MULTILINESTRING";
    case wkbPoint: return "POINT";
    case wkbMultiPoint: return "MULTIPOINT";
    default: return "PROMOTE_TO_MULTI";
    }
}

static sx_err translate(GDALDatasetH src, const char *dst, const char *format, const char *t_srs,
                        OGRSpatialReferenceH s_srs, const char *id)
{
    char **argv = NULL;
    argv = CSLAddString(argv, "-f");
    argv = CSLAddString(argv, format);
    argv = CSLAddString(argv, "-t_srs");
    argv = CSLAddString(argv, t_srs);
    argv = CSLAddString(argv, "-nln");
    argv = CSLAddString(argv, id);
    argv = CSLAddString(argv, "-nlt");
    argv = CSLAddString(argv, output_geometry(src));
    if (s_srs) {
        char *wkt = NULL;
        OSRExportToWkt(s_srs, &wkt);
        argv = CSLAddString(argv, "-s_srs");
        argv = CSLAddString(argv, wkt);
        CPLFree(wkt);
    }
    if (!strcmp(format, "GeoJSON")) {
        argv = CSLAddString(argv, "-lco");
        argv = CSLAddString(argv, "COORDINATE_PRECISION=6");
        argv = CSLAddString(argv, "-lco");
        argv = CSLAddString(argv, "RFC7946=YES");
    }
    GDALVectorTranslateOptions *vo = GDALVectorTranslateOptionsNew(argv, NULL);
    CSLDestroy(argv);
    int usage = 0;
    GDALDatasetH out = vo ? GDALVectorTranslate(dst, NULL, 1, &src, vo, &usage) : NULL;
    if (vo) GDALVectorTranslateOptionsFree(vo);
    if (!out) SX_FAIL_GDAL("cannot write %s '%s'", format, dst);
    GDALClose(out);
    return SX_OK;
}

static const char *column_type(OGRFieldType t)
{
    switch (t) {
    case OFTInteger: return "int32";
    case OFTInteger64: return "int64";
    case OFTReal: return "float64";
    default: return "string";
    }
}

/* Feature count, geometry type, extents and columns of the published file. */
static sx_err inspect(const sx__pub_t *p, const char *gpkg, sx__pub_layer_t *l)
{
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) SX_FAIL_GDAL("cannot reopen the published GeoPackage '%s'", gpkg);
    OGRLayerH lay = GDALDatasetGetLayer(ds, 0);
    OGREnvelope env;
    int ok = lay && OGR_L_GetExtent(lay, &env, TRUE) == OGRERR_NONE;
    if (!ok) {
        GDALClose(ds);
        SX_FAIL(SX_ERR_INPUT, "vector layer '%s' is empty; nothing to publish", l->source);
    }
    l->nfeatures = (long long)OGR_L_GetFeatureCount(lay, TRUE);
    snprintf(l->geom_type, sizeof l->geom_type, "%s", OGRGeometryTypeToName(OGR_L_GetGeomType(lay)));
    l->proj_bbox[0] = env.MinX, l->proj_bbox[1] = env.MinY, l->proj_bbox[2] = env.MaxX, l->proj_bbox[3] = env.MaxY;
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(lay);
    for (int f = 0; f < OGR_FD_GetFieldCount(d); f++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(d, f);
        sx_strbuf_puts(&sb, f ? ", {\"name\": " : "{\"name\": ");
        sx_strbuf_json_string(&sb, OGR_Fld_GetNameRef(fd));
        sx_strbuf_printf(&sb, ", \"type\": \"%s\"}", column_type(OGR_Fld_GetType(fd)));
    }
    snprintf(l->columns_json, sizeof l->columns_json, "%s", sb.data ? sb.data : "");
    sx_strbuf_fini(&sb);
    GDALClose(ds);
    return sx__pub_bbox_wgs84(p->srs, l->proj_bbox, l->bbox);
}

/* Station layers name their forecast hydrograph images in a `hydrograph`
 * attribute (a path relative to the run directory); the images travel with
 * the layer so the viewer can show them on click. */
static sx_err copy_attachments(const sx__pub_t *p, GDALDatasetH ds, const sx__pub_layer_t *l)
{
    OGRLayerH lay = GDALDatasetGetLayer(ds, 0);
    int k = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lay), "hydrograph");
    if (k < 0) return SX_OK;
    sx_err err = SX_OK;
    OGRFeatureH f;
    OGR_L_ResetReading(lay);
    while (err == SX_OK && (f = OGR_L_GetNextFeature(lay)) != NULL) {
        const char *rel = OGR_F_IsFieldSetAndNotNull(f, k) ? OGR_F_GetFieldAsString(f, k) : "";
        char from[SX_PATH_MAX], to[SX_PATH_MAX];
        if (!rel[0]) {
        } else if (rel[0] == '/' || strstr(rel, "..")) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' feature %lld: hydrograph '%s' must be a path inside "
                             "the run directory", l->source, (long long)OGR_F_GetFID(f), rel);
        } else if (snprintf(from, sizeof from, "%s/%s", p->o->run_dir, rel) >= (int)sizeof from) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "hydrograph path too long: '%s'", rel);
        } else if ((err = sx__pub_path(p, l, rel, to, sizeof to)) == SX_OK) {
            char dir[SX_PATH_MAX];
            snprintf(dir, sizeof dir, "%s", to);
            *strrchr(dir, '/') = '\0';
            err = sx_mkdir_p(dir);
            if (err == SX_OK) err = sx__pub_copy_file(from, to);
        }
        OGR_F_Destroy(f);
    }
    return err;
}

sx_err sx__pub_vector(sx__pub_t *p, const char *src, const char *id, int is_base, sx__pub_layer_t *l)
{
    if (id != l->id) snprintf(l->id, sizeof l->id, "%s", id);
    snprintf(l->source, sizeof l->source, "%s", src);
    snprintf(l->data_file, sizeof l->data_file, "%s.gpkg", id);
    snprintf(l->title, sizeof l->title, "%s", is_base ? "Administrative boundaries" : id);
    l->style = NULL;
    GDALDatasetH ds = GDALOpenEx(src, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) SX_FAIL_GDAL("cannot open vector '%s'", src);
    OGRLayerH lay = GDALDatasetGetLayer(ds, 0);
    if (!lay) {
        GDALClose(ds);
        SX_FAIL(SX_ERR_INPUT, "'%s' has no vector layer", src);
    }
    OGRSpatialReferenceH own = OGR_L_GetSpatialRef(lay), stated = NULL;
    sx_err err = sx__pub_input_crs(p, src, own, looks_datav(lay), &stated);
    GDALDatasetH joined = NULL;
    if (err == SX_OK && is_base) err = join(p, lay, stated ? stated : own, id, &joined);
    char gpkg[SX_PATH_MAX], web[SX_PATH_MAX];
    if (err == SX_OK) err = sx__pub_path(p, l, l->data_file, gpkg, sizeof gpkg);
    if (err == SX_OK) err = sx__pub_path(p, l, "web.geojson", web, sizeof web);
    GDALDatasetH from = joined ? joined : ds;
    if (err == SX_OK) err = translate(from, gpkg, "GPKG", p->crs, joined ? NULL : stated, id);
    if (err == SX_OK) err = translate(from, web, "GeoJSON", "EPSG:4326", joined ? NULL : stated, id);
    if (err == SX_OK && !is_base) err = copy_attachments(p, ds, l);
    if (joined) GDALClose(joined);
    if (stated) OSRDestroySpatialReference(stated);
    GDALClose(ds);
    SX_CHECK(err);
    return inspect(p, gpkg, l);
}
