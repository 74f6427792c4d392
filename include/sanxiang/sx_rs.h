/*
 * sx_rs.h — remote-sensing tile pipeline: band math, spectral indices,
 * reflectance scaling.
 *
 * Inputs are named bands (roles such as nir, red, or any name a `calc`
 * expression uses), each a GDAL dataset name and a band number, with an
 * optional scale/offset turning digital numbers into reflectance and an
 * optional nodata override. All bands must share one grid (size,
 * geotransform, CRS); `rs warp` puts them on one first.
 *
 * Parallelism: every rank reads, for each band, only its block of the
 * foundation's decomposition (sx_decomp.h), evaluates the expression row by
 * row (OpenMP inside the rank) and writes its block through sx_layer_write.
 * Each output cell depends only on the input cells at the same place, so the
 * result is bit-for-bit the same at any rank or thread count.
 */
#ifndef SX_RS_H
#define SX_RS_H

#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include "sx_decomp.h"
#include "sx_err.h"

/* Where a band's scale/offset came from, recorded in the output. */
typedef enum {
    SX_RS_SCALE_NONE = 0,  /* digital numbers used as they are */
    SX_RS_SCALE_EXPLICIT,  /* --scale NAME=S,O */
    SX_RS_SCALE_PRESET,    /* --reflectance landsat-c2-l2 | s2-l2a */
    SX_RS_SCALE_MTL,       /* Landsat MTL file next to the band */
    SX_RS_SCALE_S2_MTD,    /* Sentinel-2 MTD_MSIL2A.xml of the band's SAFE product */
    SX_RS_SCALE_GDAL,      /* scale/offset in the band's GDAL metadata */
    SX_RS_SCALE_FY_HDF5,   /* FengYun L1 HDF5 attributes / calibration tables (fycal.c) */
    SX_RS_SCALE_GF_CAL     /* GF-1/2/6 product XML + CRESDA coefficients file (gfcal.c) */
} sx_rs_scale_source;

typedef struct {
    const char *name;   /* band name used in expressions (role) */
    const char *path;   /* GDAL dataset name */
    int band;           /* 1-based band of the dataset */
    double scale, offset; /* value = v * scale + offset, v = DN (or lut[DN]) */
    double scale2;      /* quadratic term: value = v*v*scale2 + v*scale + offset (FY-3 MERSI-2); 0 normally */
    char lut[96];       /* HDF5 dataset in the band's file mapping DN -> v (FY-4 AGRI CALChannelNN); "" = none */
    int has_valid;      /* DN outside [valid_min, valid_max] is nodata (product's valid_range) */
    double valid_min, valid_max;
    sx_rs_scale_source scale_source;
    char scale_note[256]; /* e.g. "l8_MTL.txt REFLECTANCE_MULT_BAND_4, sun elevation 52.1" */
    int has_nodata;     /* override the file's nodata (e.g. Landsat fill 0 not declared) */
    double nodata;
} sx_rs_band_t;

/** Reflectance presets. */
typedef enum {
    SX_RS_REFL_AUTO = 0,  /* Landsat MTL beside the file if found, else none */
    SX_RS_REFL_NONE,
    SX_RS_REFL_LANDSAT_C2_L2, /* DN * 2.75e-5 - 0.2 (USGS Collection 2 Level-2 surface reflectance) */
    SX_RS_REFL_S2_L2A         /* (DN - 1000) / 10000 (Sentinel-2 L2A, processing baseline >= 04.00) */
} sx_rs_reflectance;

/** Parse "auto", "none", "landsat-c2-l2", "s2-l2a". Not collective. */
sx_err sx_rs_reflectance_parse(const char *text, sx_rs_reflectance *out);

/**
 * Fill in scale/offset of every band whose scale_source is NONE from the
 * preset. AUTO takes them from the product's metadata, the first found of:
 * the Landsat MTL file next to the band's file (*_B<n>.TIF or *_SR_B<n>.TIF
 * -> *_MTL.txt); the Sentinel-2 MTD_MSIL2A.xml of the band's SAFE product
 * (*_B04_10m.jp2, searched up to four directories up); a FengYun L1 HDF5
 * subdataset (HDF5:"F.HDF"://Data/EV_1KM_RefSB, //NOMChannel02: see
 * sx_rs_fy_scale); a GF-1/2/6 product XML beside the band's file (needs
 * gf_coefs: see sx_rs_gf_scale); the band's GDAL metadata (scale/offset, or
 * BOA_QUANTIFICATION_VALUE and BOA_ADD_OFFSET as GDAL's SENTINEL2 driver
 * gives them); else digital numbers. Bands with an explicit scale (--scale)
 * keep it; a preset overrides the metadata. gf_coefs (CSV, or NULL) is
 * the CRESDA coefficients file for GF products. The values and their
 * source land in scale/offset/scale2/lut/scale_note, which sx_rs_provenance
 * records in the output. Not collective (reads small files; every rank gets
 * the same answer from the same files).
 */
sx_err sx_rs_bands_resolve_scale(sx_rs_band_t *bands, int nbands, sx_rs_reflectance preset, const char *gf_coefs);

/**
 * FengYun L1 HDF5 calibration of band b (b->path an HDF5:"file"://dataset
 * or NETCDF:"file":dataset name, b->band its GDAL band = index along the
 * first axis of a 3-D dataset). Read in this order, each step applied when
 * present (FY-3D MERSI-2 L1 and FY-4A AGRI L1 data user guides, NSMC):
 *   1. dataset attributes Slope / Intercept (one per band, or one for all):
 *      DN' = DN * Slope + Intercept; else CF scale_factor / add_offset;
 *   2. MERSI-2 reflective bands (EV_250_Aggr.1KM_RefSB: channels 1-4,
 *      EV_1KM_RefSB: channels 5-19) with /Calibration/VIS_Cal_Coeff (19 x 3):
 *      reflectance = (c0 + c1 DN' + c2 DN'^2) / 100;
 *   3. AGRI NOMChannelNN with a CALChannelNN table in the same group:
 *      value = CALChannelNN[DN] (DN outside the table -> nodata).
 * The dataset's valid_range (DN outside it -> nodata: MERSI's 65533-65535
 * saturated/dead/fill) and FillValue / _FillValue (as the band's nodata
 * unless given explicitly) are applied too.
 * *found = 0 when the band is not an HDF5 subdataset or none of these is
 * present. Not collective.
 */
sx_err sx_rs_fy_scale(sx_rs_band_t *b, int *found);

/**
 * GF-1/2/6 (CRESDA) top-of-atmosphere reflectance of band b: the product
 * XML beside the band's file (<stem>.xml: SatelliteID, SensorID,
 * ReceiveTime or CenterTime/StartTime, SolarZenith or SolarElevation) and
 * the coefficients file coefs (CSV with header
 * satellite,sensor,year,band,gain,offset,esun; L = gain * DN + offset in
 * W m-2 sr-1 um-1, esun in W m-2 um-1) give
 *   rho = pi L d^2 / (ESUN cos(theta_s))
 * (Chander, Markham & Helder 2009, doi:10.1016/j.rse.2009.01.007), d the
 * Earth-Sun distance in AU on the imaging date (Spencer 1971). The row used
 * is the one for the satellite, sensor, band (the GDAL band number) and
 * the imaging year; a missing row is an error (another year's coefficients
 * would hide sensor degradation). *found = 0 when there is no GF product
 * XML. Not collective.
 */
sx_err sx_rs_gf_scale(sx_rs_band_t *b, const char *coefs, int *found);

/** Earth-Sun distance in astronomical units on day of year doy (1..366),
 *  Spencer (1971) Fourier series. Not collective. */
double sx_rs_earth_sun_au(int doy);

/**
 * Read scale/offset for Landsat band number bandno from an MTL text file:
 * surface reflectance (Collection 2 Level-2 group
 * LEVEL2_SURFACE_REFLECTANCE_PARAMETERS) when present, else top-of-atmosphere
 * reflectance REFLECTANCE_MULT/ADD corrected for the sun elevation
 * (rho = (M*Q + A) / sin(SUN_ELEVATION), USGS Landsat 8 Data Users Handbook
 * sec. 5.1). Not collective.
 */
sx_err sx_rs_mtl_scale(const char *mtl_path, int bandno, double *scale, double *offset, char *note, size_t notelen);

/**
 * Read the Sentinel-2 L2A scale/offset of band ("B4", "B04", "B8A") from
 * MTD_MSIL2A.xml: 1 / BOA_QUANTIFICATION_VALUE and BOA_ADD_OFFSET /
 * BOA_QUANTIFICATION_VALUE (offset 0 before baseline 04.00, where the list
 * is absent). ESA Sentinel-2 Products Specification Document. Not collective.
 */
sx_err sx_rs_s2_mtd_scale(const char *xml_path, const char *band, double *scale, double *offset, char *note,
                          size_t notelen);

/* ------------------------------------------------------------ indices */

/*
 * Spectral indices by name: sanxiang's seven (ndvi evi savi ndwi mndwi ndbi
 * nbr, over the roles nir, red, ...) and every index of the Awesome Spectral
 * Indices catalogue (Montero et al. 2023; formulas over the catalogue's band
 * codes N, R, G, S1, RE1, VV, ... and constants L, g, ...), compiled in from
 * data/remote_sensing/awesome_spectral_indices (index_catalogue.c).
 */
typedef struct {
    const char *name;      /* ndvi, evi, ... or the catalogue's short name (NDREI, kNDVI) */
    const char *expr;      /* formula over band roles/codes and constants (band-math language, ** = ^) */
    const char *roles;     /* the bands it needs, space-separated ("nir red", "N RE1") */
    const char *long_name; /* for the output's metadata */
    const char *citation;  /* paper, year, DOI (catalogue: its reference URL) */
    const char *domain;    /* vegetation, water, burn, urban, soil, radar, snow, clouds, kernel */
    const char *constants; /* constants it names, space-separated, "NAME" or "NAME=DEFAULT" (sanxiang's own
                              default; otherwise the catalogue's) */
} sx_rs_index_t;

/** One constant given by the user (--const L=0.5). */
typedef struct {
    const char *name;
    double value;
} sx_rs_const_t;

/** An index formula made concrete for a set of bands (sx_rs_index_expr). */
typedef struct {
    char expr[4096 + 1];   /* over bands[].name, constants as numbers */
    char constants[1024];  /* JSON object of the constants used: {"L":0.5} */
    int bad;               /* on failure: 1 a band is missing, 2 a constant */
} sx_rs_index_expr_t;

/** sanxiang's seven indices (terminated by a zeroed entry). */
const sx_rs_index_t *sx_rs_indices(void);
/** The catalogue's indices (terminated by a zeroed entry) and its version
 *  ("awesome-spectral-indices@<commit> (<date>, 280 indices)"). */
const sx_rs_index_t *sx_rs_index_catalogue(void);
const char *sx_rs_index_catalogue_version(void);
/** Look an index up by name, case-insensitively: sanxiang's seven first,
 *  then the catalogue (an exact spelling wins where two catalogue names
 *  differ only in case: BAI/BaI, MSR705/mSR705). Fails naming close
 *  names. Not collective. */
sx_err sx_rs_index_find(const char *name, const sx_rs_index_t **out);
/** 1 if ix comes from the catalogue (0: one of sanxiang's seven). */
int sx_rs_index_is_catalogue(const sx_rs_index_t *ix);
/** 1 if ix is a catalogue entry answered by one of sanxiang's seven (NDVI
 *  is ndvi): listed once, under sanxiang's name. */
int sx_rs_index_shadowed(const sx_rs_index_t *ix);
/**
 * The formula of ix over the given bands: each band code or common name in
 * it (N or nir, S1 or swir1, RE1 or rededge1, VV or vv, ...) becomes the
 * name of the band given for that role, a kernel term kXY not given as a
 * band becomes the RBF kernel exp(-(X - Y)^2 / (2 sigma^2)), each constant
 * its value from consts[0..nconsts) or the default (sanxiang's, else the
 * catalogue's). Fails (SX_ERR_USAGE, r->bad set) naming a missing band or a
 * constant without default, or a constant the index does not use. Not
 * collective.
 */
sx_err sx_rs_index_expr(const sx_rs_index_t *ix, const sx_rs_band_t *bands, int nbands, const sx_rs_const_t *consts,
                        int nconsts, sx_rs_index_expr_t *r);
/** For each central-wavelength constant of ix (lambdaG, lambdaN, ...) not
 *  among c[0..*n), append it with the centre wavelength (nm) of that band
 *  on platform (a platform of the catalogue's band table: landsat8,
 *  sentinel2a, modis, ...). Fails naming the platforms when platform is
 *  unknown, or the band when the platform lacks it. c holds max entries.
 *  Not collective. */
sx_err sx_rs_index_platform_consts(const sx_rs_index_t *ix, const char *platform, sx_rs_const_t *c, int *n, int max,
                                   double *store);
/** base_json with an "index" record added: name, long name, formula,
 *  reference, domain, constants used and the catalogue version. Caller
 *  frees *out. Not collective. */
sx_err sx_rs_index_provenance(const char *base_json, const sx_rs_index_t *ix, const sx_rs_index_expr_t *r, char **out);
/** Print the indices (domain NULL: all; else that application domain) as a
 *  tab-separated table with a header: name, domain, bands, constants, long
 *  name, reference, formula. Fails on an unknown domain. Not collective
 *  (the caller prints on one rank). */
sx_err sx_rs_index_list(FILE *f, const char *domain);
/** Print the band codes: code, common name and aliases, wavelength range,
 *  each platform's band. Not collective. */
void sx_rs_index_list_bands(FILE *f);

/* ------------------------------------------------------------ calc */

typedef struct {
    sx_rs_band_t *bands;
    int nbands;
    const char *expr;       /* band-math expression over bands[].name */
    const char *out_nc;     /* CF netCDF output (required) */
    const char *out_cog;    /* COG output or NULL */
    const char *var_name;   /* variable name in the outputs ("ndvi", "calc") */
    const char *long_name;
    const char *units;      /* "1" for indices */
    const char *provenance; /* JSON or NULL; the band/scale record is added to it */
    int classes;            /* 0: Float32, NaN nodata, AVERAGE overviews; 1: UInt8 classes, 255 nodata, NEAREST */
} sx_rs_calc_opts_t;

/** Evaluate expr over the bands and write a Float32 layer with NaN nodata.
 *  Collective over comm. */
sx_err sx_rs_calc_run(MPI_Comm comm, const sx_rs_calc_opts_t *o);

/* ------------------------------------------------------------ water, flood, change */

/** Otsu (1979) threshold from a histogram of nbins counts over [lo, hi]:
 *  the centre of the bin that maximises the between-class variance
 *  w0 w1 (mu0 - mu1)^2 of "<= bin" vs "> bin". Not collective. */
double sx_rs_otsu_threshold(const int64_t *hist, int nbins, double lo, double hi);

typedef struct {
    sx_rs_band_t *bands;
    int nbands;
    const char *index;       /* "mndwi" (Xu: green, swir1) or "ndwi" (McFeeters: green, nir) */
    int otsu;                /* 1: Otsu threshold from the global histogram; 0: use threshold */
    double threshold;        /* water where index > threshold */
    int bins;                /* histogram bins for Otsu (default 256) */
    const char *out_nc, *out_cog, *out_gpkg; /* gpkg: water polygons with area_km2, or NULL */
    const char *provenance;
    double *threshold_used;  /* out: the threshold applied (may be NULL) */
} sx_rs_water_opts_t;

/** Water mask (UInt8: 1 water, 0 land, 255 nodata). Collective over comm. */
sx_err sx_rs_water_run(MPI_Comm comm, const sx_rs_water_opts_t *o);

/** Polygons of the cells equal to 1 in a UInt8 class raster (this step's
 *  product, read where it is staged), 4-connected, with their area in km^2
 *  (equal-area CRS EPSG:6933 for geographic rasters): traced in parallel
 *  and written by rank 0 through a temporary name (sx_polygonize.h).
 *  Collective over comm. */
sx_err sx_rs_polygonize(MPI_Comm comm, const char *raster, const char *gpkg, const char *layer);

/** Flood extent = water after the event and not before, minus permanent
 *  water (if given): UInt8 1 flooded, 0 not, 255 nodata; inputs are water
 *  masks as rs water writes them. Polygons with area when gpkg is given.
 *  Collective over comm. */
sx_err sx_rs_flood_run(MPI_Comm comm, const char *before, const char *after, const char *permanent, const char *out_nc,
                       const char *out_cog, const char *gpkg, const char *provenance);

/** Change classes of an index between two dates: d = after - before;
 *  3 gain (d > gain), 1 loss (d < -loss), 2 no change, 255 nodata.
 *  Collective over comm. */
sx_err sx_rs_change_run(MPI_Comm comm, const char *before, const char *after, double gain, double loss,
                        const char *out_nc, const char *out_cog, const char *provenance);

/* ------------------------------------------------------------ masks */

typedef enum {
    SX_RS_QA_LANDSAT_C2 = 0, /* Landsat Collection 2 QA_PIXEL bits */
    SX_RS_QA_LANDSAT_C1,     /* Landsat Collection 1 BQA bits */
    SX_RS_QA_S2_SCL          /* Sentinel-2 L2A scene classification classes */
} sx_rs_qa_kind;

/* Which QA values are masked: a pixel is masked when any rule matches,
 * ((qa >> shift) & (2^width - 1)) >= min, or (SCL) when its class is in
 * scl_classes (bit c set for class c). NaN (nodata) QA is always masked. */
typedef struct {
    sx_rs_qa_kind kind;
    int nrules;
    struct { int shift, width, min; } rules[16];
    uint32_t scl_classes;
} sx_rs_qa_rule_t;

/** Build a rule from a comma-separated list of class names (NULL = the
 *  kind's default). Names: landsat-c2: fill dilated cirrus cloud shadow snow
 *  water; landsat-c1: fill cloud cloud-medium cloud-high shadow snow cirrus;
 *  s2-scl: nodata saturated dark shadow vegetation bare water unclassified
 *  cloud-medium cloud-high cirrus snow. Not collective. */
sx_err sx_rs_qa_rule_parse(const char *kind, const char *classes, sx_rs_qa_rule_t *out);
/** mask[i] = 1 where qa[i] is masked by rule, else 0. Not collective. */
void sx_rs_qa_mask(const sx_rs_qa_rule_t *rule, const double *qa, int64_t n, uint8_t *mask);
/** Dilate a 0/1 mask by r cells (square window, Chebyshev distance): buf
 *  covers ext (block + halo, halo already exchanged); the result for own is
 *  written to out (own.nx * own.ny). tmp holds ext cells. Not collective. */
void sx_rs_mask_dilate(const uint8_t *buf, sx_window_t ext, sx_window_t own, int r, uint8_t *tmp, uint8_t *out);

typedef struct {
    const char *qa_path;   /* GDAL dataset name of the quality band */
    int band;              /* 1-based band (0 = 1) */
    int has_nodata;
    double nodata;         /* QA nodata when the file does not declare it */
    sx_rs_qa_rule_t rule;
    int dilate;            /* cells */
    const char *out_nc, *out_cog, *provenance;
} sx_rs_mask_opts_t;

/** Mask raster (UInt8: 1 masked, 0 clear; QA nodata is masked) from a
 *  quality band, dilated by o->dilate cells. Collective over comm. */
sx_err sx_rs_mask_run(MPI_Comm comm, const sx_rs_mask_opts_t *o);

/* ------------------------------------------------------------ composites */

typedef enum {
    SX_RS_COMP_MEDIAN = 0,
    SX_RS_COMP_MEAN,
    SX_RS_COMP_PERCENTILE,
    SX_RS_COMP_MAX_NDVI, /* "greenest pixel": every band from the date of highest NDVI */
    SX_RS_COMP_COUNT
} sx_rs_comp_method;

typedef struct {
    sx_rs_band_t *bands; /* nscenes x nper: band k of scene s at [s * nper + k]; names equal across scenes */
    int nscenes, nper;
    int qa;              /* index k of the QA band within a scene, or -1 for none */
    sx_rs_qa_rule_t rule;
    int dilate;          /* cells; masks are dilated by this much before use */
    sx_rs_comp_method method;
    double percentile;   /* 0..100 for SX_RS_COMP_PERCENTILE */
    int nir, red;        /* band indices k for max-NDVI */
    int strip_rows;      /* rows of every scene held at a time (0: about 64 MB worth) */
    const char *out_stem; /* outputs <stem>_<band>.nc/.tif and <stem>_count.nc/.tif */
    int formats;          /* SX_LAYER_COG | SX_LAYER_NC (sx_layer.h) */
    const char *provenance;
} sx_rs_composite_opts_t;

/** Parse median | mean | pNN (percentile NN) | max-ndvi | count. */
sx_err sx_rs_comp_method_parse(const char *text, sx_rs_comp_method *m, double *percentile);

/**
 * Per-pixel temporal composite over scenes on one grid. An observation (scene
 * s at a pixel) is valid when its QA does not mask it (after dilation) and
 * every band of the scene has data there; only valid observations enter.
 * Writes one Float32 layer per non-QA band (median/mean/percentile: of that
 * band; max-NDVI: that band on the chosen date), <stem>_count (number of
 * valid observations) and, for max-NDVI, <stem>_scene (1-based scene number
 * chosen; ties go to the earlier scene). Collective over comm.
 */
sx_err sx_rs_composite_run(MPI_Comm comm, const sx_rs_composite_opts_t *o);

/* ------------------------------------------------------------ zonal */

typedef struct {
    const char *raster;   /* GDAL dataset name */
    int band;
    const char *zones;    /* GeoJSON, GeoPackage, Shapefile ... (first layer unless layer is set) */
    const char *layer;    /* or NULL */
    const char *id_field; /* attribute naming each zone */
    const char *out_csv;
    int tile;             /* super-tile size in cells (0 = 1024); part of the result's definition of order */
} sx_rs_zonal_opts_t;

/**
 * Per-zone count, sum, mean, min, max, std (population, ddof 0) and median
 * (mean of the two middle values for an even count) of the raster's valid
 * cells whose centre lies inside the zone polygon (GDAL's default
 * rasterization rule; where zones overlap, the later feature takes the cell).
 * Zones in another CRS are reprojected to the raster's; zones without a CRS
 * on a georeferenced raster are an error. Exact at any rank count: see
 * zonal.c. CSV written by rank 0. Collective over comm.
 */
sx_err sx_rs_zonal_run(MPI_Comm comm, const sx_rs_zonal_opts_t *o);

/* ------------------------------------------------------------ warp */

typedef struct {
    const char *const *inputs; /* tiles, GDAL dataset names; later ones win where tiles overlap */
    int ninputs;
    int band;                  /* 1-based band of every input */
    const char *t_srs;         /* target CRS (EPSG:4490, EPSG:4547, WKT, PROJ); NULL = first input's */
    const char *s_srs;         /* CRS of inputs that carry none; NULL: such an input is refused */
    double xres, yres;         /* target cell size; 0 = finest suggested by GDAL */
    int has_te;
    double te[4];              /* xmin ymin xmax ymax in the target CRS */
    const char *resampling;    /* near bilinear cubic cubicspline lanczos average mode; NULL = near */
    int has_src_nodata;
    double src_nodata;         /* nodata of the inputs when not declared in the files */
    const char *out_nc, *out_cog, *var_name, *units, *provenance;
} sx_rs_warp_opts_t;

/** Mosaic and reproject onto one grid; Float32, NaN nodata. Collective. */
sx_err sx_rs_warp_run(MPI_Comm comm, const sx_rs_warp_opts_t *o);

/**
 * Provenance JSON with an "rs" record of the expression and each band's
 * path, band, scale, offset and their source appended. Caller frees.
 * Not collective (deterministic from its arguments).
 */
sx_err sx_rs_provenance(const char *base_json, const char *expr, const sx_rs_band_t *bands, int nbands, char **out);

#endif
