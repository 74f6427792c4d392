/*
 * sample_write.c — the products of rs sample, written by rank 0: the sample
 * as a GeoPackage point layer and the strata as a CSV table.
 *
 * Each point sits at the centre of its cell, in the map's CRS, numbered
 * sample_id 1, 2, ... by stratum (class) and then raster-scan order; its
 * fields are map_class, reference (when a reference raster was given),
 * stratum_pixels (the class's mapped pixels A_h, the weight of rs accuracy),
 * stratum_eligible (the cells it could be drawn from), stratum_sample (n_h)
 * and the cell's col and row. The order and values depend only on the
 * sample, so the layer is the same at any rank count; GDAL stamps the file
 * with the time it was written (gpkg_contents.last_change), so two runs
 * differ in that field only. The provenance goes into the GeoPackage's
 * metadata (SANXIANG_PROVENANCE).
 */
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>

#include "rs/sample_internal.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_strbuf.h"

enum { F_ID, F_MAP, F_PIXELS, F_ELIGIBLE, F_SAMPLE, F_COL, F_ROW, F_REF, F_N };

static sx_err write_layer(const sx_rs_sample_opts_t *o, GDALDatasetH ds, const sx_grid_t *g,
                          const sx__rs_strata_t *st, const sx__rs_draw_t *d, int64_t nd)
{
    static const struct {
        const char *name;
        OGRFieldType type;
    } fields[F_N] = {{"sample_id", OFTInteger64},  {"map_class", OFTInteger},       {"stratum_pixels", OFTInteger64},
                     {"stratum_eligible", OFTInteger64}, {"stratum_sample", OFTInteger64}, {"col", OFTInteger64},
                     {"row", OFTInteger64}, {"reference", OFTInteger}};
    OGRSpatialReferenceH srs = NULL;
    if (g->wkt && *g->wkt) {
        srs = OSRNewSpatialReference(g->wkt);
        if (srs) OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    }
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, o->layer, srs, wkbPoint, NULL);
    if (srs) OSRDestroySpatialReference(srs);
    SX_FAIL_IF(!lyr, SX_ERR_GDAL, "cannot create layer '%s': %s", o->layer, sx_gdal_last_error());
    int bad = 0;
    const int nf = o->reference ? F_N : F_REF;
    for (int i = 0; i < nf; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[i].name, fields[i].type);
        bad |= OGR_L_CreateField(lyr, fd, TRUE) != OGRERR_NONE;
        OGR_Fld_Destroy(fd);
    }
    SX_FAIL_IF(bad, SX_ERR_GDAL, "cannot create the fields of layer '%s': %s", o->layer, sx_gdal_last_error());
    GDALDatasetStartTransaction(ds, FALSE);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    for (int64_t i = 0; i < nd && !bad; i++) {
        const int h = d[i].stratum, c = st->cls[h];
        const int64_t col = d[i].cell % g->nx, row = d[i].cell / g->nx;
        OGR_G_SetPoint_2D(pt, 0, sx_grid_x_center(g, col), sx_grid_y_center(g, row));
        OGR_F_SetGeometry(f, pt);
        OGR_F_SetFieldInteger64(f, F_ID, (GIntBig)(i + 1));
        OGR_F_SetFieldInteger(f, F_MAP, c);
        OGR_F_SetFieldInteger64(f, F_PIXELS, (GIntBig)st->cnt.mapped[c]);
        OGR_F_SetFieldInteger64(f, F_ELIGIBLE, (GIntBig)st->cnt.eligible[c]);
        OGR_F_SetFieldInteger64(f, F_SAMPLE, (GIntBig)st->n[h]);
        OGR_F_SetFieldInteger64(f, F_COL, (GIntBig)col);
        OGR_F_SetFieldInteger64(f, F_ROW, (GIntBig)row);
        if (o->reference) OGR_F_SetFieldInteger(f, F_REF, d[i].ref);
        OGR_F_SetFID(f, OGRNullFID);
        bad |= OGR_L_CreateFeature(lyr, f) != OGRERR_NONE;
    }
    OGR_G_DestroyGeometry(pt);
    OGR_F_Destroy(f);
    if (!bad) bad = GDALDatasetCommitTransaction(ds) != OGRERR_NONE;
    SX_FAIL_IF(bad, SX_ERR_GDAL, "writing the sample to layer '%s' failed: %s", o->layer, sx_gdal_last_error());
    return SX_OK;
}

/* The strata table: per class the counts that define the frame and n_h. */
static sx_err write_strata(const sx_rs_sample_opts_t *o, const sx__rs_strata_t *st)
{
    sx_strbuf_t b;
    sx_strbuf_init(&b);
    sx_strbuf_printf(&b, "class,mapped_pixels,weight,excluded,unlabelled,eligible,sample,inclusion_probability\n");
    int64_t a = 0, tot[4] = {0, 0, 0, 0};
    for (int h = 0; h < st->k; h++) a += st->cnt.mapped[st->cls[h]];
    for (int h = 0; h < st->k; h++) {
        const int c = st->cls[h];
        sx_strbuf_printf(&b, "%d,%lld,%.17g,%lld,%lld,%lld,%lld,%.17g\n", c, (long long)st->cnt.mapped[c],
                         (double)st->cnt.mapped[c] / (double)a, (long long)st->cnt.excluded[c], (long long)st->cnt.unlabelled[c],
                         (long long)st->cnt.eligible[c], (long long)st->n[h], (double)st->n[h] / (double)st->cnt.eligible[c]);
        tot[0] += st->cnt.excluded[c];
        tot[1] += st->cnt.unlabelled[c];
        tot[2] += st->cnt.eligible[c];
        tot[3] += st->n[h];
    }
    sx_strbuf_printf(&b, "total,%lld,1,%lld,%lld,%lld,%lld,\n", (long long)a, (long long)tot[0], (long long)tot[1],
                     (long long)tot[2], (long long)tot[3]);
    sx_err err = b.failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory") : sx_write_text_file(o->out_csv, b.data);
    sx_strbuf_fini(&b);
    return err;
}

sx_err sx__rs_sample_write(const sx_rs_sample_opts_t *o, const char *path, const sx_grid_t *g,
                           const sx__rs_strata_t *st, const sx__rs_draw_t *d, int64_t nd)
{
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    SX_FAIL_IF(!drv, SX_ERR_GDAL, "GDAL has no GeoPackage driver");
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    SX_FAIL_IF(!ds, SX_ERR_IO, "cannot create '%s': %s", path, sx_gdal_last_error());
    sx_err err = write_layer(o, ds, g, st, d, nd);
    if (!err && o->provenance && GDALSetMetadataItem(ds, "SANXIANG_PROVENANCE", o->provenance, NULL) != CE_None)
        err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot store the provenance in '%s': %s", path,
                         sx_gdal_last_error());
    GDALClose(ds);
    if (!err && o->out_csv) err = write_strata(o, st);
    return err;
}
