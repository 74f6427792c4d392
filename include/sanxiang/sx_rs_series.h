/*
 * sx_rs_series.h — time series and ecology products of remote sensing:
 * per-pixel trends of a time-ordered stack of layers (Theil-Sen slope with
 * the Mann-Kendall test), fractional vegetation cover, vegetation and
 * precipitation drought indices, and for class maps the accuracy sample,
 * the accuracy and area estimates and the change patches.
 *
 * Stacks are single-band layers on one grid (`rs warp` puts them there), one
 * per date, given in time order. Every per-pixel product depends only on
 * that pixel's values, so its output is bit-for-bit the same at any rank or
 * thread count; whole-raster quantities (the NDVI percentiles of FVC) are
 * reduced exactly across ranks. Float outputs use NaN as nodata; class
 * outputs are UInt8 with 255 as nodata.
 */
#ifndef SX_RS_SERIES_H
#define SX_RS_SERIES_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include "sx_err.h"

/* ------------------------------------------------------------ trend */

/** Trend of one series. */
typedef struct {
    int n;                /* valid (not NaN) values used */
    double slope;         /* Theil-Sen: median of (x_j - x_i) / (t_j - t_i), i < j */
    double intercept;     /* median(x) - slope * median(t) (Conover 1980): the line's value at t = 0 */
    double s;             /* Mann-Kendall S = sum_{i<j} sign(x_j - x_i) */
    double var_s;         /* Var(S) with the tie correction (times n_star with Hamed & Rao) */
    double n_star;        /* Hamed & Rao (1998) variance correction factor n/n*_s (1 without it) */
    double z;             /* (S - sign S) / sqrt(Var S); 0 when S = 0 or Var S <= 0 */
    double p;             /* two-sided p-value erfc(|z| / sqrt 2) */
    int cls;              /* 1 significant decrease, 2 no significant trend, 3 significant increase, 255 nodata */
} sx_rs_trend_t;

/** Doubles of work space sx_rs_trend_series needs for n values. */
size_t sx_rs_trend_work(int n);

/**
 * Theil-Sen slope (Sen 1968, doi:10.1080/01621459.1968.10480934) and the
 * Mann-Kendall test (Mann 1945; Kendall 1975) with the variance corrected for
 * ties, of x[0..n) at times t[0..n) (strictly increasing). NaN values are
 * skipped; with fewer than min_count valid values (min_count >= 3) every
 * output is NaN and cls 255. hamed_rao: multiply Var(S) by
 * 1 + 2 / (n (n-1) (n-2)) sum_{k=1}^{n-1} (n-k)(n-k-1)(n-k-2) rho_k, rho_k the
 * lag-k autocorrelation of the ranks of x - slope t, summing only the
 * rho_k outside +-z_{1-alpha/2} / sqrt(n) (Hamed & Rao 1998,
 * doi:10.1016/S0022-1694(97)00125-X). The trend is significant when
 * p < alpha. work holds sx_rs_trend_work(n) doubles. Not collective.
 */
void sx_rs_trend_series(const double *x, const double *t, int n, int min_count, int hamed_rao, double alpha,
                        double *work, sx_rs_trend_t *out);

/** Parse a time: a number (step or decimal year), or a date YYYY-MM-DD
 *  given as the decimal year Y + (day of year - 1) / days in Y. 1 on
 *  success. Not collective. */
int sx_rs_parse_time(const char *text, double *t);

typedef struct {
    const char *const *inputs; /* GDAL dataset names, in time order */
    int ninputs;               /* 3 .. 1024 */
    int band;                  /* 1-based band of every input (0 = 1) */
    const double *times;       /* ninputs strictly increasing times, or NULL: 0, 1, 2, ... (per step) */
    const char *time_unit;     /* "step" or "year": the slope's unit is value per time_unit */
    int hamed_rao;
    double alpha;              /* significance level of the class map (and of Hamed & Rao's rho_k) */
    int min_count;             /* valid dates a pixel needs (>= 3) */
    int has_nodata;
    double nodata;             /* nodata of the inputs when the files do not declare it */
    int strip_rows;            /* rows of every input held at a time (0: about 64 MB worth) */
    const char *out_stem;      /* outputs <stem>_{slope,intercept,z,p,class}.tif/.nc */
    int formats;               /* SX_LAYER_COG | SX_LAYER_NC */
    const char *provenance;
} sx_rs_trend_opts_t;

/**
 * Per-pixel trend of a stack: <stem>_slope, _intercept, _z, _p (Float64,
 * NaN nodata; times are taken relative to the first input, so the intercept
 * is the fitted value at the first date) and <stem>_class (UInt8: 1 decrease,
 * 2 no trend, 3 increase, 255 nodata). Inputs must share one grid.
 * Collective over comm.
 */
sx_err sx_rs_trend_run(MPI_Comm comm, const sx_rs_trend_opts_t *o);

/* ------------------------------------------------------------ fractional vegetation cover */

typedef struct {
    const char *ndvi;        /* GDAL dataset name of the NDVI layer */
    int band;                /* 1-based (0 = 1) */
    int has_nodata;
    double nodata;           /* nodata of the layer when the file does not declare it */
    double soil_percentile;  /* default 5: NDVI_soil = this percentile of the whole raster */
    double veg_percentile;   /* default 95: NDVI_veg */
    int has_soil, has_veg;   /* explicit NDVI_soil / NDVI_veg instead of the percentiles */
    double ndvi_soil, ndvi_veg;
    const char *out_nc, *out_cog, *provenance;
    double *used;            /* out (or NULL): [NDVI_soil, NDVI_veg] applied */
} sx_rs_fvc_opts_t;

/**
 * Fractional vegetation cover, dimidiate pixel model (Gutman & Ignatov 1998,
 * doi:10.1080/014311698215333): FVC = (NDVI - NDVI_soil) / (NDVI_veg -
 * NDVI_soil) clipped to [0, 1]; Float32, NaN nodata. NDVI_soil / NDVI_veg are
 * the inverted-CDF percentiles (order statistic ceil(p N / 100) of the N
 * valid cells) of the whole layer, selected exactly across ranks, unless
 * given. Collective over comm.
 */
sx_err sx_rs_fvc_run(MPI_Comm comm, const sx_rs_fvc_opts_t *o);

/* ------------------------------------------------------------ drought indices */

typedef struct {
    const char *const *ndvi;  /* nyears NDVI layers of one season, one per year (or NULL) */
    const char *const *bt;    /* nyears brightness temperature layers of the same years (or NULL) */
    int nyears;               /* 2 .. 1024 */
    double weight;            /* a in VHI = a VCI + (1 - a) TCI (Kogan: 0.5) */
    int band;                 /* 1-based band of every layer (0 = 1) */
    int has_nodata;
    double nodata;
    int strip_rows;
    const char *out_stem;     /* <stem>_vci_<j>, _tci_<j>, _vhi_<j> (j = 1 .. nyears) */
    int formats;              /* SX_LAYER_COG | SX_LAYER_NC */
    const char *provenance;
} sx_rs_vhi_opts_t;

/**
 * Kogan (1995, doi:10.1016/0273-1177(95)00079-T) drought indices of every
 * year j against the per-pixel range of the years: VCI_j = 100 (NDVI_j -
 * min) / (max - min) (from ndvi), TCI_j = 100 (max - BT_j) / (max - min)
 * (from bt), VHI_j = a VCI_j + (1 - a) TCI_j (both given). Float32, NaN where
 * the year is missing or the pixel's range is zero. Layers must share one
 * grid. Collective over comm.
 */
sx_err sx_rs_vhi_run(MPI_Comm comm, const sx_rs_vhi_opts_t *o);


typedef struct {
    const char *const *inputs; /* monthly precipitation layers in time order, one per month */
    int nsteps;                /* 24 .. 4096 */
    int start_month;           /* calendar month (1-12) of the first layer */
    int scales[8];             /* time scales in months (1, 3, 6 ...) */
    int nscales;
    int band;
    int has_nodata;
    double nodata;
    int strip_rows;
    const char *out_stem;      /* <stem>_spi<k>_<t>, t = 1 .. nsteps */
    int formats;
    const char *provenance;
} sx_rs_spi_opts_t;

/**
 * Standardized Precipitation Index (McKee et al. 1993): at each pixel and
 * scale k, the k-month sums of every calendar month fitted by a gamma
 * distribution (Thom 1958) with a probability of zero, and transformed to
 * the standard normal. Float64, NaN for the first k - 1 months, windows with
 * a missing month and months that cannot be fitted. Collective over comm.
 */
sx_err sx_rs_spi_run(MPI_Comm comm, const sx_rs_spi_opts_t *o);

/* ------------------------------------------------------------ RSEI */

typedef struct {
    const char *ndvi, *wet, *ndbsi, *lst; /* the four component layers, on one grid */
    int has_nodata;
    double nodata;                        /* nodata of the layers when the files do not declare it */
    const char *out_nc, *out_cog;         /* the RSEI layer */
    const char *out_csv;                  /* eigenvalues, loadings, the ranges used (or NULL) */
    const char *provenance;
    double *loadings;                     /* out (or NULL): PC1's loadings, ndvi wet ndbsi lst */
} sx_rs_rsei_opts_t;

/**
 * Remote Sensing Ecological Index (Xu 2013, doi:10.5846/stxb201208301223):
 * each component min-max normalised over the raster, PCA of the four
 * (covariance, LAPACKE_dsyev on a matrix summed exactly across ranks), the
 * first component oriented so that NDVI loads positively and rescaled to
 * [0, 1]; Float64, NaN where a component is missing. The CSV holds all
 * eigenvalues, their share and loadings. Collective over comm.
 */
sx_err sx_rs_rsei_run(MPI_Comm comm, const sx_rs_rsei_opts_t *o);

/* ------------------------------------------------------------ accuracy and area */

/** Estimates of Olofsson et al. (2014) for k classes. */
typedef struct {
    int k;
    int cls[256];                         /* class value of each row/column */
    double users[256], users_sd[256];     /* user's accuracy and its standard error, by map class */
    double producers[256], producers_sd[256];
    double prop[256], prop_se[256];       /* estimated area proportion p_.j and its standard error */
    double area[256], area_ci[256];       /* estimated area (pixels) and the half-width of its 95 % interval */
    double overall, overall_var;
} sx_rs_accuracy_t;

/** Olofsson et al. (2014, doi:10.1016/j.rse.2014.02.015) estimators from the
 *  k x k sample counts n (rows map class, columns reference class, row-major)
 *  and the mapped area of each class (any unit); r->cls names the classes for
 *  messages. A mapped class with fewer than 2 samples is an error. Not
 *  collective. */
sx_err sx_rs_olofsson(int k, const int64_t *n, const double *area, sx_rs_accuracy_t *r);

typedef struct {
    const char *map;        /* class raster: whole numbers 0 .. 254, 255 or nodata = not mapped */
    int band;
    const char *samples;    /* points (GeoPackage, GeoJSON, Shapefile ...) */
    const char *layer;      /* or NULL: the first */
    const char *field;      /* the points' reference class */
    const char *out_csv;    /* per-class estimates and the overall row */
    const char *out_matrix_csv; /* sample counts (or NULL) */
    const char *out_xlsx;   /* workbook with the matrix, accuracies with 95 % CI and areas (or NULL) */
} sx_rs_accuracy_opts_t;

/** Accuracy and area of a class map from a reference sample stratified by
 *  map class (Olofsson et al. 2014): mapped pixels counted exactly over the
 *  ranks, the map sampled at each point's cell, tables written by rank 0.
 *  Collective over comm. */
sx_err sx_rs_accuracy_run(MPI_Comm comm, const sx_rs_accuracy_opts_t *o);

/* ------------------------------------------------------------ accuracy sample */

/**
 * Stratum sample sizes n[0..k) of a stratified random sample whose k strata
 * are map classes with mapped[h] > 0 pixels. Not collective.
 *
 * per_class > 0: equal allocation, n[h] = per_class. Otherwise `total` units
 * as Olofsson et al. (2014, doi:10.1016/j.rse.2014.02.015, sections 5.1-5.2)
 * recommend: a class whose proportional share total * mapped[h] / sum(mapped)
 * falls below min_per_class gets min_per_class, the rest of the total is
 * shared by the other classes in proportion to their mapped pixels
 * (proportional allocation, Cochran 1977, Sampling Techniques, chapter 5),
 * repeated until no share falls below the minimum. Shares are rounded by
 * largest remainders (ties to the lower stratum), so sum n = total exactly.
 * Fails (SX_ERR_USAGE) when total < k * min_per_class.
 */
sx_err sx_rs_sample_allocate(int k, const int64_t *mapped, int64_t per_class, int64_t total, int64_t min_per_class,
                             int64_t *n);

typedef struct {
    const char *map;          /* class raster: whole numbers 0 .. 254, 255 or nodata = not mapped */
    int band;                 /* band of the map (0: 1) */
    const char *reference;    /* reference class raster on the map's grid, or NULL */
    const char *exclude;      /* points/polygons whose cells are not drawn (e.g. the training samples), or NULL */
    const char *exclude_layer; /* its layer, or NULL: the first */
    int64_t per_class;        /* > 0: equal allocation */
    int64_t total;            /* else: total sample size ... */
    int64_t min_per_class;    /* ... with this minimum per class */
    uint64_t seed;
    const char *out_gpkg;     /* the sample points */
    const char *layer;        /* their layer name */
    const char *out_csv;      /* the strata: pixels, excluded, unlabelled, eligible, sample size */
    const char *provenance;   /* JSON stored in the GeoPackage's metadata, or NULL */
} sx_rs_sample_opts_t;

/** A stratified random sample of a class map for accuracy assessment
 *  (strata = map classes; Olofsson et al. 2014, sections 5.1-5.2; Cochran 1977,
 *  chapter 5): in each stratum, the n_h eligible cells with the smallest keys
 *  splitmix64(seed, cell index) — a simple random sample without replacement
 *  (random sort, Sunter 1977) — chosen from the ranks' k smallest, so the
 *  sample is the same at any rank count. Eligible: mapped, not under an
 *  exclude feature, and with a reference class where a reference is given
 *  (unlabelled cells are left out of the frame; docs/remote-sensing.md).
 *  Writes the points at cell centres (map's CRS) with map_class, reference,
 *  the stratum's counts, and the strata table. Collective over comm. */
sx_err sx_rs_sample_run(MPI_Comm comm, const sx_rs_sample_opts_t *o);

/* ------------------------------------------------------------ change patches */

typedef struct {
    const char *before, *after; /* class maps on one grid: whole numbers 0 .. 254, 255 or nodata = not mapped */
    int connect8;               /* 0: patches 4-connected (default), 1: 8-connected */
    double mmu;                 /* minimum mapping unit: patches smaller are dropped (0: keep all) */
    int mmu_cells;              /* 1: mmu in cells, 0: in m^2 */
    const char *classes;        /* CSV with columns class,name (or NULL) */
    const char *out_tif;        /* change code raster: from * 1000 + to where the class changed, 0 elsewhere */
    const char *out_gpkg;       /* the patches */
    const char *layer;          /* their layer name */
    const char *out_csv;        /* the from -> to transition table (the change matrix) */
    const char *provenance;     /* JSON for the raster, or NULL */
} sx_rs_patches_opts_t;

/** Change patches between two class maps: the change code raster (computed
 *  per block on every rank), the transition cells and areas (integer sums
 *  reduced exactly over the ranks), and the polygons of each connected
 *  from -> to region (polygonized on rank 0, so a patch that crosses block
 *  edges is one polygon) with patch_id in raster-scan order of each patch's
 *  first cell, classes, cells, area on the ground (m^2, ha) and centroid.
 *  Patches under the minimum mapping unit are dropped from the layer (they
 *  stay in the transition table's cells and areas). Collective over comm. */
sx_err sx_rs_patches_run(MPI_Comm comm, const sx_rs_patches_opts_t *o);

#endif
