/*
 * econ_step_opts.h — the job-file keys shared by the econ_index and
 * econ_uncertainty steps (both describe one composite index), and their
 * translation into sx_econ_index_opts_t.
 */
#ifndef SX_JOBS_ECON_STEP_OPTS_H
#define SX_JOBS_ECON_STEP_OPTS_H

#include "sanxiang/sx_econ_run.h"
#include "sanxiang/sx_job.h"

#define SX_ECON_INDEX_FIELDS                                                                                          \
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "econ_index / econ_uncertainty"},                                  \
    {"data", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "indicator table (CSV or XLSX): one row per unit[-year], a column per code"}, \
    {"data_sheet", SX_CFG_T_STRING, 0, "first sheet", 1, 0, NULL, "XLSX sheet holding the indicator table"},           \
    {"data_header_row", SX_CFG_T_INT, 0, "1", 1, 1000000, NULL, "XLSX row holding the column names (rows above: titles)"}, \
    {"dictionary", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "indicator dictionary (CSV or XLSX): code, parent, direction, weight, ..."}, \
    {"dictionary_sheet", SX_CFG_T_STRING, 0, "first sheet", 1, 0, NULL, "XLSX sheet holding the dictionary"},          \
    {"dictionary_header_row", SX_CFG_T_INT, 0, "1", 1, 1000000, NULL, "XLSX row holding the dictionary's column names"}, \
    {"unit_column", SX_CFG_T_STRING, 0, "uCode|code|adcode|unit", 1, 0, NULL, "column(s) holding unit codes"},        \
    {"name_column", SX_CFG_T_STRING, 0, "uName|name", 1, 0, NULL, "column(s) holding unit names"},                    \
    {"time_column", SX_CFG_T_STRING, 0, "Time|year", 1, 0, NULL, "column(s) holding the year (absent: one year)"},    \
    {"group_column", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "unit groups for group-mean imputation"},                  \
    {"year", SX_CFG_T_INT, 0, "latest", 0, 9999, NULL, "year to score (0 = latest)"},                                  \
    {"denominate", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL, "divide by the dictionary's denominator columns"},          \
    {"impute", SX_CFG_T_ENUM, 0, "none", 1, 0, "none|mean|group_mean|linear|last", "imputation of missing values"},   \
    {"screen", SX_CFG_T_FLOAT, 0, "0", 0, 1, NULL, "drop units with coverage below this fraction"},                   \
    {"treat", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "outlier treatment (Winsorise, else log)"},                        \
    {"winmax", SX_CFG_T_INT, 0, "5", 0, 1000, NULL, "most points Winsorised per indicator"},                           \
    {"skew", SX_CFG_T_FLOAT, 0, "2", 0, 1e9, NULL, "|skewness| threshold"},                                           \
    {"kurtosis", SX_CFG_T_FLOAT, 0, "3.5", -1e9, 1e9, NULL, "kurtosis threshold"},                                    \
    {"normalise", SX_CFG_T_ENUM, 0, "minmax", 1, 0, "minmax|zscore|rank|target|best", "normalisation"},               \
    {"normalise_scope", SX_CFG_T_ENUM, 0, "year", 1, 0, "year|panel", "normalise (and treat outliers) within the scored year or over all years"}, \
    {"scale", SX_CFG_T_LIST, 0, "[0, 100]", 1, 0, NULL, "min-max range [lo, hi] or z-score [mean, sd]", NULL, "LO HI", 2, 2}, \
    {"weights", SX_CFG_T_ENUM, 0, "dictionary", 1, 0, "dictionary|equal|entropy|critic|pca", "indicator weights within each parent"}, \
    {"aggregation", SX_CFG_T_STRING, 0, "arithmetic", 1, 0, NULL, "arithmetic|geometric|topsis, or a comma list, one per level"}, \
    {"boundaries", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "vector boundaries to join scores to (writes scores.gpkg)"},         \
    {"boundary_code_field", SX_CFG_T_STRING, 0, "code", 1, 0, NULL, "boundary field holding the unit code"},           \
    {"boundary_geometry_column", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "WKT column when boundaries are a CSV"},        \
    {"boundary_crs", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "CRS of boundaries that carry none, e.g. EPSG:4490"},       \
    {"ahp", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "parent: pairwise matrix (rows of numbers or \"1/3\") for its children, in dictionary order", "-"}, \
    {"xlsx", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "also write the tables as one XLSX workbook (index.xlsx)"},      \
    {"output", SX_CFG_T_STRING, 0, "index", 1, 0, NULL, "sub-directory of the run directory for the tables", "-o", "DIR"}

/** Fill o from the step node (paths resolved through the job's inputs);
 *  AHP matrices go into ahp[0..16). */
sx_err sx__econ_index_opts_from_cfg(sx_job_t *job, const sx_cfg_node_t *node, sx_econ_index_opts_t *o, sx_econ_ahp_t *ahp);
/** The index tables as sheets of index.xlsx (with_mc adds the uncertainty sheets). Collective. */
sx_err sx__econ_index_xlsx(MPI_Comm comm, const char *dir, int with_mc);
/** Boundary options; g->path stays NULL when the step has no boundaries. */
sx_err sx__econ_gpkg_opts_from_cfg(sx_job_t *job, const sx_cfg_node_t *node, sx_econ_gpkg_opts_t *g);

#endif
