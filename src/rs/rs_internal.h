/*
 * rs_internal.h — helpers shared by the files of src/rs (not public).
 *
 * A band set is the bands of one run opened on every rank, checked to lie on
 * one grid, and read block by block as float64 with nodata as NaN and the
 * band's scale/offset applied.
 */
#ifndef SX_RS_INTERNAL_H
#define SX_RS_INTERNAL_H

#include <gdal.h>
#include <mpi.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include "sanxiang/sx_decomp.h"
#include "sanxiang/sx_grid.h"
#include "sanxiang/sx_raster.h"
#include "sanxiang/sx_rs.h"
#include "sanxiang/sx_strbuf.h"

typedef struct {
    int n;
    const sx_rs_band_t *bands; /* borrowed */
    sx_raster_t **r;           /* NULL for bands not used */
    sx_grid_t *grid;           /* per band (nodata override applied) */
    sx_grid_t frame;           /* the common grid (copy of the first used band's) */
    double **lut;              /* per band: DN -> value table (bands[b].lut), or NULL */
    int64_t *nlut;
} sx__rs_bandset_t;

/** Open bands[b] for every b with use[b] (use NULL: all) on every rank and
 *  check that they share one grid. Collective over comm; ranks agree. */
sx_err sx__rs_bandset_open(MPI_Comm comm, const sx_rs_band_t *bands, int n, const unsigned char *use, sx__rs_bandset_t *bs);
/** Read window win of band b into buf (win.nx * win.ny doubles, rows packed),
 *  nodata -> NaN, then value * scale + offset. Not collective. */
sx_err sx__rs_bandset_read(sx__rs_bandset_t *bs, int b, sx_window_t win, double *buf);
void sx__rs_bandset_close(sx__rs_bandset_t *bs);

/** Evaluate expr over bands on this rank's block: opens and checks the
 *  bands, fills grid (the common frame) and d (the decomposition), and
 *  returns the block (own.ny x own.nx) as float (classes 0) or uint8
 *  (classes 1, 255 = nodata) in *result (caller frees; on failure grid and
 *  d are released). Collective over comm. */
sx_err sx__rs_eval(MPI_Comm comm, const sx_rs_band_t *bands, int nbands, const char *expr, int classes, sx_grid_t *grid,
                   sx_decomp_t *d, void **result);

/** Scale/offset declared in the GDAL metadata of band bandno of path (band
 *  scale/offset, or Sentinel-2 BOA_QUANTIFICATION_VALUE/BOA_ADD_OFFSET);
 *  1 if found. Not collective. */
int sx__rs_gdal_scale(const char *path, int bandno, double *scale, double *offset, char *note, size_t notelen);
/** For a Sentinel-2 band file (name containing _B04_, _B8A. ...): the band
 *  name and the MTD_MSIL2A.xml in its directory or up to four above; 1 if
 *  found. Not collective. */
int sx__rs_find_s2_mtd(const char *path, char *band, size_t bandlen, char *xml, size_t len);

/** Split a GDAL HDF5:"file"://dataset or NETCDF:"file":var name into file
 *  and "/dataset"; 0 if name is not one. Not collective. */
int sx__rs_h5_split(const char *name, char *file, size_t flen, char *dset, size_t dlen);
/** The HDF5 file, dataset and 0-based index along its first axis behind
 *  band bandno of path: path itself when it is an HDF5:/NETCDF: name, or
 *  the single SimpleSource of a VRT band; 0 if neither. Not collective. */
int sx__rs_fy_source(const char *path, int bandno, char *file, size_t flen, char *dset, size_t dlen, int *k);
/** 1 if the object path exists in the HDF5 file. Not collective. */
int sx__rs_h5_exists(const char *file, const char *path);
/** Numeric attribute attr of object dset as up to max doubles; *n = 0 if
 *  the object or attribute is absent. Not collective. */
sx_err sx__rs_h5_attr(const char *file, const char *dset, const char *attr, double *vals, int max, int *n);
/** Whole 1-D or 2-D dataset (at most max values) as doubles, row-major;
 *  *ncols the second dimension (1 for 1-D). Caller frees. Not collective. */
sx_err sx__rs_h5_read(const char *file, const char *dset, int64_t max, double **vals, int64_t *n, int *ncols);

/** Start a JSON object in sb that extends base_json (an object, or NULL):
 *  base without its closing brace and a comma, or "{" when base is empty;
 *  the caller appends "key":value pairs and the closing brace. */
void sx__rs_json_extend(sx_strbuf_t *sb, const char *base_json);

/** The range [*lo, *hi] of the finite values of v[0..n) over every rank
 *  (exact MPI min/max; +inf/-inf when there is none). Collective. */
sx_err sx__rs_value_range(MPI_Comm comm, const float *v, int64_t n, double *lo, double *hi);

/** Rows per strip so that bytes_per_row * rows stays near a fixed budget. */
int64_t sx__rs_strip_rows(int64_t bytes_per_row, int64_t max_rows);

/** Open layer `layer` (NULL: the first) of vector dataset path (`what` names
 *  it in messages: "zones", "the sample") and, when its CRS differs from
 *  raster grid g's, a transformation into g's CRS (*ct NULL when none is
 *  needed; the caller destroys it and closes *ds). A layer without a CRS on a
 *  georeferenced raster is an error. Not collective. */
sx_err sx__rs_vector_open(const char *path, const char *layer, const char *what, const sx_grid_t *g, const char *raster,
                          GDALDatasetH *ds, OGRLayerH *lyr, OGRCoordinateTransformationH *ct);
/** The index *fi of field `field` of lyr (an error naming what, path and
 *  hint when it has none), and the layer rewound. Not collective. */
sx_err sx__rs_vector_field(OGRLayerH lyr, const char *what, const char *path, const char *field, const char *hint,
                           int *fi);
/** The class in field fi of feature f: 1 and *cls when the field holds a
 *  whole number 0 .. 254, else 0; *txt is the field's text ("" if unset).
 *  Not collective. */
int sx__rs_feature_class(OGRFeatureH f, int fi, int *cls, const char **txt);

/** A class-map cell value v: 1 and *cls when v is a class (a whole number
 *  0 .. 254), 0 when the cell is not mapped (NaN or 255; read nodata as
 *  NaN), -1 for any other value (the caller names the cell). Not
 *  collective. */
int sx__rs_class_of(double v, int *cls);
/** Describe band `band` of the class map path as band set entry b (named
 *  name): never scaled. Not collective. */
void sx__rs_class_band(sx_rs_band_t *b, const char *name, const char *path, int band);

/** Grid cells of vector features: v[3 i .. 3 i + 2] = column, row, class
 *  of cell i (class 0 when no class field is read). */
typedef struct {
    int64_t *v;
    int64_t n, cap;
} sx__rs_cells_t;

/** Where sx__rs_feature_cells reads: layer `layer` (NULL: the first) of
 *  the vector file path; the class from `field` (NULL: none read); what
 *  names the file in messages ("the training samples"), hint says how to
 *  name the field. A point outside the grid is an error unless
 *  skip_outside, when it is counted in *outside instead. */
typedef struct {
    const char *path, *layer, *field, *what, *hint;
    int skip_outside;
} sx__rs_features_t;

/** The cells of the features of f on grid g (raster names g in messages):
 *  a point gives the cell it falls in, a polygon every cell whose centre
 *  lies inside it (GDAL's rasterization rule); features in another CRS are
 *  transformed to g's. Read on rank 0 and broadcast, so every rank gets the
 *  same list, in feature order (row-major within a polygon); a cell covered
 *  by two features is listed twice. *outside (may be NULL) counts skipped
 *  points. The caller frees c->v. Collective over comm; ranks agree. */
sx_err sx__rs_feature_cells(MPI_Comm comm, const sx__rs_features_t *f, const sx_grid_t *g, const char *raster,
                            sx__rs_cells_t *c, int64_t *outside);

#endif
