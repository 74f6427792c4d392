/*
 * index_catalogue.h — the tables generated from the Awesome Spectral Indices
 * catalogue into index_catalogue.c (not public; see sx_rs.h for the API).
 */
#ifndef SX_RS_INDEX_CATALOGUE_H
#define SX_RS_INDEX_CATALOGUE_H

#include "sanxiang/sx_rs.h"

/* A band code of the catalogue's bands.json (plus the radar codes). */
typedef struct {
    const char *code;        /* N, R, RE1, VV, ... */
    const char *common_name; /* nir, red, rededge071, vv, ... */
    const char *long_name;
    double min_nm, max_nm;   /* wavelength range (0 for radar) */
    const char *platforms;   /* "landsat8:B4:655 sentinel2a:B4:664.6 ..." (platform:band:centre nm) */
} sx__rs_asi_band_t;

/* A constant of constants.json. */
typedef struct {
    const char *name;
    double def;
    int has_def; /* 0: no default (PAR, the lambda wavelengths): the user gives it */
    const char *description;
} sx__rs_asi_const_t;

extern const char sx__rs_asi_version[];
extern const sx_rs_index_t sx__rs_asi_indices[];      /* terminated by a zeroed entry */
extern const sx__rs_asi_band_t sx__rs_asi_bands[];    /* idem */
extern const sx__rs_asi_const_t sx__rs_asi_constants[]; /* idem */

#endif
