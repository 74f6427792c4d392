/*
 * gpkg.c — scores joined to administrative boundaries by unit code, written
 * as a GeoPackage layer ready for a choropleth (QGIS, the provincial
 * one-map). Boundaries come from any OGR vector source; a CSV with a WKT
 * column (e.g. the census table's `coord`) works through GDAL's CSV driver.
 *
 * The CRS is never guessed: the boundary layer's own CRS is used, or the one
 * given in the job when the source has none; a source CRS that differs from
 * the given one is an error, since GCJ-02 and CGCS2000/WGS84 outlines differ
 * by ~500 m in Hunan and must not be mixed silently. Every boundary feature is
 * written (units without scores get empty fields); no match at all is an
 * error naming the code field. Rank 0 writes a temporary file that the
 * foundation's sx_output_commit renames once every rank agrees.
 */
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "econ/econ_internal.h"
#include "sanxiang/sx_econ_run.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_raster.h"

static sx_err write_gpkg(const sx_econ_index_t *r, const sx_econ_gpkg_opts_t *g, const char *tmp, int *matched)
{
    const sx_econ_frame_t *f = r->frame;
    const sx_econ_data_t *d = r->data;
    char opt[512];
    snprintf(opt, sizeof opt, "GEOM_POSSIBLE_NAMES=%s", g->geometry_column ? g->geometry_column : "");
    const char *oo[] = {opt, "KEEP_GEOM_COLUMNS=NO", NULL};
    GDALDatasetH src = GDALOpenEx(g->path, GDAL_OF_VECTOR, NULL, g->geometry_column ? oo : NULL, NULL);
    if (!src) SX_FAIL_GDAL("cannot open boundaries '%s' as a vector dataset", g->path);
    sx_err err = SX_OK;
    GDALDatasetH dst = NULL;
    OGRSpatialReferenceH want = NULL;
    OGRLayerH in = GDALDatasetGetLayer(src, 0);
    if (!in) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "boundaries '%s' have no layer", g->path);
    OGRFeatureDefnH idef = OGR_L_GetLayerDefn(in);
    int icode = OGR_FD_GetFieldIndex(idef, g->code_field);
    if (icode < 0) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "boundaries '%s' have no field '%s'; set boundary_code_field", g->path, g->code_field);
    OGRSpatialReferenceH have = OGR_L_GetSpatialRef(in);
    if (g->crs) {
        want = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(want, g->crs) != OGRERR_NONE)
            SX_FAIL_GOTO(err, done, SX_ERR_CRS, "boundary_crs '%s' is not a CRS GDAL understands (e.g. EPSG:4490)", g->crs);
        OSRSetAxisMappingStrategy(want, OAMS_TRADITIONAL_GIS_ORDER);
        if (have && !OSRIsSame(have, want))
            SX_FAIL_GOTO(err, done, SX_ERR_CRS, "boundaries '%s' are in another CRS than boundary_crs '%s'; reproject them (ogr2ogr -t_srs) or drop boundary_crs",
                         g->path, g->crs);
    } else if (!have)
        SX_FAIL_GOTO(err, done, SX_ERR_CRS, "boundaries '%s' have no CRS; give boundary_crs (e.g. EPSG:4490 or EPSG:4326) - it is never guessed", g->path);
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    if (!drv) SX_FAIL_GOTO(err, done, SX_ERR_GDAL, "GDAL has no GPKG driver");
    dst = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
    if (!dst) {
        err = sx__gdal_fail(SX_ERR_IO, SX__FILE, __LINE__, "cannot create '%s'", tmp);
        goto done;
    }
    OGRLayerH out = GDALDatasetCreateLayer(dst, "scores", have ? have : want, OGR_L_GetGeomType(in), NULL);
    if (!out) {
        err = sx__gdal_fail(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot create layer in '%s'", tmp);
        goto done;
    }
    OGRFieldDefnH fd = OGR_Fld_Create("code", OFTString);
    OGR_L_CreateField(out, fd, 1), OGR_Fld_Destroy(fd);
    fd = OGR_Fld_Create("name", OFTString);
    OGR_L_CreateField(out, fd, 1), OGR_Fld_Destroy(fd);
    for (int j = f->n_node - 1; j >= f->n_ind; j--) {
        char nm[300];
        fd = OGR_Fld_Create(f->code[j], OFTReal);
        OGR_L_CreateField(out, fd, 1), OGR_Fld_Destroy(fd);
        snprintf(nm, sizeof nm, "%s_rank", f->code[j]);
        fd = OGR_Fld_Create(nm, OFTInteger);
        OGR_L_CreateField(out, fd, 1), OGR_Fld_Destroy(fd);
    }
    OGRFeatureDefnH odef = OGR_L_GetLayerDefn(out);
    OGR_L_ResetReading(in);
    GDALDatasetStartTransaction(dst, 0);
    OGRFeatureH fin;
    *matched = 0;
    while ((fin = OGR_L_GetNextFeature(in)) != NULL) {
        const char *code = OGR_F_GetFieldAsString(fin, icode);
        OGRFeatureH fo = OGR_F_Create(odef);
        OGR_F_SetGeometry(fo, OGR_F_GetGeometryRef(fin));
        OGR_F_SetFieldString(fo, 0, code);
        int u;
        for (u = 0; u < d->n_unit && strcmp(d->unit[u], code); u++) {
        }
        if (u < d->n_unit) {
            (*matched)++;
            OGR_F_SetFieldString(fo, 1, d->uname[u]);
            int k = 2;
            for (int j = f->n_node - 1; j >= f->n_ind; j--, k += 2) {
                OGR_F_SetFieldDouble(fo, k, r->scores[(int64_t)u * f->n_node + j]);
                OGR_F_SetFieldInteger(fo, k + 1, r->rank[(int64_t)u * f->n_node + j]);
            }
        }
        OGRErr oe = OGR_L_CreateFeature(out, fo);
        OGR_F_Destroy(fo);
        OGR_F_Destroy(fin);
        if (oe != OGRERR_NONE) {
            err = sx__gdal_fail(SX_ERR_IO, SX__FILE, __LINE__, "cannot write a feature to '%s'", tmp);
            goto done;
        }
    }
    if (GDALDatasetCommitTransaction(dst) != OGRERR_NONE) {
        err = sx__gdal_fail(SX_ERR_IO, SX__FILE, __LINE__, "cannot commit '%s'", tmp);
        goto done;
    }
    if (*matched == 0)
        SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "no value of boundary field '%s' in '%s' matches a unit code (e.g. '%s'); check boundary_code_field",
                     g->code_field, g->path, d->n_unit ? d->unit[0] : "");
done:
    if (dst) GDALClose(dst);
    if (want) OSRDestroySpatialReference(want);
    GDALClose(src);
    return err;
}

sx_err sx_econ_gpkg_write(MPI_Comm comm, const sx_econ_index_t *r, const sx_econ_gpkg_opts_t *g, const char *out_dir)
{
    char fin[SX_PATH_MAX];
    SX_FAIL_IF((size_t)snprintf(fin, sizeof fin, "%s/scores.gpkg", out_dir) >= sizeof fin, SX_ERR_IO, "output path too long: %s", out_dir);
    sx_output_t out;
    SX_CHECK(sx_output_begin(comm, fin, &out));
    /* GDAL's GPKG driver warns unless the name ends in .gpkg: keep the
     * foundation's temporary name but with the extension last */
    sx_err local = SX_OK;
    if ((size_t)snprintf(out.tmp_path, sizeof out.tmp_path, "%s/.scores.part.gpkg", out_dir) >= sizeof out.tmp_path)
        local = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "output path too long: %s", out_dir);
    int matched = 0;
    if (local == SX_OK && sx_mpi_rank() == 0) {
        unlink(out.tmp_path); /* a killed run's leftover */
        local = write_gpkg(r, g, out.tmp_path, &matched);
    }
    SX_CHECK(sx_output_commit(comm, &out, local));
    if (sx_mpi_rank() == 0 && matched < r->data->n_unit)
        sx_log_warn("%d of %d scored units have no boundary in '%s'", r->data->n_unit - matched, r->data->n_unit, g->path);
    return SX_OK;
}
