/*
 * step_fields.h — field-table entries that every raster-writing step shares
 * (one help text, one spelling): which files each raster output gets, and
 * whether it is kept in memory only.
 */
#ifndef SX_STEP_FIELDS_H
#define SX_STEP_FIELDS_H

#include "sanxiang/sx_config.h"

#define SX_STEP_F_OUTPUTS                                                                                      \
    {"outputs", SX_CFG_T_STRING, 0, "cog (or the job's)", 1, 0, NULL,                                         \
     "files of each raster output: cog (Cloud-Optimized GeoTIFF), nc (CF netCDF) or cog,nc", "--format",      \
     "cog|nc|cog,nc"}
#define SX_STEP_F_INTERMEDIATE                                                                                 \
    {"intermediate", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL,                                                   \
     "keep the raster outputs in memory for later steps only; write no raster file", "-"}

#endif
