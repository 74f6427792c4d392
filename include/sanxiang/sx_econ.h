/*
 * sx_econ.h — composite indicators for planners: indicator tables, data
 * treatment, normalisation, weights, aggregation over a hierarchy, and target
 * tracking. Methods follow the JRC/OECD Handbook on Constructing Composite
 * Indicators (OECD 2008, ISBN 978-92-64-04345-9) and the JRC's COINr package
 * (Becker et al. 2022, JOSS 7(78) 4567, doi:10.21105/joss.04567); each
 * function's comment names the exact variant. docs/indicators.md explains the
 * methods for planners.
 *
 * Data layout: a unit x indicator matrix, row-major (x[u * n_ind + i]),
 * missing values are NaN. None of the functions here is collective; the
 * Monte Carlo analysis (sx_econ_mc.h) is.
 */
#ifndef SX_ECON_H
#define SX_ECON_H

#include <stdint.h>
#include "sx_err.h"
#include "sx_table.h"

/* ---- framework: indicator dictionary and hierarchy ---- */

/** Nodes of the hierarchy: indicators (level 1) come first, then aggregates
 *  by increasing level; the top level has one node, the index. Owning. */
typedef struct {
    int n_node, n_ind, n_level;
    char **code, **name, **unit, **denom; /* denom: denominator column or NULL */
    int *level;    /* 1 = indicator */
    int *parent;   /* node index, -1 for the index */
    int *dir;      /* +1 / -1 (indicators) */
    double *weight;/* weight within the parent (re-normalised on use) */
    double *target;/* NaN if none */
} sx_econ_frame_t;

/** Build the framework from a dictionary table with columns code (iCode),
 *  parent (Parent|pillar), level (Level; optional when parent codes define
 *  it), direction, weight, denominator, target, name, unit; rows whose Type
 *  is Group/Denominator/Other are skipped. Checks: unique codes, parents
 *  exist, one root, directions +-1, weights >= 0. */
sx_err sx_econ_frame_from_table(const sx_table_t *t, sx_econ_frame_t **out);
void sx_econ_frame_destroy(sx_econ_frame_t **f);
/** Node index of code or -1. */
int sx_econ_frame_find(const sx_econ_frame_t *f, const char *code);

/** Indicator data for one year. Owning. */
typedef struct {
    int n_unit, n_ind;
    char **unit;   /* unit codes */
    char **uname;  /* unit names ("" if none) */
    char **group;  /* group label per unit, NULL if no group column chosen */
    double *x;     /* n_unit * n_ind */
    int n_year;    /* years in the panel (1 for a cross-section) */
    int *years;    /* n_year */
    int year_index;/* index of the selected year in years */
    double *panel; /* n_year * n_unit * n_ind, [y][u][i]; NULL if n_year == 1 */
} sx_econ_data_t;

typedef struct {
    const char *unit_col;   /* "uCode|code|adcode" default */
    const char *name_col;   /* optional */
    const char *time_col;   /* "Time|year" default; absent = cross-section */
    const char *group_col;  /* NULL for none */
    int year;               /* selected year; 0 = latest in the panel */
    int denominate;         /* divide by the dictionary's denominator columns */
} sx_econ_read_opts_t;

/** Extract units x indicators of f from a data table (wide: one column per
 *  indicator code, one row per unit[-year]). Denominators are applied per
 *  row when asked. Fails naming the file if an indicator column, a
 *  denominator column or a selected year is missing, or a unit-year repeats. */
sx_err sx_econ_data_from_table(const sx_table_t *t, const sx_econ_frame_t *f,
                               const sx_econ_read_opts_t *o, sx_econ_data_t **out);
void sx_econ_data_destroy(sx_econ_data_t **d);

/* ---- data checks and treatment ---- */

/** Fraction of available values per unit (n_unit) and per indicator (n_ind). */
void sx_econ_coverage(const double *x, int n_unit, int n_ind, double *unit_cov, double *ind_cov);

typedef enum { SX_IMPUTE_NONE = 0, SX_IMPUTE_MEAN, SX_IMPUTE_GROUP_MEAN, SX_IMPUTE_LINEAR, SX_IMPUTE_LAST } sx_impute;
/** Parse "none|mean|group_mean|linear|last". */
sx_err sx_econ_impute_parse(const char *s, sx_impute *out);
/** Impute data (in place). MEAN: indicator mean over units; GROUP_MEAN:
 *  mean over units of the same group (COINr i_mean_grp), NaN stays when the
 *  whole group is missing; LINEAR / LAST: over the panel's years (linear
 *  interpolation between the nearest observed years, constant beyond the
 *  ends / last observation carried forward), then d->x is refreshed from the
 *  selected year. Returns the number of values imputed in *n_imputed. */
sx_err sx_econ_impute(sx_econ_data_t *d, sx_impute m, int64_t *n_imputed);

/** Keep units whose coverage is >= thresh (COINr Screen byNA: dat_thresh).
 *  Removes rows of d in place; kept[u] tells which of the original rows stay
 *  (caller-allocated n_unit, may be NULL). */
sx_err sx_econ_screen(sx_econ_data_t *d, double thresh, int *kept);

/** Skewness and kurtosis as e1071 type 2 / Excel SKEW and KURT (the
 *  definitions COINr's skew() and kurt() use), over non-NaN values. */
double sx_econ_skew(const double *x, int n, int stride);
double sx_econ_kurt(const double *x, int n, int stride);

typedef struct {
    int winmax;         /* 5 */
    double skew_thresh; /* 2 */
    double kurt_thresh; /* 3.5 */
} sx_econ_treat_opts_t;

typedef enum { SX_TREAT_NONE = 0, SX_TREAT_WINSOR, SX_TREAT_LOG } sx_treat_kind;
typedef struct {
    sx_treat_kind kind;
    int nwin;            /* points Winsorised (COINr's count) */
    double skew0, kurt0, skew1, kurt1;
} sx_econ_treat_info_t;

/** COINr Treat defaults: an indicator fails when |skew| >= skew_thresh AND
 *  kurt >= kurt_thresh; failing indicators are Winsorised one extreme at a
 *  time (highest if skew >= 0, else lowest, replaced by the next value) until
 *  they pass or winmax points are reached; if still failing, the ORIGINAL
 *  values get log_CT: ln(x - min + 0.01 (max - min)). Column stride n_ind. */
sx_err sx_econ_treat(double *x, int n_unit, int n_ind, const sx_econ_treat_opts_t *o, sx_econ_treat_info_t *info);

/* ---- normalisation ---- */

typedef enum { SX_NORM_MINMAX = 0, SX_NORM_ZSCORE, SX_NORM_RANK, SX_NORM_TARGET, SX_NORM_BEST } sx_norm;
sx_err sx_econ_norm_parse(const char *s, sx_norm *out);
typedef struct {
    sx_norm method;
    double lo, hi;     /* MINMAX scale (0, 100) */
    double mean, sd;   /* ZSCORE scale (0, 1) */
} sx_econ_norm_opts_t;
/** Normalise each indicator column (in place), after multiplying by its
 *  direction: MINMAX (x-min)/(max-min)*(hi-lo)+lo; ZSCORE (x-mean)/sd*sd'+mean'
 *  with the sample sd (n-1); RANK: rank with ties averaged (1 = lowest);
 *  TARGET: min(x/target, 1)*100 (direction -1: min(target/x, 1)*100);
 *  BEST: x/max*100 (distance to the best performer, direction -1: min/x*100).
 *  targets may be NULL unless TARGET. A constant column fails naming it. */
sx_err sx_econ_normalise(double *x, int n_unit, int n_ind, const int *dir, const double *targets,
                         const char *const *codes, const sx_econ_norm_opts_t *o);

/* ---- weights ---- */

/** Entropy weights (Shannon 1948 as used in EWM, e.g. Zou et al. 2006,
 *  doi:10.1016/S1001-6058(06)60033-9): p_ui = x_ui / sum_u x_ui over
 *  non-negative normalised data; e_i = -1/ln(n) sum p ln p (0 ln 0 = 0);
 *  w_i = (1 - e_i) / sum (1 - e_j). */
sx_err sx_econ_weights_entropy(const double *x, int n_unit, int n_ind, double *w);
/** CRITIC (Diakoulaki et al. 1995, doi:10.1016/0305-0548(94)00059-H):
 *  x is min-max normalised per column to [0, 1] (direction -1 reversed, dir
 *  may be NULL); C_i = sd_i * sum_j (1 - r_ij) with Pearson r; w = C / sum C
 *  (the choice of n or n-1 in sd cancels in the ratio). */
sx_err sx_econ_weights_critic(const double *x, int n_unit, int n_ind, const int *dir, double *w);
/** AHP (Saaty 1980): principal right eigenvector of the reciprocal pairwise
 *  matrix a (n x n, row-major) by LAPACKE_dgeev, normalised to sum 1;
 *  lambda_max, CI = (lambda_max - n)/(n - 1), CR = CI / RI(n) with Saaty's
 *  random index (RI 0, 0, .58, .90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49 for
 *  n = 1..10). Fails when a is not positive reciprocal. */
sx_err sx_econ_weights_ahp(const double *a, int n, double *w, double *lambda_max, double *cr);
/** Factor-based weights (OECD 2008 Handbook, section 6.1): principal
 *  components of the correlation matrix (LAPACKE_dsyevd); kept: eigenvalue
 *  > 1 and share > 10 % (at least one), extended until 60 % cumulative
 *  variance; varimax rotation with Kaiser normalisation (Kaiser 1958,
 *  doi:10.1007/BF02289233, pairwise sweeps); each indicator joins the factor
 *  where its squared loading scaled to unity within the factor is largest;
 *  w_i = that scaled squared loading x (factor's explained variance / total
 *  of the kept factors), normalised to sum 1. Needs complete data. */
sx_err sx_econ_weights_pca(const double *x, int n_unit, int n_ind, double *w);

/* ---- aggregation ---- */

typedef enum { SX_AGG_ARITH = 0, SX_AGG_GEOM, SX_AGG_TOPSIS } sx_agg;
sx_err sx_econ_agg_parse(const char *s, sx_agg *out);
/** Aggregate one group of k columns of x (columns cols[0..k)) with weights
 *  w into out[n_unit]. ARITH: sum w x / sum w over available values (COINr
 *  a_amean); GEOM: exp(sum w ln x / sum w) over available values, a zero
 *  gives 0 and a negative value fails (normalise to a positive scale);
 *  TOPSIS (Hwang & Yoon 1981, vector normalisation, weighted Euclidean
 *  distances to the ideal and anti-ideal of the data, closeness
 *  D-/(D+ + D-)*100; missing values fail). A unit with no available value
 *  gets NaN. */
sx_err sx_econ_aggregate(const double *x, int n_unit, int stride, const int *cols, int k, const double *w,
                         sx_agg m, double *out);

/** TOPSIS on raw data with directions (dir -1: the ideal is the minimum;
 *  dir may be NULL): closeness in [0, 1] (not x100) into out[n_unit]. */
sx_err sx_econ_topsis(const double *x, int n_unit, int n_crit, const double *w, const int *dir, double *out);

/** Scores at every node: out is n_unit x n_node (row-major) with the
 *  indicator columns copied from xn (normalised data) and each aggregate
 *  node computed from its children with method[level-2] (one per level
 *  above the indicators) and the frame's weights (or w_override per node if
 *  not NULL). */
sx_err sx_econ_aggregate_tree(const sx_econ_frame_t *f, const double *xn, int n_unit, const sx_agg *method,
                              const double *w_override, double *out);

/** Ranks (1 = highest score, ties share the lowest rank, NaN last). */
void sx_econ_rank_desc(const double *score, int n, int stride, int *rank);

/* ---- target tracking ---- */

typedef struct {
    double base, target, latest;
    int base_year, target_year, latest_year;
    double completion;    /* (latest - base) / (target - base) * 100 */
    double cagr_required; /* (target/base)^(1/(ty-by)) - 1, % */
    double cagr_actual;   /* (latest/base)^(1/(ly-by)) - 1, % */
    double expected;      /* linear path value at latest_year */
    int on_track;         /* 1 yes, 0 no, -1 unknown */
} sx_econ_target_t;

/** Track one indicator. Direction +1 (more is better) or -1. On track when
 *  completion >= elapsed share of the period ((ly-by)/(ty-by)); at the base
 *  year (nothing elapsed) on_track = -1. CAGR needs positive values,
 *  else NaN. A target equal to the base gives completion 100 if latest
 *  reaches it. */
sx_err sx_econ_target_track(double base, int base_year, double target, int target_year, double latest,
                            int latest_year, int dir, sx_econ_target_t *t);

#endif
