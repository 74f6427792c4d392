/*
 * sx_econ_run.h — the indicator pipelines as whole runs: a composite index
 * from a panel and a dictionary, the target-tracking table of a plan, and the
 * Monte Carlo uncertainty and sensitivity analysis of an index. These read
 * CSV inputs and write CSV tables plus a Markdown methodology note into an
 * output directory; the job steps (econ_index, econ_targets,
 * econ_uncertainty) and `sanxiang econ ...` call them.
 */
#ifndef SX_ECON_RUN_H
#define SX_ECON_RUN_H

#include <mpi.h>
#include <stdint.h>
#include "sx_econ.h"

#define SX_ECON_MAX_LEVELS 8

typedef enum { SX_W_DICT = 0, SX_W_EQUAL, SX_W_ENTROPY, SX_W_CRITIC, SX_W_PCA } sx_econ_wmethod;
sx_err sx_econ_wmethod_parse(const char *s, sx_econ_wmethod *out);

/** AHP judgements for the children of one parent (in dictionary order). */
typedef struct {
    const char *parent;
    int n;
    double a[16 * 16]; /* n x n pairwise matrix, row-major */
} sx_econ_ahp_t;

typedef struct {
    const char *data_path, *dict_path;
    const char *data_sheet, *dict_sheet; /* XLSX sheet names (NULL: the first sheet) */
    int data_header_row, dict_header_row; /* XLSX row of column names (0: row 1) */
    sx_econ_read_opts_t read;
    sx_impute impute;
    double screen;                 /* minimum unit coverage, 0 = keep all */
    int treat;                     /* outlier treatment on/off */
    sx_econ_treat_opts_t treat_opts;
    sx_econ_norm_opts_t norm;
    int norm_panel;                /* 1: treat outliers and normalise over all unit-years of the panel
                                      (one scale for every year), 0: within the scored year */
    sx_econ_wmethod weights;       /* indicator weights within each parent */
    sx_agg agg[SX_ECON_MAX_LEVELS];/* per level above the indicators */
    const sx_econ_ahp_t *ahp;      /* AHP matrices replacing the dictionary weights of some parents */
    int n_ahp;
} sx_econ_index_opts_t;

/** Defaults: COINr's example choices without denominators or groups. */
void sx_econ_index_opts_default(sx_econ_index_opts_t *o);

/** Everything an index run produces. Owning. */
typedef struct {
    sx_econ_frame_t *frame;
    sx_econ_data_t *data;      /* after screening: the scored units */
    double *raw;               /* n_unit x n_ind after denomination and imputation */
    double *unimputed;         /* n_unit x n_ind after denomination, before imputation (scored units) */
    double *treated;           /* after outlier treatment */
    double *scores;            /* n_unit x n_node: normalised indicators, then aggregates */
    int *rank;                 /* n_unit x n_node (aggregates only; 0 for indicators) */
    double *weight;            /* n_node: weight used within the parent (sums to 1 per parent) */
    double *ind_cov, *unit_cov;/* coverage before imputation (unit_cov over all units read) */
    char **unit_all;           /* all unit codes read (n_unit_all), for the coverage report */
    int n_unit_all;
    int *kept;                 /* n_unit_all: kept by screening */
    int64_t n_imputed;
    sx_econ_treat_info_t *tinfo;
    double ahp_cr[32], ahp_lmax[32]; /* per opts->ahp entry */
} sx_econ_index_t;

/** Read, treat, normalise, weight and aggregate. Not collective (pure
 *  computation on the caller's rank). */
sx_err sx_econ_index_compute(const sx_econ_index_opts_t *o, sx_econ_index_t **out);
void sx_econ_index_destroy(sx_econ_index_t **r);

/** Write scores.csv, weights.csv, data_quality.csv, units_quality.csv,
 *  treated.csv, normalised.csv and methodology.md into out_dir (rank 0
 *  writes; temporary names; every rank agrees). Collective over comm. */
sx_err sx_econ_index_write(MPI_Comm comm, const sx_econ_index_opts_t *o, const sx_econ_index_t *r,
                           const char *out_dir, const char *provenance);

/** Boundaries to join scores to (a GeoPackage layer for choropleths). */
typedef struct {
    const char *path;            /* any OGR vector source; CSV with a WKT column works */
    const char *code_field;      /* field holding the unit code */
    const char *geometry_column; /* WKT column of a CSV source, NULL otherwise */
    const char *crs;             /* CRS when the source has none (never guessed); must match if it has one */
} sx_econ_gpkg_opts_t;

/** Write <out_dir>/scores.gpkg: every boundary feature with code, name and
 *  each aggregate's score and rank (empty when the unit was not scored).
 *  Rank 0 writes through a temporary name; all ranks agree. Needs
 *  sx_gdal_init(). Collective over comm. */
sx_err sx_econ_gpkg_write(MPI_Comm comm, const sx_econ_index_t *r, const sx_econ_gpkg_opts_t *g, const char *out_dir);

/** Collect the CSV tables dir/csvs[k] (those that exist) into the workbook
 *  dir/file, one sheet per table named sheets[k], formatted for reading
 *  (frozen bold header, number formats, fitted widths, filters). Rank 0
 *  writes through a temporary name. Fails with SX_ERR_CONFIG when built
 *  without libxlsxwriter. Collective over comm. */
sx_err sx_econ_xlsx_write(MPI_Comm comm, const char *dir, const char *file, int n, const char *const *sheets,
                          const char *const *csvs);

/** ranked_scores.svg: units by rank, bars split into weighted pillar
 *  scores when every level is arithmetic. Collective (rank 0 writes). */
sx_err sx_econ_svg_bars(MPI_Comm comm, const sx_econ_index_opts_t *o, const sx_econ_index_t *r, const char *dir);

/* ---- target tracking ---- */

typedef struct {
    const char *plan_path;    /* the plan's indicator table */
    const char *values_path;  /* optional long table of yearly values: code,year,value */
    const char *plan_sheet, *values_sheet; /* XLSX sheets (NULL: the first) */
    const char *code_col, *name_col, *unit_col, *group_col, *base_col, *target_col, *dir_col;
    int base_year, target_year;
} sx_econ_targets_opts_t;

/** Track every indicator of the plan and write targets.csv and targets.md.
 *  Without values_path the latest value is the base (the table at the
 *  start of the plan: required growth only). Collective over comm. */
sx_err sx_econ_targets_run(MPI_Comm comm, const sx_econ_targets_opts_t *o, const char *out_dir,
                           const char *provenance);

/* ---- Monte Carlo uncertainty and Sobol sensitivity ---- */

typedef struct {
    int64_t n_base;        /* Saltelli base samples N; model runs = N (k + 2) */
    uint64_t seed;
    int batch;             /* samples per batch (BLAS matrix product); fixed => results independent of ranks */
    double weight_spread;  /* weights multiplied by U(1 - s, 1 + s) */
    int vary_norm, vary_agg, vary_impute, vary_weights; /* which choices are uncertain */
} sx_econ_mc_opts_t;

typedef struct {
    int n_unit, n_factor;
    int *nominal_rank;     /* n_unit */
    int *median_rank, *q05, *q95; /* n_unit */
    double *mean_rank;     /* n_unit */
    int64_t *hist;         /* n_unit x n_unit: count of samples with rank r+1 */
    double si[4], st[4];   /* first-order and total Sobol indices per factor */
    double var_y;          /* variance of the output Y (mean |rank shift|) */
    int64_t n_runs;
    const char *factor_name[4];
} sx_econ_mc_result_t;

/** Monte Carlo over the analyst's choices for an index already read with
 *  imputation both on and off (on: r_imp, off: r_raw may be the same data
 *  when vary_impute is 0). Factors: normalisation (min-max 1-100, z-score
 *  100 +- 10, percentile rank), aggregation (arithmetic, geometric),
 *  imputation (on/off: off re-normalises weights over available values),
 *  weights (each weight x U(1 - s, 1 + s)). Sample j of matrix A or B is
 *  drawn from its own counter-based stream (seed, j, matrix), so results are
 *  bit-identical at any rank count. Collective over comm. */
sx_err sx_econ_mc_run(MPI_Comm comm, const sx_econ_frame_t *f, const double *x_imp, const double *x_raw, int n_unit,
                      const sx_econ_mc_opts_t *o, sx_econ_mc_result_t *res);
void sx_econ_mc_result_fini(sx_econ_mc_result_t *res);

/** Write uncertainty.csv (per unit: nominal, median, mean, 5 % and 95 %
 *  ranks) and sensitivity.csv (Si, STi per factor). Collective. */
sx_err sx_econ_mc_write(MPI_Comm comm, const sx_econ_mc_result_t *res, char *const *units, const char *out_dir);

/** rank_uncertainty.svg: median rank and 5-95 % interval per unit against
 *  the nominal rank. Collective (rank 0 writes). */
sx_err sx_econ_svg_uncertainty(MPI_Comm comm, const sx_econ_mc_result_t *res, const sx_econ_data_t *d, const char *dir);

#endif
