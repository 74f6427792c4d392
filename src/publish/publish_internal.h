/*
 * publish_internal.h — the state shared by the files of the package builder
 * (src/publish). Not a public header: one package build, one rank (rank 0).
 */
#ifndef SX_PUBLISH_INTERNAL_H
#define SX_PUBLISH_INTERNAL_H

#include <gdal.h>
#include <ogr_srs_api.h>

#include "sanxiang/sx_output.h"
#include "sanxiang/sx_publish.h"

#define SX_PUB_MAX_BANDS 32           /* bands described in STAC and the viewer (the COG keeps all) */
#define SX_PUB_MAX_DATUMS 64          /* --datum statements */
#define SX_PUB_MARKER ".sanxiang-package" /* in every package's root: what publish may replace */

/* Where the package goes (target.c). */
typedef struct {
    char final[SX_PATH_MAX];          /* the package directory as named, without trailing '/' */
    char part[SX_PATH_MAX];           /* "<parent>/.<name>.part": the package being built */
    char old[SX_PATH_MAX];            /* "<parent>/.<name>.old": the old package while it is swapped (no RENAME_EXCHANGE) */
    int replace;                      /* final holds a sanxiang package */
    int created;                      /* part was made by this publish and not yet renamed */
} sx__pub_target_t;

/* One band of a raster layer (of the published COG). */
typedef struct {
    char name[64];                    /* description's first word, or "b<N>" */
    char description[160];            /* GDAL band description, or "" */
    char common_name[16];             /* STAC eo:common_name ("red", "nir") or "" */
    char units[64];
    int has_nodata;
    double nodata;
    int has_stats;
    double smin, smax, smean, sstd;
    double lo, hi;                    /* ramp range used by styles and preview */
} sx__pub_band_t;

typedef struct {
    char id[128];                     /* layer id: file stem, [A-Za-z0-9_-] */
    char title[256];                  /* long_name or id */
    int is_raster;
    const sx_publish_style_t *style;
    char units[64];
    char rel_dir[512];                /* "<collection>/<id>" relative to the package root */
    char data_file[160];              /* "<id>.tif" or "<id>.gpkg" */
    /* raster */
    int width, height;
    double gt[6];
    char dtype[16];                   /* STAC data_type: uint8, int16, float32 ... */
    int nbands;                       /* described bands (<= SX_PUB_MAX_BANDS) */
    sx__pub_band_t band[SX_PUB_MAX_BANDS];
    int rgb[3];                       /* 1-based bands of the default RGB view (0: fewer than 3 bands) */
    double preview_extent[4];         /* EPSG:4326 lon/lat of the web preview */
    int preview_w, preview_h;
    /* vector */
    long long nfeatures;
    char geom_type[32];
    char columns_json[8192];          /* STAC table:columns */
    /* both */
    double bbox[4];                   /* WGS 84 lon/lat */
    double proj_bbox[4];              /* target CRS */
    char source[SX_PATH_MAX];         /* input file (run directory) */
} sx__pub_layer_t;

typedef struct {
    const sx_publish_opts_t *o;
    MPI_Comm comm;                    /* the publish's ranks: rank 0 builds, all write the raster COGs */
    sx__pub_target_t target;
    char root[SX_PATH_MAX];           /* the package under construction (target.part) */
    char collection[128];
    char title[256];
    char crs[64];                     /* "EPSG:4490" */
    int epsg;
    OGRSpatialReferenceH srs;         /* target CRS */
    char *provenance;                 /* JSON text (owned) */
    char datetime[32];                /* run time, RFC 3339 */
    sx__pub_layer_t *layers;
    size_t nlayers;
    char *run_tables[16];             /* CSV tables found in the run directory (owned) */
    size_t nrun_tables;
    int has_base;                     /* a boundaries layer was published */
    char base_id[128];
    unsigned char datum_used[SX_PUB_MAX_DATUMS]; /* --datum i matched an input */
} sx__pub_t;

/* crs.c */
sx_err sx__pub_target_crs(const char *text, char *norm, size_t len, int *epsg, OGRSpatialReferenceH *out);
/** Decide the CRS of an input: its own, or the one the user stated for it;
 *  refuses GCJ-02 (declared, named, or DataV-shaped) and unknown CRSs.
 *  looks_datav: the input has DataV/ECharts attribute names. *out is a new
 *  handle (caller releases) or NULL to keep the input's own CRS. */
sx_err sx__pub_input_crs(sx__pub_t *p, const char *path, OGRSpatialReferenceH own, int looks_datav,
                         OGRSpatialReferenceH *out);
/** bbox (minx, miny, maxx, maxy) in srs -> WGS 84 lon/lat. */
sx_err sx__pub_bbox_wgs84(OGRSpatialReferenceH srs, const double in[4], double out[4]);

/* layer_dir.c */
/** Most layers in one package. */
#define SX__PUB_MAX_LAYERS 256
/** A new layer folder <collection>/<id>/ in the package (at most SX__PUB_MAX_LAYERS; ids unique). */
sx_err sx__pub_add_layer(sx__pub_t *p, const char *id, sx__pub_layer_t **out);
/** buf = "<package>/<layer folder>/<file>"; SX_ERR_IO when it does not fit in len. */
sx_err sx__pub_path(const sx__pub_t *p, const sx__pub_layer_t *l, const char *file, char *buf, size_t len);
/** An id or collection name made safe for a path and a URL, in place. */
void sx__pub_sanitize_id(char *s);

/* target.c */
/** Names of the package, its temporary and its swap directory; refuses a
 *  package_dir that is a file, a symbolic link or a non-empty directory
 *  without the marker (SX_ERR_USAGE, naming the path). */
sx_err sx__pub_target_init(const char *package_dir, sx__pub_target_t *t);
/** Refuses an input (path, described by what) inside the package that would be replaced. */
sx_err sx__pub_target_check_source(const sx__pub_target_t *t, const char *path, const char *what);
/** Clears a stale temporary left by a killed publish (only if it is ours),
 *  creates t->part and writes the marker into it. */
sx_err sx__pub_target_begin(sx__pub_target_t *t, const char *run_dir);
/** Checks the final name again and swaps the complete package in (see
 *  target.c); allow_exchange 0 takes the two-rename path (tests). */
sx_err sx__pub_target_commit(sx__pub_target_t *t, int allow_exchange);
/** Removes t->part if this publish made it; never fails (warns). */
void sx__pub_target_abort(sx__pub_target_t *t);
/** 1 if dir holds the package marker (a regular file, not a link). */
int sx__pub_is_package(const char *dir);

/* options.c */
/** Every --datum statement matched an input (after the layers are built). */
sx_err sx__pub_check_datums_used(const sx__pub_t *p);

/* stations.c */
/** The forecast_stations layer, when the run holds forecast hydrographs. */
sx_err sx__pub_stations(sx__pub_t *p);

/* raster.c, vector.c */
sx_err sx__pub_raster(sx__pub_t *p, const char *src, sx__pub_layer_t *l);

/* raster_cog.c: a layer's COG written by every rank of p->comm. Rank 0 calls
 * sx__pub_cog for each layer while the other ranks wait in
 * sx__pub_cog_serve, which returns when rank 0 calls sx__pub_cog_release. */
sx_err sx__pub_cog(const sx__pub_t *p, const char *src, const char *cog, const char *resampling);
sx_err sx__pub_cog_serve(MPI_Comm comm);
void sx__pub_cog_release(MPI_Comm comm);
sx_err sx__pub_vector(sx__pub_t *p, const char *src, const char *id, int is_base, sx__pub_layer_t *l);

/* preview.c */
/** Web preview of every band of the COG (PNG + float32 grid in EPSG:4326). */
sx_err sx__pub_preview(const sx__pub_t *p, const char *cog, sx__pub_layer_t *l);
/** File name of band b's (1-based) preview: what = "image" or "values". */
void sx__pub_band_file(int b, const char *what, char *buf, size_t len);

/* style_files.c */
sx_err sx__pub_styles(const sx__pub_t *p, const sx__pub_layer_t *l);

/** Legend entry i of band b (0-based) of a raster layer (value, colour,
 *  label); returns the number of entries. */
size_t sx__pub_legend(const sx__pub_layer_t *l, int b, size_t i, double *value, unsigned char rgba[4], char *label, size_t len);

/* stac.c */
sx_err sx__pub_stac_item(const sx__pub_t *p, const sx__pub_layer_t *l);
sx_err sx__pub_stac_collection(const sx__pub_t *p);

/* viewer.c */
sx_err sx__pub_viewer(const sx__pub_t *p);

/* util */
sx_err sx__pub_copy_file(const char *from, const char *to);
/** JSON number or null for a non-finite value. */
void sx__pub_json_number(void *strbuf, double v);

#endif
